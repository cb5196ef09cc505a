"""``run_alerts``: work out what is new for each channel, send it, remember it.

Per channel (``webhook``, ``email``) a run sends one message holding every item that turned red
and has not gone out on that channel for this period, plus the weekly digest when it has not
gone out on that channel this ISO week. A channel with nothing new sends nothing. A channel that
fails records nothing, so the next run sends the same items again; the other channel is not held
back by it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pulse.alerts.config import AlertConfig, AlertConfigError, load_config
from pulse.alerts.delivery import DeliveryError
from pulse.alerts.digest import AlertContent, collect
from pulse.alerts.message import Message
from pulse.alerts.smtp import send_email
from pulse.alerts.state import sent_log
from pulse.alerts.webhook import post_json
from pulse.compute import Computer
from pulse.periods import Period, parse_period
from pulse.workspace.store import Workspace

DIGEST_ITEM = "digest"
DEFAULT_PERIOD = "this-quarter"


@dataclass
class ChannelResult:
    """What happened on one channel."""

    channel: str
    status: str  # sent | nothing new | failed | dry run
    items: list[str] = field(default_factory=list)
    attempts: int = 0
    error: str | None = None
    message: Message | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "channel": self.channel,
            "status": self.status,
            "items": self.items,
            "attempts": self.attempts,
            "error": self.error,
            "subject": self.message.subject if self.message else None,
        }


@dataclass
class RunResult:
    """The outcome of one ``pulse alerts run``."""

    content: AlertContent
    channels: list[ChannelResult]

    @property
    def failed(self) -> bool:
        """Whether any channel failed."""
        return any(c.status == "failed" for c in self.channels)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "workspace": self.content.workspace,
            **self.content.period.to_json(),
            "turned_red": [i.to_json() for i in self.content.turned_red],
            "digest": self.content.digest.to_json(),
            "channels": [c.to_json() for c in self.channels],
        }


@dataclass
class Senders:
    """How messages leave (real by default; tests pass a fast ``sleep``)."""

    sleep: Callable[[float], None] = time.sleep
    ssl_context: ssl.SSLContext | None = None
    timeout: float = 10.0


def _send(channel: str, config: AlertConfig, message: Message, senders: Senders) -> int:
    """Send ``message`` on ``channel``; the number of tries it took."""
    if channel == "webhook":
        assert config.webhook is not None
        return post_json(
            config.webhook,
            message.slack_payload(),
            attempts=config.attempts,
            backoff=config.backoff_seconds,
            timeout=senders.timeout,
            sleep=senders.sleep,
        ).attempts
    assert config.smtp is not None
    return send_email(
        config.smtp,
        config.email,
        message.subject,
        message.text(),
        attempts=config.attempts,
        backoff=config.backoff_seconds,
        sleep=senders.sleep,
        ssl_context=senders.ssl_context,
    ).attempts


def run_alerts(
    ws: Workspace,
    period: Period | str | None = None,
    *,
    dry_run: bool = False,
    as_of: date | None = None,
    today: date | None = None,
    computer: Computer | None = None,
    senders: Senders | None = None,
) -> RunResult:
    """Send what turned red in ``period`` (default: this quarter) and the weekly digest."""
    config = load_config(ws)
    channels = config.channels()
    if not channels:
        raise AlertConfigError(
            f"no alert channel is configured for '{ws.name}'",
            hint=f"pulse alerts configure {ws.name} --webhook URL (or --email ADDRESS …)",
        )
    config.check_complete()
    senders = senders or Senders()
    day = today or date.today()
    if period is None or isinstance(period, str):
        period = parse_period(
            period or DEFAULT_PERIOD, as_of or day, ws.settings.fiscal_year_start_month
        )
    own = computer is None
    comp = computer or Computer(ws, today=day)
    try:
        content = collect(comp, period, as_of=as_of, today=day)
    finally:
        if own:
            comp.close()
    digest = content.digest
    results: list[ChannelResult] = []
    with sent_log(ws) as log:
        for channel in channels:
            red = [
                item
                for item in content.turned_red
                if not log.was_sent(item.item, period.label, channel)
            ]
            digest_due = config.digest == "weekly" and not log.was_sent(
                DIGEST_ITEM, digest.week, channel
            )
            items = [i.item for i in red] + ([DIGEST_ITEM] if digest_due else [])
            if not items:
                results.append(ChannelResult(channel, "nothing new"))
                continue
            message = Message(
                ws.name,
                period.label,
                period.previous().label,
                red,
                digest if digest_due else None,
            )
            if dry_run:
                results.append(ChannelResult(channel, "dry run", items, 0, None, message))
                continue
            try:
                attempts = _send(channel, config, message, senders)
            except DeliveryError as exc:
                results.append(
                    ChannelResult(channel, "failed", items, exc.attempts, exc.message, message)
                )
                continue
            now = datetime.now(UTC)
            for item in red:
                log.record(item.item, period.label, channel, now)
            if digest_due:
                log.record(DIGEST_ITEM, digest.week, channel, now)
            log.save()
            results.append(ChannelResult(channel, "sent", items, attempts, None, message))
    return RunResult(content, results)
