"""Staging and validation: one pass types every row; bad rows are found by queries, not loops.

The fast pass (:meth:`Validator.stage`) reads the source once into a temporary stage table of
typed canonical columns plus a ``__bad`` flag per row — no line numbers, so DuckDB reads in
parallel. Cheap queries then count bad rows, decide the file's day/month date order and count
duplicate keys. Only when something is wrong does :meth:`Validator.issues` read the source
again *with* line numbers and list every problem: wrong types, empty required values,
values outside a column's allowed set, duplicate keys and an ambiguous or mixed date order.
With a mapping's ``aggregate``, rows sharing a key are not duplicates: every row is checked
(and reported at its own line), then :meth:`Validator.final_select` combines them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pulse.errors import Issue
from pulse.ingest.coerce import (
    EXPECTED,
    NumberStyle,
    enum_check_sql,
    pending_parse_sql,
    typed_sql,
)
from pulse.ingest.dates import FIRST_SQL, SECOND_SQL, DateOrder, decide
from pulse.ingest.plan import Plan, PlannedColumn
from pulse.ingest.readers import Source
from pulse.tables import ColumnType, Table

STAGE = "__pulse_stage"
LINED = "__pulse_lined"
MAX_ISSUES = 10_000
FALLBACK = "pulse: row needs the staged path"


def quote(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def period_sql(value: str, pc: PlannedColumn) -> str:
    """A date moved to the first or last day of its period (a mapping's start_of / end_of)."""
    if pc.period is None:
        return value
    edge, unit = pc.period
    start = f"date_trunc('{unit}', {value})"
    if edge == "start":
        return f"CAST({start} AS DATE)"
    return f"CAST({start} + INTERVAL 1 {unit} - INTERVAL 1 day AS DATE)"


@dataclass
class Checks:
    """What the fast pass found."""

    rows: int = 0
    bad_rows: int = 0
    pending_failures: int = 0
    duplicate_keys: int = 0
    order: DateOrder = field(default_factory=lambda: DateOrder(None))

    @property
    def ok(self) -> bool:
        """True when nothing stops the import."""
        return (
            self.bad_rows == 0
            and self.pending_failures == 0
            and self.duplicate_keys == 0
            and self.order.problem is None
        )


@dataclass
class Found:
    """Every problem of a refused file: issues (at most MAX_ISSUES) and the exact total."""

    issues: list[Issue]
    total: int
    date_problem: bool
    by_column: list[tuple[str, int]] = field(default_factory=list)  # most problems first


class Validator:
    """Builds the typing SQL for a plan and runs the checks."""

    def __init__(
        self,
        table: Table,
        plan: Plan,
        source: Source,
        style: NumberStyle,
        date_format: str | None,
        aggregate: dict[str, str] | None = None,
    ):
        self.table = table
        self.aggregate = dict(aggregate or {})
        self.plan = plan
        self.source = source
        self.style = style
        self.date_format = date_format
        self.cols = plan.columns
        self.pending = [
            i
            for i, pc in enumerate(self.cols)
            if pc.column.type in (ColumnType.DATE, ColumnType.TIMESTAMP)
            and not (pc.date_format or date_format)
        ]
        self.required = set(table.required)
        self.order = DateOrder(None)

    # -- SQL building -------------------------------------------------------------------------

    def _format(self, pc: PlannedColumn) -> str | None:
        return pc.date_format or self.date_format

    def typed_select(self, with_lines: bool) -> str:
        """SELECT of ``t{i}`` (trimmed text), ``v{i}`` (typed) and ``p{i}`` (pending dates)."""
        line = ["__line"] if with_lines else []
        texts = [f"pulse_text({pc.text_sql}) AS t{i}" for i, pc in enumerate(self.cols)]
        where = f" WHERE ({self.plan.where_sql})" if self.plan.where_sql else ""
        inner = f"SELECT {', '.join(line + texts) or 'NULL AS __none'} FROM {self.source.relation(with_lines)}{where}"
        typed = [f"t{i}" for i in range(len(self.cols))] + [
            f"{period_sql(typed_sql(pc.column, f't{i}', self.style, self._format(pc)), pc)} AS v{i}"
            for i, pc in enumerate(self.cols)
        ]
        middle = f"SELECT {', '.join(line + typed) or 'NULL AS __none'} FROM ({inner})"
        outer = (
            line
            + [f"t{i}" for i in range(len(self.cols))]
            + [f"v{i}" for i in range(len(self.cols))]
        )
        outer += [
            f"CASE WHEN v{i} IS NULL AND pulse_is_day_month(t{i}) THEN t{i} END AS p{i}"
            for i in self.pending
        ]
        return f"SELECT {', '.join(outer) or 'NULL AS __none'} FROM ({middle})"

    def _conditions(self, i: int) -> list[tuple[str, str]]:
        """(kind, SQL) conditions that make column ``i`` of a row bad, in reporting order."""
        pc = self.cols[i]
        out: list[tuple[str, str]] = []
        if pc.column.type is not ColumnType.STRING:
            cond = f"t{i} IS NOT NULL AND v{i} IS NULL"
            if i in self.pending:
                cond += f" AND p{i} IS NULL"
            out.append(("type", cond))
        if pc.column.name in self.required:
            out.append(("required", f"t{i} IS NULL"))
        if pc.column.allowed:
            out.append(("enum", f"COALESCE({enum_check_sql(f'v{i}', pc.column.allowed)}, false)"))
        return out

    def _final(self, i: int) -> str:
        """The final typed value of column ``i``, resolving pending dates once decided."""
        if i in self.pending and self.order.order:
            parsed = pending_parse_sql(self.cols[i].column, f"p{i}", self.order.order)
            return f"COALESCE(v{i}, {period_sql(parsed, self.cols[i])})"
        return f"v{i}"

    # -- fast pass ------------------------------------------------------------------------------

    def stage(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create the stage table: typed columns, pending dates and the ``__bad`` flag."""
        bad = [f"({cond})" for i in range(len(self.cols)) for _, cond in self._conditions(i)]
        cols = [f"v{i}" for i in range(len(self.cols))] + [f"p{i}" for i in self.pending]
        cols.append(f"({' OR '.join(bad) or 'false'}) AS __bad")
        con.execute(
            f"CREATE TEMP TABLE {STAGE} AS SELECT {', '.join(cols)} FROM ({self.typed_select(False)})"
        )

    def fast_insert(self, con: duckdb.DuckDBPyConnection) -> int:
        """Type and insert straight into the (empty) target table; return the rows written.

        Any row that would need a closer look — a bad value or a day/month date whose order
        the file has not yet shown — stops the statement with an error, and the caller falls
        back to the stage. Duplicate keys are checked on the target afterwards.
        """
        bad = [f"({cond})" for i in range(len(self.cols)) for _, cond in self._conditions(i)]
        bad += [f"(p{i} IS NOT NULL)" for i in self.pending]
        guard = (
            f"CASE WHEN {' OR '.join(bad)} THEN error('{FALLBACK}') ELSE true END"
            if bad
            else "true"
        )
        names = ", ".join(quote(pc.column.name) for pc in self.cols)
        values = ", ".join(f"v{i}" for i in range(len(self.cols)))
        row = con.execute(
            f"INSERT INTO {quote(self.table.name)} ({names}) "
            f"SELECT {values} FROM ({self.typed_select(False)}) WHERE {guard}"
        ).fetchall()
        return int(row[0][0])

    def target_has_duplicates(self, con: duckdb.DuckDBPyConnection) -> bool:
        """True when the target table holds a key twice (NULL keys compare equal)."""
        keys = ", ".join(quote(k) for k in self.table.key)
        sql = f"SELECT count(*) FROM (SELECT {keys} FROM {quote(self.table.name)} GROUP BY ALL HAVING count(*) > 1)"
        return bool(con.execute(sql).fetchall()[0][0])

    def check(self, con: duckdb.DuckDBPyConnection) -> Checks:
        """Count bad rows, decide the date order, count pending failures and duplicate keys."""
        pend = "".join(f", count(p{i})" for i in self.pending)
        row = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE __bad){pend} FROM {STAGE}"
        ).fetchall()[0]
        checks = Checks(rows=int(row[0]), bad_rows=int(row[1]))
        with_pending = [i for n, i in zip(row[2:], self.pending, strict=True) if n]
        self.order = checks.order = self._decide(con, STAGE, with_pending)
        if self.order.order and with_pending:
            fails = " + ".join(
                f"count(*) FILTER (WHERE p{i} IS NOT NULL AND {self._final(i)} IS NULL)"
                for i in with_pending
            )
            checks.pending_failures = int(
                con.execute(f"SELECT {fails} FROM {STAGE}").fetchall()[0][0]
            )
        if checks.ok and not self.aggregate:
            keys = self._key_exprs()
            dup = f"SELECT count(*) FROM (SELECT {', '.join(keys)} FROM {STAGE} GROUP BY ALL HAVING count(*) > 1)"
            checks.duplicate_keys = int(con.execute(dup).fetchall()[0][0])
        return checks

    def _decide(self, con: duckdb.DuckDBPyConnection, rel: str, pending: list[int]) -> DateOrder:
        if not pending:
            return DateOrder(None)
        union = " UNION ALL ".join(
            f"SELECT p{i} AS p FROM {rel} WHERE p{i} IS NOT NULL" for i in pending
        )
        first, second = FIRST_SQL.format(p="p"), SECOND_SQL.format(p="p")
        row = con.execute(f"SELECT max({first}), max({second}) FROM ({union})").fetchall()[0]
        return decide(row[0], row[1])

    def _key_exprs(self) -> list[str]:
        by_name = {pc.column.name: i for i, pc in enumerate(self.cols)}
        out = []
        for key in self.table.key:
            i = by_name.get(key)
            out.append(self._final(i) if i is not None else "NULL")
        return out

    def final_select(self) -> str:
        """SELECT of the stage's rows as canonical columns, ready to write."""
        if self.aggregate:
            return self._grouped_select()
        cols = [f"{self._final(i)} AS {quote(pc.column.name)}" for i, pc in enumerate(self.cols)]
        return f"SELECT {', '.join(cols)} FROM {STAGE}"

    def _grouped_select(self) -> str:
        """The stage's rows combined per key: the mapping's aggregates, else the least value."""
        cols = []
        for i, pc in enumerate(self.cols):
            name = pc.column.name
            value = self._final(i)
            if name in self.table.key:
                cols.append(f"{value} AS {quote(name)}")
                continue
            func = self.aggregate.get(name, "min")  # "any one value", but always the same one
            cols.append(f"CAST({func}({value}) AS {pc.column.type.sql}) AS {quote(name)}")
        keys = [
            self._final(i) for i, pc in enumerate(self.cols) if pc.column.name in self.table.key
        ]
        group = f" GROUP BY {', '.join(keys)}" if keys else ""
        return f"SELECT {', '.join(cols)} FROM {STAGE}{group}"

    # -- detailed pass --------------------------------------------------------------------------

    def issues(self, con: duckdb.DuckDBPyConnection) -> Found:
        """Read the source again with line numbers and list every problem."""
        # CSV rows are numbered by row_number() OVER (): that needs the file's order
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {LINED} AS {self.typed_select(True)}")
        label = self.source.label
        raw: list[tuple[int, int, str, list[int]]] = []  # (line, column order, message, lines)
        by_column: dict[str, int] = {}
        total = 0
        pending = [
            i
            for i in self.pending
            if con.execute(f"SELECT count(p{i}) FROM {LINED}").fetchall()[0][0]
        ]
        self.order = self._decide(con, LINED, pending)
        date_problem = self.order.problem is not None
        if date_problem:
            raw.extend(self._date_order_issues(con, pending))
            total += 1

        parts = []
        for i, _pc in enumerate(self.cols):
            whens = [f"WHEN {cond} THEN '{kind}'" for kind, cond in self._conditions(i)]
            if i in pending and self.order.order:
                whens.append(f"WHEN p{i} IS NOT NULL AND {self._final(i)} IS NULL THEN 'type'")
            if whens:
                parts.append(
                    f"SELECT __line, {i} AS k, CASE {' '.join(whens)} END AS kind, t{i} AS got FROM {LINED}"
                )
        if parts:
            union = " UNION ALL ".join(parts)
            bad = f"SELECT * FROM ({union}) WHERE kind IS NOT NULL"
            counts = con.execute(f"SELECT k, count(*) FROM ({bad}) GROUP BY k").fetchall()
            for k, n in counts:
                by_column[self.cols[int(k)].label] = by_column.get(
                    self.cols[int(k)].label, 0
                ) + int(n)
            total += sum(int(n) for _, n in counts)
            rows = con.execute(f"{bad} ORDER BY __line, k LIMIT {MAX_ISSUES}").fetchall()
            for line, k, kind, got in rows:
                raw.append((int(line), int(k), self._message(self.cols[k], kind, got), []))

        dup_issues, dup_total = ([], 0) if self.aggregate else self._duplicate_issues(con)
        raw.extend(dup_issues)
        total += dup_total
        if dup_total:
            by_column[self._key_label()] = by_column.get(self._key_label(), 0) + dup_total

        lines = {n for r in raw for n in (r[0], *r[3])}
        physical = self.source.physical_lines(lines)

        def position(k: int) -> int:
            return self.cols[k].position if 0 <= k < len(self.cols) else -1

        raw.sort(key=lambda r: (physical.get(r[0], r[0]), position(r[1]), r[1]))
        issues = []
        for line, k, message, extra in raw[:MAX_ISSUES]:
            for n in extra:
                message = message.replace(f"{{line {n}}}", f"line {physical.get(n, n)}")
            column = self.cols[k].label if 0 <= k < len(self.cols) else self._key_label()
            issues.append(Issue(message, label, physical.get(line, line), column))
        con.execute(f"DROP TABLE IF EXISTS {LINED}")
        ranked = sorted(by_column.items(), key=lambda item: (-item[1], item[0]))
        return Found(issues, total, date_problem, ranked)

    def _message(self, pc: PlannedColumn, kind: str, got: str | None) -> str:
        if kind == "required":
            return f"expected a value, got '{got or ''}'"
        if kind == "enum":
            return f"expected one of {', '.join(pc.column.allowed or ())}, got '{got}'"
        return f"expected {EXPECTED[pc.column.type]}, got '{got}'"

    def _key_label(self) -> str:
        return ", ".join(self.table.key)

    def _date_order_issues(
        self, con: duckdb.DuckDBPyConnection, pending: list[int]
    ) -> list[tuple[int, int, str, list[int]]]:
        union = " UNION ALL ".join(
            f"SELECT __line, {i} AS k, p{i} AS p FROM {LINED} WHERE p{i} IS NOT NULL"
            for i in pending
        )
        first, second = FIRST_SQL.format(p="p"), SECOND_SQL.format(p="p")
        base = f"SELECT __line, k, p FROM ({union})"
        if self.order.problem == "ambiguous":
            line, k, p = con.execute(f"{base} ORDER BY __line, k LIMIT 1").fetchall()[0]
            msg = (
                f"expected a date order, got '{p}': day-first or month-first? "
                "Every date written like it in this file has day and month 12 or less"
            )
            return [(int(line), int(k), msg, [])]
        d_line, _d_k, d_p = con.execute(
            f"{base} WHERE {first} > 12 ORDER BY __line, k LIMIT 1"
        ).fetchall()[0]
        m_line, m_k, m_p = con.execute(
            f"{base} WHERE {second} > 12 ORDER BY __line, k LIMIT 1"
        ).fetchall()[0]
        msg = (
            f"expected one date order, got '{m_p}' (month first) and '{d_p}' "
            f"(day first, {{line {int(d_line)}}})"
        )
        return [(int(m_line), int(m_k), msg, [int(d_line)])]

    def _duplicate_issues(
        self, con: duckdb.DuckDBPyConnection
    ) -> tuple[list[tuple[int, int, str, list[int]]], int]:
        keys = self._key_exprs()
        by_name = {pc.column.name: i for i, pc in enumerate(self.cols)}
        ok = []
        for key in self.table.key:
            i = by_name.get(key)
            if i is not None:
                ok.append(f"NOT ({self._final(i)} IS NULL AND t{i} IS NOT NULL)")
        names = [f"k{j}" for j in range(len(keys))]
        part = ", ".join(names)
        sql = (
            f"SELECT __line, first, {part} FROM ("
            f"SELECT __line, {', '.join(f'CAST({e} AS VARCHAR) AS {n}' for e, n in zip(keys, names, strict=True))}, "
            f"min(__line) OVER (PARTITION BY {', '.join(keys)}) AS first, "
            f"count(*) OVER (PARTITION BY {', '.join(keys)}) AS n FROM {LINED}"
            f"{' WHERE ' + ' AND '.join(ok) if ok else ''}) WHERE n > 1 AND __line <> first"
        )
        total = int(con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0])
        if not total:
            return [], 0
        rows = con.execute(f"{sql} ORDER BY __line LIMIT {MAX_ISSUES}").fetchall()
        out = []
        column_index = by_name.get(self.table.key[0], -1) if len(self.table.key) == 1 else -1
        for line, first, *values in rows:
            if len(values) == 1:
                what, got = self.table.key[0], f"'{values[0] or ''}'"
            else:
                what = "(" + ", ".join(self.table.key) + ")"
                got = "(" + ", ".join(f"'{v or ''}'" for v in values) + ")"
            msg = f"expected a unique {what}, got {got} again (first on {{line {int(first)}}})"
            out.append((int(line), column_index, msg, [int(first)]))
        return out, total
