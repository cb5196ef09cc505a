"""Plan one KPI over a list of periods and segments into one SQL query.

The query is written in DuckDB SQL and transpiled by sqlglot to the target dialect. Its shape::

    WITH periods AS (VALUES …),            -- one row per period: key, start, end, as_of
         stage_map AS (VALUES …),          -- the stage → probability map in force
         pulse_settings AS (SELECT …),     -- one row of workspace settings
         <model> AS (…), …                 -- the SQL models the KPI reads, dependencies first
         kpi_<ref> AS (…), …               -- referenced KPIs, at the same periods and segments
    SELECT period_key, <dims>, value, numerator, denominator, c_<component>, …

Every output row is one (period, segment). Rows are matched to periods by the KPI's time
dimension falling between the period's start and end; when every period is one whole calendar
week, month, quarter or year (:func:`calendar_grain`), the join also says that the date's
truncation to that unit is the period's start — implied by the range, so the rows are the same,
but an equality the engine can hash-join on instead of sorting every row into the ranges. Ratios are ratios of sums, with the ``NULLIF``
guard added here so authors never write it. A model row with ``total_only = 1`` (a model may
declare that column) counts in the whole-company figure only: a split by any dimension leaves it
out (the company quota row of ``quota_periods`` is no owner's quota).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlglot
from sqlglot import exp

from pulse.catalog.models import KPI, DerivedFormula, RatioFormula, SimpleFormula
from pulse.catalog.registry import Catalog
from pulse.compile.formula import parse_fragment, render
from pulse.errors import UnknownNameError

DIALECTS = ("duckdb", "spark")
# A model column marking rows that count in the whole-company figure only, never in a segment.
TOTAL_ONLY = "total_only"


@dataclass(frozen=True)
class PeriodSpec:
    """One period row of the ``periods`` relation."""

    key: str
    start: date
    end: date
    as_of: date


@dataclass(frozen=True)
class Context:
    """Workspace facts the models read: stage probabilities and settings."""

    stage_map: tuple[tuple[str, float, int], ...] = ()
    today: date = field(default_factory=date.today)
    cycle_from_first_meeting: bool = False
    reactivation_window_months: int | None = None
    health_threshold: float = 50.0
    health_weights: tuple[float, float, float] = (0.5, 0.25, 0.25)


def normalise_stage(name: str) -> str:
    """Stage names compare case-, space- and underscore-insensitively."""
    return " ".join(name.replace("_", " ").lower().split())


def _lit(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, date):
        return f"CAST('{value.isoformat()}' AS DATE)"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("'", "''")
    return f"'{text}'"


def period_range(periods: list[PeriodSpec]) -> tuple[date, date] | None:
    """The earliest and latest start, end or as-of day of ``periods`` (None for no periods)."""
    if not periods:
        return None
    days = [d for p in periods for d in (p.start, p.end, p.as_of)]
    return min(days), max(days)


def context_ctes(periods: list[PeriodSpec], ctx: Context) -> dict[str, str]:
    """The ``periods``, ``period_range``, ``stage_map`` and ``pulse_settings`` relations as SQL."""
    rows = " UNION ALL ".join(
        f"SELECT {_lit(p.key)} AS period_key, {_lit(p.start)} AS period_start, "
        f"{_lit(p.end)} AS period_end, {_lit(p.as_of)} AS as_of"
        for p in periods
    )
    days = period_range(periods)
    first, last = (_lit(d) for d in days) if days else ("CAST(NULL AS DATE)",) * 2
    bounds = f"SELECT {first} AS first_day, {last} AS last_day"
    if ctx.stage_map:
        stages = " UNION ALL ".join(
            f"SELECT {_lit(s)} AS stage, CAST({prob!r} AS DOUBLE) AS probability, {order} AS stage_order"
            for s, prob, order in ctx.stage_map
        )
    else:
        stages = (
            "SELECT CAST(NULL AS VARCHAR) AS stage, CAST(NULL AS DOUBLE) AS probability, "
            "CAST(NULL AS INTEGER) AS stage_order WHERE 1 = 0"
        )
    w_usage, w_tickets, w_nps = ctx.health_weights
    settings = (
        f"SELECT {_lit(ctx.today)} AS today, {_lit(ctx.cycle_from_first_meeting)} AS cycle_from_first_meeting, "
        f"CAST({_lit(ctx.reactivation_window_months)} AS INTEGER) AS reactivation_window_months, "
        f"CAST({ctx.health_threshold!r} AS DOUBLE) AS health_threshold, "
        f"CAST({w_usage!r} AS DOUBLE) AS w_usage, CAST({w_tickets!r} AS DOUBLE) AS w_tickets, "
        f"CAST({w_nps!r} AS DOUBLE) AS w_nps"
    )
    return {
        "periods": rows,
        "period_range": bounds,
        "stage_map": stages,
        "pulse_settings": settings,
    }


def _whole(grain: str, start: date, end: date) -> bool:
    if grain == "week":
        return start.isoweekday() == 1 and end == start + timedelta(days=6)
    if start.day != 1:
        return False
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    if (grain == "quarter" and start.month % 3 != 1) or (grain == "year" and start.month != 1):
        return False
    last_month = start.month + months - 1
    return end == date(start.year, last_month, monthrange(start.year, last_month)[1])


def calendar_grain(periods: list[PeriodSpec]) -> str | None:
    """'week', 'month', 'quarter' or 'year' when every period is one whole calendar unit of it
    (an ISO week from Monday), else None."""
    for grain in ("month", "quarter", "year", "week"):
        if periods and all(_whole(grain, p.start, p.end) for p in periods):
            return grain
    return None


def _guard_divisions(sql: str) -> str:
    tree = sqlglot.parse_one(sql, read="duckdb")

    def guard(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Div) and not isinstance(node.expression, exp.Nullif):
            return exp.Div(
                this=node.this,
                expression=exp.Nullif(this=node.expression, expression=exp.Literal.number(0)),
            )
        return node

    return tree.transform(guard).sql(dialect="duckdb")


class Planner:
    """Builds the CTEs and the final SELECT for KPIs of one catalog."""

    def __init__(self, catalog: Catalog, materialized: Mapping[str, str] | None = None):
        self.catalog = catalog
        # model name → the table holding its rows for the periods being planned (see sharing.py)
        self.materialized: Mapping[str, str] = materialized or {}

    def with_materialized(self, materialized: Mapping[str, str]) -> Planner:
        """A planner on the same catalog that reads these models from their tables."""
        return Planner(self.catalog, materialized)

    def check_dimensions(self, kpi: KPI, dims: list[str]) -> None:
        """Raise when the KPI cannot be split by one of ``dims``."""
        for dim in dims:
            if dim not in kpi.dimensions:
                valid = ", ".join(kpi.dimensions) or "none"
                raise UnknownNameError(
                    f"KPI '{kpi.id}' cannot be split by '{dim}'",
                    hint=f"dimensions of {kpi.id}: {valid}",
                )

    def _select(self, kpi: KPI, dims: list[str], ctes: dict[str, str], grain: str | None) -> str:
        """The SELECT for one KPI; adds the CTEs it needs (refs, models) to ``ctes``."""
        if kpi.refs:
            return self._select_refs(kpi, dims, ctes, grain)
        return self._select_model(kpi, dims, ctes, grain)

    def add_model(self, name: str, ctes: dict[str, str]) -> None:
        """Add model ``name`` and the models it reads to ``ctes``, dependencies first.

        A model in :attr:`materialized` (computed earlier into a table) is read from that table,
        and the models only it reads are left out.
        """
        if name in ctes:
            return
        table = self.materialized.get(name)
        if table is not None:
            ctes[name] = f"SELECT * FROM {table}"
            return
        for dep in self.catalog.model(name).models:
            self.add_model(dep, ctes)
        ctes[name] = self.catalog.model(name).sql

    def _drop_unread_context(self, ctes: dict[str, str], keep: tuple[str, ...] = ()) -> None:
        """Leave out ``periods`` and ``period_range`` where no model planned inline reads them
        (``keep``: those the statement's own SELECT reads)."""
        inline = [
            self.catalog.models[n]
            for n in ctes
            if n in self.catalog.models and n not in self.materialized
        ]
        if "periods" not in keep and not any(m.reads_periods for m in inline):
            del ctes["periods"]
        if not any(m.reads_period_range for m in inline):
            del ctes["period_range"]

    def _select_model(
        self, kpi: KPI, dims: list[str], ctes: dict[str, str], grain: str | None
    ) -> str:
        assert kpi.model is not None
        self.add_model(kpi.model, ctes)
        model = self.catalog.model(kpi.model)
        f = kpi.formula
        cols = ["p.period_key AS period_key", *(f"m.{d} AS {d}" for d in dims)]
        if isinstance(f, SimpleFormula):
            value = render(f.expr, "m")
            cols += [
                f"{value} AS value",
                "CAST(NULL AS DOUBLE) AS numerator",
                "CAST(NULL AS DOUBLE) AS denominator",
            ]
        elif isinstance(f, RatioFormula):
            num, den = render(f.numerator, "m"), render(f.denominator, "m")
            cols += [
                f"CAST({num} AS DOUBLE) * {f.scale!r} / NULLIF(CAST({den} AS DOUBLE), 0) AS value",
                f"{num} AS numerator",
                f"{den} AS denominator",
            ]
        else:  # a derived formula always has refs
            raise AssertionError("derived KPIs are planned by _select_refs")
        cols += [f"{render(expr, 'm')} AS c_{name}" for name, expr in kpi.components.items()]
        on = "m.period_key = p.period_key AND " if model.per_period else ""
        if kpi.time_dimension:
            column = f"m.{kpi.time_dimension}"
            if grain is not None:
                on += f"CAST(DATE_TRUNC('{grain}', {column}) AS DATE) = p.period_start AND "
            on += f"{column} BETWEEN p.period_start AND p.period_end"
        else:
            on = on.removesuffix(" AND ")
        if dims and TOTAL_ONLY in model.columns:
            on += f" AND m.{TOTAL_ONLY} = 0"
        join = "JOIN" if dims else "LEFT JOIN"
        group = ", ".join(["p.period_key", *(f"m.{d}" for d in dims)])
        return f"SELECT {', '.join(cols)} FROM periods AS p {join} {kpi.model} AS m ON {on} GROUP BY {group}"

    def _select_refs(
        self, kpi: KPI, dims: list[str], ctes: dict[str, str], grain: str | None
    ) -> str:
        refs = kpi.refs
        for ref in refs:
            name = f"kpi_{ref}"
            if name not in ctes:
                body = self._select(self.catalog.get(ref), dims, ctes, grain)
                ctes[name] = body
        ref_sql = {ref: f"kpi_{ref}.value" for ref in refs}
        if dims:
            keys = f"keys_{kpi.id}"
            dim_list = ", ".join(dims)
            ctes[keys] = " UNION ".join(f"SELECT period_key, {dim_list} FROM kpi_{r}" for r in refs)
            base = f"{keys} AS k"
        else:
            base = "periods AS k"
        joins = []
        for ref in refs:
            cond = [f"kpi_{ref}.period_key = k.period_key"]
            cond += [f"kpi_{ref}.{d} IS NOT DISTINCT FROM k.{d}" for d in dims]
            joins.append(f"LEFT JOIN kpi_{ref} ON {' AND '.join(cond)}")
        cols = ["k.period_key AS period_key", *(f"k.{d} AS {d}" for d in dims)]
        f = kpi.formula
        if isinstance(f, RatioFormula):
            # A reference with no rows in a segment sums to nothing: zero in a numerator.
            zero_sql = {ref: f"COALESCE({sql}, 0)" for ref, sql in ref_sql.items()}
            num, den = render(f.numerator, None, zero_sql), render(f.denominator, None, ref_sql)
            cols += [
                f"CAST({num} AS DOUBLE) * {f.scale!r} / NULLIF(CAST({den} AS DOUBLE), 0) AS value",
                f"{num} AS numerator",
                f"{den} AS denominator",
            ]
        elif isinstance(f, DerivedFormula):
            value = _guard_divisions(render(f.expr, None, ref_sql))
            cols += [
                f"{value} AS value",
                "CAST(NULL AS DOUBLE) AS numerator",
                "CAST(NULL AS DOUBLE) AS denominator",
            ]
        else:
            raise AssertionError("a simple formula has no references")
        cols += [f"kpi_{ref}.value AS c_{ref}" for ref in refs]
        return f"SELECT {', '.join(cols)} FROM {base} {' '.join(joins)}"

    def plan(self, kpi_id: str, periods: list[PeriodSpec], dims: list[str], ctx: Context) -> str:
        """DuckDB SQL computing ``kpi_id`` for every period × segment."""
        kpi = self.catalog.get(kpi_id)
        self.check_dimensions(kpi, dims)
        ctes: dict[str, str] = dict(context_ctes(periods, ctx))
        body = self._select(kpi, dims, ctes, calendar_grain(periods))
        self._drop_unread_context(ctes, keep=("periods",))
        with_sql = ",\n".join(f"{name} AS ({sql})" for name, sql in ctes.items())
        order = ", ".join(["period_key", *dims])
        return f"WITH {with_sql}\nSELECT * FROM ({body}) AS result ORDER BY {order}"

    def plan_detail(self, kpi_id: str, periods: list[PeriodSpec], ctx: Context) -> str:
        """DuckDB SQL listing the rows behind a KPI (its ``detail`` model) for each period."""
        kpi = self.catalog.get(kpi_id)
        if kpi.detail is None:
            raise UnknownNameError(f"KPI '{kpi_id}' has no detail listing")
        ctes: dict[str, str] = dict(context_ctes(periods, ctx))
        self.add_model(kpi.detail, ctes)
        self._drop_unread_context(ctes, keep=("periods",))
        model = self.catalog.model(kpi.detail)
        if model.per_period:
            body = f"SELECT m.* FROM periods AS p JOIN {model.name} AS m ON m.period_key = p.period_key"
        else:
            col = kpi.detail_time_dimension
            body = (
                f"SELECT p.period_key AS period_key, m.* FROM periods AS p JOIN {model.name} AS m "
                f"ON m.{col} BETWEEN p.period_start AND p.period_end"
            )
        with_sql = ",\n".join(f"{name} AS ({sql})" for name, sql in ctes.items())
        return f"WITH {with_sql}\nSELECT * FROM ({body}) AS detail"

    def plan_model(self, name: str, periods: list[PeriodSpec] | None, ctx: Context) -> str:
        """DuckDB SQL of one model's rows (``periods`` only for a model that reads them or their
        range). Only the period relations the model reads are written out, so the same model over
        the same range is the same SQL whatever the periods' as-of dates."""
        ctes: dict[str, str] = dict(context_ctes(periods or [], ctx))
        self.add_model(name, ctes)
        self._drop_unread_context(ctes)
        with_sql = ",\n".join(f"{n} AS ({sql})" for n, sql in ctes.items())
        return f"WITH {with_sql}\nSELECT * FROM {name}"


def transpile(sql: str, dialect: str, pretty: bool = False) -> str:
    """The DuckDB SQL rewritten for ``dialect`` by sqlglot."""
    if dialect not in DIALECTS:
        raise UnknownNameError(
            f"unknown dialect '{dialect}'", hint=f"valid dialects: {', '.join(DIALECTS)}"
        )
    tree = sqlglot.parse_one(sql, read="duckdb")
    for fix in DIALECT_FIXES.get(dialect, ()):
        tree = tree.transform(fix)
    return tree.sql(dialect=dialect, pretty=pretty)


def _spark_percentile(node: exp.Expr) -> exp.Expr:
    """Spark has no PERCENTILE_CONT(x, p) aggregate; its exact PERCENTILE(x, p) is the same."""
    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
    return node


# Dialect quirks sqlglot does not cover, as data: dialect → rewrites applied before generating.
DIALECT_FIXES: dict[str, tuple[Callable[[exp.Expr], exp.Expr], ...]] = {
    "spark": (_spark_percentile,),
}


def fragment_sql(text: str) -> str:
    """Normalised DuckDB SQL of one fragment (for display)."""
    return parse_fragment(text).sql(dialect="duckdb")
