"""``pulse pipeline changes|as-of`` through the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from pulse.cli import app
from tests.kpis.harness import make_workspace
from tests.pipeline.test_changes_cases import HISTORY, OPPS

runner = CliRunner()


def _ws(home: Path) -> None:
    make_workspace(home, {"opportunities": OPPS, "stage_history": HISTORY}, name="acme")


def test_changes_json_adds_up(home: Path) -> None:
    _ws(home)
    result = runner.invoke(
        app,
        [
            "pipeline",
            "changes",
            "acme",
            "--from",
            "2024-04-01",
            "--to",
            "2024-06-01",
            "--format",
            "json",
            "--detail",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"]["period"] == "2024-Q2"  # the quarter of --from by default
    assert data["opening"] == {"value": 3050.0, "count": 8}
    assert data["closing"] == {"value": 2090.0, "count": 6}
    assert (
        data["opening"]["value"] + sum(x["value"] for x in data["lines"])
        == data["closing"]["value"]
    )
    assert data["slip_rate"] == 400 / 3050
    assert {r["opportunity_id"] for r in data["detail"] if r["line"] == "removed"} == {"r1", "r2"}


def test_changes_csv_by_owner_and_table(home: Path) -> None:
    _ws(home)
    result = runner.invoke(
        app,
        [
            "pipeline",
            "changes",
            "acme",
            "--from",
            "2024-04-01",
            "--to",
            "2024-06-01",
            "--period",
            "2024-Q2",
            "--by",
            "owner_id",
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    r1 = {r["line"]: r for r in rows if r["owner_id"] == "r1"}
    assert r1["opening"]["value"] == "1700.0000"
    table = runner.invoke(
        app, ["pipeline", "changes", "acme", "--from", "2024-04-01", "--to", "2024-06-01"]
    )
    assert table.exit_code == 0, table.output
    assert "Pushed out (slipped)" in table.output and "slip rate: 13.1%" in table.output


def test_changes_errors_exit_non_zero(home: Path) -> None:
    _ws(home)
    result = runner.invoke(
        app, ["pipeline", "changes", "acme", "--from", "2024-06-01", "--to", "2024-04-01"]
    )
    assert result.exit_code != 0
    bad = runner.invoke(
        app,
        [
            "pipeline",
            "changes",
            "acme",
            "--from",
            "2024-04-01",
            "--to",
            "2024-06-01",
            "--by",
            "stage",
        ],
    )
    assert bad.exit_code != 0


def test_as_of_json(home: Path) -> None:
    _ws(home)
    result = runner.invoke(
        app, ["pipeline", "as-of", "acme", "--date", "2024-04-01", "-f", "json", "--list"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["due_in_period"]["value"] == 3050.0
    # open on 04-01: p1 s1 a1 a2 l1 r1 r2 from history (re1 was lost then); w1 u1 o1 without
    assert data["state_sources"] == {"stage_history": 7, "opportunity": 3}
