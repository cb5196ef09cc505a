"""Stripe API subscriptions → one ``subscriptions`` record per subscription item.

Accepts a list of subscription objects, a Stripe list object (``{"object": "list", "data":
[...]}``), a single subscription, or stripe-mock's fixture file (``{"resources":
{"subscription": {...}}}``). Prices must be expanded (the API returns them inside items).

Per item: ``line_id`` = item id, ``account_id`` = customer, ``product`` = price.product,
``amount`` = unit_amount × quantity in major units (cents ÷ 100; zero-decimal currencies such
as JPY are not divided), ``currency`` upper-cased, ``billing_period`` from
recurring.interval × interval_count. ``current_period_*`` may sit on the item (API versions
since 2025-03-31.basil) or on the subscription (older versions, webhooks, syncs); the item wins.
``end_date`` is ``ended_at``; else the current period end when ``cancel_at_period_end``;
else ``canceled_at``; else a scheduled ``cancel_at``. Trialing subscriptions are ``is_trial``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pulse.errors import ImportValidationError, Issue
from pulse.ingest.normalizers import normalizer

# docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)
_LABEL = "stripe_subscriptions"


def billing_period(unit: Any, count: Any) -> str | None:
    """Canonical billing period for ``count`` × ``unit`` (day, week, month, year); None if none fits."""
    try:
        n = int(count) if count not in (None, "") else 1
    except (TypeError, ValueError):
        return None
    if n < 1:
        return None
    unit = str(unit or "").strip().lower().rstrip("s")
    if unit == "week" and n == 1:
        return "week"
    months = {"month": n, "year": 12 * n}.get(unit)
    if months is None:
        return None
    named = {1: "month", 3: "quarter", 6: "half_year", 12: "year"}
    return named.get(months, str(months))


def epoch_date(value: Any) -> str | None:
    """ISO date (UTC) of an epoch-seconds value; None for null."""
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value), UTC).date().isoformat()


def _subscriptions(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        resources = document.get("resources")
        if isinstance(resources, dict) and isinstance(resources.get("subscription"), dict):
            return [resources["subscription"]]
        if isinstance(document.get("data"), list):
            return list(document["data"])
        if document.get("object") == "subscription":
            return [document]
    raise ImportValidationError(
        f"{_LABEL}: expected a list of Stripe subscriptions",
        hint='export GET /v1/subscriptions?expand[]=data.items.data.price (a list with "data")',
    )


@normalizer("stripe_subscriptions")
def stripe_subscriptions(document: Any) -> Iterable[dict[str, Any]]:
    """One canonical subscriptions record per Stripe subscription item."""
    out: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for n, sub in enumerate(_subscriptions(document), start=1):
        where = f"subscription {sub.get('id', n) if isinstance(sub, dict) else n}"
        if not isinstance(sub, dict):
            issues.append(Issue(f"{where}: expected an object, got {type(sub).__name__}", _LABEL))
            continue
        items = sub.get("items")
        data = items.get("data") if isinstance(items, dict) else items
        if not isinstance(data, list) or not data:
            issues.append(
                Issue(f"{where}: expected items.data with its subscription items", _LABEL)
            )
            continue
        for item in data:
            record = _item_record(sub, item, where, issues)
            if record is not None:
                out.append(record)
    if issues:
        raise ImportValidationError(f"{_LABEL}: {len(issues)} problem(s) in the document", issues)
    return out


def _item_record(
    sub: dict[str, Any], item: Any, where: str, issues: list[Issue]
) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        issues.append(Issue(f"{where}: expected subscription item objects", _LABEL))
        return None
    where = f"{where} item {item.get('id')}"
    price = item.get("price") or item.get("plan")
    if not isinstance(price, dict):
        issues.append(
            Issue(
                f"{where}: expected an expanded price object, got {price!r}",
                _LABEL,
            )
        )
        return None
    unit = price.get("unit_amount_decimal") or price.get("unit_amount") or price.get("amount")
    if unit in (None, ""):
        scheme = price.get("billing_scheme")
        issues.append(
            Issue(f"{where}: price {price.get('id')} has no unit_amount ({scheme} pricing)", _LABEL)
        )
        return None
    nested = price.get("recurring")
    recurring: dict[str, Any] = nested if isinstance(nested, dict) else price  # legacy plans
    period = billing_period(recurring.get("interval"), recurring.get("interval_count"))
    if period is None:
        issues.append(
            Issue(
                f"{where}: expected a recurring interval of week, month or year, got "
                f"{recurring.get('interval_count')} × {recurring.get('interval')!r}",
                _LABEL,
            )
        )
        return None
    currency = str(price.get("currency") or sub.get("currency") or "").lower()
    quantity = item.get("quantity")
    amount = Decimal(str(unit)) * Decimal(str(quantity if quantity is not None else 1))
    if currency not in ZERO_DECIMAL:
        amount /= 100
    period_end = item.get("current_period_end") or sub.get("current_period_end")
    if sub.get("ended_at"):
        end = sub["ended_at"]
    elif sub.get("cancel_at_period_end"):
        end = period_end or sub.get("cancel_at")
    else:
        end = sub.get("canceled_at") or sub.get("cancel_at")
    return {
        "line_id": item.get("id"),
        "account_id": sub.get("customer"),
        "product": price.get("product"),
        "amount": str(amount),
        "currency": currency.upper() or None,
        "billing_period": period,
        "start_date": epoch_date(sub.get("start_date") or sub.get("created")),
        "end_date": epoch_date(end),
        "is_trial": "true" if sub.get("status") == "trialing" else "false",
    }
