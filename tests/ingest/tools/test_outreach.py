"""Outreach presets: answered calls and meetings → meetings; deal reviews, ride-alongs → coaching."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.ingest.normalizers.outreach import coaching_kind
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows
from tests.ingest.tools.test_gong import ACCOUNTS
from tests.kpis.harness import load_rows

SAMPLES = Path(__file__).parent / "samples"
SAMPLE = SAMPLES / "outreach_activities.json"
MEETINGS = (
    "SELECT meeting_id, held_at, is_qualified, rep_id, account_id, source FROM meetings ORDER BY 1"
)


def test_outreach_meetings(ws: Workspace) -> None:
    load_rows(ws, {"accounts": ACCOUNTS})
    result = import_file(ws, "meetings", SAMPLE, mapping="outreach_meetings")
    # 9 calls and meetings (the mailing is not one); skipped: the unanswered call 9102, the
    # no-show meeting 78, and the deal reviews (call 9104, meetings 79 and 80)
    assert (result.rows_read, result.inserted, result.skipped) == (9, 4, 5)
    assert rows(ws, MEETINGS) == [
        # disposition "Meeting Booked"; the prospect's account customId is the CRM id
        ("call:9101", date(2024, 5, 6), True, "17", "0015e00000Acc01", "outreach"),
        # no answeredAt/completedAt: dialedAt, 21:30 at -04:00 is 7 May locally; "Not
        # Interested" is not qualified; no customId: the domain www.globex.example matches
        ("call:9103", date(2024, 5, 7), False, "18", "0015e00000Acc02", "outreach"),
        # a ride-along is a sales meeting too; disposition " qualified " (spaces, lower case)
        ("call:9105", date(2024, 5, 8), True, "17", "0015e00000Acc01", "outreach"),
        # the meeting's own account, by name: "Initech, Inc." → Initech
        ("meeting:77", date(2024, 5, 8), True, "18", "0015e00000Acc03", "outreach"),
    ]
    assert result.matches is not None
    assert result.matches.lines() == [
        "accounts matched: 3 of 3 values (4 of 4 rows): id 1, domain 1, name 1, fuzzy 0;"
        " 0 unmatched"
    ]


def test_outreach_coaching(ws: Workspace) -> None:
    result = import_file(ws, "coaching", SAMPLE, mapping="outreach_coaching")
    assert (result.rows_read, result.inserted) == (4, 4)
    assert rows(ws, "SELECT rep_id, held_at, kind FROM coaching ORDER BY ALL") == [
        ("17", date(2024, 5, 8), "ride_along"),  # call tagged "ride-along"
        # meetings 79 "Deal review: …" and 80 "Deal-Review - …" on one day: one session
        ("17", date(2024, 5, 9), "deal_review"),
        ("18", date(2024, 5, 8), "ride_along"),  # meeting title "… Ride along with Sam"
        ("18", date(2024, 5, 10), "deal_review"),  # call purpose "Deal Review"
    ]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Deal Review",), "deal_review"),
        (("QBR", "deal-review;q2"), "deal_review"),
        (("Ride-along with Dana",), "ride_along"),
        (("ridealong",), "ride_along"),
        (("Ride along + deal review",), "deal_review"),
        (("Prospecting", None, "Idealreview"), None),
        ((None,), None),
    ],
)
def test_coaching_kind(texts: tuple[str | None, ...], expected: str | None) -> None:
    assert coaching_kind(*texts) == expected


def test_outreach_meeting_without_date_is_refused(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {
        "data": [
            {"type": "call", "id": 1, "attributes": {"outcome": "Answered"},
             "relationships": {"user": {"data": {"type": "user", "id": 17}}}},
            {"type": "meeting", "id": 2, "attributes": {"startTime": "2024-13-01T10:00:00Z"},
             "relationships": {"owner": {"data": {"type": "user", "id": 17}}}},
        ]
    }  # fmt: skip
    path = write("calls.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "meetings", path, mapping="outreach_meetings")
    assert err.value.render() == (
        "calls.json: 2 problems found; nothing was imported\n"
        "  - calls.json:1:held_at: expected a value, got ''\n"
        "  - calls.json:2:held_at: expected a date, got '2024-13-01T10:00:00Z'\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )
    assert rows(ws, "SELECT count(*) FROM meetings") == [(0,)]


def test_outreach_not_json_api(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("export.json", json.dumps({"calls": [{"id": 1}]}))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "coaching", path, mapping="outreach_coaching")
    assert err.value.render() == (
        'outreach_activities: expected Outreach JSON:API resources (a document with "data")\n'
        "hint: export GET /api/v2/calls?include=user,prospect.account,callDisposition,"
        "callPurpose (and /api/v2/meetings), saving every page"
    )
