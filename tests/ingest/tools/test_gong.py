"""Gong calls preset: one meetings row per call, qualified when external and at least 5 minutes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.ingest.normalizers.gong import local_date
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows
from tests.kpis.harness import load_rows

SAMPLES = Path(__file__).parent / "samples"
ACCOUNTS = {
    "columns": ["account_id", "name", "domain"],
    "rows": [
        ["0015e00000Acc01", "Acme", "acme.example"],
        ["0015e00000Acc02", "Globex", "globex.example"],
        ["0015e00000Acc03", "Initech", "initech.example"],
    ],
}
MEETINGS = (
    "SELECT meeting_id, held_at, is_qualified, rep_id, account_id, source FROM meetings ORDER BY 1"
)


def test_gong_calls_to_meetings(ws: Workspace) -> None:
    load_rows(ws, {"accounts": ACCOUNTS})
    result = import_file(ws, "meetings", SAMPLES / "gong_calls.json", mapping="gong_calls")
    assert (result.rows_read, result.inserted) == (5, 5)
    assert rows(ws, MEETINGS) == [
        # internal pipeline review: an hour long, never qualified; no context → no account
        ("3843152912968920037", date(2024, 3, 5), False, "234599484848423", None, "gong"),
        # started as epoch seconds 1709715600 = 2024-03-06 09:00 UTC; external but 240 s < 300;
        # no Account object: the Opportunity's AccountId field
        ("3843152912968920038", date(2024, 3, 6), False, "234599484848499", "0015e00000Acc02",
         "gong"),
        # scope Unknown: the phone party (affiliation Unknown) and Pat count as outside; 1800.5 s;
        # no CRM context: Pat's e-mail, matched on the domain initech.example
        ("3843152912968920039", date(2024, 3, 6), True, "234599484848499", "0015e00000Acc03",
         "gong"),
        # an outside party no CRM account has the domain of: kept as it is, and listed
        ("3843152912968920041", date(2024, 3, 8), True, "234599484848423", "kim@gmail.com",
         "gong"),
        # a JSON number above 2**53 keeps every digit; 18:31 at -07:00 is 4 March locally
        # (5 March in UTC); the primary user's Salesforce User id; the TimeOfCall account
        ("7782342274025937895", date(2024, 3, 4), True, "0055e000001AbCd", "0015e00000Acc01",
         "gong"),
    ]  # fmt: skip
    assert result.matches is not None
    assert result.matches.lines() == [
        "accounts matched: 3 of 4 values (3 of 4 rows): id 2, domain 1, name 0, fuzzy 0;"
        " 1 unmatched",
        "  unmatched: 'kim@gmail.com' (1 row): kept as it is",
    ]


def test_gong_call_never_started_is_refused(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {
        "calls": [
            {"metaData": {"id": "1", "started": "2024-03-07T10:00:00-05:00", "duration": 600,
                          "primaryUserId": "9", "scope": "External"}},
            {"metaData": {"id": "2", "scheduled": "2024-03-07T10:00:00-05:00", "started": None,
                          "duration": 0, "primaryUserId": "9", "scope": "External"}},
            {"metaData": {"id": "3", "started": "TBD", "primaryUserId": "9"}},
        ]
    }  # fmt: skip
    path = write("calls.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "meetings", path, mapping="gong_calls")
    assert err.value.render() == (
        "calls.json: 2 problems found; nothing was imported\n"
        "  - calls.json:2:held_at: expected a value, got ''\n"
        "  - calls.json:3:held_at: expected a date, got 'TBD'\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )
    assert rows(ws, "SELECT count(*) FROM meetings") == [(0,)]


def test_gong_not_a_calls_response(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("users.json", json.dumps({"users": [{"id": "1"}]}))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "meetings", path, mapping="gong_calls")
    assert err.value.render() == (
        'gong_calls: expected Gong calls (a response with "calls")\n'
        "hint: export POST /v2/calls/extensive with contentSelector.context = Extended,"
        " exposedFields.parties = true"
    )


def test_local_date_keeps_the_written_day() -> None:
    assert local_date("2024-03-04T23:59:59-07:00") == "2024-03-04"
    assert local_date("2024-03-05T00:30:00.000+09:00") == "2024-03-05"
    assert local_date(1709715600) == "2024-03-06"
    assert local_date("1709715600000") == "2024-03-06"
    assert local_date("2024-02-30T10:00:00Z") is None
    assert local_date("next week") is None
    assert local_date(None) is None


def test_gong_v2_calls_pages_as_json_lines(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    """GET /v2/calls pages, one response per line: flat calls, no parties or CRM context."""
    pages = [
        {"records": {"cursor": "abc"}, "calls": [
            {"id": "11", "started": "2024-04-02T10:00:00.000Z", "duration": 1200,
             "primaryUserId": "77", "scope": "External"},
        ]},
        {"records": {}, "calls": [
            {"id": "12", "started": "2024-04-03T10:00:00Z", "duration": 1200,
             "primaryUserId": "77", "scope": "Internal"},
        ]},
    ]  # fmt: skip
    path = write("calls.jsonl", "\n".join(json.dumps(p) for p in pages) + "\n")
    import_file(ws, "meetings", path, mapping="gong_calls")
    assert rows(ws, MEETINGS) == [
        ("11", date(2024, 4, 2), True, "77", None, "gong"),  # scope External is enough
        ("12", date(2024, 4, 3), False, "77", None, "gong"),
    ]
