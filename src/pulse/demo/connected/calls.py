"""Revenue-intelligence exports: Gong calls (meetings) and a Clari forecast export (forecasts).

Gong: the demo's meetings other than the SDR-booked outbound ones, as a ``POST
/v2/calls/extensive`` response with CRM context (the Account object carries the CRM account id,
the primary user's party its CRM user id). A qualified meeting is an external call of at least
five minutes, an unqualified one a short call that did not get going: exactly the rule of the
``gong_calls`` preset.

Clari: the forecast submissions of the demo (company and rep calls, monthly and quarterly, each
snapshot a week of the period) as the JSON result of ``POST /export/forecast/{forecastId}``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.exports import Export, iso_local, write_json

GONG_ID_BASE = 7_782_342_274_025_900_000
SDR_SOURCE = "outbound"


def gong_user(rep_id: str) -> str:
    """A Gong user id (15 digits) for a CRM rep."""
    digits = "".join(ch for ch in rep_id if ch.isdigit()) or "0"
    return f"2345994848{int(digits):05d}"


def gong_calls(meetings: pa.Table, reps: pa.Table, book: AccountBook, folder: Path) -> Export:
    """Write ``gong_calls.json``: every meeting not booked by an SDR, as a Gong call."""
    names = dict(
        zip(reps.column("rep_id").to_pylist(), reps.column("name").to_pylist(), strict=True)
    )
    calls: list[dict[str, Any]] = []
    for i, m in enumerate(meetings.to_pylist()):
        if m["source"] == SDR_SOURCE:
            continue
        calls.append(_call(i, m, names, book))
    document = {
        "requestId": "demo-connected-gong",
        "records": {
            "totalRecords": len(calls),
            "currentPageSize": len(calls),
            "currentPageNumber": 0,
        },
        "calls": calls,
    }
    path = write_json(folder / "gong_calls.json", document)
    return Export("Gong", path, "meetings", "gong_calls")


def _call(
    i: int, m: dict[str, Any], rep_names: dict[str, str], book: AccountBook
) -> dict[str, Any]:
    held: date = m["held_at"]
    rep, account = m["rep_id"], m["account_id"]
    qualified = bool(m["is_qualified"])
    start = 9 * 60 + (i * 37) % (8 * 60)
    duration = 900 + (i * 211) % 2700 if qualified else 60 + (i * 13) % 200
    user = gong_user(rep)
    company = book.names.get(account, account)
    return {
        "metaData": {
            "id": str(GONG_ID_BASE + i),
            "url": f"https://app.gong.io/call?id={GONG_ID_BASE + i}",
            "title": f"{company} <> Pulse | {'Discovery' if qualified else 'Quick sync'}",
            "scheduled": iso_local(held, start - start % 30),
            "started": iso_local(held, start),
            "duration": duration,
            "primaryUserId": user,
            "direction": "Conference",
            "system": "Zoom",
            "scope": "External",
            "media": "Video",
            "language": "eng",
        },
        "parties": [
            {
                "id": f"{i}1",
                "name": rep_names.get(rep, rep),
                "userId": user,
                "affiliation": "Internal",
                "methods": ["Invitee"],
                "context": [
                    {"system": "Salesforce", "objects": [{"objectType": "User", "objectId": rep}]}
                ],
            },
            {
                "id": f"{i}2",
                "emailAddress": book.email(account, i),
                "affiliation": "External",
                "methods": ["Invitee"],
            },
        ],
        "context": [
            {
                "system": "Salesforce",
                "objects": [
                    {
                        "objectType": "Account",
                        "objectId": account,
                        "timing": "TimeOfCall",
                        "fields": [{"name": "Name", "value": company}],
                    }
                ],
            }
        ],
    }


CLARI_COMPANY_USER = "u-1905"


def clari_forecast(forecasts: pa.Table, reps: pa.Table, folder: Path) -> Export:
    """Write ``clari_forecast.json``: every forecast submission as a Clari forecast export.

    The company call is the CRO's roll-up (scope ``1905::MGR`` at the top of the hierarchy);
    a rep's call is that rep's entry, whose ``crmId`` is the CRM user id. Each submission has a
    Commit entry (what Pulse measures); company calls also have Best Case (1.25× the commit)
    and every period a Quota entry: the import keeps the commit calls only.
    """
    teams = dict(
        zip(reps.column("rep_id").to_pylist(), reps.column("team").to_pylist(), strict=True)
    )
    users: dict[str, dict[str, Any]] = {
        "company": {
            "userId": CLARI_COMPANY_USER,
            "crmId": None,
            "email": "cro@pulse-demo.example",
            "name": "Chief Revenue Officer",
            "hierarchyId": "1905",
            "hierarchyName": "Worldwide",
            "parentHierarchyId": None,
            "parentHierarchyName": None,
            "scopeId": "1905::MGR",
        }
    }
    periods: dict[str, dict[str, Any]] = {}
    frames: dict[str, dict[str, Any]] = {}
    entries: list[dict[str, Any]] = []
    for row in forecasts.to_pylist():
        scope: str = row["scope"]
        if scope not in users:
            rep = scope.removeprefix("rep:")
            users[scope] = {
                "userId": f"u-{rep.lower()}",
                "crmId": rep,
                "email": f"{rep.lower()}@pulse-demo.example",
                "name": rep,
                "hierarchyId": "2001",
                "hierarchyName": teams.get(rep) or "Sales",
                "parentHierarchyId": "1905",
                "parentHierarchyName": "Worldwide",
                "scopeId": f"{rep}::REP",
            }
        start: date = row["period_start"]
        end: date = row["period_end"]
        period_id = _period_id(start, end)
        if period_id not in periods:
            periods[period_id] = {
                "timePeriodId": period_id,
                "startDate": start.isoformat(),
                "endDate": end.isoformat(),
                "label": period_id.replace("_", " "),
                "year": start.year,
                "type": "quarter" if "_Q" in period_id else "month",
            }
            frame_id = f"{period_id}-W1"
            frames[frame_id] = {"timeFrameId": "1", "startDate": start.isoformat()}
            quota = round(float(row["amount"]) * 1.1, -3)
            entries.append(_entry(CLARI_COMPANY_USER, "f-quota", period_id, row, quota))
        user = users[scope]["userId"]
        commit = float(row["amount"])
        entries.append(_entry(user, "f-commit", period_id, row, commit))
        if scope == "company":
            entries.append(_entry(user, "f-best", period_id, row, round(commit * 1.25, 2)))
    document = {
        "entries": entries,
        "users": list(users.values()),
        "fields": [
            {"fieldId": "f-commit", "fieldName": "Commit", "fieldType": "forecast"},
            {"fieldId": "f-best", "fieldName": "Best Case", "fieldType": "forecast"},
            {"fieldId": "f-quota", "fieldName": "Quota", "fieldType": "quota"},
        ],
        "timePeriods": list(periods.values()),
        "timeFrames": [
            {"timeFrameId": "1", "startDate": f["startDate"], "endDate": f["startDate"]}
            for f in frames.values()
        ],
    }
    path = write_json(folder / "clari_forecast.json", document)
    return Export("Clari", path, "forecasts", "clari_forecast", match_accounts=False)


def _period_id(start: date, end: date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months == 3 and start.month % 3 == 1:
        return f"{start.year}_Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}_M{start.month:02d}"


def _entry(
    user: str, field: str, period: str, row: dict[str, Any], value: float | None
) -> dict[str, Any]:
    snapshot: datetime = row["snapshot_at"]
    millis = int(snapshot.replace(tzinfo=UTC).timestamp() * 1000)
    return {
        "userId": user,
        "fieldId": field,
        "timePeriodId": period,
        "timeFrameId": "1",
        "forecastValue": value,
        "currency": {"code": "USD", "symbol": "$"},
        "isUpdated": value is not None,
        "updatedBy": user,
        "updatedOn": millis,
    }
