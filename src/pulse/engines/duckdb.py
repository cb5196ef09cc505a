"""The embedded default engine: the workspace's own DuckDB file.

Queries run under a memory limit — ``PULSE_DUCKDB_MEMORY_LIMIT`` (a DuckDB size such as
``4GB``), default :data:`DEFAULT_MEMORY_LIMIT` — rather than DuckDB's own default of 80% of the
machine, so a server computing for many clients at once stays bounded: beyond it DuckDB spills
intermediate results and shared models to a temporary folder next to the database
(``pulse.duckdb.tmp``) instead of growing.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from pathlib import Path

import duckdb
import pyarrow as pa

from pulse.errors import EngineError

DEFAULT_MEMORY_LIMIT = "2GB"


def memory_limit() -> str:
    """The query memory limit: ``PULSE_DUCKDB_MEMORY_LIMIT``, else :data:`DEFAULT_MEMORY_LIMIT`."""
    return os.environ.get("PULSE_DUCKDB_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


class DuckDBEngine:
    """Runs SQL on a DuckDB database file (read-only) or on a given connection.

    Shared SQL models can be computed once into temporary tables (:meth:`materialize`), which
    live as long as the connection. On a database file it opened read-only the engine also has a
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
        self._tables: set[str] = set()

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
        try:
            return self._con.execute(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(
                f"DuckDB could not run the query: {str(exc).splitlines()[0]}"
            ) from exc

    def materialize(self, table: str, sql: str) -> None:
        """Compute ``sql`` once into the temporary table ``table`` (kept for the connection)."""
        if table in self._tables:
            return
        try:
            self._con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}" AS {sql}')
        except duckdb.Error as exc:
            raise EngineError(
                f"DuckDB could not run the query: {str(exc).splitlines()[0]}"
            ) from exc
        self._tables.add(table)

    def close(self) -> None:
        """Close the connection if this engine opened it, else drop its temporary tables."""
        if self._owned:
            self._con.close()
            return
        for table in self._tables:
            self._con.execute(f'DROP TABLE IF EXISTS temp."{table}"')
        self._tables.clear()
