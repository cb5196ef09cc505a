"""The embedded default engine: the workspace's own DuckDB file.

Queries run under a memory limit — ``PULSE_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as
``4GB``), default :data:`DEFAULT_MEMORY_LIMIT` — rather than DuckDB's own default of 80% of the
machine, so a server computing for many clients at once stays bounded: beyond it DuckDB spills
intermediate results and shared models to a temporary folder next to the database
(``pulse.duckdb.tmp``) instead of growing.

A batch of statements (:meth:`DuckDBEngine.run_many`: the shared models of a scorecard and the
KPI queries reading them) runs on a small pool of threads, each on its own cursor, a statement
starting as soon as the models it reads are computed. Most of a scorecard's statements are small:
DuckDB scans a table in row groups of 122,880 rows, so one statement over a table of 100,000
rows keeps one core busy while the other waits; two statements at once keep both busy. The
shared models live in an in-memory database attached for the engine alone (``pulse_scratch_N``,
on every cursor's search path), since DuckDB's temporary tables are private to one cursor.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Hashable, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa

from pulse.errors import EngineError

DEFAULT_MEMORY_LIMIT = "2GB"
_SCRATCH_IDS = itertools.count(1)


# Rows per row group, DuckDB's unit of parallel work within one statement.
ROW_GROUP_ROWS = 122_880
# From this many row groups per core in the largest table, statements run one at a time.
ALONE_FROM_ROW_GROUPS_PER_CORE = 64


def batch_shape(cores: int, largest_rows: int = 0) -> tuple[int, int]:
    """How a batch uses ``cores``: (statements at once, DuckDB threads per statement).

    Up to four statements at once, the cores shared out between them. On the 2-core machines
    measured (docs/benchmarks.md, "Scorecard") two one-thread statements beat both one
    two-thread statement at a time and two two-thread statements, at 100,000 and at 1,000,000
    opportunities. When the largest table (``largest_rows``) holds
    :data:`ALONE_FROM_ROW_GROUPS_PER_CORE` row groups per core or more, each statement alone
    keeps every core busy and two at once only add up their memory: one at a time, with every
    core (measured on the 10,000,000-opportunity peers scorecard, stage history of 45 million
    rows: 170 s and a 3,880 MiB peak one at a time against 187 s and 4,375 MiB two at a time).
    """
    if largest_rows >= ALONE_FROM_ROW_GROUPS_PER_CORE * ROW_GROUP_ROWS * cores:
        return 1, cores
    workers = max(1, min(4, cores))
    return workers, max(1, cores // workers)


class _BatchThreads:
    """DuckDB's thread count is one setting of the database instance, which every connection a
    process opens on the same file shares: the first batch on an instance sets it for batches,
    the last one to finish puts the previous value back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[str, tuple[int, int]] = {}  # instance → (batches running, saved)

    def enter(self, con: duckdb.DuckDBPyConnection, instance: str, threads: int) -> None:
        with self._lock:
            running, saved = self._active.get(instance, (0, 0))
            if not running:
                saved = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
                con.execute(f"SET threads = {threads}")
            self._active[instance] = (running + 1, saved)

    def leave(self, con: duckdb.DuckDBPyConnection, instance: str) -> None:
        with self._lock:
            running, saved = self._active[instance]
            if running == 1:
                del self._active[instance]
                con.execute(f"SET threads = {saved}")
            else:
                self._active[instance] = (running - 1, saved)


_BATCH_THREADS = _BatchThreads()


