"""Writing validated rows: upsert by key (NULL-safe) or replace, then log and bump the version.

Runs inside the import's single transaction. Rows match on the table key with
``IS NOT DISTINCT FROM``, so an empty key column (a company quota without ``rep_id``) matches
an empty one. A matched row whose provided columns differ is *updated* — a restatement, e.g.
a backdated cancellation moving an existing line's ``end_date`` — and counted as such in the
import log; columns the file does not provide keep their stored values. A matched row with
no difference is *unchanged*, so importing the same file twice changes nothing.
``replace`` empties the table and writes the file's rows; the counts still compare the new
rows with the old ones, and ``removed`` counts old rows the file no longer has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from pulse.tables import Table


@dataclass(frozen=True)
class WriteCounts:
    """What a write did to the table."""

    inserted: int
    updated: int
    unchanged: int
    removed: int
    rows_after: int


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_rows(
    con: duckdb.DuckDBPyConnection, table: Table, new_rows: str, provided: list[str], replace: bool
) -> WriteCounts:
    """Write the rows of the SELECT ``new_rows`` (canonical names for ``provided``) to ``table``."""
    target = _q(table.name)
    types = {c.name: c.type.sql for c in table.columns}
    view_cols = [_q(c) for c in provided] + [
        f"CAST(NULL AS {types[k]}) AS {_q(k)}" for k in table.key if k not in provided
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW __pulse_new AS SELECT {', '.join(view_cols)} FROM ({new_rows})"
    )
    cols = ", ".join(_q(c) for c in provided)
    old = int(con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0])
    new = int(con.execute("SELECT count(*) FROM __pulse_new").fetchall()[0][0])
    if old == 0:
        if new:
            con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM __pulse_new")
        return WriteCounts(new, 0, 0, 0, new)

    match = " AND ".join(f"t.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in table.key)
    values = [c for c in provided if c not in table.key]
    # replace empties the columns the file lacks, so they count as differences too
    compared = [c.name for c in table.columns if c.name not in table.key] if replace else values
    diff = (
        " OR ".join(
            f"t.{_q(c)} IS DISTINCT FROM {'n.' + _q(c) if c in provided else 'NULL'}"
            for c in compared
        )
        or "false"
    )
    inserted, updated, unchanged = con.execute(
        f"SELECT count(*) FILTER (WHERE t.__hit IS NULL), "
        f"count(*) FILTER (WHERE t.__hit AND ({diff})), "
        f"count(*) FILTER (WHERE t.__hit AND NOT ({diff})) "
        f"FROM __pulse_new n LEFT JOIN (SELECT *, true AS __hit FROM {target}) t ON {match}"
    ).fetchall()[0]
    inserted, updated, unchanged = int(inserted), int(updated), int(unchanged)
    if replace:
        con.execute(f"DELETE FROM {target}")
        if new:
            con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM __pulse_new")
        return WriteCounts(inserted, updated, unchanged, old - updated - unchanged, new)
    if updated:
        sets = ", ".join(f"{_q(c)} = n.{_q(c)}" for c in values)
        con.execute(
            f"UPDATE {target} AS t SET {sets} FROM __pulse_new n WHERE {match} AND ({diff})"
        )
    if inserted:
        con.execute(
            f"INSERT INTO {target} ({cols}) SELECT {', '.join('n.' + _q(c) for c in provided)} "
            f"FROM __pulse_new n WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {match})"
        )
    after = int(con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0])
    return WriteCounts(inserted, updated, unchanged, 0, after)


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def log_import(
    con: duckdb.DuckDBPyConnection,
    *,
    table: str,
    file_name: str,
    sha256: str,
    mapping: str | None,
    mode: str,
    rows_read: int,
    counts: WriteCounts,
    note: str | None,
) -> int:
    """Append to ``_import_log`` and bump ``_data_version``; return the import id."""
    import_id = int(
        con.execute("SELECT COALESCE(max(import_id), 0) + 1 FROM _import_log").fetchall()[0][0]
    )
    values = [
        import_id,
        datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "),
        table,
        file_name,
        sha256,
        mapping,
        mode,
        rows_read,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        counts.rows_after,
        note,
    ]
    # literals, not bound parameters: binding Python values makes duckdb import pandas (slow)
    con.execute(f"INSERT INTO _import_log VALUES ({', '.join(_literal(v) for v in values)})")
    con.execute("UPDATE _data_version SET version = version + 1")
    return import_id
