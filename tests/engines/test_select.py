"""Choosing the engine: ``--engine``, the workspace's ``engine`` setting, ``--spark-master``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.engines.duckdb import DuckDBEngine
from pulse.engines.select import check_engine, open_engine, spark_master
from pulse.errors import UnknownNameError
from pulse.workspace.store import create_workspace, open_workspace

runner = CliRunner()


def test_known_engines_pass() -> None:
    assert check_engine("duckdb") == "duckdb"
    assert check_engine("spark") == "spark"


def test_unknown_engine_says_what_is_valid() -> None:
    with pytest.raises(UnknownNameError) as err:
        check_engine("sprak")
    assert err.value.message == "unknown engine 'sprak'. Did you mean 'spark'?"
    assert err.value.hint == "valid engines: duckdb, spark"


def test_spark_master_argument_then_environment_then_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PULSE_SPARK_MASTER", raising=False)
    assert spark_master() == "local[*]"
    monkeypatch.setenv("PULSE_SPARK_MASTER", "spark://head:7077")
    assert spark_master() == "spark://head:7077"
    assert spark_master("local[2]") == "local[2]"


def test_default_engine_is_the_workspace_duckdb_file(home: Path) -> None:
    ws = create_workspace("acme", "b2b_saas", home)
    assert ws.settings.engine == "duckdb"
    engine = open_engine(ws)
    try:
        assert isinstance(engine, DuckDBEngine)
        assert engine.execute("SELECT COUNT(*) AS n FROM opportunities").to_pylist() == [{"n": 0}]
    finally:
        engine.close()


def test_workspace_create_stores_the_engine(home: Path) -> None:
    result = runner.invoke(
        app, ["workspace", "create", "acme", "--profile", "b2b_saas", "--engine", "spark"]
    )
    assert result.exit_code == 0, result.output
    assert open_workspace("acme", home).settings.engine == "spark"


def test_workspace_create_rejects_an_unknown_engine(home: Path) -> None:
    result = runner.invoke(
        app, ["workspace", "create", "acme", "--profile", "b2b_saas", "--engine", "duck"]
    )
    assert isinstance(result.exception, UnknownNameError)
    assert result.exception.message == "unknown engine 'duck'. Did you mean 'duckdb'?"
    assert not (home / "acme").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["scorecard", "acme", "--period", "2024-Q2"],
        ["kpi", "compute", "acme", "win_rate", "--period", "2024-Q2"],
        ["findings", "acme", "--period", "2024-Q2"],
        ["revenue", "bridge", "acme", "--period", "2024-Q2"],
        ["pipeline", "changes", "acme", "--from", "2024-04-01", "--to", "2024-06-30"],
    ],
)
def test_compute_commands_reject_an_unknown_engine(home: Path, command: list[str]) -> None:
    create_workspace("acme", "b2b_saas", home)
    result = runner.invoke(app, [*command, "--engine", "sprak"])
    assert isinstance(result.exception, UnknownNameError), result.output
    assert result.exception.message == "unknown engine 'sprak'. Did you mean 'spark'?"


def test_kpi_show_engine_picks_the_dialect() -> None:
    result = runner.invoke(app, ["kpi", "show", "win_rate", "--explain", "--engine", "spark"])
    assert result.exit_code == 0, result.output
    assert "Compiled SQL (spark" in result.output
