"""The quirks SOURCE.md names in ../shared/data, reported at import as findings.

Maven's two product spellings and its ``technolgy`` sector, the Olist deal won before its
lead's first contact, and IBM Telco's blank-space ``TotalCharges``: each is imported as it is
and reported in the import's warnings. Expected figures come from reading the raw files
independently of Pulse (DuckDB or Python's csv module).
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from pulse.ingest import import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

pytestmark = pytest.mark.shared_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HINT = "spelled differently; map one to the other with a value map in the mapping file"
WHERE = "where: \"nullif(trim(engage_date), '') IS NOT NULL\""


def _one(sql: str) -> tuple[object, ...]:
    row = duckdb.sql(sql).fetchone()
    assert row is not None
    return row


def test_maven_technolgy_against_salesforce_accounts(
    ws: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """Maven's accounts (sector ``technolgy``) merged with the DTC accounts (``Technology``)."""
    mapping = tmp_path / "maven_accounts.yml"
    mapping.write_text(
        "table: accounts\ncolumns:\n  account_id: account\n  name: account\n  industry: sector\n"
    )
    maven = shared_data / "maven-crm-sales-opportunities" / "accounts.csv"
    first = import_file(ws, "accounts", maven, mapping=mapping)
    assert first.warnings == ()  # only one spelling so far: nothing to compare with
    dtc = shared_data / "salesforce-dtc-sample" / "DTC_Account.csv"
    result = import_file(ws, "accounts", dtc, mapping=EXAMPLES / "salesforce_dtc.yml")
    counts = dict(rows(ws, "SELECT industry, count(*) FROM accounts GROUP BY 1"))
    assert counts["technolgy"] == 12  # SOURCE.md's typo, kept as imported
    assert result.warnings == (
        f"accounts.industry: 'technolgy' (12 rows) looks like 'Technology' "
        f"({counts['Technology']} rows) {HINT}",
        f"accounts.industry: 'retail' (17 rows) looks like 'Retail' ({counts['Retail']} rows) "
        f"{HINT}",
        f"accounts.industry: 'finance' (8 rows) looks like 'Finance' ({counts['Finance']} rows) "
        f"{HINT}",
        f"accounts.industry: 'telecommunications' (6 rows) looks like 'Telecommunications' "
        f"({counts['Telecommunications']} rows) {HINT}",
    )
    assert (counts["Technology"], counts["Retail"]) == (67, 44)
    assert result.rows_after == 85 + 1001


