"""Typeform responses → one NPS answer per record, with who answered it.

Accepts ``GET /forms/{form_id}/responses`` (``{"items": [...]}``), a list of such pages or a
list of responses. The NPS answer is the first answer to a field of type ``nps``, else to an
``opinion_scale`` field (0-10, type ``number``); responses without one are skipped. The account
key is, first found: a hidden field naming the customer (``account_id``, ``company_id``,
``customer_id``, ``company``, ``domain``, ``email``), else the first ``email`` answer (matched
to an account by its domain with ``match_accounts``). The date is ``submitted_at`` (UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulse.errors import ImportValidationError
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.delighted import account_key

HIDDEN_KEYS = ("account_id", "company_id", "customer_id", "company", "domain", "email")


def _items(document: Any) -> list[dict[str, Any]]:
    pages = document if isinstance(document, list) else [document]
    out: list[dict[str, Any]] = []
    for page in pages:
        if isinstance(page, dict) and isinstance(page.get("items"), list):
            out.extend(i for i in page["items"] if isinstance(i, dict))
        elif isinstance(page, dict) and "answers" in page:
            out.append(page)
    if not out and not (isinstance(document, dict) and "items" in document):
        raise ImportValidationError(
            "typeform_responses: expected Typeform responses",
            hint='export GET /forms/{form_id}/responses (a response with "items")',
        )
    return out


def _score(answers: list[Any]) -> Any:
    for kind in ("nps", "opinion_scale"):
        for answer in answers:
            if not isinstance(answer, dict):
                continue
            if (answer.get("field") or {}).get("type") == kind and answer.get("number") is not None:
                return answer["number"]
    return None


@normalizer("typeform_responses")
def typeform_responses(document: Any) -> Iterable[dict[str, Any]]:
    """One record per Typeform response with an NPS answer (see the module docstring)."""
    out: list[dict[str, Any]] = []
    for item in _items(document):
        answers = item.get("answers") or []
        score = _score(answers)
        if score is None:
            continue
        email = next(
            (a.get("email") for a in answers if isinstance(a, dict) and a.get("email")), None
        )
        out.append(
            {
                "response_id": item.get("token") or item.get("response_id"),
                "account": account_key(item.get("hidden"), email, HIDDEN_KEYS),
                "email": email,
                "answered_at": item.get("submitted_at"),
                "score": str(score),
            }
        )
    return out
