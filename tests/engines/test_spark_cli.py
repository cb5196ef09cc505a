"""``--engine spark`` through the real CLI gives the numbers DuckDB gives (Spark local mode)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.compute import RESULTS
from pulse.engines.spark import spark_available
from tests.kpis.harness import make_workspace

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(not spark_available(), reason="pyspark and Java are not installed"),
]

runner = CliRunner()

OPPORTUNITIES = {
    "columns": [
        "opportunity_id", "owner_id", "amount", "created_at", "close_date", "status",
        "closed_at", "stage",
    ],
    "rows": [
        ["o1", "r1", 100, "2024-01-10", "2024-04-10", "won", "2024-04-10", "closed won"],
        ["o2", "r1", 300, "2024-02-01", "2024-05-01", "lost", "2024-05-01", "closed lost"],
        ["o3", "r2", 500, "2024-03-01", "2024-06-15", "won", "2024-06-12", "closed won"],
        ["o4", "r2", 700, "2024-03-15", "2024-06-20", "open", None, "proposal"],
    ],
}  # fmt: skip


def _values(output: str) -> dict[str, Any]:
    card = json.loads(output)
    return {
        line["kpi"]: (line["value"], line["status"], line["components"])
        for lines in card["sections"].values()
        for line in lines
    }


def test_scorecard_on_spark_equals_duckdb(home: Path) -> None:
    make_workspace(home, {"opportunities": OPPORTUNITIES}, name="acme")
    base = ["scorecard", "acme", "--period", "2024-Q2", "--format", "json"]
    RESULTS.clear()
    duck = runner.invoke(app, [*base, "--engine", "duckdb"])
    assert duck.exit_code == 0, duck.output
    RESULTS.clear()
    spark = runner.invoke(app, [*base, "--engine", "spark", "--spark-master", "local[1]"])
    assert spark.exit_code == 0, spark.output
    duck_values, spark_values = _values(duck.output), _values(spark.output)
    assert spark_values.keys() == duck_values.keys()
    for kpi, (value, status, components) in duck_values.items():
        s_value, s_status, s_components = spark_values[kpi]
        assert s_status == status, kpi
        assert s_value == pytest.approx(value), kpi
        assert s_components == pytest.approx(components), kpi
    assert duck_values["win_rate"][0] == pytest.approx(2 / 3)


def test_workspace_setting_picks_spark(home: Path) -> None:
    ws = make_workspace(home, {"opportunities": OPPORTUNITIES}, name="acme")
    ws.settings = ws.settings.model_copy(update={"engine": "spark"})
    ws.save_settings()
    RESULTS.clear()
    result = runner.invoke(
        app,
        ["kpi", "compute", "acme", "bookings", "--period", "2024-Q2", "--format", "json"],
        env={"PULSE_SPARK_MASTER": "local[1]"},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["value"] == 600
    assert (ws.path / "parquet").is_dir()  # Spark read the Parquet export