def test_maven_gtxpro_against_the_earlier_import(
    ws: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """Deals engaged before June 2017 came in through the example mapping ('GTX Pro', as in
    products.csv); the later ones through a mapping without the value map ('GTXPro')."""
    path = shared_data / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
    text = (EXAMPLES / "maven_crm.yml").read_text()
    assert WHERE in text and "    values: {GTXPro: GTX Pro}\n" in text
    early, late = tmp_path / "early.yml", tmp_path / "late.yml"
    early.write_text(text.replace(WHERE, WHERE[:-1] + " AND engage_date < '2017-06-01'\""))
    late.write_text(
        text.replace(WHERE, WHERE[:-1] + " AND engage_date >= '2017-06-01'\"").replace(
            "    values: {GTXPro: GTX Pro}\n", ""
        )
    )
    assert import_file(ws, "opportunities", path, mapping=early).warnings == ()
    result = import_file(ws, "opportunities", path, mapping=late)
    before, after = _one(
        "SELECT count(*) FILTER (WHERE engage_date < '2017-06-01'), "
        "count(*) FILTER (WHERE engage_date >= '2017-06-01') "
        f"FROM read_csv('{path}', all_varchar=true) WHERE product = 'GTXPro'"
    )
    assert (before, after) == (599, 801)
    assert result.warnings == (
        f"opportunities.product_line: 'GTX Pro' (599 rows) looks like 'GTXPro' (801 rows) {HINT}",
    )
    assert rows(
        ws, "SELECT count(*) FROM opportunities WHERE product_line IN ('GTX Pro', 'GTXPro')"
    ) == [(1400,)]


def test_maven_pipeline_alone_has_one_spelling(
    ws: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """The pipeline itself spells the product only 'GTXPro' (products.csv, which is no
    canonical table, has 'GTX Pro'): imported alone there is no second spelling to report."""
    path = shared_data / "maven-crm-sales-opportunities" / "sales_pipeline.csv"
    mapping = tmp_path / "maven.yml"
    mapping.write_text(
        (EXAMPLES / "maven_crm.yml").read_text().replace("    values: {GTXPro: GTX Pro}\n", "")
    )
    result = import_file(ws, "opportunities", path, mapping=mapping)
    assert result.warnings == ()
    # 1,480 rows in the file (SOURCE.md), 80 of them Prospecting deals skipped by the `where`
    assert rows(ws, "SELECT count(*) FROM opportunities WHERE product_line = 'GTXPro'") == [(1400,)]


def test_olist_deal_won_before_first_contact(
    ws: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    """The example mapping plus each lead's opportunity id (an MQL's deal has its mql_id)."""
    folder = shared_data / "olist-marketing-funnel"
    text = (EXAMPLES / "olist_funnel.yml").read_text()
    assert "      lead_id: mql_id\n" in text
    mapping = tmp_path / "olist.yml"
    mapping.write_text(
        text.replace(
            "      lead_id: mql_id\n", "      lead_id: mql_id\n      opportunity_id: mql_id\n"
        )
    )
    leads = import_file(
        ws, "leads", folder / "olist_marketing_qualified_leads_dataset.csv", mapping=mapping
    )
    assert leads.warnings == ()
    deals = folder / "olist_closed_deals_dataset.csv"
    result = import_file(ws, "opportunities", deals, mapping=mapping)
    mql, won = _one(
        f"SELECT d.mql_id, CAST(d.won_date AS DATE) FROM read_csv('{deals}') d "
        f"JOIN read_csv('{folder / 'olist_marketing_qualified_leads_dataset.csv'}') l "
        "USING (mql_id) WHERE CAST(d.won_date AS DATE) < l.first_contact_date"
    )
    with deals.open(newline="", encoding="utf-8") as f:
        line = 1 + next(i for i, r in enumerate(csv.DictReader(f), 1) if r["mql_id"] == mql)
    assert result.warnings == (
        "opportunities: 1 deal closed (won or lost) before its lead arrived (leads.created_at), "
        f"e.g. '{mql}' (line {line}, lead created 2018-03-08, closed {won})",
    )
    assert (mql, str(won), line) == ("b91cf8812365f50ff4bda4bcd6206b05", "2018-03-06", 669)
    assert result.rows_after == 842


def test_telco_blank_space_total_charges(ws: Workspace, shared_data: Path, tmp_path: Path) -> None:
    """TotalCharges as a per-account measure on the snapshot date: 11 cells hold one space."""
    path = shared_data / "ibm-telco-customer-churn" / "Telco-Customer-Churn.csv"
    mapping = tmp_path / "telco.yml"
    mapping.write_text(
        "table: health_signals\ncolumns:\n  account_id: customerID\n"
        "  observed_at: {value: '2020-06-25'}\n  usage: TotalCharges\n"
    )
    result = import_file(ws, "health_signals", path, mapping=mapping)
    with path.open(newline="", encoding="utf-8") as f:
        blank = [
            (line, r["customerID"])
            for line, r in enumerate(csv.DictReader(f), 2)
            if r["TotalCharges"] == " "
        ]
    assert len(blank) == 11  # SOURCE.md
    lines = ", ".join(str(line) for line, _ in blank[:3])
    assert result.warnings == (
        "health_signals.usage: 11 values hold only spaces in column 'TotalCharges' and were "
        f"read as missing, e.g. lines {lines}",
    )
    assert result.rows_after == 7043
    missing = rows(ws, "SELECT account_id FROM health_signals WHERE usage IS NULL ORDER BY 1")
    assert missing == sorted((c,) for _, c in blank)
