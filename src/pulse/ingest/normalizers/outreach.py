"""Outreach API v2 (JSON:API) calls and meetings → ``meetings`` and ``coaching`` records.

Accepts a JSON:API document (``{"data": [...], "included": [...]}``), a list of such pages, or
a bare list of resource objects (``{type, id, attributes, relationships}``). Related resources
(user, prospect, account, callDisposition, callPurpose) are looked up in ``included`` (request
them with ``include=user,prospect.account,callDisposition,callPurpose``); without them only
the ids are known.

``outreach_activities`` gives one record per ``call`` and ``meeting`` resource (mailings and
other types are e-mail touches, not meetings: skipped):

- ``activity_id`` = ``<type>:<id>`` (a call and a meeting may share a number);
- ``held_at``: calls ``answeredAt``, else ``completedAt``, else ``dialedAt``; meetings
  ``startTime``/``startAt``/``start`` (meeting attributes are not in the published spec: these
  names are assumed) — the date as written, local to its offset;
- ``rep_id`` = the ``user`` (calls) or ``owner``/``user`` (meetings) relationship id;
- account: ``account_custom_id`` (the account's ``customId``, often the CRM id),
  ``account_domain``, ``account_name`` of the related or the prospect's account, and
  ``prospect_email`` (the prospect's first e-mail) — the preset picks and matches them;
- ``outcome`` (call ``outcome``: Answered / Not Answered; meeting ``outcome`` or ``status``),
  ``disposition`` (the callDisposition's name, or the meeting's ``disposition``), ``purpose``
  (the callPurpose's name) and ``tags`` (joined with ``;``) for the presets' rules;
- ``coaching_kind``: ``deal_review`` when the purpose, tags or title say "deal review",
  ``ride_along`` when they say "ride along" / "ride-along" / "ridealong"; else empty.

``outreach_coaching`` keeps the coaching records only, one per rep, day and kind (the coaching
table's key): two deal reviews of one rep on one day are one session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pulse.errors import ImportValidationError
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.gong import id_text, local_date

_LABEL = "outreach_activities"
_TYPES = ("call", "meeting")
_RIDE_ALONG = re.compile(r"\bride[\s_-]?along", re.IGNORECASE)
_DEAL_REVIEW = re.compile(r"\bdeal[\s_-]?review", re.IGNORECASE)

Resource = dict[str, Any]


def coaching_kind(*texts: Any) -> str | None:
    """``deal_review`` or ``ride_along`` when any text names one (deal review first); else None."""
    joined = " ".join(str(t) for t in texts if t)
    if _DEAL_REVIEW.search(joined):
        return "deal_review"
    if _RIDE_ALONG.search(joined):
        return "ride_along"
    return None


def _pages(document: Any) -> tuple[list[Any], list[Any]]:
    pages = document if isinstance(document, list) else [document]
    data: list[Any] = []
    included: list[Any] = []
    for page in pages:
        if isinstance(page, dict) and "data" in page:
            body = page["data"]
            data.extend(body if isinstance(body, list) else [body])
            included.extend(page.get("included") or [])
        elif isinstance(page, dict) and "type" in page and "id" in page:
            data.append(page)
        else:
            raise ImportValidationError(
                f'{_LABEL}: expected Outreach JSON:API resources (a document with "data")',
                hint="export GET /api/v2/calls?include=user,prospect.account,callDisposition,"
                "callPurpose (and /api/v2/meetings), saving every page",
            )
    return data, included


def _related_id(resource: Resource, *names: str) -> tuple[str, str] | None:
    rels = resource.get("relationships")
    for name in names:
        rel = rels.get(name) if isinstance(rels, dict) else None
        link = rel.get("data") if isinstance(rel, dict) else None
        if isinstance(link, list):
            link = link[0] if link else None
        if isinstance(link, dict) and link.get("id") is not None:
            return str(link.get("type") or name), str(link["id"])
    return None


class _Included:
    def __init__(self, resources: list[Any]):
        self.by_key: dict[tuple[str, str], Resource] = {}
        for r in resources:
            if isinstance(r, dict) and r.get("type") and r.get("id") is not None:
                self.by_key[(str(r["type"]), str(r["id"]))] = r

    def get(self, resource: Resource | None, *names: str) -> Resource | None:
        if resource is None:
            return None
        link = _related_id(resource, *names)
        return self.by_key.get(link) if link else None


def _attrs(resource: Resource | None) -> dict[str, Any]:
    found = resource.get("attributes") if resource else None
    return found if isinstance(found, dict) else {}


def _first(attrs: dict[str, Any], *names: str) -> Any:
    for name in names:
        if attrs.get(name) not in (None, ""):
            return attrs[name]
    return None


def _tags(value: Any) -> str | None:
    if isinstance(value, list):
        return ";".join(str(v) for v in value) or None
    return str(value) if value not in (None, "") else None


def _record(resource: Resource, included: _Included) -> dict[str, Any]:
    kind = str(resource.get("type"))
    attrs = _attrs(resource)
    prospect = included.get(resource, "prospect")
    account = included.get(resource, "account") or included.get(prospect, "account")
    account_attrs = _attrs(account)
    emails = _attrs(prospect).get("emails")
    if kind == "call":
        when = _first(attrs, "answeredAt", "completedAt", "dialedAt")
        rep = _related_id(resource, "user")
        outcome = attrs.get("outcome")
        disposition = _attrs(included.get(resource, "callDisposition")).get("name")
    else:
        when = _first(attrs, "startTime", "startAt", "start")
        rep = _related_id(resource, "owner", "user")
        outcome = _first(attrs, "outcome", "status")
        disposition = attrs.get("disposition")
    purpose = _attrs(included.get(resource, "callPurpose")).get("name")
    tags = _tags(attrs.get("tags"))
    title = _first(attrs, "title", "subject", "note")
    return {
        "activity_id": f"{kind}:{resource.get('id')}",
        "kind": kind,
        "held_at": local_date(when) or when,
        "rep_id": rep[1] if rep else None,
        "account_custom_id": id_text(account_attrs.get("customId")),
        "account_domain": account_attrs.get("domain"),
        "account_name": account_attrs.get("name"),
        "prospect_email": emails[0] if isinstance(emails, list) and emails else None,
        "outcome": outcome,
        "disposition": disposition,
        "purpose": purpose,
        "tags": tags,
        "coaching_kind": coaching_kind(purpose, tags, title),
    }


@normalizer("outreach_activities")
def outreach_activities(document: Any) -> Iterable[dict[str, Any]]:
    """One record per Outreach call or meeting."""
    data, included_list = _pages(document)
    included = _Included(included_list)
    return [
        _record(r, included) for r in data if isinstance(r, dict) and str(r.get("type")) in _TYPES
    ]


@normalizer("outreach_coaching")
def outreach_coaching(document: Any) -> Iterable[dict[str, Any]]:
    """One coaching record per rep, day and kind, from calls and meetings marked as coaching."""
    return coaching_sessions(outreach_activities(document))


def coaching_sessions(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records marked as coaching, one per (rep_id, held_at, coaching_kind): the first."""
    seen: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for r in records:
        if r.get("coaching_kind"):
            seen.setdefault((r.get("rep_id"), r.get("held_at"), r["coaching_kind"]), r)
    return list(seen.values())
