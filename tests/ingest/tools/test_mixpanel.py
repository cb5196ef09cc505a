"""Mixpanel presets: raw event export JSON lines → signups, health_signals usage, value_events.

The sample (samples/mixpanel_events.jsonl) is written from the documented export shape: one
``{"event", "properties": {"time", "distinct_id", "$insert_id", ...}}`` per line, with a Group
Analytics key ``company_id``. Its 16 lines:

 1 acme-001   Signed Up             2024-01-05 10:00:00 UTC
 2 acme-001   Report Exported       2024-01-05 11:00:00       (insert id …0002)
 3 acme-001   Report Exported       2024-01-05 11:00:00       line 2 again: a duplicate
 4 acme-001   Activated             2024-01-06 23:59:59 UTC   (2024-01-07 in Tokyo)
 5 acme-001   PQL                   2024-01-08 00:00:01.250, time in milliseconds
 6 acme-001   Activated             2024-01-09 (a later activation: the first one counts)
 7 acme-001   $identify             2024-01-09 (identity bookkeeping: not usage)
 8 globex-002 sign_up               2024-01-07
 9 globex-002 First Value           2024-01-10
10 globex-002 Subscription Started  2024-01-20
11 globex-002 Plan Upgraded         2024-02-01
12 (no key)   Signup                2024-01-08, $email cy@initech.io → initech.io
13 (no key)   First Value Reached   2024-01-09, $email Dee@Initech.io → initech.io
14 (no key)   Signed Up             2024-01-08, $email at gmail.com: no company, left out
15 hooli-003  Activated             2024-01-11 (never signed up in this export)
16 umbrella-004 (a list) Dashboard Viewed 2024-01-12
"""

from __future__ import annotations

import gzip
import io
import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.ingest.event_map import EventMapError, default_event_map
from pulse.ingest.normalizers import normalizer_context
from pulse.ingest.normalizers.events import Event, epoch_day, scan
from pulse.ingest.normalizers.mixpanel import parse_event
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

SAMPLE = Path(__file__).parent / "samples" / "mixpanel_events.jsonl"
SIGNUPS = (
    "SELECT account_id, signed_up_at, activated_at, pql_at, paid_at, upgraded_at"
    " FROM signups ORDER BY 1"
)
USAGE = "SELECT account_id, observed_at, usage FROM health_signals ORDER BY 1, 2"
VALUE = "SELECT account_id, occurred_at, kind FROM value_events ORDER BY 1, 2, 3"


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in a local time zone nine hours ahead of UTC: dates must still be UTC dates."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_signups_first_milestone_dates_per_account(ws: Workspace, tokyo: None) -> None:
    with normalizer_context(ws.path) as context:
        result = import_file(ws, "signups", SAMPLE, mapping="mixpanel_signups")
    assert (result.rows_read, result.inserted) == (3, 3)
    assert rows(ws, SIGNUPS) == [
        # line 4 at 23:59:59 UTC is 6 January (7 January in Tokyo); line 5 is in ms;
        # the later activation (line 6) does not move the first
        ("acme-001", date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 8), None, None),
        # "sign_up" matches the default "Sign Up" (case and punctuation ignored)
        ("globex-002", date(2024, 1, 7), None, None, date(2024, 1, 20), date(2024, 2, 1)),
        # no group key: the $email's domain is the account
        ("initech.io", date(2024, 1, 8), None, None, None, None),
    ]  # fmt: skip
    assert context.notes == [
        "mixpanel_signups (event map: defaults): 16 events read; 6 events not mapped to a "
        "milestone ignored; 1 event without an account left out (no group key or company "
        "e-mail); 1 account with milestones but no sign-up event left out"
    ]
    assert result.matches is not None
    assert [(m.raw, m.account_id) for m in result.matches.matches] == [
        ("acme-001", None),
        ("globex-002", None),
        ("initech.io", None),
    ]


