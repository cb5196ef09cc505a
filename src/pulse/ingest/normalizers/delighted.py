"""Delighted survey responses → one NPS answer per record, with who answered it.

Accepts ``GET /v1/survey_responses.json`` (a list of responses; with ``expand[]=person`` the
``person`` is an object with ``email``), webhook events (``{"event_data": {...}}``) or a
list of either. Only ``survey_type`` ``nps`` responses are kept (a response without a type
counts as NPS). The account key is, first found: a ``person_properties`` key naming the
customer (``account_id``, ``Account ID``, ``company_id``, ``customer_id``, ``Company``,
``company``, ``Company domain``), else the person's e-mail (matched to an account by its
domain with ``match_accounts``). ``created_at`` is Unix seconds; ``score`` is 0-10.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulse.errors import ImportValidationError
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.stripe import epoch_date

ACCOUNT_PROPERTIES = (
    "account_id",
    "Account ID",
    "company_id",
    "customer_id",
    "Company",
    "company",
    "Company domain",
)


def _responses(document: Any) -> list[dict[str, Any]]:
    items = document if isinstance(document, list) else [document]
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("event_data"), dict):
            item = item["event_data"]
        if isinstance(item, dict) and "score" in item:
            out.append(item)
    if not out and items and items != [[]]:
        raise ImportValidationError(
            "delighted_responses: expected Delighted survey responses",
            hint="export GET /v1/survey_responses.json?expand[]=person",
        )
    return out


def account_key(properties: Any, email: Any, keys: tuple[str, ...]) -> str | None:
    """The first non-empty ``properties[key]``, else the e-mail address."""
    if isinstance(properties, dict):
        for key in keys:
            value = properties.get(key)
            if value not in (None, ""):
                return str(value)
    return str(email) if email not in (None, "") else None


@normalizer("delighted_responses")
def delighted_responses(document: Any) -> Iterable[dict[str, Any]]:
    """One record per Delighted NPS response (see the module docstring)."""
    out: list[dict[str, Any]] = []
    for response in _responses(document):
        if response.get("survey_type") not in (None, "nps"):
            continue
        person = response.get("person")
        email = person.get("email") if isinstance(person, dict) else None
        out.append(
            {
                "response_id": None if response.get("id") is None else str(response["id"]),
                "account": account_key(
                    response.get("person_properties"), email, ACCOUNT_PROPERTIES
                ),
                "email": email,
                "answered_at": epoch_date(response.get("created_at")),
                "score": None if response.get("score") is None else str(response["score"]),
                "comment": response.get("comment"),
            }
        )
    return out
