"""Clari exports: forecast submissions → ``forecasts``; activity export meetings → ``meetings``.

**Forecast export** (``GET /export/jobs/{jobId}/results``, JSON): five lookup lists —
``entries`` (userId, fieldId, timePeriodId, timeFrameId, forecastValue, isUpdated, updatedOn),
``users`` (userId, crmId, hierarchyName, parentHierarchyId, scopeId), ``fields`` (fieldId,
fieldName, fieldType), ``timePeriods`` (timePeriodId, startDate, endDate) and ``timeFrames``
(timeFrameId, startDate, endDate: the weeks). They may sit at the top level or under ``data``.
``clari_forecast`` joins them into one record per entry:

- ``period_start``/``period_end`` from the entry's time period;
- ``snapshot_at`` = ``updatedOn`` (epoch ms, UTC): when the call was submitted. Entries without
  it fall back to the start of their week (``timeFrames.startDate``). A call carried unchanged
  through several weeks is one submission: one record (the latest week's);
- ``scope``: a manager's roll-up (``scopeId`` ending ``::MGR``) is ``company`` at the top of the
  hierarchy (no ``parentHierarchyId``) and ``team:<hierarchyName>`` below it; anyone else is
  ``rep:<crmId>`` (their CRM user id, which is what opportunities.owner_id holds);
- ``category`` from ``fieldName``: Commit → ``commit``; Best Case / Upside → ``best_case``;
  Most Likely / Forecast Call / Expected → ``most_likely``; Pipeline → ``pipeline``; Closed / Won
  → ``closed``; other names → their snake_case form. Quota, Plan, Budget and Target fields (and
  ``fieldType`` quota) are targets, not forecasts: skipped. CRM roll-up fields (``fieldType``
  crm_total / crm_closed) are prefixed ``crm_`` (``crm_commit``): what the CRM says, not a call;
- ``amount`` = ``forecastValue``; entries without a value (no call made) are skipped.

The forecasts table keys on (snapshot_at, period_start, scope), so one file yields one category
per key: the preset keeps ``commit`` with ``where``. Amounts are in the export's ``currency``.

``clari_quotas`` reads the same export (``typesToExport`` including ``quota``) for the Quota
fields (``fieldType`` quota, or a name containing "Quota"; Plan, Budget and Target are not
quotas): one ``quotas`` record per rep (``rep_id`` = crmId) and the company (top manager,
``rep_id`` empty) per period, the latest week's value. Team managers' quotas are skipped: the
quotas table has no team rows.

**Activity export** (``POST /export/activity`` results): ``activities[]``. ``clari_activities``
gives one record per activity with ``activity_type``; ``date`` is epoch ms (UTC date);
``rep_id`` = ``activityOwnerId``; ``account_id`` = the first linked account, else the first
external participant's e-mail (for the preset's ``match_accounts``); and, for the
qualification rule the preset applies, ``external_participants`` (participants with
``isInternal`` false) and ``opportunities`` (linked opportunities).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pulse.errors import ImportValidationError, Issue
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.gong import id_text, local_date

_FORECAST = "clari_forecast"
_ACTIVITY = "clari_activities"
_QUOTAS = "clari_quotas"
_LISTS = ("entries", "users", "fields", "timePeriods", "timeFrames")
_TARGET_WORDS = ("quota", "plan", "budget", "target")
_CATEGORY_RULES = (
    ("commit", "commit"),
    ("best case", "best_case"),
    ("bestcase", "best_case"),
    ("upside", "best_case"),
    ("most likely", "most_likely"),
    ("forecast call", "most_likely"),
    ("expected", "most_likely"),
    ("pipeline", "pipeline"),
    ("closed", "closed"),
    ("won", "closed"),
)


def field_category(name: Any, field_type: Any = None) -> str | None:
    """Forecast category of a Clari forecast-grid field; None for quota-like target fields."""
    text = re.sub(r"[\s_]+", " ", str(name or "")).strip().lower()
    kind = str(field_type or "").strip().lower()
    if "quota" in kind or any(re.search(rf"\b{w}\b", text) for w in _TARGET_WORDS):
        return None
    category = next((c for word, c in _CATEGORY_RULES if word in text), None)
    if category is None:
        category = re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "unnamed"
    if kind.startswith("crm"):
        category = f"crm_{category}"
    return category


def epoch_ms_timestamp(value: Any) -> str | None:
    """ISO UTC timestamp of epoch milliseconds (seconds when 10 digits or fewer)."""
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    seconds = number / 1000 if abs(number) >= 10**11 else number
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None).isoformat(sep=" ")


def _results(document: Any) -> dict[str, Any]:
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        document = document["data"]
    if isinstance(document, dict) and isinstance(document.get("entries"), list):
        return document
    raise ImportValidationError(
        f"{_FORECAST}: expected a Clari forecast export result (entries, users, fields, "
        "timePeriods, timeFrames)",
        hint="export with POST /export/forecast/{forecastId} (exportFormat JSON, "
        "includeHistorical true) and save GET /export/jobs/{jobId}/results",
    )


def _index(doc: dict[str, Any], name: str, key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in doc.get(name) or []:
        if isinstance(item, dict) and item.get(key) is not None:
            out.setdefault(str(item[key]), []).append(item)
    return out


def _one(index: dict[str, list[dict[str, Any]]], key: Any) -> dict[str, Any] | None:
    found = index.get(str(key))
    return found[0] if found else None


def _scope(user: dict[str, Any]) -> str | None:
    if str(user.get("scopeId") or "").upper().endswith("::MGR"):
        if not user.get("parentHierarchyId"):
            return "company"
        team = user.get("hierarchyName")
        return f"team:{team}" if team else None
    crm = id_text(user.get("crmId"))
    return f"rep:{crm}" if crm else None


def _frame(frames: list[dict[str, Any]], period: dict[str, Any]) -> dict[str, Any]:
    """The week with this id inside the period (timeFrameIds recur in every quarter)."""
    start, end = str(period.get("startDate") or ""), str(period.get("endDate") or "9999")
    inside = [f for f in frames if start <= str(f.get("startDate") or "") <= end]
    return (inside or frames)[0]


@dataclass(frozen=True)
class _Entry:
    """One usable forecast-grid entry, joined to its user, field, period and week."""

    scope: str
    category: str
    amount: Decimal
    snapshot_at: str | None
    period_start: str | None
    period_end: str | None
    week_start: str | None
    field_name: Any
    time_period: Any


def _entries(
    document: Any, label: str, classify: Callable[[dict[str, Any]], str | None]
) -> list[_Entry]:
    """The entries whose field ``classify`` names (others are skipped), or every problem."""
    doc = _results(document)
    users = _index(doc, "users", "userId")
    fields = _index(doc, "fields", "fieldId")
    periods = _index(doc, "timePeriods", "timePeriodId")
    frames = _index(doc, "timeFrames", "timeFrameId")
    issues: list[Issue] = []
    out: list[_Entry] = []
    for n, entry in enumerate(doc["entries"], start=1):
        where = f"entry {n}"
        if not isinstance(entry, dict):
            issues.append(Issue(f"{where}: expected an object", label))
            continue
        fld = _one(fields, entry.get("fieldId"))
        user = _one(users, entry.get("userId"))
        period = _one(periods, entry.get("timePeriodId"))
        missing = [
            f"{name} {entry.get(name)!r}"
            for name, found in (("fieldId", fld), ("userId", user), ("timePeriodId", period))
            if found is None
        ]
        if missing:
            issues.append(Issue(f"{where}: unknown {', '.join(missing)}", label))
            continue
        assert fld is not None and user is not None and period is not None
        category = classify(fld)
        if category is None or entry.get("forecastValue") in (None, ""):
            continue
        scope = _scope(user)
        if scope is None:
            name = user.get("email") or user.get("name") or user.get("userId")
            issues.append(Issue(f"{where}: user {name} has no crmId (nor a team hierarchy)", label))
            continue
        try:
            amount = Decimal(str(entry["forecastValue"]))
        except InvalidOperation:
            value = entry["forecastValue"]
            issues.append(Issue(f"{where}: forecastValue {value!r} is not a number", label))
            continue
        week = _frame(frames.get(str(entry.get("timeFrameId")), [{}]), period)
        snapshot = epoch_ms_timestamp(entry.get("updatedOn"))
        if snapshot is None and week.get("startDate"):
            snapshot = f"{local_date(week['startDate'])} 00:00:00"
        out.append(
            _Entry(
                scope=scope,
                category=category,
                amount=amount,
                snapshot_at=snapshot,
                period_start=local_date(period.get("startDate")),
                period_end=local_date(period.get("endDate")),
                week_start=local_date(week.get("startDate")),
                field_name=fld.get("fieldName"),
                time_period=period.get("timePeriodId"),
            )
        )
    if issues:
        raise ImportValidationError(f"{label}: {len(issues)} problem(s) in the document", issues)
    return out


def _forecast_category(fld: dict[str, Any]) -> str | None:
    return field_category(fld.get("fieldName"), fld.get("fieldType"))


def _quota_category(fld: dict[str, Any]) -> str | None:
    return "quota" if is_quota_field(fld) else None


@normalizer("clari_forecast")
def clari_forecast(document: Any) -> Iterable[dict[str, Any]]:
    """One forecasts record per Clari forecast submission and category."""
    kept: dict[tuple[str, str, str, str], tuple[str, dict[str, Any]]] = {}
    for e in _entries(document, _FORECAST, _forecast_category):
        record = {
            "snapshot_at": e.snapshot_at,
            "period_start": e.period_start,
            "period_end": e.period_end,
            "scope": e.scope,
            "category": e.category,
            "amount": str(e.amount),
            "field_name": e.field_name,
            "time_period": e.time_period,
            "week_start": e.week_start,
        }
        key = (str(e.snapshot_at), str(e.period_start), e.scope, e.category)
        order = e.week_start or ""
        if key not in kept or order >= kept[key][0]:
            kept[key] = (order, record)
    return [record for _, record in kept.values()]


def is_quota_field(fld: dict[str, Any]) -> bool:
    """Whether a Clari field is the quota (``fieldType`` quota, or a name with "Quota")."""
    kind = str(fld.get("fieldType") or "").lower()
    return "quota" in kind or "quota" in str(fld.get("fieldName") or "").lower()


@normalizer("clari_quotas")
def clari_quotas(document: Any) -> Iterable[dict[str, Any]]:
    """One quotas record per rep (and the company) and period: the latest week's Quota entry."""
    kept: dict[tuple[str, str], tuple[tuple[str, str], dict[str, Any]]] = {}
    for e in _entries(document, _QUOTAS, _quota_category):
        if e.scope.startswith("team:"):
            continue  # the quotas table holds reps and the company only
        rep = "" if e.scope == "company" else e.scope.removeprefix("rep:")
        record = {
            "rep_id": rep,
            "period_start": e.period_start,
            "period_end": e.period_end,
            "amount": str(e.amount),
            "field_name": e.field_name,
        }
        key = (rep, str(e.period_start))
        order = (e.week_start or "", e.snapshot_at or "")
        if key not in kept or order >= kept[key][0]:
            kept[key] = (order, record)
    return [record for _, record in kept.values()]


