"""Xero API invoices → one record per line item of each sales invoice.

Accepts the ``GET /api.xro/2.0/Invoices`` response (``{"Invoices": [...]}``), a list of pages
of it, or a list of invoices. Only sales invoices (``Type`` ``ACCREC``) that were issued
(``AUTHORISED`` or ``PAID``; drafts, submitted, voided and deleted invoices are skipped) count.

Dates come as Microsoft JSON dates (``/Date(1677888000000+0000)/``, epoch milliseconds) next
to ``DateString``; both are read. The line id is ``<InvoiceNumber>:<LineItemID>`` (the
invoice's ``InvoiceID`` when it has no number, ``#<position>`` when the line has no id). A line
amount is net of tax: with ``LineAmountTypes`` ``Inclusive`` the ``TaxAmount`` is taken off.
The paid date is ``FullyPaidOnDate``. The product line is the option of a tracking category
named like "Product" (else the ``ItemCode``). The customer is
``Contact.Name``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pulse.errors import ImportValidationError
from pulse.ingest.normalizers import normalizer

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_ISSUED = ("AUTHORISED", "PAID")


def xero_date(value: Any) -> str | None:
    """``/Date(1677888000000+0000)/`` or an ISO string → ``YYYY-MM-DD`` (None when empty)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    match = _MS_DATE.match(text)
    if match:
        # the offset is the organisation's, the instant is UTC midnight of the local date
        moment = datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
        return moment.date().isoformat()
    return text[:10]


def _invoices(document: Any) -> list[dict[str, Any]]:
    pages = document if isinstance(document, list) else [document]
    out: list[dict[str, Any]] = []
    for page in pages:
        if isinstance(page, dict) and isinstance(page.get("Invoices"), list):
            out.extend(i for i in page["Invoices"] if isinstance(i, dict))
        elif isinstance(page, dict) and ("InvoiceID" in page or "LineItems" in page):
            out.append(page)
    if not out and not (isinstance(document, dict) and "Invoices" in document):
        raise ImportValidationError(
            "xero_invoices: expected Xero invoices",
            hint='export GET /api.xro/2.0/Invoices (a response with "Invoices")',
        )
    return out


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _product(line: dict[str, Any]) -> str | None:
    tracking = [t for t in line.get("Tracking") or [] if isinstance(t, dict) and t.get("Option")]
    for t in tracking:
        if "product" in str(t.get("Name", "")).lower():
            return str(t["Option"])
    code = line.get("ItemCode")
    return str(code) if code else None


def _territory(line: dict[str, Any]) -> str | None:
    """The option of the line's tracking category named Region, Territory or Location."""
    for t in line.get("Tracking") or []:
        if not isinstance(t, dict) or not t.get("Option"):
            continue
        name = str(t.get("Name", "")).lower()
        if any(word in name for word in ("region", "territory", "location")):
            return str(t["Option"])
    return None


@normalizer("xero_invoices")
def xero_invoices(document: Any) -> Iterable[dict[str, Any]]:
    """One record per line item of each issued Xero sales invoice."""
    out: list[dict[str, Any]] = []
    for invoice in _invoices(document):
        if invoice.get("Type") != "ACCREC" or invoice.get("Status") not in _ISSUED:
            continue
        number = invoice.get("InvoiceNumber") or invoice.get("InvoiceID")
        inclusive = invoice.get("LineAmountTypes") == "Inclusive"
        contact = invoice.get("Contact") or {}
        for n, line in enumerate(invoice.get("LineItems") or [], start=1):
            if not isinstance(line, dict):
                continue
            amount = _decimal(line.get("LineAmount"))
            tax = _decimal(line.get("TaxAmount")) or Decimal(0)
            if amount is not None and inclusive:
                amount -= tax
            out.append(
                {
                    "invoice_id": f"{number}:{line.get('LineItemID') or f'#{n}'}",
                    "customer": contact.get("Name") or contact.get("ContactID"),
                    "issued_at": xero_date(invoice.get("Date"))
                    or xero_date(invoice.get("DateString")),
                    "due_at": xero_date(invoice.get("DueDate"))
                    or xero_date(invoice.get("DueDateString")),
                    "paid_at": xero_date(invoice.get("FullyPaidOnDate")),
                    "amount": None if amount is None else str(amount),
                    "product_line": _product(line),
                    "territory": _territory(line),
                    "currency": invoice.get("CurrencyCode"),
                    "description": line.get("Description"),
                    "status": invoice.get("Status"),
                }
            )
    return out
