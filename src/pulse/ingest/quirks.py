"""Findings about an import's data: quirks worth a look that do not make a row invalid.

After an import commits, :func:`find_quirks` looks at the rows it wrote, with SQL over whole
columns (never a Python loop over rows), and returns one-line messages for the import's
warnings and its import-log note. Findings never refuse a file: the rows stay as they were
imported. Three kinds:

- **Spelling variants** in a table's categorical columns (:func:`dimension_columns`): two
  values that are equal once lower-cased with spaces and punctuation removed (``GTXPro`` and
  ``GTX Pro``), or, both 6 characters or more, one edit apart (``technolgy`` and
  ``technology``; values differing only in their digits, ``Stage 1`` and ``Stage 2``, are not
  variants). The table's rows from earlier imports count too; a pair is reported when the
  import brought at least one of its values.
- **Closed before created**: a won or lost opportunity whose ``closed_at`` (else
  ``close_date``) is before its ``created_at``, or before the ``created_at`` of the lead that
  converted into it (``leads.opportunity_id``), checked from either side's import.
- **Blank-space numbers**: cells of a number, amount or whole-number column that hold only
  spaces (or tabs), read as missing. An empty cell is the ordinary way to write a missing value
  and is not reported. Only columns with a missing value in the imported rows are re-read.

Examples name keys and, where the source has them, file lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pulse.ingest.coerce import sql_str
from pulse.ingest.plan import Plan
from pulse.ingest.readers import Source
from pulse.tables import Column, ColumnType, Table

MAX_VALUES = 1_000  # a column with more distinct values is not categorical: not compared
MAX_PAIRS = 5  # spelling variants listed per column; the rest are counted
EXAMPLES = 3
MIN_EDIT_LENGTH = 6
NUMERIC = (ColumnType.INTEGER, ColumnType.NUMBER, ColumnType.MONEY)
CLOSED = "('won', 'lost')"
# lower-cased, without white space and punctuation (Unicode-aware)
KEY_SQL = "regexp_replace(lower({v}), '[\\s\\p{{P}}]+', '', 'g')"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def dimension_columns(table: Table) -> list[Column]:
    """The columns of ``table`` whose values are categories, compared for spelling variants.

    Text columns that are not part of the key, not references to other rows (``*_id``), not
    free text or identifiers (``name``, ``domain``) and not limited to an allowed set (those
    values are already checked and folded on import): ``industry``, ``segment``, ``region``,
    ``product_line``, ``stage``, ``source``, ``product``, ``currency``, … Columns with more
    than ``MAX_VALUES`` distinct values are skipped when checked: they are not categories.
    """
    return [
        c
        for c in table.columns
        if c.type is ColumnType.STRING
        and c.name not in table.key
        and not c.allowed
        and not c.name.endswith("_id")
        and c.name not in ("name", "domain")
    ]


@dataclass(frozen=True)
class Imported:
    """The rows one import wrote, and where they came from.

    ``rows`` is SQL usable after FROM yielding the imported rows with canonical column names
    (only ``provided`` ones are guaranteed); ``rows is None`` means every row of the table
    came from this import. ``source`` and ``plan`` find file lines and raw cells.
    """

    table: Table
    rows: str | None
    provided: tuple[str, ...]
    source: Source | None = None
    plan: Plan | None = None


def find_quirks(con: duckdb.DuckDBPyConnection, imported: Imported) -> list[str]:
    """Every finding for ``imported``, as one-line messages (an empty list when none)."""
    lines = _Lines(con, imported)
    findings = _spelling(con, imported)
    findings += _closed_before_created(con, imported, lines)
    findings += _blank_numbers(con, imported, lines)
    return findings


def check_import(con: duckdb.DuckDBPyConnection, imported: Imported, import_id: int) -> list[str]:
    """Find the quirks of a committed import and append them to its import-log note.

    Runs after the import's commit, so nothing here can undo or block it: a check that fails
    (any error, a bug included) becomes a finding saying so, and the import still succeeds.
    """
    name = imported.table.name
    try:
        findings = find_quirks(con, imported)
    except Exception as exc:  # the rows are committed: report, never fail the import
        return [f"{name}: the data could not be checked for quirks ({_first_line(exc)})"]
    try:
        record(con, import_id, findings)
    except Exception as exc:
        findings.append(f"{name}: these findings are not in the import log ({_first_line(exc)})")
    return findings


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def record(con: duckdb.DuckDBPyConnection, import_id: int, findings: list[str]) -> None:
    """Append the findings to the import-log note of ``import_id``."""
    if not findings:
        return
    text = sql_str("; ".join(findings))
    con.execute(
        f"UPDATE _import_log SET note = CASE WHEN note IS NULL OR note = '' THEN {text} "
        f"ELSE note || '; ' || {text} END WHERE import_id = {int(import_id)}"
    )


# -- spelling variants ------------------------------------------------------------------------


def _spelling(con: duckdb.DuckDBPyConnection, imported: Imported) -> list[str]:
    table = imported.table
    out: list[str] = []
    for column in dimension_columns(table):
        if column.name not in imported.provided:
            continue
        col = _q(column.name)
        fresh = (
            "true"
            if imported.rows is None
            else f"v IN (SELECT DISTINCT {col} FROM {imported.rows} WHERE {col} IS NOT NULL)"
        )
        # candidates share the key or a one-character deletion of it (a "symmetric delete"
        # index: any two strings one edit apart do), so only near pairs are ever compared
        sql = f"""
        WITH counted AS (
            SELECT {col} AS v, count(*) AS n FROM {_q(table.name)} WHERE {col} IS NOT NULL GROUP BY 1
        ), keyed AS (
            SELECT v, n, {fresh} AS fresh, {KEY_SQL.format(v="v")} AS k FROM counted
            WHERE (SELECT count(*) FROM counted) <= {MAX_VALUES}
        ), deletions AS (
            SELECT v, k AS d FROM keyed
            UNION ALL
            SELECT v, unnest(list_transform(range(length(k)), i -> k[1:i] || k[i + 2:])) AS d
            FROM keyed WHERE length(k) >= {MIN_EDIT_LENGTH}
        ), candidates AS (
            SELECT DISTINCT x.v AS a, y.v AS b FROM deletions x JOIN deletions y
            ON x.d = y.d AND x.v <> y.v
        ), pairs AS (
            SELECT a.v AS a, a.n AS an, b.v AS b, b.n AS bn, a.k = b.k AS same
            FROM candidates c JOIN keyed a ON a.v = c.a JOIN keyed b ON b.v = c.b
            WHERE (a.n < b.n OR (a.n = b.n AND a.v > b.v)) AND (a.fresh OR b.fresh)
            AND (a.k = b.k OR (
                length(a.k) >= {MIN_EDIT_LENGTH} AND length(b.k) >= {MIN_EDIT_LENGTH}
                AND damerau_levenshtein(a.k, b.k) <= 1
                AND regexp_replace(a.k, '\\d', '', 'g') <> regexp_replace(b.k, '\\d', '', 'g')))
            QUALIFY row_number() OVER (PARTITION BY a.v ORDER BY same DESC, b.n DESC, b.v) = 1
        )
        SELECT a, an, b, bn, count(*) OVER () FROM pairs ORDER BY bn DESC, b, an DESC, a
        LIMIT {MAX_PAIRS}
        """
        found = con.execute(sql).fetchall()
        where = f"{table.name}.{column.name}"
        for a, an, b, bn, _ in found:
            out.append(
                f"{where}: '{a}' ({_rows(int(an))}) looks like '{b}' ({_rows(int(bn))}) "
                "spelled differently; map one to the other with a value map in the mapping file"
            )
        if found and int(found[0][4]) > MAX_PAIRS:
            more = int(found[0][4]) - MAX_PAIRS
            out.append(f"{where}: {more:,} more value{'s' if more != 1 else ''} look like others")
    return out


# -- dates in the wrong order -----------------------------------------------------------------


def _closed_before_created(
    con: duckdb.DuckDBPyConnection, imported: Imported, lines: _Lines
) -> list[str]:
    name = imported.table.name
    if name == "opportunities":
        return _opportunities_closed_early(con, imported, lines)
    if name == "leads" and "opportunity_id" in imported.provided:
        return _leads_after_their_deal(con, imported, lines)
    return []


def _closed_sql(provided: tuple[str, ...] | None) -> str | None:
    dates = [c for c in ("closed_at", "close_date") if provided is None or c in provided]
    if not dates:
        return None
    return dates[0] if len(dates) == 1 else f"COALESCE({', '.join(dates)})"


def _rel(imported: Imported) -> str:
    return imported.rows if imported.rows is not None else _q(imported.table.name)


def _opportunities_closed_early(
    con: duckdb.DuckDBPyConnection, imported: Imported, lines: _Lines
) -> list[str]:
    out: list[str] = []
    closed = _closed_sql(imported.provided)
    if closed is None:
        return out
    rel = _rel(imported)
    own = (
        f"SELECT opportunity_id AS id, created_at, {closed} AS closed FROM {rel} "
        f"WHERE status IN {CLOSED} AND {closed} < created_at"
    )
    total, examples = _count_and_examples(con, own)
    if total:
        out.append(
            f"opportunities: {_deals(total)} closed (won or lost) before "
            f"{'it was' if total == 1 else 'they were'} created (closed_at, else close_date, "
            f"before created_at), e.g. {_examples(examples, lines, 'created', 'closed')}"
        )
    via_leads = (
        f"SELECT o.opportunity_id AS id, max(l.created_at) AS created_at, "
        f"any_value(o.closed) AS closed FROM (SELECT opportunity_id, status, {closed} AS closed "
        f"FROM {rel}) o JOIN leads l ON l.opportunity_id = o.opportunity_id "
        f"WHERE o.status IN {CLOSED} AND o.closed < l.created_at GROUP BY 1"
    )
    total, examples = _count_and_examples(con, via_leads)
    if total:
        out.append(
            f"opportunities: {_deals(total)} closed (won or lost) before "
            f"{'its lead' if total == 1 else 'their leads'} arrived (leads.created_at), "
            f"e.g. {_examples(examples, lines, 'lead created', 'closed')}"
        )
    return out


def _leads_after_their_deal(
    con: duckdb.DuckDBPyConnection, imported: Imported, lines: _Lines
) -> list[str]:
    closed = _closed_sql(None)
    sql = (
        f"SELECT l.lead_id AS id, l.created_at, o.closed FROM {_rel(imported)} l "
        f"JOIN (SELECT opportunity_id, {closed} AS closed FROM opportunities "
        f"WHERE status IN {CLOSED}) o ON o.opportunity_id = l.opportunity_id "
        "WHERE o.closed < l.created_at"
    )
    total, examples = _count_and_examples(con, sql)
    if not total:
        return []
    plural = "s" if total != 1 else ""
    return [
        f"leads: {total:,} lead{plural} arrived after the deal {'it' if total == 1 else 'they'} "
        f"converted into was closed (opportunities.closed_at, else close_date), "
        f"e.g. {_examples(examples, lines, 'created', 'deal closed')}"
    ]


def _deals(n: int) -> str:
    return f"{n:,} deal{'s' if n != 1 else ''}"


def _count_and_examples(
    con: duckdb.DuckDBPyConnection, sql: str
) -> tuple[int, list[tuple[str, object, object]]]:
    total = int(con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0])
    if not total:
        return 0, []
    rows = con.execute(
        f"SELECT CAST(id AS VARCHAR), created_at, closed FROM ({sql}) ORDER BY id LIMIT {EXAMPLES}"
    ).fetchall()
    return total, [(str(r[0]), r[1], r[2]) for r in rows]


def _examples(
    examples: list[tuple[str, object, object]], lines: _Lines, first: str, second: str
) -> str:
    found = lines.of_keys([key for key, _, _ in examples])
    parts = []
    for key, created, closed in examples:
        line = f"line {found[key]}, " if key in found else ""
        parts.append(f"'{key}' ({line}{first} {created}, {second} {closed})")
    return ", ".join(parts)


# -- blank-space numbers ----------------------------------------------------------------------


def _blank_numbers(con: duckdb.DuckDBPyConnection, imported: Imported, lines: _Lines) -> list[str]:
    if imported.plan is None or imported.source is None:
        return []
    numeric = [
        pc
        for pc in imported.plan.columns
        if pc.column.type in NUMERIC and pc.column.name in imported.provided
    ]
    if not numeric:
        return []
    # cheap first: only a column with a missing value in the imported rows can hold blanks
    nulls = ", ".join(f"count(*) FILTER (WHERE {_q(pc.column.name)} IS NULL)" for pc in numeric)
    counts = con.execute(f"SELECT {nulls} FROM {_rel(imported)}").fetchall()[0]
    candidates = [pc for pc, n in zip(numeric, counts, strict=True) if n]
    if not candidates:
        return []
    conditions = [_blank_sql(pc.text_sql) for pc in candidates]
    where = f" WHERE ({imported.plan.where_sql})" if imported.plan.where_sql else ""
    blanks = con.execute(
        f"SELECT {', '.join(f'count(*) FILTER (WHERE {c})' for c in conditions)} "
        f"FROM {imported.source.relation(False)}{where}"
    ).fetchall()[0]
    out = []
    for pc, cond, n in zip(candidates, conditions, blanks, strict=True):
        if not n:
            continue
        n = int(n)
        at = lines.where(cond)
        example = (
            f", e.g. line{'s' if len(at) != 1 else ''} {', '.join(map(str, at))}" if at else ""
        )
        value = "value holds" if n == 1 else "values hold"
        out.append(
            f"{imported.table.name}.{pc.column.name}: {n:,} {value} only spaces in column "
            f"'{pc.label}' and {'was' if n == 1 else 'were'} read as missing{example}"
        )
    return out


def _blank_sql(raw: str) -> str:
    return f"(({raw}) IS NOT NULL AND ({raw}) <> '' AND pulse_text({raw}) IS NULL)"


# -- file lines -------------------------------------------------------------------------------


class _Lines:
    """File lines of imported rows, found by re-reading the source with line numbers."""

    def __init__(self, con: duckdb.DuckDBPyConnection, imported: Imported):
        self.con = con
        self.source = imported.source
        self.plan = imported.plan
        self.key = None
        if imported.plan is not None and len(imported.table.key) == 1:
            for pc in imported.plan.columns:
                if pc.column.name == imported.table.key[0]:
                    self.key = pc.text_sql

    def _lined(self, select: str) -> str | None:
        if self.source is None or self.plan is None:
            return None
        # lines are numbered in file order (see Validator.issues)
        self.con.execute("SET preserve_insertion_order = true")
        where = f" WHERE ({self.plan.where_sql})" if self.plan.where_sql else ""
        return f"SELECT __line, {select} FROM {self.source.relation(True)}{where}"

    def _physical(self, lines: list[int]) -> list[int]:
        if self.source is None:
            return lines
        mapped = self.source.physical_lines(set(lines))
        return [mapped.get(n, n) for n in lines]

    def of_keys(self, keys: list[str]) -> dict[str, int]:
        """The first line of each key (keys the source cannot locate are left out)."""
        if self.key is None or not keys:
            return {}
        lined = self._lined(f"pulse_text({self.key}) AS k")
        if lined is None:
            return {}
        wanted = ", ".join(sql_str(k) for k in keys)
        found = self.con.execute(
            f"SELECT k, min(__line) FROM ({lined}) WHERE k IN ({wanted}) GROUP BY k"
        ).fetchall()
        keys_found = [str(k) for k, _ in found]
        physical = self._physical([int(n) for _, n in found])
        return dict(zip(keys_found, physical, strict=True))

    def where(self, condition: str) -> list[int]:
        """The first lines where ``condition`` (SQL over the source's columns) holds."""
        lined = self._lined(f"{condition} AS hit")
        if lined is None:
            return []
        found = self.con.execute(
            f"SELECT __line FROM ({lined}) WHERE hit ORDER BY __line LIMIT {EXAMPLES}"
        ).fetchall()
        return self._physical([int(n) for (n,) in found])
