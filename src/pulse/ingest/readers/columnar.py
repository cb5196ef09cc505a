"""Parquet through DuckDB's reader: every column cast to text, lines are record positions."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pulse.errors import ImportValidationError
from pulse.ingest.coerce import sql_str
from pulse.ingest.readers import Source


def quote_ident(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def open_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> Source:
    """Open a Parquet file; its columns keep their names as headers."""
    label = path.name
    scan = f"read_parquet({sql_str(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    except duckdb.Error as exc:
        raise ImportValidationError(f"{label}: cannot read the Parquet file: {exc}") from exc
    headers = [row[0] for row in described if row[0] != "file_row_number"]
    casts = ", ".join(
        f"CAST({quote_ident(name)} AS VARCHAR) AS c{i}" for i, name in enumerate(headers)
    )

    def relation(with_lines: bool) -> str:
        line = ", file_row_number + 1 AS __line" if with_lines else ""
        return f"(SELECT {casts}{line} FROM {scan})"

    return Source("parquet", label, headers, relation)
