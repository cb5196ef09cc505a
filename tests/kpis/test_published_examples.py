"""The seeds' published worked examples, reproduced exactly through the real engine and CLI.

Sales velocity (seeds 001, 003): 40 opportunities × 25,000 average deal × 25% win rate ÷ a
90-day cycle = 2,777.78 a day.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.periods import parse_period
from tests.kpis.harness import computer, make_workspace

runner = CliRunner()

COLUMNS = ["opportunity_id", "amount", "created_at", "close_date", "status", "closed_at"]


def _velocity_rows() -> list[list[Any]]:
    """Opportunities giving exactly the published components in 2024-Q2.

    Q2 (as of 2024-06-30): 40 open deals; won wa (20,000, 60 days) and wb (30,000, 120 days),
    6 lost → win rate 2/8 = 25%, average deal 25,000, mean cycle 90 days → 2,777.78 a day.
    Q1 (as of 2024-03-31): the 40 plus the 8 deals that close in Q2 are open = 48; won w0
    (25,000, 2023-12-02 → 2024-03-01 = 90 days), 3 lost → 48 × 25,000 × 25% ÷ 90 = 3,333.33.
    """
    rows: list[list[Any]] = [
        [f"open{i:02d}", 10000, "2024-03-01", "2024-09-30", "open", None] for i in range(40)
    ]
    rows += [
        ["wa", 20000, "2024-02-15", "2024-04-15", "won", "2024-04-15"],  # 60 days
        ["wb", 30000, "2024-01-01", "2024-04-30", "won", "2024-04-30"],  # 120 days
    ]
    rows += [
        [f"lost{i}", 10000, "2024-01-01", "2024-05-15", "lost", "2024-05-15"] for i in range(6)
    ]
    rows += [["w0", 25000, "2023-12-02", "2024-03-01", "won", "2024-03-01"]]  # 90 days
    rows += [
        [f"q1lost{i}", 10000, "2023-12-01", "2024-02-01", "lost", "2024-02-01"] for i in range(3)
    ]
    return rows


DATA = {"opportunities": {"columns": COLUMNS, "rows": _velocity_rows()}}
PUBLISHED = 40 * 25000 * 0.25 / 90
Q1_VALUE = 48 * 25000 * 0.25 / 90
# Each of the four references is reported as a component.
COMPONENTS = {
    "open_opportunities": 40,
    "average_deal_size": 25000,
    "win_rate": 0.25,
    "sales_cycle_days": 90,
}


def test_sales_velocity_published_example_through_the_engine(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, DATA)
    comp = computer(ws, date(2024, 12, 31))
    try:
        (result,) = comp.latest("sales_velocity", parse_period("2024-Q2"))
    finally:
        comp.close()
    assert result.value is not None
    assert result.value == pytest.approx(PUBLISHED, rel=1e-12)
    assert round(result.value, 2) == 2777.78
    assert result.components == pytest.approx(COMPONENTS)
    assert result.as_of == date(2024, 6, 30)
    assert result.trend.previous == pytest.approx(Q1_VALUE)


def test_sales_velocity_published_example_through_the_cli(home: Path) -> None:
    make_workspace(home, DATA, name="acme")
    result = runner.invoke(
        app, ["kpi", "compute", "acme", "sales_velocity", "--period", "2024-Q2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["kpi"] == "sales_velocity"
    assert (row["period"], row["period_start"], row["period_end"]) == (
        "2024-Q2",
        "2024-04-01",
        "2024-06-30",
    )
    assert row["segment"] == {}
    assert row["value"] == pytest.approx(PUBLISHED, rel=1e-12)
    assert round(row["value"], 2) == 2777.78
    assert row["unit"] == "currency_per_day"
    assert row["status"] == "no_target"  # the b2b_saas profile sets no velocity target
    assert row["target"] is None
    assert row["trend"]["previous"] == pytest.approx(Q1_VALUE)
    assert row["trend"]["change"] == pytest.approx(PUBLISHED - Q1_VALUE)
    assert (row["trend"]["direction"], row["trend"]["assessment"]) == ("down", "worse")
    assert row["components"] == pytest.approx(COMPONENTS)
