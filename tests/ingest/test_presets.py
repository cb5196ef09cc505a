"""Shipped mapping presets: each one imports a small sample written from documented column names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pulse.errors import MappingError
from pulse.ingest import import_file
from pulse.ingest.mapping import available_presets
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

SAMPLES = Path(__file__).parent / "fixtures" / "presets"


def test_presets_are_shipped() -> None:
    names = set(available_presets())
    assert {
        "salesforce_opportunities",
        "salesforce_opportunity_report",
        "salesforce_opportunity_history",
    } <= names


def test_salesforce_api_export_status_from_flags_not_stage_text(ws: Workspace) -> None:
    result = import_file(
        ws, "opportunities", SAMPLES / "sf_opps_api.csv", mapping="salesforce_opportunities"
    )
    assert (result.rows_read, result.inserted) == (3, 3)
    got = rows(
        ws,
        "SELECT opportunity_id, account_id, owner_id, type, amount, currency, created_at,"
        " close_date, stage, status, closed_at FROM opportunities ORDER BY 1",
    )
    assert got == [
        # "Closed Won" stage, IsWon=true → won, closed on the close date
        ("006A1", "001A1", "005U1", "renewal", Decimal("1200.5"), "USD", date(2024, 1, 10),
         date(2024, 3, 31), "Closed Won", "won", date(2024, 3, 31)),
        # a renamed, translated stage with no flags set stays open
        ("006A2", "001A2", "005U1", "new", Decimal("800"), "USD", date(2024, 2, 1),
         date(2024, 4, 15), "Gewonnen-Phase", "open", None),
        ("006A3", "001A3", "005U2", "expansion", Decimal("300"), "EUR", date(2024, 2, 20),
         date(2024, 5, 1), "Closed Lost", "lost", date(2024, 5, 1)),
    ]  # fmt: skip


def test_salesforce_report_export_ui_labels(ws: Workspace) -> None:
    result = import_file(
        ws,
        "opportunities",
        SAMPLES / "sf_opps_report.csv",
        mapping="salesforce_opportunity_report",
    )
    assert result.rows_read == 2
    got = rows(
        ws,
        "SELECT opportunity_id, name, account_id, owner_id, type, amount, stage, status"
        " FROM opportunities ORDER BY 1",
    )
    assert got == [
        # stage "Signed" is the org's own name; the Won flag decides
        ("006B1", "Acme expansion", "Acme", "Ana Ruiz", "expansion", Decimal("1500"), "Signed",
         "won"),
        # stage text says "Closed Won" but the flags say open: flags win
        ("006B2", "Globex new", "Globex", "Ana Ruiz", "new", Decimal("2000"), "Closed Won",
         "open"),
    ]  # fmt: skip


def test_salesforce_opportunity_history_to_stage_history(ws: Workspace) -> None:
    result = import_file(
        ws, "stage_history", SAMPLES / "sf_history.csv", mapping="salesforce_opportunity_history"
    )
    assert result.rows_read == 3
    assert result.ignored_columns == ("Id", "Probability")
    assert rows(ws, "SELECT * FROM stage_history ORDER BY changed_at") == [
        ("006A1", datetime(2024, 1, 10, 9, 15), "Prospecting", Decimal("1000"),
         date(2024, 3, 31), None),
        ("006A1", datetime(2024, 2, 10, 9, 15), "Negotiation/Review", Decimal("1200.5"),
         date(2024, 3, 31), None),
        ("006A1", datetime(2024, 3, 30, 16, 0), "Closed Won", Decimal("1200.5"),
         date(2024, 3, 31), None),
    ]  # fmt: skip


def test_salesforce_preset_without_flags_is_refused_clearly(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("opps.csv", "Id,Amount,CreatedDate,StageName\n006X,10,2024-01-01,Closed Won\n")
    with pytest.raises(MappingError) as err:
        import_file(ws, "opportunities", path, mapping="salesforce_opportunities")
    assert "columns.status.sql: unknown column 'is_won'" in err.value.render()
    assert rows(ws, "SELECT count(*) FROM opportunities") == [(0,)]
