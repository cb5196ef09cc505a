"""A batch of statements on the DuckDB engine: shared tables first, several statements at once."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest

from pulse.engines.duckdb import DuckDBEngine, batch_shape
from pulse.errors import EngineError
from pulse.workspace.store import create_workspace


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return create_workspace("acme", "b2b_saas", home=tmp_path).db_path


def _threads(engine: DuckDBEngine) -> int:
    return int(engine.execute("SELECT current_setting('threads') AS t").column(0)[0].as_py())


TABLES = [
    ("pulse_numbers_1", "SELECT i AS n FROM range(1, 1001) AS t(i)", ()),
    ("pulse_squares_1", "SELECT n, n * n AS sq FROM pulse_numbers_1", ("pulse_numbers_1",)),
    ("pulse_evens_1", "SELECT n FROM pulse_numbers_1 WHERE n % 2 = 0", ("pulse_numbers_1",)),
]
QUERIES = [
    ("SELECT SUM(sq) AS v FROM pulse_squares_1", ("pulse_squares_1",)),
    ("SELECT COUNT(*) AS v FROM pulse_evens_1", ("pulse_evens_1",)),
    ("SELECT 7 AS v", ()),
    ("SELECT COUNT(*) AS v FROM pulse_squares_1 JOIN pulse_evens_1 USING (n)",
     ("pulse_squares_1", "pulse_evens_1")),
]  # fmt: skip
EXPECTED = [sum(n * n for n in range(1, 1001)), 500, 7, 500]


def test_batch_returns_each_query_in_order_with_tables_computed_once(db: Path) -> None:
    engine = DuckDBEngine(db)
    try:
        tables = engine.run_many(TABLES, QUERIES)
        assert [t.column(0)[0].as_py() for t in tables] == EXPECTED
        # a second batch reuses the tables: the same names are not computed again
        again = engine.run_many(TABLES, QUERIES[:1])
        assert again[0].column(0)[0].as_py() == EXPECTED[0]
        # the plain connection reads them too
        assert engine.execute("SELECT COUNT(*) FROM pulse_numbers_1").column(0)[0].as_py() == 1000
    finally:
        engine.close()


def test_batch_equals_one_at_a_time(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pulse.engines.duckdb.os.cpu_count", lambda: 1)
    assert batch_shape(1) == (1, 1)
    engine = DuckDBEngine(db)
    try:
        assert [t.column(0)[0].as_py() for t in engine.run_many(TABLES, QUERIES)] == EXPECTED
    finally:
        engine.close()


def test_thread_setting_is_put_back_after_the_batch_and_after_a_failure(db: Path) -> None:
    engine = DuckDBEngine(db)
    try:
        engine.execute("SET threads = 2")
        engine.run_many(TABLES, QUERIES)
        assert _threads(engine) == 2
        with pytest.raises(EngineError) as err:
            engine.run_many([], [("SELECT * FROM no_such_table", ()), ("SELECT 1 AS v", ())])
        assert "no_such_table" in err.value.message
        assert _threads(engine) == 2
    finally:
        engine.close()


def test_a_query_reading_a_table_outside_the_batch_is_an_error_not_a_hang(db: Path) -> None:
    engine = DuckDBEngine(db)
    try:
        with pytest.raises(EngineError, match="tables not computed: \\['pulse_missing'\\]"):
            engine.run_many([], [("SELECT 1 AS v", ()), ("SELECT 2 AS v", ("pulse_missing",))])
    finally:
        engine.close()


def test_two_engines_on_one_file_keep_their_tables_apart(db: Path) -> None:
    # DuckDB shares one database instance between connections to the same file in a process
    first, second = DuckDBEngine(db), DuckDBEngine(db)
    try:
        first.materialize("pulse_x_1", "SELECT 1 AS v")
        second.materialize("pulse_x_1", "SELECT 2 AS v")
        assert first.execute("SELECT v FROM pulse_x_1").column(0)[0].as_py() == 1
        assert second.execute("SELECT v FROM pulse_x_1").column(0)[0].as_py() == 2
        first.close()
        assert second.execute("SELECT v FROM pulse_x_1").column(0)[0].as_py() == 2
        databases = second.execute("SELECT database_name FROM duckdb_databases()").column(0)
        assert len([d for d in databases.to_pylist() if d.startswith("pulse_scratch")]) == 1
    finally:
        second.close()


def test_concurrent_batches_on_one_file_all_finish_and_restore_threads(db: Path) -> None:
    engines = [DuckDBEngine(db) for _ in range(3)]
    engines[0].execute("SET threads = 2")
    out: list[list[int]] = []

    def run(engine: DuckDBEngine) -> None:
        out.append([t.column(0)[0].as_py() for t in engine.run_many(TABLES, QUERIES)])

    try:
        workers = [threading.Thread(target=run, args=(e,)) for e in engines]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert out == [EXPECTED] * 3
        assert _threads(engines[0]) == 2
    finally:
        for e in engines:
            e.close()


def test_batch_shape_shares_the_cores() -> None:
    assert batch_shape(2) == (2, 1)
    assert batch_shape(8) == (4, 2)
    assert batch_shape(16) == (4, 4)


def test_statements_run_one_at_a_time_over_large_tables() -> None:
    alone_from = 64 * 122_880  # rows per core from which each statement keeps every core busy
    assert batch_shape(2, 2 * alone_from - 1) == (2, 1)
    assert batch_shape(2, 2 * alone_from) == (1, 2)
    assert batch_shape(8, 8 * alone_from) == (1, 8)
    assert batch_shape(8, 2 * alone_from) == (4, 2)


def test_the_largest_table_is_read_from_metadata(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO opportunities (opportunity_id) SELECT 'o' || i FROM range(300) t(i)")
    con.close()
    engine = DuckDBEngine(db)
    try:
        assert engine._largest_rows() == 300
        # large enough to run alone: the batch runs one statement at a time on the engine's own
        # connection (no worker cursors), with the same rows and the thread setting untouched
        monkeypatch.setattr("pulse.engines.duckdb.ALONE_FROM_ROW_GROUPS_PER_CORE", 0)

        def no_cursor() -> None:
            raise AssertionError("a worker cursor was opened")

        monkeypatch.setattr(engine, "_cursor", no_cursor)
        threads = _threads(engine)
        assert [t.column(0)[0].as_py() for t in engine.run_many(TABLES, QUERIES)] == EXPECTED
        assert _threads(engine) == threads
    finally:
        engine.close()