def _activities(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("data"), dict):
        document = document["data"]
    if isinstance(document, dict) and isinstance(document.get("activities"), list):
        return list(document["activities"])
    if isinstance(document, list):
        return document
    raise ImportValidationError(
        f'{_ACTIVITY}: expected a Clari activity export (a document with "activities")',
        hint="export with POST /export/activity (activityTypes [MEETING])",
    )


def _first_id(links: Any, key: str) -> str | None:
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get(key):
            return id_text(link[key])
    return None


@normalizer("clari_activities")
def clari_activities(document: Any) -> Iterable[dict[str, Any]]:
    """One record per Clari activity (meetings, e-mails, attachments)."""
    out: list[dict[str, Any]] = []
    for n, activity in enumerate(_activities(document), start=1):
        if not isinstance(activity, dict):
            raise ImportValidationError(
                f"{_ACTIVITY}: activity {n} is not an object",
                [Issue(f"expected an object, got {type(activity).__name__}", _ACTIVITY)],
            )
        raw = activity.get("participants")
        participants: list[Any] = raw if isinstance(raw, list) else []
        outside = [p for p in participants if isinstance(p, dict) and p.get("isInternal") is False]
        emails = [str(p["email"]) for p in outside if p.get("email")]
        opportunities = activity.get("opportunities")
        stamp = epoch_ms_timestamp(activity.get("date"))
        out.append(
            {
                "activity_id": id_text(activity.get("activityId")),
                "activity_type": str(activity.get("activityType") or "").upper() or None,
                "held_at": stamp[:10] if stamp else activity.get("date"),
                "rep_id": id_text(activity.get("activityOwnerId")),
                "account_id": _first_id(activity.get("accounts"), "accountId")
                or (emails[0] if emails else None),
                "opportunity_id": _first_id(opportunities, "opportunityId"),
                "external_participants": len(outside),
                "subject": activity.get("subject"),
            }
        )
    return out
