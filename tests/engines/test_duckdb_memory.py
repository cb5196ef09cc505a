"""The DuckDB query engine's memory limit: ``PULSE_DUCKDB_MEMORY_LIMIT``, default 2 GB."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.engines.duckdb import DEFAULT_MEMORY_LIMIT, DuckDBEngine
from pulse.errors import EngineError
from pulse.workspace.store import create_workspace


def _limit(engine: DuckDBEngine) -> str:
    return str(engine.execute("SELECT current_setting('memory_limit') AS m").column(0)[0])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return create_workspace("acme", "b2b_saas", home=tmp_path).db_path


def test_default_limit_is_two_gigabytes(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULSE_DUCKDB_MEMORY_LIMIT", raising=False)
    assert DEFAULT_MEMORY_LIMIT == "2GB"
    engine = DuckDBEngine(db)
    try:
        # DuckDB reports the limit in binary units: 2 GB = 1.8 GiB
        assert _limit(engine) == "1.8 GiB"
    finally:
        engine.close()


def test_environment_sets_the_limit_and_a_spilling_query_still_runs(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_DUCKDB_MEMORY_LIMIT", "64MB")
    engine = DuckDBEngine(db)
    try:
        assert _limit(engine) == "61.0 MiB"
        # a grouping of 3 million distinct keys does not fit in 64 MB: DuckDB spills, not fails
        table = engine.execute(
            "SELECT COUNT(*) AS n FROM (SELECT i % 3000000 AS k, SUM(i) AS s "
            "FROM range(6000000) AS t(i) GROUP BY k)"
        )
        assert table.column(0)[0].as_py() == 3_000_000
    finally:
        engine.close()


def test_a_bad_limit_is_a_clear_error(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(EngineError) as err:
        DuckDBEngine(db)
    assert err.value.message == (
        "PULSE_DUCKDB_MEMORY_LIMIT is not a size DuckDB understands: 'lots'"
    )
    assert err.value.hint == "write a size such as 2GB or 512MB"
