"""The embedded default engine: the workspace's own DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from pulse.errors import EngineError


class DuckDBEngine:
    """Runs SQL on a DuckDB database file (read-only) or on a given connection."""

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self, path: Path | None = None, connection: duckdb.DuckDBPyConnection | None = None
    ):
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

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection."""
        return self._con

    def execute(self, sql: str) -> pa.Table:
        """Run ``sql`` and return an Arrow table."""
        try:
            return self._con.execute(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise EngineError(
                f"DuckDB could not run the query: {str(exc).splitlines()[0]}"
            ) from exc

    def close(self) -> None:
        """Close the connection if this engine opened it."""
        if self._owned:
            self._con.close()
