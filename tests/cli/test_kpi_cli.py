"""``pulse kpi`` and ``pulse scorecard`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pulse.cli import app
from tests.kpis.harness import make_workspace

runner = CliRunner()

DATA = {
    "opportunities": {
        "columns": [
            "opportunity_id",
            "owner_id",
            "amount",
            "created_at",
            "close_date",
            "status",
            "closed_at",
            "stage",
        ],
        "rows": [
            ["w1", "r1", 100, "2024-01-01", "2024-04-10", "won", "2024-04-10", "closed won"],
            ["l1", "r2", 100, "2024-01-01", "2024-05-10", "lost", "2024-05-10", "closed lost"],
            ["l2", "r2", 100, "2024-01-01", "2024-02-10", "lost", "2024-02-10", "closed lost"],
            ["w2", "r1", 100, "2024-01-01", "2024-02-10", "won", "2024-02-10", "closed won"],
            ["w3", "r1", 100, "2024-01-01", "2024-03-10", "won", "2024-03-10", "closed won"],
        ],
    }
}


def test_compute_json_has_the_documented_fields(home: Path) -> None:
    make_workspace(home, DATA, name="acme")
    result = runner.invoke(
        app, ["kpi", "compute", "acme", "win_rate", "--period", "2024-Q2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["kpi"] == "win_rate"
    assert (row["period"], row["period_start"], row["period_end"]) == (
        "2024-Q2",
        "2024-04-01",
        "2024-06-30",
    )
    assert row["segment"] == {}
    assert row["value"] == 0.5
    assert row["unit"] == "percent"
    assert row["status"] == "green"
    assert row["target"] == 0.25
    assert row["trend"]["previous"] == 2 / 3
    assert row["trend"]["direction"] == "down"
    assert row["trend"]["assessment"] == "worse"
    assert row["components"]["numerator"] == 1
    assert row["components"]["denominator"] == 2


def test_compute_by_segment_and_csv(home: Path) -> None:
    make_workspace(home, DATA, name="acme")
    result = runner.invoke(
        app,
        [
            "kpi",
            "compute",
            "acme",
            "win_rate",
            "--period",
            "2024-Q1",
            "--by",
            "owner_id",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "kpi,period,period_start,period_end,owner_id,value,unit,status,target,trend"
    assert "win_rate,2024-Q1,2024-01-01,2024-03-31,r1,1.0,percent,green,0.25,unknown" in lines
    assert "win_rate,2024-Q1,2024-01-01,2024-03-31,r2,0.0,percent,red,0.25,unknown" in lines


def test_unknown_kpi_bad_period_and_bad_dimension_exit_non_zero(home: Path) -> None:
    make_workspace(home, DATA, name="acme")
    bad_kpi = runner.invoke(app, ["kpi", "compute", "acme", "win_rat", "--period", "2024-Q2"])
    assert bad_kpi.exit_code != 0
    assert "unknown KPI 'win_rat'. Did you mean 'win_rate'?" in str(bad_kpi.exception)
    bad_period = runner.invoke(app, ["kpi", "compute", "acme", "win_rate", "--period", "2024-Q9"])
    assert bad_period.exit_code != 0
    assert "invalid period '2024-Q9'" in str(bad_period.exception)
    bad_dim = runner.invoke(
        app, ["kpi", "compute", "acme", "win_rate", "--period", "2024-Q2", "--by", "colour"]
    )
    assert bad_dim.exit_code != 0
    assert "KPI 'win_rate' cannot be split by 'colour'" in str(bad_dim.exception)
    assert "owner_id" in (bad_dim.exception.hint or "")  # type: ignore[union-attr]


def test_missing_data_is_a_status_not_a_zero(home: Path) -> None:
    make_workspace(home, {}, name="empty")
    result = runner.invoke(
        app, ["kpi", "compute", "empty", "win_rate", "--period", "2024-Q2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row["value"] is None
    assert row["status"] == "missing_data"
    assert row["missing"] == "load table 'opportunities' (status, closed_at)"


def test_show_explain_prints_sql_for_each_dialect() -> None:
    duck = runner.invoke(app, ["kpi", "show", "win_rate", "--explain"])
    assert duck.exit_code == 0, duck.output
    assert "Compiled SQL (duckdb" in duck.output and "SUM(m.is_won)" in duck.output
    spark = runner.invoke(
        app, ["kpi", "show", "win_rate", "--explain", "--dialect", "spark", "--format", "json"]
    )
    assert spark.exit_code == 0, spark.output
    payload = json.loads(spark.output)
    assert payload["id"] == "win_rate" and "DATEDIFF" in payload["sql"].upper()


def test_kpi_list_json() -> None:
    result = runner.invoke(app, ["kpi", "list", "--format", "json"])
    assert result.exit_code == 0
    ids = [k["id"] for k in json.loads(result.output)]
    assert "win_rate" in ids and "period_quota" not in ids


def test_the_real_command_prints_errors_without_traceback(home: Path) -> None:
    import os
    import subprocess
    import sys

    make_workspace(home, DATA, name="acme")
    proc = subprocess.run(
        [sys.executable, "-m", "pulse", "kpi", "compute", "acme", "win_rat", "--period", "2024-Q2"],
        capture_output=True,
        text=True,
        env={**os.environ, "PULSE_HOME": str(home)},
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: unknown KPI 'win_rat'. Did you mean 'win_rate'?")
    assert "Traceback" not in proc.stderr
