"""Alert settings, the sent-log, and the message wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulse.alerts import AlertConfig, load_config, save_config, update_config
from pulse.alerts.config import AlertConfigError, mask_url
from pulse.alerts.digest import Digest, RedItem, iso_week
from pulse.alerts.message import MAX_ITEMS, Message
from pulse.alerts.state import SentLog
from pulse.errors import PulseError
from pulse.periods import parse_period
from pulse.workspace.store import create_workspace, open_workspace


def test_settings_round_trip_in_workspace_json(tmp_path: Path) -> None:
    ws = create_workspace("acme", "b2b_saas", tmp_path)
    config = update_config(
        load_config(ws),
        webhook="https://hooks.slack.com/services/T0/B0/SECRET",
        email=["cro@example.com"],
        smtp_host="smtp.example.com",
        smtp_from="pulse@example.com",
        smtp_user="pulse",
    )
    save_config(ws, config)
    again = load_config(open_workspace("acme", tmp_path))
    assert again == config
    assert again.smtp is not None and (again.smtp.port, again.smtp.tls) == (587, "starttls")
    assert again.channels() == ["webhook", "email"]
    shown = again.to_display()
    assert shown["webhook"] == "https://hooks.slack.com/***"
    assert "SECRET" not in json.dumps(shown)
    assert ws.settings.alerts["smtp"] == {  # the password's variable, never a password
        "host": "smtp.example.com",
        "port": 587,
        "user": "pulse",
        "sender": "pulse@example.com",
        "tls": "starttls",
        "password_env": "PULSE_SMTP_PASSWORD",
        "timeout": 20.0,
    }
    removed = update_config(again, webhook="", email=[""])
    assert removed.channels() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"webhook": "ftp://example.com/x"}, "invalid webhook URL 'ftp://example.com/***'"),
        ({"webhook": "not a url"}, "invalid webhook URL '***'"),
        ({"email": ["nobody"]}, "invalid e-mail address 'nobody'"),
        ({"email": ["cro@example.com"]}, "e-mail alerts need an SMTP server"),
        (
            {"smtp_host": "smtp.example.com"},
            "the SMTP server needs both --smtp-host and --smtp-from",
        ),
        ({"digest": "daily"}, "invalid alert settings: digest: Input should be 'weekly' or 'off'"),
    ],
)
def test_invalid_settings_say_what_is_wrong(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(AlertConfigError) as info:
        update_config(AlertConfig(), **kwargs)  # type: ignore[arg-type]
    assert info.value.message == message


def test_mask_url() -> None:
    assert (
        mask_url("https://hooks.example.com:8443/a/b?c=d") == "https://hooks.example.com:8443/***"
    )


def test_sent_log_persists_and_refuses_garbage(tmp_path: Path) -> None:
    path = tmp_path / "alerts-sent.json"
    log = SentLog(path)
    assert not log.was_sent("finding:x", "2024-Q2", "webhook")
    log.record("finding:x", "2024-Q2", "webhook")
    log.record("finding:x", "2024-Q2", "webhook")  # idempotent
    log.save()
    again = SentLog(path)
    assert again.was_sent("finding:x", "2024-Q2", "webhook")
    assert not again.was_sent("finding:x", "2024-Q2", "email")
    assert not again.was_sent("finding:x", "2024-Q3", "webhook")
    assert len(again.entries) == 1
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PulseError) as info:
        SentLog(path)
    assert info.value.message.startswith(f"{path}: unreadable alert log")


def _digest() -> Digest:
    return Digest(parse_period("2024-Q2"), "2024-W29", [], ["Win rate"], 1)


def test_slack_payload_escapes_and_stays_within_limits() -> None:
    items = [
        RedItem(f"finding:{i}", "finding", f"<!channel> rule {i}", "a & b", "do <this>")
        for i in range(MAX_ITEMS + 5)
    ]
    payload = Message("acme", "2024-Q2", "2024-Q1", items, _digest()).slack_payload()
    text = json.dumps(payload)
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; rule 0" in text
    assert "a &amp; b" in text
    assert len(payload["blocks"]) <= 50
    assert payload["blocks"][-1]["text"]["text"].startswith("Weekly digest (2024-W29)")
    assert any(b.get("text", {}).get("text") == "… and 5 more." for b in payload["blocks"])
    assert all(len(b["text"]["text"]) <= 3000 for b in payload["blocks"] if "text" in b)


def test_subject_and_text() -> None:
    message = Message("acme", "2024-Q2", "2024-Q1", [], _digest())
    assert message.subject == "Pulse · acme · weekly digest 2024-W29"
    assert message.text() == (
        "Pulse — acme — 2024-Q2\n\n"
        "Weekly digest (2024-W29) — leading indicators, 2024-Q2:\n\n"
        "No leading indicator in this profile could be computed.\n\n"
        "Red now: KPIs — Win rate; red findings — 1.\n"
    )


def test_iso_week() -> None:
    from datetime import date

    assert iso_week(date(2024, 12, 30)) == "2025-W01"
