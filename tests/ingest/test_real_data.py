"""Real exports from ../shared/data through the shipped presets and examples/ mappings.

Expected figures come from each data set's SOURCE.md and from DuckDB reading the raw file
independently of Pulse's importer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pulse.errors import MappingError
from pulse.ingest import ImportRefused, import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _raw(sql: str) -> tuple[object, ...]:
    result = duckdb.sql(sql).fetchone()
    assert result is not None
    return result


def test_salesforce_dtc_opportunities(ws: Workspace, shared_data: Path) -> None:
    folder = shared_data / "salesforce-dtc-sample"
    mapping = EXAMPLES / "salesforce_dtc.yml"
    result = import_file(ws, "opportunities", folder / "DTC_Opportunity.csv", mapping=mapping)
    count, total = _raw(
        f"SELECT count(*), sum(Amount) FROM read_csv('{folder / 'DTC_Opportunity.csv'}')"
    )
    assert (result.rows_read, result.rows_after) == (1999, 1999) == (count, count)
    assert rows(ws, "SELECT sum(amount) FROM opportunities") == [(Decimal(str(total)),)]
    # SOURCE.md: Closed Won 1,345; Closed Lost 463; win rate 0.7439
    by_status = dict(rows(ws, "SELECT status, count(*) FROM opportunities GROUP BY 1"))
    assert by_status == {"won": 1345, "lost": 463, "open": 191}
    assert round(1345 / (1345 + 463), 4) == 0.7439
    assert rows(
        ws, "SELECT count(DISTINCT owner_id), count(DISTINCT account_id) FROM opportunities"
    ) == [(18, 858)]
    assert rows(ws, "SELECT min(amount), max(amount) FROM opportunities") == [
        (Decimal("680"), Decimal("9610800"))
    ]


def test_salesforce_dtc_history_and_accounts(ws: Workspace, shared_data: Path) -> None:
    folder = shared_data / "salesforce-dtc-sample"
    mapping = EXAMPLES / "salesforce_dtc.yml"
    # the history header has leading spaces (" CloseDate"): matched after normalising
    history = import_file(
        ws, "stage_history", folder / "DTC_OpportunityHistory.csv", mapping=mapping
    )
    count, total = _raw(
        "SELECT count(*), sum(amount) FROM read_csv("
        f"'{folder / 'DTC_OpportunityHistory.csv'}', normalize_names=true)"
    )
    assert history.rows_after == 387 == count
    assert rows(ws, "SELECT sum(amount) FROM stage_history") == [(Decimal(str(total)),)]
    accounts = import_file(ws, "accounts", folder / "DTC_Account.csv", mapping=mapping)
    assert accounts.rows_after == 1001
    segments = dict(rows(ws, "SELECT segment, count(*) FROM accounts GROUP BY 1"))
    assert segments == {"SMB": 259, "MM": 240, "GB": 145, "COMM": 140, "ESMB": 137, "ENT": 80}


def test_salesforce_dtc_with_api_preset_is_refused_clearly(
    ws: Workspace, shared_data: Path
) -> None:
    """The DTC export has no IsWon/IsClosed: the preset says so instead of guessing from stages."""
    path = shared_data / "salesforce-dtc-sample" / "DTC_Opportunity.csv"
    with pytest.raises(MappingError) as err:
        import_file(ws, "opportunities", path, mapping="salesforce_opportunities")
    assert "columns.status.sql: unknown column 'is_won'" in err.value.render()
    assert rows(ws, "SELECT count(*) FROM opportunities") == [(0,)]


def test_stripe_openapi_fixture_subscription(ws: Workspace, shared_data: Path) -> None:
    """stripe-mock's fixture: one subscription, one item, period only on the item."""
    path = shared_data / "stripe-api-fixtures" / "fixtures3.json"
    result = import_file(ws, "subscriptions", path, mapping="stripe_subscriptions_api")
    assert result.rows_after == 1
    assert rows(
        ws,
        "SELECT line_id, account_id, product, amount, currency, billing_period, start_date,"
        " end_date, is_trial FROM subscriptions",
    ) == [
        # unit_amount 2000 cents × quantity 1; start_date and ended_at are the placeholder
        # epoch 1234567890 = 2009-02-13
        ("si_QXhVnC2h0Jczwc", "cus_QXg1o8vcGmoR32", "prod_QXg1hqf4jFNsqG", Decimal("20"), "USD",
         "month", date(2009, 2, 13), date(2009, 2, 13), False),
    ]  # fmt: skip


