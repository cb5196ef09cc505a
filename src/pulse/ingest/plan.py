"""Which source column feeds which canonical column: the import plan for one file.

``make_plan`` matches a file's headers to a canonical table, through a mapping when one is
given, and returns one :class:`PlannedColumn` per canonical column the file provides, each
with the SQL that yields its text (``c3``, a value map over ``c3``, a constant, or a mapping
expression). Problems with the file's header (a missing required column, an ambiguous match)
are collected as issues; problems with the mapping itself raise
:class:`~pulse.errors.MappingError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from pulse.errors import Issue, MappingError, did_you_mean
from pulse.ingest.coerce import sql_str
from pulse.ingest.mapping import ColumnRule, TableMapping
from pulse.ingest.names import normalize_header
from pulse.tables import Column, Table


@dataclass(frozen=True)
class PlannedColumn:
    """One canonical column the import writes, and where its text comes from."""

    column: Column
    text_sql: str
    label: str
    date_format: str | None = None
    position: int = 1_000_000  # the source column's position, to report issues in file order
    period: tuple[str, str] | None = None  # mapping's start_of / end_of: ("start", "month")


@dataclass
class Plan:
    """The import plan: planned columns, the row filter, and what did not fit."""

    columns: list[PlannedColumn] = field(default_factory=list)
    where_sql: str | None = None
    skips_unmapped: bool = False  # where_sql includes a column's ``unmapped: skip``
    issues: list[Issue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def source_id(index: int) -> str:
    """The SQL name of the source column at ``index`` (sources are renamed c0, c1, …)."""
    return f"c{index}"


class _Headers:
    """A file's headers, searchable by original or normalised name."""

    def __init__(self, headers: list[str]):
        self.headers = headers
        self.by_norm: dict[str, list[int]] = {}
        for i, name in enumerate(headers):
            self.by_norm.setdefault(normalize_header(name), []).append(i)
        self.used: set[int] = set()

    def find(self, name: str) -> int | list[int] | None:
        """Index of the header called ``name``; a list when several normalise alike."""
        exact = [i for i, h in enumerate(self.headers) if h == name]
        if len(exact) == 1:
            return exact[0]
        found = self.by_norm.get(normalize_header(name), [])
        if len(found) == 1:
            return found[0]
        return found or None

    def suggest(self, name: str) -> str | None:
        guess = did_you_mean(normalize_header(name), self.by_norm)
        if guess is None:
            return None
        return self.headers[self.by_norm[guess][0]]


def make_plan(table: Table, headers: list[str], mapping: TableMapping | None, file: str) -> Plan:
    """Plan how ``headers`` fill ``table`` (see the module docstring)."""
    plan = Plan()
    found = _Headers(headers)
    rules = mapping.columns if mapping else {}
    plan_filters: list[str] = []
    for column in table.columns:
        rule = rules.get(column.name)
        required = column.name in table.required
        if rule is None:
            _plan_auto(plan, found, column, required, file)
        else:
            assert mapping is not None
            _plan_rule(plan, found, column, rule, required, mapping, file, plan_filters)
    filters = [f"({f})" for f in plan_filters]
    if mapping and mapping.where:
        where = translate_sql(mapping.where, found, mapping, mapping.line("where"), "where")
        filters.insert(0, f"({where})")
    plan.where_sql = " AND ".join(filters) or None
    plan.skips_unmapped = bool(plan_filters)
    plan.ignored = [h for i, h in enumerate(headers) if i not in found.used]
    return plan


def _missing(column: Column, tried: tuple[str, ...], found: _Headers, file: str) -> Issue:
    guess = None
    for name in tried:
        guess = found.suggest(name)
        if guess:
            break
    message = f"missing required column '{column.name}'"
    if tried and tried != (column.name,):
        message += f" (looked for {', '.join(repr(t) for t in tried)})"
    if guess:
        message += f". Did you mean '{guess}'?"
    return Issue(message, file, 1, column.name)


def _ambiguous(column: Column, name: str, indices: list[int], found: _Headers, file: str) -> Issue:
    names = " and ".join(f"'{found.headers[i]}'" for i in indices)
    return Issue(f"columns {names} both match '{name}'; rename one or map it", file, 1, column.name)


def _plan_auto(plan: Plan, found: _Headers, column: Column, required: bool, file: str) -> None:
    hit = found.find(column.name)
    if isinstance(hit, list):
        plan.issues.append(_ambiguous(column, column.name, hit, found, file))
        return
    if hit is None:
        if required:
            plan.issues.append(_missing(column, (column.name,), found, file))
        return
    found.used.add(hit)
    plan.columns.append(PlannedColumn(column, source_id(hit), found.headers[hit], position=hit))


