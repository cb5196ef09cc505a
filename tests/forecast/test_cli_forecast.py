"""``pulse forecast NAME``, ``pulse forecast snapshot`` and ``pulse forecast accuracy`` through
the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pulse.cli import app
from tests.forecast.test_forecast import DATA
from tests.forecast.test_snapshots_and_accuracy import ACCURACY
from tests.kpis.harness import make_workspace

runner = CliRunner()


def test_forecast_json_and_table(home: Path) -> None:
    make_workspace(home, DATA, name="acme")
    args = [
        "forecast",
        "acme",
        "--period",
        "2024-Q3",
        "--as-of",
        "2024-08-01",
        "--simulations",
        "2000",
        "--seed",
        "7",
    ]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == "2024-Q3" and data["as_of"] == "2024-08-01"
    assert data["already_won"] == {"value": 100000.0, "deals": 1}
    assert data["stage_weighted"] == 235000.0
    p = data["probabilistic"]
    assert p["p10"] <= p["p50"] <= p["p90"] and (p["simulations"], p["seed"]) == (2000, 7)
    assert data["calibration"]["stages"][0]["stage"] == "qualification"
    again = json.loads(runner.invoke(app, [*args, "--format", "json"]).output)
    assert again["probabilistic"] == p  # same seed, same answer
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "P10 / P50 / P90" in table.output and "Assumptions" in table.output
    shown = runner.invoke(app, ["forecast", "show", *args[1:]])
    assert shown.exit_code == 0 and shown.output == table.output


def test_snapshot_then_accuracy(home: Path) -> None:
    make_workspace(home, ACCURACY, name="acme", profile="manufacturing")
    snap = runner.invoke(
        app,
        [
            "forecast",
            "snapshot",
            "acme",
            "--period",
            "2024-Q3",
            "--as-of",
            "2024-07-01",
            "--simulations",
            "500",
            "-f",
            "json",
        ],
    )
    assert snap.exit_code == 0, snap.output
    stored = json.loads(snap.output)
    assert stored["rows"][0]["scope"] == "company"
    assert stored["rows"][0]["snapshot_at"] == "2024-07-01 00:00:00"
    acc = runner.invoke(app, ["forecast", "accuracy", "acme", "--window", "2024-Q2", "-f", "json"])
    assert acc.exit_code == 0, acc.output
    (company,) = json.loads(acc.output)["scopes"]
    assert (company["accuracy"], company["status"]) == (0.75, "red")
    reps = runner.invoke(
        app, ["forecast", "accuracy", "acme", "--window", "2024-Q2", "--scope", "rep"]
    )
    assert reps.exit_code == 0 and "rep:r1" in reps.output
    bad = runner.invoke(app, ["forecast", "accuracy", "acme", "--scope", "region"])
    assert bad.exit_code != 0
