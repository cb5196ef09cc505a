"""Amplitude presets: Export API events (JSON lines) → signups, health_signals usage, value_events.

The sample (samples/amplitude_events.json, as in the export's hourly files) is written from the
documented export fields: ``event_type``, ``event_time`` (UTC, ``2024-01-05 10:00:00.123456``),
``user_id``, ``device_id``, ``$insert_id``, ``uuid``, ``groups``, ``user_properties``,
``event_properties``. Its 14 lines:

 1 groups.company [acme-001]  Sign Up           2024-01-05 10:00:00.123456
 2 acme-001                   Report Exported   2024-01-05 11:00  ($insert_id ins-0002)
 3 acme-001                   Report Exported   line 2 again (same $insert_id, other uuid)
 4 acme-001                   Activated         2024-01-07 01:30:00+02:00 = 6 Jan 23:30 UTC
 5 groups.company [] + event_properties.company_id acme-001   PQL   2024-01-08 00:00:01
 6 acme-001                   $identify         2024-01-08 (not usage)
 7 groups.company "globex-002" (a string)  Signed Up          2024-01-07
 8 globex-002                 Settings Changed  2024-01-07 (no milestone; usage)
 9 globex-002                 Paid              ingest shape: time 2024-01-20 23:59:59.999 in
                                                ms, insert_id, no event_time
10 globex-002                 Upgrade           2024-02-01
11 no user_id, device only, user_properties.email cy@initech.io   Signup   2024-01-08
12 user_properties.email dee@initech.io      Aha Moment        2024-01-09
13 user_properties.email at gmail.com        Sign Up           2024-01-08 → no account
14 groups.company [hooli-003] Activated         2024-01-11 (never signed up here)
"""

from __future__ import annotations

import gzip
import json
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.ingest.normalizers import normalizer_context
from pulse.ingest.normalizers.events import iso_day
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

SAMPLE = Path(__file__).parent / "samples" / "amplitude_events.json"
SIGNUPS = (
    "SELECT account_id, signed_up_at, activated_at, pql_at, paid_at, upgraded_at"
    " FROM signups ORDER BY 1"
)
USAGE = "SELECT account_id, observed_at, usage FROM health_signals ORDER BY 1, 2"
VALUE = "SELECT account_id, occurred_at, kind FROM value_events ORDER BY 1, 2, 3"


@pytest.fixture
def los_angeles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local time zone behind UTC: dates must still be UTC dates."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_signups_first_milestone_dates_per_account(ws: Workspace, los_angeles: None) -> None:
    with normalizer_context(ws.path) as context:
        result = import_file(ws, "signups", SAMPLE, mapping="amplitude_signups")
    assert (result.rows_read, result.inserted) == (3, 3)
    assert rows(ws, SIGNUPS) == [
        # activation at 01:30 +02:00 is 6 January in UTC; the PQL's account comes from
        # event_properties.company_id since its groups.company list is empty
        ("acme-001", date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 8), None, None),
        # "Paid" has only the ingest-shape epoch ms time (20 Jan 23:59:59.999 UTC)
        ("globex-002", date(2024, 1, 7), None, None, date(2024, 1, 20), date(2024, 2, 1)),
        # no group: the domain of user_properties.email
        ("initech.io", date(2024, 1, 8), None, None, None, None),
    ]  # fmt: skip
    assert context.notes == [
        "amplitude_signups (event map: defaults): 14 events read; 5 events not mapped to a "
        "milestone ignored; 1 event without an account left out (no group key or company "
        "e-mail); 1 account with milestones but no sign-up event left out"
    ]


