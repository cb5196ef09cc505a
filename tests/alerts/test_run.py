"""``run_alerts`` end to end: a real webhook receiver and a real SMTP server on loopback.

The sample company's win rate fell from 75% (2024-Q1) to 10% (2024-Q2), below the 20% red
line: the KPI turned red and so did the finding "Win rate below 20%". The finding tells it
(with its evidence and action), so the run sends one item plus the weekly digest.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from pulse.alerts import (
    AlertConfig,
    RunResult,
    Senders,
    run_alerts,
    save_config,
    update_config,
)
from pulse.alerts.config import AlertConfigError
from pulse.alerts.state import STATE_FILE
from pulse.compute import Computer
from pulse.workspace.store import Workspace
from tests.alerts.conftest import Mailbox, Receiver
from tests.exports.sample import PERIOD, TODAY, small_profile

FINDING = "finding:win_rate_below_20:win_rate"


def _configure(ws: Workspace, receiver: Receiver | None, mailbox: Mailbox | None) -> None:
    config = update_config(
        AlertConfig(),
        webhook=receiver.url if receiver else None,
        email=["cro@example.com"] if mailbox else None,
        smtp_host=mailbox.host if mailbox else None,
        smtp_port=mailbox.port if mailbox else None,
        smtp_from="pulse@example.com" if mailbox else None,
        smtp_tls="none" if mailbox else None,
    )
    save_config(ws, config.model_copy(update={"backoff_seconds": 0.5, "attempts": 4}))


def _run(ws: Workspace, senders: Senders, today: date = TODAY, dry_run: bool = False) -> RunResult:
    computer = Computer(ws, profile=small_profile(), today=today)
    try:
        return run_alerts(
            ws, PERIOD, today=today, computer=computer, senders=senders, dry_run=dry_run
        )
    finally:
        computer.close()


def test_sends_once_then_nothing_new(
    alert_ws: Workspace, receiver: Receiver, mailbox: Mailbox, senders: Senders
) -> None:
    _configure(alert_ws, receiver, mailbox)
    first = _run(alert_ws, senders)
    assert [i.item for i in first.content.turned_red] == [FINDING]
    assert [(c.channel, c.status, c.items) for c in first.channels] == [
        ("webhook", "sent", [FINDING, "digest"]),
        ("email", "sent", [FINDING, "digest"]),
    ]
    (payload,) = receiver.bodies
    assert payload["blocks"][0]["text"]["text"] == (
        "Pulse · acme · 1 turned red in 2024-Q2 · weekly digest 2024-W29"
    )
    assert "✗ *Win rate below 20%*" in payload["blocks"][2]["text"]["text"]
    assert "1 more wins would reach 20%." in payload["text"]
    assert "★ Win rate: 10.0% · target 25.0% · ✗ red · ↓ worse, was 75.0%" in payload["text"]
    (mail,) = mailbox.messages
    assert mail["Subject"] == "Pulse · acme · 1 turned red in 2024-Q2 · weekly digest 2024-W29"
    body = mail.get_content()
    assert "Turned red since 2024-Q1:" in body
    assert "Win rate is 10.0% in 2024-Q2; the line is 20.0%" in body
    assert "Red now: KPIs — Win rate; red findings — 1." in body

    second = _run(alert_ws, senders)
    assert [(c.channel, c.status) for c in second.channels] == [
        ("webhook", "nothing new"),
        ("email", "nothing new"),
    ]
    assert len(receiver.requests) == 1
    assert len(mailbox.messages) == 1
    log = json.loads((alert_ws.path / STATE_FILE).read_text(encoding="utf-8"))
    assert sorted((e["item"], e["period"], e["channel"]) for e in log["sent"]) == [
        ("digest", "2024-W29", "email"),
        ("digest", "2024-W29", "webhook"),
        (FINDING, "2024-Q2", "email"),
        (FINDING, "2024-Q2", "webhook"),
    ]


def test_retries_then_records(
    alert_ws: Workspace, receiver: Receiver, senders: Senders, sleeps: list[float]
) -> None:
    _configure(alert_ws, receiver, None)
    receiver.fail_first = 2
    result = _run(alert_ws, senders)
    (channel,) = result.channels
    assert (channel.status, channel.attempts) == ("sent", 3)
    assert len(receiver.requests) == 3
    assert receiver.bodies[0] == receiver.bodies[2]  # the same message each time
    assert sleeps == [0.5, 1.0]
    assert _run(alert_ws, senders).channels[0].status == "nothing new"
    assert len(receiver.requests) == 3


def test_a_failed_channel_records_nothing_and_the_next_run_resends(
    alert_ws: Workspace, receiver: Receiver, mailbox: Mailbox, senders: Senders
) -> None:
    _configure(alert_ws, receiver, mailbox)
    receiver.fail_first = 100
    first = _run(alert_ws, senders)
    statuses = {c.channel: (c.status, c.attempts) for c in first.channels}
    assert statuses == {"webhook": ("failed", 4), "email": ("sent", 1)}
    assert first.failed
    failed = first.channels[0]
    assert failed.error is not None and failed.error.endswith("failed after 4 attempts: HTTP 500")
    receiver.fail_first = 0
    second = _run(alert_ws, senders)
    assert {c.channel: c.status for c in second.channels} == {
        "webhook": "sent",
        "email": "nothing new",
    }
    assert second.channels[0].items == [FINDING, "digest"]
    assert len(mailbox.messages) == 1


def test_dry_run_sends_and_records_nothing(
    alert_ws: Workspace, receiver: Receiver, senders: Senders
) -> None:
    _configure(alert_ws, receiver, None)
    result = _run(alert_ws, senders, dry_run=True)
    (channel,) = result.channels
    assert (channel.status, channel.items) == ("dry run", [FINDING, "digest"])
    assert channel.message is not None
    assert receiver.requests == []
    assert not (alert_ws.path / STATE_FILE).exists()


def test_next_week_brings_only_the_digest(
    alert_ws: Workspace, receiver: Receiver, senders: Senders
) -> None:
    _configure(alert_ws, receiver, None)
    _run(alert_ws, senders)
    later = _run(alert_ws, senders, today=TODAY + timedelta(days=7))
    assert later.channels[0].items == ["digest"]
    assert receiver.bodies[1]["blocks"][0]["text"]["text"] == (
        "Pulse · acme · weekly digest 2024-W30"
    )


def test_digest_off_and_nothing_red(
    alert_ws: Workspace, receiver: Receiver, senders: Senders
) -> None:
    _configure(alert_ws, receiver, None)
    save_config(alert_ws, update_config(AlertConfig(webhook=receiver.url), digest="off"))
    computer = Computer(alert_ws, profile=small_profile(), today=TODAY)
    try:
        # 2024-Q1 against 2023-Q4: nothing is red, and the digest is off.
        result = run_alerts(alert_ws, "2024-Q1", today=TODAY, computer=computer, senders=senders)
    finally:
        computer.close()
    assert result.content.turned_red == []
    assert result.channels[0].status == "nothing new"
    assert receiver.requests == []


def test_without_a_channel_it_says_how_to_configure(alert_ws: Workspace, senders: Senders) -> None:
    with pytest.raises(AlertConfigError) as info:
        run_alerts(alert_ws, PERIOD, senders=senders)
    assert info.value.message == "no alert channel is configured for 'acme'"
    assert info.value.hint == "pulse alerts configure acme --webhook URL (or --email ADDRESS …)"