def test_usage_counts_deduplicated_events_per_account_and_utc_day(
    ws: Workspace, tokyo: None
) -> None:
    with normalizer_context(ws.path) as context:
        result = import_file(ws, "health_signals", SAMPLE, mapping="mixpanel_usage")
    assert result.inserted == 12
    assert [(a, d, int(u)) for a, d, u in rows(ws, USAGE)] == [
        ("acme-001", date(2024, 1, 5), 2),  # lines 1 and 2; line 3 is line 2 again
        ("acme-001", date(2024, 1, 6), 1),
        ("acme-001", date(2024, 1, 8), 1),
        ("acme-001", date(2024, 1, 9), 1),  # line 6; the $identify (line 7) is not usage
        ("globex-002", date(2024, 1, 7), 1),
        ("globex-002", date(2024, 1, 10), 1),
        ("globex-002", date(2024, 1, 20), 1),
        ("globex-002", date(2024, 2, 1), 1),
        ("hooli-003", date(2024, 1, 11), 1),
        ("initech.io", date(2024, 1, 8), 1),
        ("initech.io", date(2024, 1, 9), 1),
        ("umbrella-004", date(2024, 1, 12), 1),  # a group key holding a list: its first value
    ]
    assert context.notes == [
        "mixpanel_usage (event map: defaults): 16 events read; 1 duplicate dropped; 1 event "
        "not counted as usage; 1 event without an account left out (no group key or company "
        "e-mail)"
    ]


def test_value_events_first_occurrence_per_kind(ws: Workspace) -> None:
    result = import_file(ws, "value_events", SAMPLE, mapping="mixpanel_value_events")
    assert result.inserted == 6
    assert rows(ws, VALUE) == [
        ("acme-001", date(2024, 1, 6), "activated"),
        ("acme-001", date(2024, 1, 8), "pql"),
        ("globex-002", date(2024, 1, 10), "first_value"),
        ("globex-002", date(2024, 2, 1), "upgraded"),
        # no sign-up needed for a value event
        ("hooli-003", date(2024, 1, 11), "activated"),
        ("initech.io", date(2024, 1, 9), "first_value"),
    ]


def test_e_mail_domain_matches_the_crm_account(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    crm = write(
        "accounts.csv",
        "account_id,name,domain\n001INIT,Initech,https://www.initech.io\n001ACME,Acme,acme.com\n",
    )
    import_file(ws, "accounts", crm)
    result = import_file(ws, "signups", SAMPLE, mapping="mixpanel_signups")
    assert [r[0] for r in rows(ws, SIGNUPS)] == ["001INIT", "acme-001", "globex-002"]
    assert result.matches is not None
    matched = {m.raw: (m.account_id, m.method) for m in result.matches.matches}
    assert matched["initech.io"] == ("001INIT", "domain")
    # a group-key value that is not a CRM id stays as it is, listed as unmatched
    assert matched["acme-001"] == (None, None)


def test_event_map_of_the_workspace_renames_milestones(ws: Workspace) -> None:
    (ws.path / "event_map.yml").write_text(
        "events:\n"
        "  signed_up: [Signed Up, Dashboard Viewed]\n"
        "  activated: Report Exported\n"
        "account_keys: [company_id]\n"
        "email_keys: []\n",
        encoding="utf-8",
    )
    # no normalizer_context here: import_file sets the workspace's own, as the CLI does
    result = import_file(ws, "signups", SAMPLE, mapping="mixpanel_signups")
    assert rows(ws, SIGNUPS) == [
        # activated is now Report Exported (line 2); pql keeps its defaults
        ("acme-001", date(2024, 1, 5), date(2024, 1, 5), date(2024, 1, 8), None, None),
        # "sign_up" is no sign-up any more, so globex (paid, upgraded) is left out; hooli's
        # "Activated" is no milestone any more; e-mail domains are off (initech)
        ("umbrella-004", date(2024, 1, 12), None, None, None, None),
    ]
    assert list(result.warnings) == [
        f"mixpanel_signups (event map: {ws.path / 'event_map.yml'}): 16 events read; 6 events "
        "not mapped to a milestone ignored; 3 events without an account left out (no group key "
        "or company e-mail); 1 account with milestones but no sign-up event left out"
    ]


def test_bad_event_map_refuses_the_import_with_file_and_line(ws: Workspace) -> None:
    path = ws.path / "event_map.yml"
    path.write_text("events:\n  signed_up: Signed Up\n  pqls: Became PQL\n", encoding="utf-8")
    with pytest.raises(EventMapError) as err:
        import_file(ws, "signups", SAMPLE, mapping="mixpanel_signups")
    assert err.value.message == f"event map {path} is invalid"
    assert [str(i) for i in err.value.issues] == [
        f"{path}:3: unknown milestone 'pqls'. Did you mean 'pql'?"
    ]
    assert rows(ws, "SELECT count(*) FROM signups") == [(0,)]


def test_unreadable_events_refuse_the_file(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "export.jsonl",
        json.dumps({"event": "Signed Up", "properties": {"time": 1704448800, "company_id": "a"}})
        + "\n"
        + json.dumps({"event": "Signed Up", "properties": {"company_id": "b"}})
        + "\n"
        + json.dumps({"properties": {"time": 1704448800}})
        + "\n"
        + json.dumps({"event": "Activated", "properties": {"time": "yesterday"}})
        + "\n",
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "signups", path, mapping="mixpanel_signups")
    assert err.value.message == "mixpanel_signups: 3 unreadable events; nothing was imported"
    assert [str(i) for i in err.value.issues] == [
        "mixpanel_signups:2: event 2: 'Signed Up' has no properties.time",
        'mixpanel_signups:3: event 3: expected the event name in "event", got None',
        "mixpanel_signups:4: event 4: expected an epoch timestamp, got 'yesterday'",
    ]
    assert rows(ws, "SELECT count(*) FROM signups") == [(0,)]


def test_no_sign_up_event_is_a_clear_error(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "export.jsonl",
        json.dumps({"event": "Page Viewed", "properties": {"time": 1, "company_id": "a"}}) + "\n",
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "signups", path, mapping="mixpanel_signups")
    assert err.value.message == "mixpanel_signups: no sign-up event with an account among 1 event"


def test_epoch_seconds_and_milliseconds_are_utc_dates(tokyo: None) -> None:
    assert epoch_day(1704585599) == date(2024, 1, 6)  # 2024-01-06 23:59:59 UTC
    assert epoch_day(1704585599999) == date(2024, 1, 6)  # the same instant in ms
    assert epoch_day("1704585600") == date(2024, 1, 7)
    assert epoch_day(1704585599.5) == date(2024, 1, 6)


def test_events_stream_one_at_a_time() -> None:
    """The normalizer takes any iterable and never asks for its length or a second pass."""
    seen: list[Event] = []

    def generator():  # type: ignore[no-untyped-def]
        for line in SAMPLE.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)

    tally = scan(generator(), "mixpanel", parse_event, lambda e: bool(seen.append(e)) or True,
                 default_event_map())  # fmt: skip
    assert tally.read == 16
    assert [e.account for e in seen][:3] == ["acme-001", "acme-001", "acme-001"]


