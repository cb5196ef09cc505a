"""Salesloft presets: meetings API JSON and CSV → meetings; deal reviews, ride-alongs → coaching."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows
from tests.ingest.tools.test_gong import ACCOUNTS
from tests.kpis.harness import load_rows

SAMPLES = Path(__file__).parent / "samples"
MEETINGS = (
    "SELECT meeting_id, held_at, is_qualified, rep_id, account_id, source FROM meetings ORDER BY 1"
)


def test_salesloft_meetings_api(ws: Workspace) -> None:
    load_rows(ws, {"accounts": ACCOUNTS})
    result = import_file(
        ws, "meetings", SAMPLES / "salesloft_meetings.json", mapping="salesloft_meetings"
    )
    # skipped: canceled 41002 and 41008, no-show 41003, deal review 41005
    assert (result.rows_read, result.inserted, result.skipped) == (8, 4, 4)
    assert rows(ws, MEETINGS) == [
        # 15:00 at -04:00 is 3 June; "Jo@Acme.example" matched by domain
        ("41001", date(2024, 6, 3), True, "12", "0015e00000Acc01", "salesloft"),
        # internal 1:1: a colleague (same domain as the organizer) is no contact; not qualified
        ("41004", date(2024, 6, 4), False, "12", None, "salesloft"),
        # a ride-along is a sales meeting; no recipient: the first outside attendee
        ("41006", date(2024, 6, 5), True, "14", "0015e00000Acc02", "salesloft"),
        # 23:30 at -07:00 is 6 June locally (7 June UTC); unknown domain: kept, listed
        ("41007", date(2024, 6, 6), True, "14", "ceo@unknown-startup.io", "salesloft"),
    ]
    assert result.matches is not None
    assert result.matches.lines() == [
        "accounts matched: 2 of 3 values (2 of 3 rows): id 0, domain 2, name 0, fuzzy 0;"
        " 1 unmatched",
        "  unmatched: 'ceo@unknown-startup.io' (1 row): kept as it is",
    ]


def test_salesloft_meetings_csv(ws: Workspace) -> None:
    load_rows(ws, {"accounts": ACCOUNTS})
    result = import_file(
        ws, "meetings", SAMPLES / "salesloft_meetings.csv", mapping="salesloft_meetings_csv"
    )
    # skipped: canceled 41002, no-show 41003 ("TRUE"), deal review 41005
    assert (result.rows_read, result.inserted, result.skipped) == (6, 3, 3)
    assert rows(ws, MEETINGS) == [
        ("41001", date(2024, 6, 3), True, "12", "0015e00000Acc01", "salesloft"),
        ("41004", date(2024, 6, 4), False, "12", None, "salesloft"),
        # the CSV holds UTC times: 06:30 UTC is 7 June
        ("41007", date(2024, 6, 7), True, "14", "ceo@unknown-startup.io", "salesloft"),
    ]


def test_salesloft_coaching(ws: Workspace) -> None:
    result = import_file(
        ws, "coaching", SAMPLES / "salesloft_meetings.json", mapping="salesloft_coaching"
    )
    assert (result.rows_read, result.inserted) == (2, 2)
    assert rows(ws, "SELECT rep_id, held_at, kind FROM coaching ORDER BY ALL") == [
        ("12", date(2024, 6, 4), "deal_review"),  # meeting_type "Deal Review"
        ("14", date(2024, 6, 5), "ride_along"),  # title "… ride-along w/ manager"
        # the canceled deal review 41008 is not a session
    ]


def test_salesloft_meeting_without_start_is_refused(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {"data": [
        {"id": 1, "start_time": None, "booked_by_user": {"id": 12}, "no_show": False},
        {"id": 2, "start_time": "2024-06-31T10:00:00Z", "booked_by_user": {"id": 12}},
        {"id": 3, "start_time": None, "canceled_at": "2024-06-01T00:00:00Z"},
    ]}  # fmt: skip
    path = write("meetings.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "meetings", path, mapping="salesloft_meetings")
    # the canceled meeting without a start is skipped by `where`, never checked
    assert err.value.render() == (
        "meetings.json: 2 problems found; nothing was imported\n"
        "  - meetings.json:1:held_at: expected a value, got ''\n"
        "  - meetings.json:2:held_at: expected a date, got '2024-06-31T10:00:00Z'\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )
    assert rows(ws, "SELECT count(*) FROM meetings") == [(0,)]


def test_salesloft_not_a_meetings_response(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("people.json", json.dumps({"people": []}))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "coaching", path, mapping="salesloft_coaching")
    assert err.value.render() == (
        'salesloft_meetings: expected Salesloft meetings (a response with "data")\n'
        "hint: export GET https://api.salesloft.com/v2/meetings.json?per_page=100,"
        " saving every page"
    )
