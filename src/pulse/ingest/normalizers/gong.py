"""Gong calls (``GET /v2/calls`` or ``POST /v2/calls/extensive``) → one ``meetings`` record per call.

Accepts the API response (``{"calls": [...]}``, pages of it as a list or JSON lines), or a
bare list of calls. A call is either the extensive shape (``metaData``, ``parties``,
``context``) or the flat ``/v2/calls`` shape (the metaData fields at the top level).

Per call: ``meeting_id`` = ``metaData.id`` (kept as text: ids have up to 20 digits);
``held_at`` = the date of ``started`` as written (a call never started was not held), i.e. the local date of an
ISO time with offset, or the UTC date of epoch seconds; ``rep_id`` = the primary user's CRM
user id (a ``User`` object in that party's ``context``), else Gong's ``primaryUserId``;
``account_id`` = the ``Account`` object of the call's CRM ``context`` (``TimeOfCall`` wins over
``Now``), else an ``AccountId`` field of a context ``Opportunity``, else the e-mail address of
the first party not affiliated Internal (the preset's ``match_accounts`` resolves it by
domain to a CRM account, and lists it when no account has that domain). The record also carries the
inputs of the qualification rule, which the preset applies: ``duration`` (seconds), ``scope``
(Internal / External / Unknown, lower-cased) and ``external_parties`` (parties whose
``affiliation`` is not Internal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pulse.errors import ImportValidationError, Issue
from pulse.ingest.normalizers import normalizer

_LABEL = "gong_calls"
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})([T ].*)?")
_EPOCH = re.compile(r"\d{9,13}(\.\d+)?")


def local_date(value: Any) -> str | None:
    """The calendar date of an API time as written (ISO with or without offset; epoch s or ms).

    ``2024-03-04T18:30:00-07:00`` is 4 March (the date the meeting had where it was held),
    not its UTC date. Epoch numbers have no zone: their UTC date. Anything else returns None.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    match = _ISO_DATE.fullmatch(text)
    if match:
        try:
            return datetime.strptime(match.group(1), "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    if _EPOCH.fullmatch(text):
        seconds = float(text)
        if seconds > 10**11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    return None


def id_text(value: Any) -> str | None:
    """An id as text; JSON numbers keep every digit (Gong ids exceed 2**53)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _calls(document: Any) -> list[Any]:
    pages = document if isinstance(document, list) else [document]
    calls: list[Any] = []
    for page in pages:
        if isinstance(page, dict) and isinstance(page.get("calls"), list):
            calls.extend(page["calls"])
        elif isinstance(page, dict) and ("metaData" in page or "id" in page):
            calls.append(page)
        else:
            raise ImportValidationError(
                f'{_LABEL}: expected Gong calls (a response with "calls")',
                hint="export POST /v2/calls/extensive with contentSelector.context = Extended, "
                "exposedFields.parties = true",
            )
    return calls


def _objects(context: Any, object_type: str) -> list[dict[str, Any]]:
    """Context objects of one type, those captured at the time of the call first."""
    found: list[tuple[int, dict[str, Any]]] = []
    for system in context if isinstance(context, list) else []:
        if not isinstance(system, dict):
            continue
        for obj in system.get("objects") or []:
            if not isinstance(obj, dict):
                continue
            if str(obj.get("objectType", "")).lower() == object_type.lower():
                rank = 0 if str(obj.get("timing", "")).lower() == "timeofcall" else 1
                found.append((rank, obj))
    return [obj for _, obj in sorted(found, key=lambda pair: pair[0])]


def _account(context: Any) -> str | None:
    for obj in _objects(context, "Account"):
        if obj.get("objectId"):
            return id_text(obj["objectId"])
    for obj in _objects(context, "Opportunity"):
        for fld in obj.get("fields") or []:
            named = isinstance(fld, dict) and str(fld.get("name", "")).lower() == "accountid"
            if named and fld.get("value"):
                return id_text(fld["value"])
    return None


def _rep(meta: dict[str, Any], parties: list[Any]) -> str | None:
    primary = id_text(meta.get("primaryUserId"))
    for party in parties:
        if isinstance(party, dict) and primary and id_text(party.get("userId")) == primary:
            for obj in _objects(party.get("context"), "User"):
                if obj.get("objectId"):
                    return id_text(obj["objectId"])
    return primary


@normalizer("gong_calls")
def gong_calls(document: Any) -> Iterable[dict[str, Any]]:
    """One meetings record per Gong call."""
    out: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for n, call in enumerate(_calls(document), start=1):
        if not isinstance(call, dict):
            issues.append(Issue(f"call {n}: expected an object, got {type(call).__name__}", _LABEL))
            continue
        meta = call.get("metaData") if isinstance(call.get("metaData"), dict) else call
        assert isinstance(meta, dict)
        raw_parties = call.get("parties")
        parties: list[Any] = raw_parties if isinstance(raw_parties, list) else []
        outside = [
            p
            for p in parties
            if isinstance(p, dict) and str(p.get("affiliation") or "").lower() != "internal"
        ]
        emails = [str(p["emailAddress"]) for p in outside if p.get("emailAddress")]
        started = meta.get("started")
        scope = meta.get("scope")
        out.append(
            {
                "meeting_id": id_text(meta.get("id")),
                "held_at": local_date(started) if local_date(started) else started,
                "rep_id": _rep(meta, parties),
                "account_id": _account(call.get("context")) or (emails[0] if emails else None),
                "duration": meta.get("duration"),
                "scope": str(scope).lower() if scope is not None else None,
                "external_parties": len(outside),
                "title": meta.get("title"),
            }
        )
    if issues:
        raise ImportValidationError(f"{_LABEL}: {len(issues)} problem(s) in the document", issues)
    return out