def test_usage_counts_deduplicated_events_per_account_and_utc_day(
    ws: Workspace, los_angeles: None
) -> None:
    with normalizer_context(ws.path) as context:
        result = import_file(ws, "health_signals", SAMPLE, mapping="amplitude_usage")
    assert result.inserted == 9
    assert [(a, d, int(u)) for a, d, u in rows(ws, USAGE)] == [
        ("acme-001", date(2024, 1, 5), 2),  # lines 1-2; line 3 repeats line 2's $insert_id
        ("acme-001", date(2024, 1, 6), 1),
        ("acme-001", date(2024, 1, 8), 1),  # the PQL; $identify is not usage
        ("globex-002", date(2024, 1, 7), 2),  # Signed Up and Settings Changed
        ("globex-002", date(2024, 1, 20), 1),
        ("globex-002", date(2024, 2, 1), 1),
        ("hooli-003", date(2024, 1, 11), 1),
        ("initech.io", date(2024, 1, 8), 1),
        ("initech.io", date(2024, 1, 9), 1),
    ]
    assert context.notes == [
        "amplitude_usage (event map: defaults): 14 events read; 1 duplicate dropped; 1 event "
        "not counted as usage; 1 event without an account left out (no group key or company "
        "e-mail)"
    ]


def test_value_events_first_occurrence_per_kind(ws: Workspace) -> None:
    result = import_file(ws, "value_events", SAMPLE, mapping="amplitude_value_events")
    assert result.inserted == 5
    assert rows(ws, VALUE) == [
        ("acme-001", date(2024, 1, 6), "activated"),
        ("acme-001", date(2024, 1, 8), "pql"),
        ("globex-002", date(2024, 2, 1), "upgraded"),  # "Upgrade"
        ("hooli-003", date(2024, 1, 11), "activated"),
        ("initech.io", date(2024, 1, 9), "first_value"),  # "Aha Moment"
    ]


def test_event_map_names_the_group_type_and_usage_events(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    (ws.path / "event_map.yml").write_text(
        "account_keys: [groups.company]\n"
        "email_keys: [user_properties.email]\n"
        "usage:\n"
        "  only: [Report Exported, settings_changed]\n",
        encoding="utf-8",
    )
    with normalizer_context(ws.path):
        import_file(ws, "health_signals", SAMPLE, mapping="amplitude_usage")
    assert [(a, d, int(u)) for a, d, u in rows(ws, USAGE)] == [
        ("acme-001", date(2024, 1, 5), 1),
        ("globex-002", date(2024, 1, 7), 1),
    ]


def test_without_an_event_time_the_file_is_refused(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "export.json",
        json.dumps({"event_type": "Sign Up", "event_time": None, "groups": {"company": "a"}})
        + "\n"
        + json.dumps({"event_type": "Sign Up", "event_time": "05/01/2024 10:00"})
        + "\n",
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "signups", path, mapping="amplitude_signups")
    assert err.value.message == "amplitude_signups: 2 unreadable events; nothing was imported"
    assert [str(i) for i in err.value.issues] == [
        "amplitude_signups:1: event 1: 'Sign Up' has no event_time",
        "amplitude_signups:2: event 2: expected an ISO timestamp such as 2024-03-01 12:00:00, "
        "got '05/01/2024 10:00'",
    ]


def test_event_time_is_read_as_utc(los_angeles: None) -> None:
    assert iso_day("2024-01-06 23:30:00.123456") == date(2024, 1, 6)  # no zone: UTC
    assert iso_day("2024-01-07 01:30:00+02:00") == date(2024, 1, 6)
    assert iso_day("2024-01-06T20:30:00-05:00") == date(2024, 1, 7)
    assert iso_day("2024-01-06T23:30:00Z") == date(2024, 1, 6)
    assert iso_day(1704583800000) == date(2024, 1, 6)  # epoch ms (ingest shape)


def test_export_zip_of_gzipped_hourly_files(ws: Workspace, tmp_path: Path) -> None:
    """The Export API's zip: one gzipped JSON-lines file per hour, named by project and hour."""
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("187520/187520_2024-01-05_10#0.json.gz", gzip.compress(b"".join(lines[:7])))
        zf.writestr("187520/187520_2024-01-05_11#0.json.gz", gzip.compress(b"".join(lines[7:])))
    result = import_file(ws, "signups", archive, mapping="amplitude_signups")
    assert result.inserted == 3
    assert rows(ws, SIGNUPS) == [
        ("acme-001", date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 8), None, None),
        ("globex-002", date(2024, 1, 7), None, None, date(2024, 1, 20), date(2024, 2, 1)),
        ("initech.io", date(2024, 1, 8), None, None, None, None),
    ]  # fmt: skip
