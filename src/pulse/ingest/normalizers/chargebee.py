"""Chargebee API subscriptions → one ``subscriptions`` record per recurring item.

Accepts Chargebee's list response (``{"list": [{"subscription": {...}, "customer": {...}}]}``),
a list of such entries or of bare subscription objects, or a single subscription.

Product Catalog 2.0 subscriptions carry ``subscription_items`` (item_price_id, item_type,
quantity, unit_price, amount); each plan or addon item becomes a line ``<subscription
id>:<item_price_id>`` (one-off ``charge`` items are skipped). Catalog 1.0 subscriptions carry
``plan_id``, ``plan_quantity``, ``plan_unit_price`` and ``plan_amount``; they become one line
with the subscription's id. Amounts are minor units (÷ 100 except zero-decimal currencies);
``billing_period`` × ``billing_period_unit`` gives the period; ``started_at`` (else
``activated_at``, ``created_at``) is the start; ``cancelled_at`` (else the current term end of
a ``non_renewing`` subscription) is the end; ``in_trial`` marks trials.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pulse.errors import ImportValidationError, Issue
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.stripe import ZERO_DECIMAL, billing_period, epoch_date

_LABEL = "chargebee_subscriptions"


def _subscriptions(document: Any) -> list[Any]:
    entries: Any = None
    if isinstance(document, list):
        entries = document
    elif isinstance(document, dict):
        if isinstance(document.get("list"), list):
            entries = document["list"]
        elif "subscription" in document or "customer_id" in document:
            entries = [document]
    if entries is None:
        raise ImportValidationError(
            f"{_LABEL}: expected a list of Chargebee subscriptions",
            hint='export GET /api/v2/subscriptions (a response with "list")',
        )
    return [
        e["subscription"] if isinstance(e, dict) and "subscription" in e else e for e in entries
    ]


def _money(value: Any, currency: str) -> Decimal:
    amount = Decimal(str(value))
    return amount if currency.lower() in ZERO_DECIMAL else amount / 100


@normalizer("chargebee_subscriptions")
def chargebee_subscriptions(document: Any) -> Iterable[dict[str, Any]]:
    """One canonical subscriptions record per recurring Chargebee subscription item."""
    out: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for n, sub in enumerate(_subscriptions(document), start=1):
        if not isinstance(sub, dict):
            issues.append(Issue(f"subscription {n}: expected an object", _LABEL))
            continue
        where = f"subscription {sub.get('id', n)}"
        period = billing_period(sub.get("billing_period_unit"), sub.get("billing_period"))
        if period is None:
            issues.append(
                Issue(
                    f"{where}: expected a billing period in weeks, months or years, got "
                    f"{sub.get('billing_period')} × {sub.get('billing_period_unit')!r}",
                    _LABEL,
                )
            )
            continue
        currency = str(sub.get("currency_code") or "")
        end = sub.get("cancelled_at")
        if end is None and sub.get("status") == "non_renewing":
            end = sub.get("current_term_end")
        common = {
            "account_id": sub.get("customer_id"),
            "currency": currency.upper() or None,
            "billing_period": period,
            "start_date": epoch_date(
                sub.get("started_at") or sub.get("activated_at") or sub.get("created_at")
            ),
            "end_date": epoch_date(end),
            "is_trial": "true" if sub.get("status") == "in_trial" else "false",
        }
        items = sub.get("subscription_items")
        if isinstance(items, list):
            for item in items:
                if not isinstance(item, dict) or item.get("item_type") == "charge":
                    continue
                line = f"{sub.get('id')}:{item.get('item_price_id')}"
                quantity = item.get("quantity") if item.get("quantity") is not None else 1
                if item.get("amount") is not None:
                    cents = item["amount"]
                elif item.get("unit_price") is not None:
                    cents = Decimal(str(item["unit_price"])) * Decimal(str(quantity))
                else:
                    issues.append(Issue(f"{where} item {line}: no amount or unit_price", _LABEL))
                    continue
                out.append(
                    {
                        **common,
                        "line_id": line,
                        "product": item.get("item_price_id"),
                        "amount": str(_money(cents, currency)),
                    }
                )
        elif sub.get("plan_id") is not None:
            quantity = sub.get("plan_quantity") if sub.get("plan_quantity") is not None else 1
            cents = sub.get("plan_amount")
            if cents is None and sub.get("plan_unit_price") is not None:
                cents = Decimal(str(sub["plan_unit_price"])) * Decimal(str(quantity))
            if cents is None:
                issues.append(Issue(f"{where}: no plan_amount or plan_unit_price", _LABEL))
                continue
            out.append(
                {
                    **common,
                    "line_id": sub.get("id"),
                    "product": sub.get("plan_id"),
                    "amount": str(_money(cents, currency)),
                }
            )
        else:
            issues.append(Issue(f"{where}: expected subscription_items or plan_id", _LABEL))
    if issues:
        raise ImportValidationError(f"{_LABEL}: {len(issues)} problem(s) in the document", issues)
    return out