def memory_limit() -> str:
    """The query memory limit: ``PULSE_DUCKDB_MEMORY_LIMIT``, else :data:`DEFAULT_MEMORY_LIMIT`."""
    return os.environ.get("PULSE_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


class DuckDBEngine:
    """Runs SQL on a DuckDB database file (read-only) or on a given connection.

    Shared SQL models can be computed once into tables (:meth:`materialize`), which live as long
    as the engine, in an in-memory database attached for this engine alone. On a database file it opened read-only the engine also has a
    :attr:`cache_key` — the file's identity and data version — under which results may be cached:
    while the read-only connection is open no writer can change the file.
    """

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self, path: Path | None = None, connection: duckdb.DuckDBPyConnection | None = None
    ):
        self._path = path
        if connection is not None:
            self._con = connection
            self._owned = False
        else:
            self._con = duckdb.connect(
                str(path) if path else ":memory:", read_only=path is not None
            )
            self._owned = True
        # DuckDB draws a progress bar on stdout for long queries; it would corrupt JSON output.
        self._con.execute("SET enable_progress_bar = false")
        if self._owned:
            try:
                self._con.execute(f"SET memory_limit = '{memory_limit()}'")
            except duckdb.Error as exc:
                self._con.close()
                raise EngineError(
                    f"PULSE_DUCKDB_MEMORY_LIMIT is not a size DuckDB understands: {memory_limit()!r}",
                    hint="write a size such as 2GB or 512MB",
                ) from exc
        self._key: Hashable | None = None
        self._largest: int | None = None
        self._tables: set[str] = set()
        # DuckDB shares one database instance between the connections a process opens on the
        # same file, attached databases included: the scratch database's name is this engine's.
        self._scratch: str | None = None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection."""
        return self._con

    @property
    def cache_key(self) -> Hashable | None:
        """The data's identity (file, inode, mtime, size, data version) or None when unknown.

        None for a connection handed in by the caller or an in-memory database: their data can
        change under the engine, so nothing computed on them is cached.
        """
        if not self._owned or self._path is None:
            return None
        if self._key is None:
            stat = self._path.stat()
            try:
                version = self._con.execute("SELECT version FROM _data_version").fetchall()[0][0]
            except (duckdb.Error, IndexError):
                return None
            self._key = (
                "duckdb",
                str(self._path.resolve()),
                stat.st_ino,
                stat.st_mtime_ns,
                stat.st_size,
                int(version),
            )
        return self._key

    def execute(self, sql: str) -> pa.Table:
        """Run ``sql`` and return an Arrow table."""
        return self._execute(self._con, sql)

    @staticmethod
    def _execute(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
        try:
            return con.execute(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(
                f"DuckDB could not run the query: {str(exc).splitlines()[0]}"
            ) from exc

    def _largest_rows(self) -> int:
        """The row count of the database's largest table (DuckDB's own estimate, from its
        metadata: nothing is scanned), once per engine."""
        if self._largest is None:
            rows = self._con.execute(
                "SELECT MAX(estimated_size) FROM duckdb_tables() "
                "WHERE database_name = current_database() AND NOT temporary"
            ).fetchall()
            self._largest = int(rows[0][0] or 0)
        return self._largest

    def _attach_scratch(self) -> str:
        if self._scratch is None:
            name = f"pulse_scratch_{os.getpid()}_{next(_SCRATCH_IDS)}"
            self._con.execute(f"ATTACH ':memory:' AS {name} (READ_WRITE)")
            self._scratch = name
            self._con.execute(f"SET search_path = 'main,{name}'")
        return self._scratch

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the same database that also reads the engine's shared models."""
        cursor = self._con.cursor()
        cursor.execute("SET enable_progress_bar = false")
        if self._scratch is not None:
            cursor.execute(f"SET search_path = 'main,{self._scratch}'")
        return cursor

    def _create(self, con: duckdb.DuckDBPyConnection, table: str, sql: str) -> None:
        scratch = self._attach_scratch()
        self._execute(con, f'CREATE OR REPLACE TABLE {scratch}."{table}" AS {sql}')  # row count

    def materialize(self, table: str, sql: str) -> None:
        """Compute ``sql`` once into the table ``table`` (kept for the engine's life)."""
        if table in self._tables:
            return
        self._create(self._con, table, sql)
        self._tables.add(table)

    def run_many(
        self,
        tables: Sequence[tuple[str, str, Sequence[str]]],
        queries: Sequence[tuple[str, Sequence[str]]],
    ) -> list[pa.Table]:
        """Compute ``tables`` — (name, SQL, the listed tables it reads) — then run ``queries`` —
        (SQL, the listed tables it reads) — and return each query's rows, in order.

        Statements run several at a time (:func:`batch_shape`), each once every table it reads
        is computed; tables before queries, longer queries first. The first failure stops the
        batch (statements already running finish) and is raised.
        """
        self._attach_scratch()
        steps: list[tuple[int, str | None, str, frozenset[str]]] = []
        for name, sql, reads in tables:
            if name not in self._tables and name not in {s[1] for s in steps}:
                steps.append((-1, name, sql, frozenset(reads)))
        order = sorted(range(len(queries)), key=lambda i: -len(queries[i][0]))
        steps += [(i, None, queries[i][0], frozenset(queries[i][1])) for i in order]
        results: list[pa.Table | None] = [None] * len(queries)
        workers, threads_each = batch_shape(os.cpu_count() or 1, self._largest_rows())
        workers = min(workers, len(steps))
        if workers <= 1:
            for index, table, sql, _ in steps:
                if table is not None:
                    self.materialize(table, sql)
                else:
                    results[index] = self.execute(sql)
            return [r for r in results if r is not None]
        ready = threading.Condition()
        failure: list[BaseException] = []
        running = 0  # statements under way

        def work() -> None:
            nonlocal running
            cursor = self._cursor()
            try:
                while True:
                    with ready:
                        while True:
                            if failure or not steps:
                                return
                            runnable = [s for s in steps if s[3] <= self._tables]
                            if runnable:
                                step = runnable[0]
                                steps.remove(step)
                                running += 1
                                break
                            if not running:  # what the rest reads is not in the batch
                                missing = sorted(steps[0][3] - self._tables)
                                failure.append(EngineError(f"tables not computed: {missing}"))
                                ready.notify_all()
                                return
                            ready.wait()
                    index, table, sql, _ = step
                    try:
                        if table is not None:
                            self._create(cursor, table, sql)
                        else:
                            results[index] = self._execute(cursor, sql)
                    except BaseException as exc:  # raised again by the caller
                        with ready:
                            running -= 1
                            failure.append(exc)
                            ready.notify_all()
                        return
                    with ready:
                        running -= 1
                        if table is not None:
                            self._tables.add(table)
                        ready.notify_all()
            finally:
                cursor.close()

        instance = str(self._path.resolve()) if self._path else f"connection {id(self._con)}"
        _BATCH_THREADS.enter(self._con, instance, threads_each)
        try:
            threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            _BATCH_THREADS.leave(self._con, instance)
        if failure:
            raise failure[0]
        return [r for r in results if r is not None]  # every query ran

    def close(self) -> None:
        """Drop the shared models and close the connection if this engine opened it."""
        if self._scratch is not None:
            # the database instance may outlive this connection (another one on the same file)
            self._con.execute("SET search_path = 'main'")
            self._con.execute(f"DETACH {self._scratch}")
            self._scratch = None
        self._tables.clear()
        if self._owned:
            self._con.close()
