"""An alert as words: a subject, a plain-text body and a Slack-compatible JSON payload.

The payload has a ``text`` (which every Slack-compatible receiver shows: Slack, Mattermost,
Rocket.Chat, Discord's ``/slack`` endpoint) and Block Kit ``blocks`` within Slack's limits
(a header of at most 150 characters, sections of at most 3,000, at most 50 blocks). Text from
the workspace is escaped for Slack's mrkdwn (``&``, ``<``, ``>``), so a company name cannot
forge a link or a mention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulse.alerts.digest import Digest, RedItem

MAX_ITEMS = 20
SECTION_LIMIT = 3000
HEADER_LIMIT = 150


@dataclass(frozen=True)
class Message:
    """What one channel receives in one run."""

    workspace: str
    period: str
    previous: str
    red: list[RedItem]
    digest: Digest | None

    @property
    def subject(self) -> str:
        """E.g. ``Pulse · acme · 2 turned red in 2024-Q2``."""
        parts = []
        if self.red:
            parts.append(f"{len(self.red)} turned red in {self.period}")
        if self.digest is not None:
            parts.append(f"weekly digest {self.digest.week}")
        return f"Pulse · {self.workspace} · " + " · ".join(parts or ["nothing new"])

    def text(self) -> str:
        """The plain-text body (e-mail, and the webhook's fallback text)."""
        out = [f"Pulse — {self.workspace} — {self.period}", ""]
        if self.red:
            out += [f"Turned red since {self.previous}:", ""]
            for item in self.red[:MAX_ITEMS]:
                out.append(f"✗ {item.title}")
                out.append(f"  {item.detail}")
                if item.action:
                    out.append(f"  Action: {item.action}")
                out.append("")
            if len(self.red) > MAX_ITEMS:
                out += [f"… and {len(self.red) - MAX_ITEMS} more.", ""]
        if self.digest is not None:
            out += _digest_lines(self.digest)
        return "\n".join(out).rstrip() + "\n"

    def slack_payload(self) -> dict[str, Any]:
        """A Slack incoming-webhook payload (``text`` plus Block Kit ``blocks``)."""
        blocks: list[dict[str, Any]] = [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": _cut(self.subject, HEADER_LIMIT)},
            }
        ]
        if self.red:
            blocks.append(_section(f"*Turned red since {_esc(self.previous)}*"))
            for item in self.red[:MAX_ITEMS]:
                body = f"✗ *{_esc(item.title)}*\n{_esc(item.detail)}"
                if item.action:
                    body += f"\n_Action:_ {_esc(item.action)}"
                blocks.append(_section(body))
            if len(self.red) > MAX_ITEMS:
                blocks.append(_section(f"… and {len(self.red) - MAX_ITEMS} more."))
        if self.digest is not None:
            blocks.append({"type": "divider"})
            blocks.append(_section(_esc("\n".join(_digest_lines(self.digest)))))
        return {"text": _esc(self.text()), "blocks": blocks}


def _digest_lines(digest: Digest) -> list[str]:
    out = [
        f"Weekly digest ({digest.week}) — leading indicators, {digest.period.label}:",
        "",
    ]
    for k in digest.lines:
        star = "★ " if k.core else ""
        judged = (
            f"target {k.target_text} · {k.status_label}"
            if k.target is not None
            else k.status_word  # no target, or missing data
        )
        out.append(f"{star}{k.name}: {k.value_text} · {judged} · {k.trend_short}")
    if not digest.lines:
        out.append("No leading indicator in this profile could be computed.")
    out.append("")
    red = ", ".join(digest.red_kpis) if digest.red_kpis else "none"
    out.append(f"Red now: KPIs — {red}; red findings — {digest.red_findings}.")
    for reason in digest.unavailable:
        out.append(f"Not computed: {reason}")
    return out


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}}
