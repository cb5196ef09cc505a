"""Write the canonical tables the peers read from a workspace's DuckDB file to Parquet.

This is the analyst's extract: only the columns the covered KPIs read (:data:`spec.COLUMNS`),
one Parquet file per table, money as DOUBLE (what pandas and polars compute with) and dates as
dates. It is written once per data size and not counted in any engine's time.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .spec import COLUMNS

MONEY = {"amount", "cost"}


def export(db_path: Path, target: Path) -> dict[str, Path]:
    """Write ``target/<table>.parquet`` for every table in :data:`COLUMNS`; return the paths."""
    target.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for table, columns in COLUMNS.items():
            select = ", ".join(
                f'CAST("{c}" AS DOUBLE) AS "{c}"' if c in MONEY else f'"{c}"' for c in columns
            )
            path = target / f"{table}.parquet"
            con.execute(f"COPY (SELECT {select} FROM \"{table}\") TO '{path}' (FORMAT parquet)")
            paths[table] = path
    finally:
        con.close()
    return paths


def column_bytes(data_dir: Path) -> dict[str, int]:
    """Arrow in-memory bytes of every column the covered KPIs read, as ``table.column``.

    One column in memory at a time, handed back to the system at the end: the benchmark's own
    process stays small while the engines run beside it (whole tables at 10,000,000
    opportunities left it 4 GiB resident, room an engine under the memory cap did not have).
    """
    sizes: dict[str, int] = {}
    for table, columns in COLUMNS.items():
        for name in columns:
            column = pq.read_table(data_dir / f"{table}.parquet", columns=[name]).column(name)
            sizes[f"{table}.{name}"] = int(column.nbytes)
            del column
    pa.default_memory_pool().release_unused()
    return sizes
