"""Clari presets: forecast export → forecasts (submitted Commit calls); activities → meetings."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError
from pulse.forecast.accuracy import accuracy_report
from pulse.ingest import import_file
from pulse.ingest.normalizers.clari import clari_forecast, field_category
from pulse.periods import parse_period
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows
from tests.ingest.tools.test_gong import ACCOUNTS
from tests.kpis.harness import computer, load_rows, make_workspace

SAMPLES = Path(__file__).parent / "samples"
FORECASTS = (
    "SELECT snapshot_at, period_start, scope, period_end, amount, category FROM forecasts"
    " ORDER BY snapshot_at, scope"
)


def test_clari_forecast_keeps_submitted_commit_calls(ws: Workspace) -> None:
    result = import_file(ws, "forecasts", SAMPLES / "clari_forecast.json", mapping="clari_forecast")
    assert result.inserted == 5
    q3 = (date(2024, 7, 1), date(2024, 9, 30))
    assert rows(ws, FORECASTS) == [
        # Dana's Commit: carried unchanged through weeks 1 and 2 (same updatedOn
        # 1719504000000 = 2024-06-27 16:00 UTC): one submission, made before Q3 began
        (datetime(2024, 6, 27, 16, 0), q3[0], "rep:0055e000001AbCd", q3[1], Decimal("40000"),
         "commit"),
        (datetime(2024, 6, 28, 22, 15), q3[0], "rep:0055e000001EfGh", q3[1],
         Decimal("25000.5"), "commit"),
        # the West manager's roll-up (scopeId 1905::MGR with a parent) is the team's call
        (datetime(2024, 6, 30, 18, 45, 30), q3[0], "team:West", q3[1], Decimal("62000"),
         "commit"),
        # the top manager (no parent) is the company; no updatedOn: the start of week "1" of
        # Q3 (2024-07-01), not the Q2 week that has the same timeFrameId
        (datetime(2024, 7, 1, 0, 0), q3[0], "company", q3[1], Decimal("70000"), "commit"),
        # Dana raised her call in week 3 (2024-07-16 09:30): a new submission
        (datetime(2024, 7, 16, 9, 30), q3[0], "rep:0055e000001AbCd", q3[1], Decimal("45000"),
         "commit"),
    ]  # fmt: skip
    # Best Case and the CRM roll-up (crm_closed) were read but filtered by the preset's
    # `where`; Quota and Sam's empty week-2 entry never became records
    assert (result.rows_read, result.skipped) == (7, 2)
    again = import_file(ws, "forecasts", SAMPLES / "clari_forecast.json", mapping="clari_forecast")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_clari_forecast_all_categories_from_the_normalizer() -> None:
    doc = json.loads((SAMPLES / "clari_forecast.json").read_text(encoding="utf-8"))
    got = sorted((r["scope"], r["category"], r["amount"]) for r in clari_forecast(doc))
    assert got == [
        ("company", "commit", "70000"),
        ("rep:0055e000001AbCd", "best_case", "60000"),
        ("rep:0055e000001AbCd", "commit", "40000"),
        ("rep:0055e000001AbCd", "commit", "45000.0"),
        ("rep:0055e000001AbCd", "crm_closed", "0"),
        ("rep:0055e000001EfGh", "commit", "25000.5"),
        ("team:West", "commit", "62000"),
    ]


def test_clari_quotas_from_the_same_export(ws: Workspace) -> None:
    result = import_file(ws, "quotas", SAMPLES / "clari_forecast.json", mapping="clari_quotas")
    assert (result.rows_read, result.inserted) == (2, 2)
    assert rows(ws, "SELECT rep_id, period_start, period_end, amount FROM quotas ORDER BY 1") == [
        # Dana's quota was raised in week 3: the latest week's 110,000, not week 1's 100,000;
        # the West manager's team quota has no place in quotas, Sam's "Net New Plan" is no quota
        ("0055e000001AbCd", date(2024, 7, 1), date(2024, 9, 30), Decimal("110000")),
        # the top manager's Quota is the company quota (empty rep_id)
        (None, date(2024, 7, 1), date(2024, 9, 30), Decimal("300000")),
    ]


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Commit", "forecast", "commit"),
        ("Commit (Net ARR)", None, "commit"),
        ("Best Case", "forecast", "best_case"),
        ("Upside", None, "best_case"),
        ("Most Likely", None, "most_likely"),
        ("Forecast Call", None, "most_likely"),
        ("Pipeline", None, "pipeline"),
        ("Closed Won", None, "closed"),
        ("Quota", "quota", None),
        ("Net ARR Plan", None, None),
        ("Budget", None, None),
        ("Commit", "crm_total", "crm_commit"),
        ("Stretch %", None, "stretch"),
    ],
)
def test_field_names_to_categories(name: str, kind: str | None, expected: str | None) -> None:
    assert field_category(name, kind) == expected


def test_clari_forecast_problems_are_listed(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {
        "data": {
            "entries": [
                {"userId": "u1", "fieldId": "f1", "timePeriodId": "2024_Q3", "timeFrameId": "1",
                 "forecastValue": 10, "updatedOn": 1719504000000},
                {"userId": "u9", "fieldId": "f1", "timePeriodId": "2024_Q4", "timeFrameId": "1",
                 "forecastValue": 10},
                {"userId": "u2", "fieldId": "f1", "timePeriodId": "2024_Q3", "timeFrameId": "1",
                 "forecastValue": "n/a"},
            ],
            "users": [
                {"userId": "u1", "crmId": None, "email": "new.hire@pulse.example"},
                {"userId": "u2", "crmId": "005X"},
            ],
            "fields": [{"fieldId": "f1", "fieldName": "Commit"}],
            "timePeriods": [
                {"timePeriodId": "2024_Q3", "startDate": "2024-07-01", "endDate": "2024-09-30"}
            ],
            "timeFrames": [{"timeFrameId": "1", "startDate": "2024-07-01", "endDate": "2024-07-07"}],
        }
    }  # fmt: skip
    path = write("forecast.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "forecasts", path, mapping="clari_forecast")
    assert err.value.render() == (
        "clari_forecast: 3 problem(s) in the document\n"
        "  - clari_forecast: entry 1: user new.hire@pulse.example has no crmId"
        " (nor a team hierarchy)\n"
        "  - clari_forecast: entry 2: unknown userId 'u9', timePeriodId '2024_Q4'\n"
        "  - clari_forecast: entry 3: forecastValue 'n/a' is not a number"
    )
    assert rows(ws, "SELECT count(*) FROM forecasts") == [(0,)]


def test_clari_forecast_without_a_period_date_is_refused(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {
        "entries": [{"userId": "u2", "fieldId": "f1", "timePeriodId": "P", "timeFrameId": "1",
                     "forecastValue": 5, "updatedOn": 1719504000000}],
        "users": [{"userId": "u2", "crmId": "005X"}],
        "fields": [{"fieldId": "f1", "fieldName": "Commit"}],
        "timePeriods": [{"timePeriodId": "P", "startDate": "2024-07-01", "endDate": None}],
        "timeFrames": [],
    }  # fmt: skip
    path = write("forecast.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "forecasts", path, mapping="clari_forecast")
    assert err.value.render() == (
        "forecast.json: 1 problem found; nothing was imported\n"
        "  - forecast.json:1:period_end: expected a value, got ''\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )


def test_forecast_accuracy_on_imported_clari_calls(home: Path) -> None:
    ws = make_workspace(
        home,
        {
            "opportunities": {
                "columns": ["opportunity_id", "owner_id", "amount", "created_at", "status",
                            "closed_at"],
                "rows": [
                    ["o1", "0055e000001AbCd", 30000, date(2024, 5, 2), "won", date(2024, 8, 15)],
                    ["o2", "0055e000001EfGh", 26000, date(2024, 5, 9), "won", date(2024, 9, 20)],
                    ["o3", "0055e000001AbCd", 90000, date(2024, 5, 9), "lost", date(2024, 9, 1)],
                    ["o4", "0055e000001AbCd", 5000, date(2024, 6, 1), "won", date(2024, 10, 2)],
                ],
            },
            "reps": [
                {"rep_id": "0055e000001AbCd", "team": "West"},
                {"rep_id": "0055e000001EfGh", "team": "West"},
            ],
        },
    )  # fmt: skip
    import_file(ws, "forecasts", SAMPLES / "clari_forecast.json", mapping="clari_forecast")
    comp = computer(ws, today=date(2024, 12, 31))
    [result] = comp.compute("forecast_accuracy", parse_period("2024-Q3", date(2024, 12, 31)))
    # locked company call: 70,000 (taken on 1 July, the quarter's first day); actual = won deals
    # closed in Q3 = 30,000 + 26,000 = 56,000 (o3 lost, o4 closed in Q4);
    # accuracy = 1 − |56,000 − 70,000| ÷ 56,000 = 0.75
    assert result.value == 0.75
    assert result.components["forecast"] == 70000
    assert result.components["actual"] == 56000
    assert result.components["variance"] == 0.25
    q3 = parse_period("2024-Q3", date(2024, 12, 31))
    by_rep = {
        s.scope: (s.forecast, s.actual, s.accuracy) for s in accuracy_report(comp, q3, "rep").scopes
    }
    assert by_rep == {
        # Dana's locked call is the 27 June one (40,000), not the 16 July raise to 45,000:
        # 1 − |30,000 − 40,000| ÷ 30,000 = 2/3
        "rep:0055e000001AbCd": (Decimal("40000"), Decimal("30000"), 1 - 10000 / 30000),
        # 1 − |26,000 − 25,000.5| ÷ 26,000
        "rep:0055e000001EfGh": (Decimal("25000.5"), Decimal("26000"), 1 - 999.5 / 26000),
    }
    [west] = accuracy_report(comp, q3, "team").scopes
    # the West manager's roll-up 62,000 against the team's bookings 56,000 (reps.team = West)
    assert (west.scope, west.forecast, west.actual) == ("team:West", 62000, 56000)
    assert west.accuracy == pytest.approx(1 - 6000 / 56000)


ACTIVITY_MEETINGS = (
    "SELECT meeting_id, held_at, is_qualified, rep_id, account_id, source FROM meetings ORDER BY 1"
)


def test_clari_activity_meetings(ws: Workspace) -> None:
    load_rows(ws, {"accounts": ACCOUNTS})
    result = import_file(
        ws, "meetings", SAMPLES / "clari_activities.json", mapping="clari_activity_meetings"
    )
    assert (result.rows_read, result.inserted, result.skipped) == (5, 4, 1)  # one EMAIL_SENT
    assert rows(ws, ACTIVITY_MEETINGS) == [
        # 1720544400000 = 2024-07-09 17:00 UTC; external attendee on an opportunity
        ("00U5e00000Mtg01", date(2024, 7, 9), True, "0055e000001AbCd", "0015e00000Acc01",
         "clari"),
        # internal only, no account
        ("00U5e00000Mtg02", date(2024, 7, 10), False, "0055e000001MgR1", None, "clari"),
        # external attendee but no opportunity yet: held, not qualified
        ("00U5e00000Mtg04", date(2024, 7, 12), False, "0055e000001EfGh", "0015e00000Acc02",
         "clari"),
        # no linked account (no "accounts" key at all): the external participant's e-mail,
        # matched by domain; 1720828799000 = 23:59:59 UTC, still 12 July
        ("00U5e00000Mtg05", date(2024, 7, 12), False, "0055e000001EfGh", "0015e00000Acc03",
         "clari"),
    ]  # fmt: skip
    assert result.matches is not None
    assert result.matches.lines() == [
        "accounts matched: 3 of 3 values (3 of 3 rows): id 2, domain 1, name 0, fuzzy 0;"
        " 0 unmatched"
    ]


def test_clari_activity_without_date_is_refused(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {"activities": [
        {"activityId": "A1", "activityType": "MEETING", "date": None, "activityOwnerId": "005X"},
        {"activityId": "A2", "activityType": "meeting", "date": "yesterday",
         "activityOwnerId": "005X"},
        {"activityId": "A3", "activityType": "EMAIL_SENT", "date": None},
    ]}  # fmt: skip
    path = write("activities.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "meetings", path, mapping="clari_activity_meetings")
    # the e-mail without a date is skipped by `where` before it is checked
    assert err.value.render() == (
        "activities.json: 2 problems found; nothing was imported\n"
        "  - activities.json:1:held_at: expected a value, got ''\n"
        "  - activities.json:2:held_at: expected a date, got 'yesterday'\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )
