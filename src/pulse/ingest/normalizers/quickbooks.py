"""QuickBooks Online API entities → invoice lines and expense lines.

Accepts a query response (``{"QueryResponse": {"Invoice": [...], "Payment": [...]}}``), a batch
response (``{"BatchItemResponse": [{"QueryResponse": {...}}, ...]}``), an object of entity lists
(``{"Invoice": [...], "Payment": [...], "Item": [...]}``) or a list of entities (bare, or
wrapped like ``{"Invoice": {...}}``; a bare entity's kind is told by its fields).

``quickbooks_invoices``: one record per sales line of each ``Invoice`` (``SalesItemLineDetail``
lines, also inside a ``GroupLineDetail`` bundle; a ``DiscountLineDetail`` line becomes a
negative line; sub-total and description lines are skipped). The invoice line id is
``<Invoice.Id>:<Line.Id>`` (``<Invoice.Id>:#<position>`` for a line without an id). The customer is ``CustomerRef.name`` up to the first ``:`` (a
sub-customer or job ``Parent:Job 1`` belongs to its parent company). The product line is the
line's class, else the invoice's class, else the item; the territory is the invoice's location
(``DepartmentRef``, QuickBooks' Locations feature). **The paid date is not on the invoice**:
when the document also holds ``Payment`` entities, an invoice whose ``Balance`` is 0 is paid on
the date of the latest payment applied to it. When it holds ``Item`` entities, a line's cost is
``Qty × Item.PurchaseCost``.

``quickbooks_expenses``: one record per ``AccountBasedExpenseLineDetail`` line of each
``Purchase`` (expense, cheque, card charge; a ``Credit`` purchase is a refund, negative) and
``Bill``, with its date, account (``account_top`` is the top-level account of a sub-account
``Parent:Child``, ``account`` the leaf), class and vendor.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pulse.errors import ImportValidationError
from pulse.ingest.normalizers import normalizer

_KINDS = ("Invoice", "Payment", "Item", "Purchase", "Bill")


def _entities(document: Any) -> dict[str, list[dict[str, Any]]]:
    """Entities of ``document`` by kind (see the module docstring)."""
    out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _KINDS}

    def add_lists(node: dict[str, Any]) -> bool:
        found = False
        for kind in _KINDS:
            value = node.get(kind)
            if isinstance(value, list):
                out[kind].extend(v for v in value if isinstance(v, dict))
                found = True
            elif isinstance(value, dict):
                out[kind].append(value)
                found = True
        return found

    def guess(entity: dict[str, Any]) -> str | None:
        if "PaymentMethodRef" in entity or ("UnappliedAmt" in entity and "Line" in entity):
            return "Payment"
        if "VendorRef" in entity and "APAccountRef" in entity:
            return "Bill"
        if "PaymentType" in entity:
            return "Purchase"
        if "CustomerRef" in entity and "Line" in entity:
            return "Invoice"
        if "PurchaseCost" in entity or ("UnitPrice" in entity and "Line" not in entity):
            return "Item"
        return None

    if isinstance(document, dict):
        batch = document.get("BatchItemResponse")
        if isinstance(batch, list):
            for item in batch:
                if isinstance(item, dict):
                    add_lists(item.get("QueryResponse") or item)
        elif isinstance(document.get("QueryResponse"), dict):
            add_lists(document["QueryResponse"])
        elif not add_lists(document):
            kind = guess(document)
            if kind:
                out[kind].append(document)
    elif isinstance(document, list):
        for entity in document:
            if not isinstance(entity, dict):
                continue
            if add_lists(entity):
                continue
            kind = guess(entity)
            if kind:
                out[kind].append(entity)
    return out


def _ref_name(ref: Any) -> str | None:
    if isinstance(ref, dict):
        name = ref.get("name") or ref.get("value")
        return str(name) if name not in (None, "") else None
    return None


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _company(customer: str | None) -> str | None:
    return customer.split(":", 1)[0].strip() if customer else None


def _paid_dates(payments: list[dict[str, Any]]) -> dict[str, str]:
    """Invoice id → date of the latest payment applied to it."""
    out: dict[str, str] = {}
    for payment in payments:
        date = payment.get("TxnDate")
        if not date:
            continue
        for line in payment.get("Line") or []:
            for linked in (line or {}).get("LinkedTxn") or []:
                if linked.get("TxnType") == "Invoice" and linked.get("TxnId") is not None:
                    key = str(linked["TxnId"])
                    out[key] = max(out.get(key, ""), str(date))
    return out


def _sales_lines(lines: list[Any]) -> Iterable[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(lines, start=1):
        if not isinstance(line, dict):
            continue
        kind = line.get("DetailType")
        if kind == "GroupLineDetail":
            inner = (line.get("GroupLineDetail") or {}).get("Line") or []
            for m, sub in _sales_lines(inner):
                yield n * 1000 + m, sub
        elif kind in ("SalesItemLineDetail", "DiscountLineDetail"):
            yield n, line


@normalizer("quickbooks_invoices")
def quickbooks_invoices(document: Any) -> Iterable[dict[str, Any]]:
    """One record per QuickBooks invoice sales line (see the module docstring)."""
    entities = _entities(document)
    if not entities["Invoice"]:
        raise ImportValidationError(
            "quickbooks_invoices: no Invoice entities in the document",
            hint='export "SELECT * FROM Invoice" (and Payment, Item) from the QuickBooks API',
        )
    paid = _paid_dates(entities["Payment"])
    costs = {
        str(item["Id"]): _decimal(item.get("PurchaseCost"))
        for item in entities["Item"]
        if item.get("Id") is not None
    }
    out: list[dict[str, Any]] = []
    for invoice in entities["Invoice"]:
        invoice_id = str(invoice.get("Id") or invoice.get("DocNumber") or "")
        balance = _decimal(invoice.get("Balance"))
        paid_at = paid.get(invoice_id) if balance is not None and balance == 0 else None
        for n, line in _sales_lines(invoice.get("Line") or []):
            detail = line.get("SalesItemLineDetail") or {}
            amount = _decimal(line.get("Amount"))
            cost = None
            if line.get("DetailType") == "DiscountLineDetail":
                amount = -amount if amount is not None else None
            else:
                qty = _decimal(detail.get("Qty")) or Decimal(1)
                unit_cost = costs.get(str((detail.get("ItemRef") or {}).get("value")))
                cost = qty * unit_cost if unit_cost is not None else None
            out.append(
                {
                    "invoice_id": f"{invoice_id}:{line.get('Id') or f'#{n}'}",
                    "doc_number": _text(invoice.get("DocNumber")),
                    "customer": _company(_ref_name(invoice.get("CustomerRef"))),
                    "issued_at": invoice.get("TxnDate"),
                    "due_at": invoice.get("DueDate"),
                    "paid_at": paid_at,
                    "amount": _text(amount),
                    "cost": _text(cost),
                    "product_line": _ref_name(detail.get("ClassRef"))
                    or _ref_name(invoice.get("ClassRef"))
                    or _ref_name(detail.get("ItemRef")),
                    "territory": _ref_name(invoice.get("DepartmentRef")),
                    "currency": (invoice.get("CurrencyRef") or {}).get("value"),
                    "balance": _text(balance),
                }
            )
    return out


@normalizer("quickbooks_expenses")
def quickbooks_expenses(document: Any) -> Iterable[dict[str, Any]]:
    """One record per account-based expense line of QuickBooks purchases and bills."""
    entities = _entities(document)
    if not entities["Purchase"] and not entities["Bill"]:
        raise ImportValidationError(
            "quickbooks_expenses: no Purchase or Bill entities in the document",
            hint='export "SELECT * FROM Purchase" and "SELECT * FROM Bill" from the QuickBooks API',
        )
    out: list[dict[str, Any]] = []
    for kind in ("Purchase", "Bill"):
        for txn in entities[kind]:
            sign = -1 if kind == "Purchase" and txn.get("Credit") is True else 1
            for n, line in enumerate(txn.get("Line") or [], start=1):
                if not isinstance(line, dict):
                    continue
                if line.get("DetailType") != "AccountBasedExpenseLineDetail":
                    continue
                detail = line.get("AccountBasedExpenseLineDetail") or {}
                account = _ref_name(detail.get("AccountRef"))
                amount = _decimal(line.get("Amount"))
                out.append(
                    {
                        "line_id": f"{kind}:{txn.get('Id')}:{line.get('Id') or f'#{n}'}",
                        "txn_date": txn.get("TxnDate"),
                        "account": account.rsplit(":", 1)[-1].strip() if account else None,
                        "account_top": account.split(":", 1)[0].strip() if account else None,
                        "account_full": account,
                        "class": _ref_name(detail.get("ClassRef")),
                        "vendor": _ref_name(txn.get("VendorRef") or txn.get("EntityRef")),
                        "amount": _text(sign * amount if amount is not None else None),
                    }
                )
    return out
