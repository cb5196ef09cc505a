"""Real exports from ../shared/data through the shipped presets and examples/ mappings.

Expected figures come from each data set's SOURCE.md and from DuckDB reading the raw file
independently of Pulse's importer.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pulse.errors import MappingError
from pulse.ingest import import_file
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
    assert rows(ws, "SELECT count(DISTINCT owner_id), count(DISTINCT account_id) FROM opportunities") == [
        (18, 858)
    ]
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
