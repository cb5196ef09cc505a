"""Salesloft meetings (``GET /v2/meetings``) → ``meetings`` and ``coaching`` records.

Accepts the API's list response (``{"data": [...], "metadata": {...}}``), a list of such pages
(or JSON lines), or a bare list of meeting objects. Links are ``{id, _href}`` objects.

``salesloft_meetings`` gives one record per meeting:

- ``meeting_id`` = ``id``; ``held_at`` = the date of ``start_time`` as written;
- ``rep_id`` = ``booked_by_user.id`` (Salesloft's user id);
- ``contact_email`` = ``recipient_email``, else the first attendee who is not the organizer
  and not from the organizer's e-mail domain (a colleague) — the preset matches it to a CRM
  account by domain;
- ``held``: false when the meeting was canceled (``canceled_at`` set or ``status`` canceled)
  or a no-show (``no_show``), else true;
- ``has_prospect``: a person (``person.id``) or a recipient e-mail is set;
- ``meeting_type``, ``status``, ``title`` as given, and ``coaching_kind`` (``deal_review`` /
  ``ride_along`` when the meeting type or title says so, as for Outreach).

``salesloft_coaching`` keeps the held coaching meetings, one per rep, day and kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulse.errors import ImportValidationError
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.gong import id_text, local_date
from pulse.ingest.normalizers.outreach import coaching_kind, coaching_sessions

_LABEL = "salesloft_meetings"


def _meetings(document: Any) -> list[Any]:
    pages = document if isinstance(document, list) else [document]
    out: list[Any] = []
    for page in pages:
        if isinstance(page, dict) and isinstance(page.get("data"), list):
            out.extend(page["data"])
        elif isinstance(page, dict) and "id" in page and "start_time" in page:
            out.append(page)
        else:
            raise ImportValidationError(
                f'{_LABEL}: expected Salesloft meetings (a response with "data")',
                hint="export GET https://api.salesloft.com/v2/meetings.json?per_page=100, "
                "saving every page",
            )
    return out


def _link_id(value: Any) -> str | None:
    return id_text(value.get("id")) if isinstance(value, dict) else id_text(value)


def _domain(email: Any) -> str:
    return str(email or "").rpartition("@")[2].strip().lower()


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def _record(meeting: dict[str, Any]) -> dict[str, Any]:
    raw = meeting.get("attendees")
    attendees = [a for a in (raw if isinstance(raw, list) else []) if isinstance(a, dict)]
    own = {_domain(a.get("email")) for a in attendees if _truthy(a.get("organizer"))}
    others = [
        a
        for a in attendees
        if not _truthy(a.get("organizer")) and a.get("email") and _domain(a["email"]) not in own
    ]
    email = meeting.get("recipient_email") or (others[0]["email"] if others else None)
    status = meeting.get("status")
    canceled = bool(meeting.get("canceled_at")) or str(status or "").lower() in (
        "canceled",
        "cancelled",
    )
    start = meeting.get("start_time")
    person = _link_id(meeting.get("person"))
    return {
        "meeting_id": id_text(meeting.get("id")),
        "held_at": local_date(start) or start,
        "rep_id": _link_id(meeting.get("booked_by_user")),
        "contact_email": email,
        "held": "false" if canceled or _truthy(meeting.get("no_show")) else "true",
        "has_prospect": "true" if person or meeting.get("recipient_email") else "false",
        "meeting_type": meeting.get("meeting_type"),
        "status": status,
        "title": meeting.get("title"),
        "coaching_kind": coaching_kind(meeting.get("meeting_type"), meeting.get("title")),
    }


@normalizer("salesloft_meetings")
def salesloft_meetings(document: Any) -> Iterable[dict[str, Any]]:
    """One record per Salesloft meeting."""
    out: list[dict[str, Any]] = []
    for n, meeting in enumerate(_meetings(document), start=1):
        if not isinstance(meeting, dict):
            raise ImportValidationError(f"{_LABEL}: meeting {n} is not an object")
        out.append(_record(meeting))
    return out


@normalizer("salesloft_coaching")
def salesloft_coaching(document: Any) -> Iterable[dict[str, Any]]:
    """One coaching record per rep, day and kind, from held deal-review / ride-along meetings."""
    held = [r for r in salesloft_meetings(document) if r["held"] == "true"]
    return coaching_sessions(held)
