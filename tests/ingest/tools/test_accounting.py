"""Accounting presets (QuickBooks Online, Xero, NetSuite): invoices with cost, spend per month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.ingest.mapping import available_presets
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows
from tests.ingest.tools.crm import SAMPLES, with_accounts

INVOICES = (
    "SELECT invoice_id, account_id, issued_at, due_at, paid_at, amount, cost, product_line, "
    "currency FROM invoices ORDER BY 1"
)
TERRITORIES = "SELECT invoice_id, territory FROM invoices ORDER BY 1"
SPEND = "SELECT period_start, category, channel, period_end, amount FROM spend ORDER BY 1, 2, 3"


@pytest.fixture
def crm(ws: Workspace) -> Workspace:
    return with_accounts(ws)


def test_quickbooks_invoices(crm: Workspace) -> None:
    path = SAMPLES / "quickbooks_invoices.json"
    result = import_file(crm, "invoices", path, mapping="quickbooks_invoices")
    assert (result.rows_read, result.inserted) == (6, 6)
    assert rows(crm, INVOICES) == [
        # paid on the latest payment applied (2024-02-10); cost = Qty x Item.PurchaseCost
        ("130:#4", "001A", date(2024, 1, 15), date(2024, 2, 14), date(2024, 2, 10),
         Decimal("-100"), None, None, "USD"),  # the discount line
        ("130:1", "001A", date(2024, 1, 15), date(2024, 2, 14), date(2024, 2, 10),
         Decimal("1200"), None, "Software", "USD"),
        ("130:3", "001A", date(2024, 1, 15), date(2024, 2, 14), date(2024, 2, 10),
         Decimal("1500"), Decimal("800"), "Services", "USD"),  # inside the bundle
        ("130:4", "001A", date(2024, 1, 15), date(2024, 2, 14), date(2024, 2, 10),
         Decimal("600"), Decimal("200"), "Services", "USD"),
        # a sub-customer counts for its parent; a balance left means not paid
        ("131:1", "001B", date(2024, 2, 1), date(2024, 3, 2), None,
         Decimal("2000"), None, "Software", "EUR"),
        # balance 0 but no payment in the export: the paid date is unknown; no class → item
        ("132:1", "Cyberdyne Systems", date(2024, 2, 20), date(2024, 3, 21), None,
         Decimal("450.5"), Decimal("285.75"), "Spare parts", "USD"),
    ]  # fmt: skip
    # the territory is the invoice's location (DepartmentRef); 131 and 132 have none
    assert rows(crm, TERRITORIES) == [
        ("130:#4", "West"), ("130:1", "West"), ("130:3", "West"), ("130:4", "West"),
        ("131:1", None), ("132:1", None),
    ]  # fmt: skip
    report = result.matches
    assert report is not None
    assert {m.raw: (m.account_id, m.method) for m in report.matches} == {
        "Acme Corp": ("001A", "name"),
        "Globex GmbH": ("001B", "name"),
        "Cyberdyne Systems": (None, None),
    }


def test_quickbooks_invoices_needs_invoices(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("q.json", '{"QueryResponse": {"Customer": []}}')
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", path, mapping="quickbooks_invoices")
    assert err.value.message == "quickbooks_invoices: no Invoice entities in the document"


def test_quickbooks_spend(ws: Workspace) -> None:
    path = SAMPLES / "quickbooks_expenses.json"
    result = import_file(ws, "spend", path, mapping="quickbooks_spend")
    # 7 account lines (the item line is not account-based); office and rent are skipped;
    # the three January EMEA marketing lines (one a refund) become one row
    assert (result.rows_read, result.skipped, result.combined, result.inserted) == (7, 2, 2, 3)
    assert rows(ws, SPEND) == [
        (date(2024, 1, 1), "marketing", "EMEA", date(2024, 1, 31), Decimal("1400.10")),
        (date(2024, 1, 1), "sales", None, date(2024, 1, 31), Decimal("2500")),
        (date(2024, 2, 1), "sales", None, date(2024, 2, 29), Decimal("1800")),
    ]


def test_xero_invoices(crm: Workspace) -> None:
    result = import_file(crm, "invoices", SAMPLES / "xero_invoices.json", mapping="xero_invoices")
    assert (result.rows_read, result.inserted) == (3, 3)  # drafts, bills and voided skipped
    assert rows(crm, INVOICES) == [
        ("INV-0001:a1", "001C", date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 26),
         Decimal("5000"), None, "Software", "NZD"),
        ("INV-0001:a2", "001C", date(2024, 3, 1), date(2024, 3, 31), date(2024, 3, 26),
         Decimal("800"), None, "SVC-ONB", "NZD"),
        # tax-inclusive line: 1150 - 150; a "/Date(ms)/" without offset; not paid yet
        ("INV-0002:#1", "001D", date(2024, 4, 1), date(2024, 4, 30), None,
         Decimal("1000"), None, "LIC", "NZD"),
    ]  # fmt: skip
    # the territory is the tracking category named Region; a line without tracking has none
    assert rows(crm, TERRITORIES) == [
        ("INV-0001:a1", "North"), ("INV-0001:a2", None), ("INV-0002:#1", "South"),
    ]  # fmt: skip


def test_xero_spend(ws: Workspace) -> None:
    result = import_file(ws, "spend", SAMPLES / "xero_bills.csv", mapping="xero_spend")
    # rent (469) is unmapped, the draft and the overpayment are not bills to count
    assert (result.rows_read, result.skipped, result.inserted) == (7, 3, 3)
    assert rows(ws, SPEND) == [
        (date(2024, 1, 1), "marketing", "North", date(2024, 1, 31), Decimal("1250.50")),
        (date(2024, 1, 1), "marketing", "South", date(2024, 1, 31), Decimal("75.25")),
        (date(2024, 2, 1), "marketing", "North", date(2024, 2, 29), Decimal("900")),
    ]


def test_netsuite_invoices(crm: Workspace) -> None:
    path = SAMPLES / "netsuite_invoices.csv"
    result = import_file(crm, "invoices", path, mapping="netsuite_invoices")
    assert (result.rows_read, result.skipped, result.combined, result.inserted) == (5, 1, 1, 3)
    assert rows(crm, INVOICES) == [
        # two item lines summed; cost is NetSuite's estimate; paid = Date Closed
        ("INV10023", "001E", date(2024, 1, 15), date(2024, 2, 14), date(2024, 2, 10),
         Decimal("16000"), Decimal("5500"), "Services", None),
        ("INV10024", "001F", date(2024, 1, 28), date(2024, 2, 27), None,
         Decimal("6500"), Decimal("1700"), "Software", None),
        # an entity number in front of the name: not matched, kept and listed
        ("INV10025", "C1045 Cyberdyne Systems", date(2024, 2, 5), date(2024, 3, 6), None,
         Decimal("1234.56"), None, "Spare Parts", None),
    ]  # fmt: skip
    # the territory is the saved search's Location column
    assert rows(crm, TERRITORIES) == [
        ("INV10023", "East"), ("INV10024", "West"), ("INV10025", None),
    ]  # fmt: skip
    assert result.matches is not None
    assert [m.raw for m in result.matches.unmatched] == ["C1045 Cyberdyne Systems"]


def test_netsuite_spend(ws: Workspace) -> None:
    path = SAMPLES / "netsuite_expenses.csv"
    result = import_file(ws, "spend", path, mapping="netsuite_spend")
    assert (result.rows_read, result.skipped, result.inserted) == (6, 1, 3)
    assert rows(ws, SPEND) == [
        (date(2024, 1, 1), "marketing", "Marketing", date(2024, 1, 31), Decimal("1500")),
        # 320.40 - (45.00) + 8,000.00
        (date(2024, 1, 1), "sales", "Sales", date(2024, 1, 31), Decimal("8275.40")),
        (date(2024, 2, 1), "marketing", "Marketing", date(2024, 2, 29), Decimal("2500")),
    ]


def test_reimporting_accounting_presets_changes_nothing(crm: Workspace) -> None:
    for table, sample, preset in [
        ("invoices", "quickbooks_invoices.json", "quickbooks_invoices"),
        ("spend", "netsuite_expenses.csv", "netsuite_spend"),
    ]:
        import_file(crm, table, SAMPLES / sample, mapping=preset)
        again = import_file(crm, table, SAMPLES / sample, mapping=preset)
        assert (again.inserted, again.updated) == (0, 0)


def test_presets_are_shipped() -> None:
    assert {
        "quickbooks_invoices",
        "quickbooks_spend",
        "xero_invoices",
        "xero_spend",
        "netsuite_invoices",
        "netsuite_spend",
        "zendesk_tickets",
        "nps_delighted",
        "nps_typeform",
    } <= set(available_presets())