def test_progress_bar_on_a_terminal_only() -> None:
    events = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    quiet = io.StringIO()
    scan(events, "export", parse_event, lambda e: True, default_event_map(),
         Console(file=quiet, force_terminal=False))  # fmt: skip
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    scan(events, "export", parse_event, lambda e: True, default_event_map(),
         Console(file=shown, force_terminal=True, width=80))  # fmt: skip
    assert "reading export" in shown.getvalue()
    assert "16/16" in shown.getvalue()


def test_gzipped_export(ws: Workspace, tmp_path: Path) -> None:
    archive = tmp_path / "mixpanel_export.jsonl.gz"
    archive.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    result = import_file(ws, "value_events", archive, mapping="mixpanel_value_events")
    assert result.inserted == 6
    assert rows(ws, VALUE)[0] == ("acme-001", date(2024, 1, 6), "activated")


def test_progress_bar_counts_a_stream_of_unknown_length() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    shown = io.StringIO()
    scan((json.loads(line) for line in lines), "stream", parse_event, lambda e: True,
         default_event_map(), Console(file=shown, force_terminal=True, width=80))  # fmt: skip
    assert "reading stream" in shown.getvalue()
    assert "16" in shown.getvalue()


def test_a_bad_line_in_a_streamed_export_refuses_the_file_with_its_line(
    ws: Workspace, write
) -> None:  # type: ignore[no-untyped-def]
    good = json.dumps({"event": "Signed Up", "properties": {"time": 1704448800, "company_id": "a"}})
    path = write("export.jsonl", f"{good}\n\n{{not json\n{good}\n")
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "signups", path, mapping="mixpanel_signups")
    assert err.value.message == "export.jsonl: invalid JSON lines"
    assert [str(i) for i in err.value.issues] == [
        "export.jsonl:3: expected a JSON object, got invalid JSON (Expecting property name "
        "enclosed in double quotes)"
    ]
    assert rows(ws, "SELECT count(*) FROM signups") == [(0,)]