def test_maven_crm_pipeline(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
    result = import_file(ws, "opportunities", path, mapping=EXAMPLES / "maven_crm.yml")
    # 8,800 rows; the 500 Prospecting deals have no engage_date (creation date) and are skipped
    assert (result.rows_read, result.skipped, result.rows_after) == (8800, 500, 8300)
    by_status = dict(rows(ws, "SELECT status, count(*) FROM opportunities GROUP BY 1"))
    assert by_status == {"won": 4238, "lost": 2473, "open": 1589}  # SOURCE.md
    won, won_total = rows(
        ws, "SELECT count(*), sum(amount) FROM opportunities WHERE status = 'won'"
    )[0]
    assert (won, won_total) == (4238, Decimal("10005534"))  # SOURCE.md
    assert round(4238 / (4238 + 2473), 4) == 0.6315
    quarters = rows(
        ws,
        "SELECT quarter(closed_at), sum(amount) FROM opportunities WHERE status = 'won'"
        " GROUP BY 1 ORDER BY 1",
    )
    assert quarters == [
        (1, Decimal("1134672")),
        (2, Decimal("3086111")),
        (3, Decimal("2982255")),
        (4, Decimal("2802496")),
    ]
    # the "GTXPro" spelling is mapped to products.csv's "GTX Pro": 7 products, all joinable
    products = _raw(
        "SELECT list(DISTINCT product ORDER BY product) FROM read_csv("
        f"'{shared_data / 'maven-crm-sales-opportunities' / 'products.csv'}')"
    )[0]
    assert [
        p for (p,) in rows(ws, "SELECT DISTINCT product_line FROM opportunities ORDER BY 1")
    ] == products
    # open deals with a blank account (1,088 Engaging ones remain after the skip) keep it empty
    assert rows(ws, "SELECT count(*) FROM opportunities WHERE account_id IS NULL") == [(1088,)]


def test_maven_crm_missing_creation_dates_are_reported(
    ws: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """Without the example's `where`, the 500 Prospecting rows are refused, each with its line."""
    mapping = tmp_path / "maven_no_where.yml"
    text = (EXAMPLES / "maven_crm.yml").read_text()
    mapping.write_text("\n".join(x for x in text.splitlines() if not x.startswith("where:")))
    path = shared_data / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
    with pytest.raises(ImportRefused) as err:
        import_file(ws, "opportunities", path, mapping=mapping)
    assert err.value.total == 500
    assert err.value.render(1).splitlines()[:2] == [
        "sales_pipeline.csv: 500 problems found (engage_date 500); nothing was imported",
        "  - sales_pipeline.csv:8302:engage_date: expected a value, got ''",
    ]
    assert rows(ws, "SELECT count(*) FROM opportunities") == [(0,)]


def test_olist_funnel(ws: Workspace, shared_data: Path) -> None:
    folder = shared_data / "olist-marketing-funnel"
    mapping = EXAMPLES / "olist_funnel.yml"
    leads = import_file(
        ws, "leads", folder / "olist_marketing_qualified_leads_dataset.csv", mapping=mapping
    )
    deals = import_file(
        ws, "opportunities", folder / "olist_closed_deals_dataset.csv", mapping=mapping
    )
    assert (leads.rows_after, deals.rows_after) == (8000, 842)  # SOURCE.md
    # every closed deal's lead is present; MQL → won = 842 / 8000
    joined = rows(
        ws, "SELECT count(*) FROM opportunities o JOIN leads l ON l.lead_id = o.opportunity_id"
    )
    assert joined == [(842,)] and 842 / 8000 == 0.10525
    by_origin = rows(
        ws,
        "SELECT l.source, count(*), count(o.opportunity_id) FROM leads l"
        " LEFT JOIN opportunities o ON o.opportunity_id = l.lead_id"
        " WHERE l.source IN ('organic_search', 'email') OR l.source IS NULL GROUP BY 1 ORDER BY 1",
    )
    assert by_origin == [("email", 493, 15), ("organic_search", 2296, 271), (None, 60, 14)]
    assert rows(ws, "SELECT count(*) FROM opportunities WHERE amount <> 0") == [(45,)]
    # the quirk SOURCE.md names: one deal won two days before its lead's first contact
    early = rows(
        ws,
        "SELECT count(*), min(o.closed_at - l.created_at) FROM opportunities o"
        " JOIN leads l ON l.lead_id = o.opportunity_id WHERE o.closed_at < l.created_at",
    )
    assert early == [(1, -2)]


def test_ravenstack_subscriptions(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / "ravenstack-saas-subscriptions" / "ravenstack_subscriptions.csv"
    result = import_file(
        ws, "subscriptions", path, mapping=EXAMPLES / "ravenstack_subscriptions.yml"
    )
    assert result.rows_after == 5000
    assert rows(
        ws,
        "SELECT count(*) FILTER (WHERE end_date IS NULL), count(*) FILTER (WHERE is_trial),"
        " sum(amount) FILTER (WHERE end_date IS NULL),"
        " count(*) FILTER (WHERE is_trial AND amount <> 0) FROM subscriptions",
    ) == [(4514, 778, Decimal("10159608"), 0)]  # SOURCE.md
    count, total = _raw(f"SELECT count(*), sum(mrr_amount) FROM read_csv('{path}')")
    assert rows(ws, "SELECT count(*), sum(amount) FROM subscriptions") == [
        (count, Decimal(str(total)))
    ]


def test_dbt_mrr_playbook(ws: Workspace, shared_data: Path) -> None:
    path = shared_data / "dbt-mrr-playbook" / "subscription_periods.csv"
    result = import_file(ws, "subscriptions", path, mapping=EXAMPLES / "dbt_mrr_playbook.yml")
    assert result.rows_after == 121
    assert rows(
        ws, "SELECT count(DISTINCT account_id), min(amount), max(amount) FROM subscriptions"
    ) == [(55, Decimal("25"), Decimal("130"))]
    # SOURCE.md's monthly MRR table, end_date exclusive
    mrr = rows(
        ws,
        "SELECT m, sum(amount), count(DISTINCT account_id) FROM subscriptions,"
        " (VALUES (DATE '2018-01-01'), (DATE '2019-01-01'), (DATE '2019-11-01')) v(m)"
        " WHERE start_date <= m AND m < end_date GROUP BY 1 ORDER BY 1",
    )
    assert mrr == [
        (date(2018, 1, 1), Decimal("55"), 1),
        (date(2019, 1, 1), Decimal("620"), 13),
        (date(2019, 11, 1), Decimal("1840"), 42),
    ]
