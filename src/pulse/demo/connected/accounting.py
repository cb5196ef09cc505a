"""Accounting: the demo's invoices and spend as QuickBooks Online API query responses.

Invoices: one QuickBooks ``Invoice`` per generated invoice line, with one
``SalesItemLineDetail`` line (the product line as its class), the ``Payment`` that settled it
(QuickBooks keeps the paid date on the payment, not on the invoice) and the ``Item`` list. The
line's direct cost is carried the way QuickBooks knows cost: each product line has an item whose
``PurchaseCost`` is 1.00 per unit, and the line's ``Qty`` is its cost in units (its
``UnitPrice`` is what makes up the amount). Customers are QuickBooks customers, known by display
name only: the CRM name, a few misspelt, one billing entity the CRM has never heard of, and
every tenth invoice billed to a job under its customer (``Parent:Implementation``).

Spend: each generated monthly spend row is two ``Purchase`` expenses on the QuickBooks expense
account of its channel (Lead Generation, Online Advertising, Sales Commissions, ...), with the
channel as the class; the preset maps the account to the category and sums per month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.exports import Export, write_json

UNIT_COST = Decimal("1.00")
JOB = "Implementation"


def _money(value: Any) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01")))


class _Customers:
    def __init__(self, book: AccountBook):
        self.book = book
        self.ids: dict[str, str] = {}

    def ref(self, account: str, job: bool) -> dict[str, str]:
        if account not in self.ids:
            self.ids[account] = str(58 + len(self.ids))
        name = self.book.name(account)
        return {"value": self.ids[account], "name": f"{name}:{JOB}" if job else name}


def quickbooks_invoices(invoices: pa.Table, book: AccountBook, folder: Path) -> Export:
    """Write ``quickbooks_invoices.json``: Invoice, Payment and Item entities, one response."""
    customers = _Customers(book)
    products = sorted({str(p) for p in invoices.column("product_line").to_pylist() if p})
    items = {p: str(k) for k, p in enumerate(products, start=1)}
    zero_cost_item = str(len(products) + 1)
    entities_invoice: list[dict[str, Any]] = []
    payments: list[dict[str, Any]] = []
    for n, row in enumerate(invoices.to_pylist(), start=1):
        invoice_id = str(1000 + n)
        amount, cost = Decimal(str(row["amount"])), Decimal(str(row["cost"] or 0))
        product = str(row["product_line"] or "Services")
        qty = (cost / UNIT_COST).quantize(Decimal("0.01")) if cost else Decimal(1)
        item = items.get(product, zero_cost_item) if cost else zero_cost_item
        paid: date | None = row["paid_at"]
        entities_invoice.append(
            {
                "Id": invoice_id,
                "DocNumber": row["invoice_id"],
                "TxnDate": row["issued_at"].isoformat(),
                "DueDate": row["due_at"].isoformat() if row["due_at"] else None,
                "TotalAmt": _money(amount),
                "Balance": 0 if paid else _money(amount),
                "CurrencyRef": {"value": row["currency"] or "USD"},
                "CustomerRef": customers.ref(row["account_id"], n % 10 == 0),
                "DepartmentRef": {"value": "1", "name": row["territory"]},
                "SalesTermRef": {"value": "3", "name": "Net 30"},
                "Line": [
                    {
                        "Id": "1",
                        "LineNum": 1,
                        "Description": f"{product} ({row['stream']})",
                        "Amount": _money(amount),
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {
                            "ItemRef": {"value": item, "name": product},
                            "ClassRef": {"value": items.get(product, "0"), "name": product},
                            "Qty": float(qty),
                            "UnitPrice": float((amount / qty).quantize(Decimal("0.0001"))),
                        },
                    },
                    {"Amount": _money(amount), "DetailType": "SubTotalLineDetail"},
                ],
            }
        )
        if paid is not None:
            payments.append(
                {
                    "Id": str(5000 + n),
                    "TxnDate": paid.isoformat(),
                    "TotalAmt": _money(amount),
                    "UnappliedAmt": 0,
                    "CustomerRef": customers.ref(row["account_id"], False),
                    "Line": [
                        {
                            "Amount": _money(amount),
                            "LinkedTxn": [{"TxnId": invoice_id, "TxnType": "Invoice"}],
                        }
                    ],
                }
            )
    item_list = [
        {"Id": k, "Name": p, "Type": "Service", "PurchaseCost": float(UNIT_COST)}
        for p, k in items.items()
    ] + [{"Id": zero_cost_item, "Name": "Credit", "Type": "Service", "PurchaseCost": 0}]
    document = {
        "QueryResponse": {
            "Invoice": entities_invoice,
            "Payment": payments,
            "Item": item_list,
            "startPosition": 1,
            "maxResults": len(entities_invoice),
        },
        "time": "2025-07-01T09:00:00.000-07:00",
    }
    path = write_json(folder / "quickbooks_invoices.json", document)
    return Export("QuickBooks", path, "invoices", "quickbooks_invoices")


# generated spend channel → the QuickBooks expense account it is booked on
EXPENSE_ACCOUNTS = {
    "Salaries & commissions": "Sales Commissions",
    "Travel & entertainment": "Sales Travel",
    "Content & brand": "Promotional",
    "Digital": "Online Advertising",
    "Events & trade shows": "Trade Shows",
    "Paid search": "Lead Generation",
    "Partner programs": "Lead Generation",
    "SDR team": "Lead Generation",
}
OTHER_ACCOUNT = "Rent or Lease"  # not sales and marketing: the preset skips it
VENDORS = ("Google Ads", "LinkedIn", "Delta Air Lines", "Gusto", "Eventbrite", "PartnerStack")


def quickbooks_spend(spend: pa.Table, folder: Path) -> Export:
    """Write ``quickbooks_spend.json``: Purchase entities, two expense lines a month per channel.

    Each generated spend row (a month, a category, a channel) is booked as two purchases in its
    month, on the channel's expense account with the channel as the class; their sum is the
    row's amount. A monthly rent purchase is there too, as in any real ledger.
    """
    purchases: list[dict[str, Any]] = []
    months: set[date] = set()
    for n, row in enumerate(spend.to_pylist()):
        start: date = row["period_start"]
        months.add(start)
        channel = str(row["channel"] or "")
        account = EXPENSE_ACCOUNTS.get(channel, "Advertising")
        total = Decimal(str(row["amount"])).quantize(Decimal("0.01"))
        first = (total * Decimal("0.6")).quantize(Decimal("0.01"))
        for k, part in enumerate((first, total - first)):
            purchases.append(
                _purchase(
                    f"{n * 2 + k + 1}",
                    start.replace(day=5 + 12 * k),
                    account,
                    channel,
                    part,
                    VENDORS[(n + k) % len(VENDORS)],
                )
            )
    for m, start in enumerate(sorted(months)):
        purchases.append(
            _purchase(
                f"R{m + 1}", start, OTHER_ACCOUNT, "", Decimal("4200.00"), "Harbor Properties"
            )
        )
    document = {
        "QueryResponse": {
            "Purchase": purchases,
            "startPosition": 1,
            "maxResults": len(purchases),
        },
        "time": "2025-07-01T09:00:00.000-07:00",
    }
    path = write_json(folder / "quickbooks_spend.json", document)
    return Export("QuickBooks", path, "spend", "quickbooks_spend", match_accounts=False)


def _purchase(
    pid: str, day: date, account: str, channel: str, amount: Decimal, vendor: str
) -> dict[str, Any]:
    detail: dict[str, Any] = {"AccountRef": {"value": "7", "name": account}}
    if channel:
        detail["ClassRef"] = {"value": "2", "name": channel}
    return {
        "Id": pid,
        "TxnDate": day.isoformat(),
        "PaymentType": "CreditCard",
        "AccountRef": {"value": "41", "name": "Company Card"},
        "EntityRef": {"value": "9", "name": vendor, "type": "Vendor"},
        "TotalAmt": float(amount),
        "Line": [
            {
                "Id": "1",
                "Amount": float(amount),
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": detail,
            }
        ],
    }