def _plan_rule(
    plan: Plan,
    found: _Headers,
    column: Column,
    rule: ColumnRule,
    required: bool,
    mapping: TableMapping,
    file: str,
    filters: list[str],
) -> None:
    date_format = rule.date_format
    if rule.value is not None:
        plan.columns.append(
            PlannedColumn(column, sql_str(rule.value), column.name, date_format, period=rule.period)
        )
        return
    if rule.sql is not None:
        text = translate_sql(rule.sql, found, mapping, rule.line, f"columns.{column.name}.sql")
        if rule.skip_unmapped:
            filters.append(_mapped_only(text, rule))
        text = _value_map(text, rule)
        plan.columns.append(
            PlannedColumn(column, text, column.name, date_format, period=rule.period)
        )
        return
    for name in rule.sources:
        hit = found.find(name)
        if isinstance(hit, list):
            plan.issues.append(_ambiguous(column, name, hit, found, file))
            return
        if hit is not None:
            found.used.add(hit)
            if rule.skip_unmapped:
                filters.append(_mapped_only(source_id(hit), rule))
            text = _value_map(source_id(hit), rule)
            plan.columns.append(
                PlannedColumn(
                    column, text, found.headers[hit], date_format, hit, period=rule.period
                )
            )
            return
    if required:
        plan.issues.append(_missing(column, rule.sources, found, file))
        return
    looked = ", ".join(repr(s) for s in rule.sources)
    guess = found.suggest(rule.sources[0])
    note = f"mapping '{mapping.name}': {column.name} left empty, the file has no column {looked}"
    plan.warnings.append(note + (f" (did you mean '{guess}'?)" if guess else ""))


def _mapped_only(text: str, rule: ColumnRule) -> str:
    """A filter keeping rows whose value the rule's map lists (``unmapped: skip``)."""
    keys = ", ".join(sql_str(k) for k in (rule.values or {}))
    return f"lower(trim({text})) IN ({keys or 'NULL'})"


def _value_map(text: str, rule: ColumnRule) -> str:
    if rule.values is None and rule.default is None:
        return text
    folded = f"lower(trim({text}))"
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in (rule.values or {}).items())
    other = sql_str(rule.default) if rule.default is not None else text
    blank = f"{text} IS NULL OR trim({text}) = ''"
    if not whens:
        return f"CASE WHEN {blank} THEN {text} ELSE {other} END"
    return f"CASE WHEN {blank} THEN {text} ELSE CASE {folded} {whens} ELSE {other} END END"


_FORBIDDEN = (exp.Query, exp.Subquery, exp.Star, exp.Table, exp.Command, exp.DDL, exp.DML)


def translate_sql(
    text: str, found: _Headers, mapping: TableMapping, line: int | None, where: str
) -> str:
    """Check a mapping's SQL expression and rewrite its column names to source ids.

    Column references use normalised header names (or the exact header, double-quoted).
    Only expressions are allowed: no queries, tables or statements. Every source column is text.
    """

    def fail(message: str) -> MappingError:
        return MappingError(
            f"mapping '{mapping.name}' is invalid",
            [Issue(f"{where}: {message}", mapping.file, line)],
        )

    try:
        parsed = sqlglot.parse(text, read="duckdb")
    except SqlglotError as exc:
        raise fail(f"not a valid SQL expression: {str(exc).splitlines()[0]}") from exc
    if len(parsed) != 1 or parsed[0] is None:
        raise fail("expected one SQL expression")
    tree = parsed[0]
    bad = tree.find(*_FORBIDDEN)
    if bad is not None or isinstance(tree, _FORBIDDEN):
        raise fail("only an expression over the file's columns is allowed (no queries or tables)")

    def rewrite(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Column):
            return node
        if node.table:
            raise fail(f"unexpected qualified column '{node.sql()}'")
        hit = found.find(node.name)
        if isinstance(hit, list):
            names = " and ".join(f"'{found.headers[i]}'" for i in hit)
            raise fail(f"column '{node.name}' is ambiguous: {names}")
        if hit is None:
            guess = found.suggest(node.name)
            known = ", ".join(sorted(found.by_norm))
            msg = f"unknown column '{node.name}'"
            raise fail(
                msg
                + (
                    f". Did you mean '{normalize_header(guess)}'?"
                    if guess
                    else f" (columns: {known})"
                )
            )
        found.used.add(hit)
        return exp.column(source_id(hit))

    rewritten = tree.transform(rewrite)
    return f"CAST(({rewritten.sql(dialect='duckdb')}) AS VARCHAR)"
