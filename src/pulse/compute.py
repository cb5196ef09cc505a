"""Compute KPIs for a workspace: plan → run on the engine → judge → results.

:class:`Computer` is the one entry point the CLI, the web app and the exports use. It resolves
the profile and the workspace's overrides, says ``missing_data`` (naming what to load) instead of
inventing a number, and attaches a status and a trend to every value.

Speed: :meth:`Computer.compute_many` plans a batch of KPIs (a scorecard) together, so a SQL model
read by several KPIs is computed once into a table of its own (``pulse.compile.sharing``), the
batch's statements run several at a time where the engine can (``DuckDBEngine.run_many``), and
every statement's rows are cached per workspace data version (:data:`RESULTS`): unchanged data is
never recomputed in the process.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa

from pulse.catalog.models import KPI, AsOf, Profile, Threshold
from pulse.catalog.profiles import load_profile
from pulse.catalog.registry import Catalog, load_catalog
from pulse.compile.planner import Context, PeriodSpec, Planner, normalise_stage, transpile
from pulse.compile.sharing import Materialization, ModelKey, Statement, model_key, share_models
from pulse.engines.base import Engine
from pulse.engines.select import open_engine
from pulse.judge import Status, Trend, judge, trend
from pulse.periods import Period
from pulse.tables import TABLES
from pulse.workspace.store import Workspace


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that form no
    cycles (result rows, KPI results): its passes over every live object cost more than the
    objects themselves (measured: 0.45 s of 1.0 s building the 119,000 results of the
    1,000,000-opportunity peers scorecard). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _columns(table: pa.Table) -> dict[str, list[Any]]:
    """The columns of a result as lists, decimals as floats (column by column: no per-value
    type test on the other columns)."""
    columns: dict[str, list[Any]] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column.to_pylist()
        if pa.types.is_decimal(column.type):
            values = [None if v is None else float(v) for v in values]
        columns[name] = values
    return columns


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    """The rows of a result as dicts, decimals as floats."""
    columns = _columns(table)
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


class ResultCache:
    """Results of compiled statements, keyed by the engine's data identity and the SQL (LRU).

    Each is kept as the engine returned it, an Arrow table: immutable, so readers share it, and
    columnar, a fraction of the memory of the same rows as dicts.
    """

    def __init__(self, max_entries: int = 512):
        self.max_entries = max_entries
        self._tables: OrderedDict[tuple[Hashable, str], pa.Table] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Hashable, str]) -> pa.Table | None:
        """The cached result, or None."""
        with self._lock:
            table = self._tables.get(key)
            if table is not None:
                self._tables.move_to_end(key)
            return table

    def put(self, key: tuple[Hashable, str], table: pa.Table) -> None:
        """Remember ``table`` under ``key``."""
        with self._lock:
            self._tables[key] = table
            self._tables.move_to_end(key)
            while len(self._tables) > self.max_entries:
                self._tables.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (benchmarks time cold runs with it)."""
        with self._lock:
            self._tables.clear()
            _STATS.clear()


# Every Computer of the process shares this cache. The key holds the workspace database's
# identity and data version (bumped by every import), so changed data is never served stale.
RESULTS = ResultCache()
# Row and non-null counts per table and column (what ``missing`` reads), per data identity.
_STATS: dict[Hashable, dict[str, dict[str, int]]] = {}


@dataclass(slots=True)
class KPIResult:
    """One KPI value for one period and segment, judged."""

    kpi: KPI
    period: Period
    as_of: date
    segment: dict[str, Any]
    value: float | None
    status: Status
    threshold: Threshold | None
    trend: Trend
    components: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None

    @property
    def target(self) -> float | None:
        """The profile's target (or the healthy range's good edge) for display."""
        t = self.threshold
        if t is None:
            return None
        if t.target is not None:
            return t.target
        if t.healthy is not None:
            return t.healthy[1] if self.kpi.direction == "lower_is_better" else t.healthy[0]
        return t.red_below if t.red_below is not None else t.red_above

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``pulse kpi compute``."""
        return {
            "kpi": self.kpi.id,
            "name": self.kpi.name,
            **self.period.to_json(),
            "as_of": self.as_of.isoformat(),
            "segment": self.segment,
            "value": self.value,
            "unit": self.kpi.unit.value,
            "status": self.status.value,
            "target": self.target,
            "threshold": self.threshold.model_dump(exclude_defaults=True)
            if self.threshold
            else None,
            "trend": self.trend.to_json(),
            "components": self.components,
            "missing": self.missing,
        }


class Computer:
    """Computes KPIs on one workspace with its profile, overrides and engine."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        catalog: Catalog | None = None,
        profile: Profile | None = None,
        engine: Engine | None = None,
        today: date | None = None,
        engine_name: str | None = None,
        spark_master: str | None = None,
    ):
        self.workspace = workspace
        self.catalog = catalog or load_catalog()
        self.profile = profile or load_profile(workspace.settings.profile)
        # --engine, else the workspace's engine setting (DuckDB by default)
        self.engine: Engine = engine or open_engine(workspace, engine_name, spark_master)
        self.today = today or date.today()
        self.planner = Planner(self.catalog)
        self._stats: dict[str, dict[str, int]] | None = None
        self._materialized: set[ModelKey] = set()

    def close(self) -> None:
        """Release the engine."""
        self.engine.close()

    # -- configuration -------------------------------------------------------------------
    def threshold(self, kpi_id: str) -> Threshold | None:
        """The workspace override, else the profile's threshold, else None."""
        override = self.workspace.settings.targets.get(kpi_id)
        if override:
            return Threshold.model_validate(override)
        return self.profile.thresholds.get(kpi_id)

    def context(self) -> Context:
        """Stage map and settings for the models."""
        settings = self.workspace.settings
        probabilities = settings.stage_probabilities or self.profile.stage_probabilities
        order = settings.stage_order or self.profile.stages or list(probabilities)
        order_index = {normalise_stage(s): i + 1 for i, s in enumerate(order)}
        stage_map = tuple(
            (normalise_stage(s), float(p), order_index.get(normalise_stage(s), 0))
            for s, p in probabilities.items()
        )
        weights = self.profile.health_score_weights
        cycle_start = (
            settings.cycle_start
            if settings.cycle_start != "created_at"
            else self.profile.cycle_start
        )
        return Context(
            stage_map=stage_map,
            today=self.today,
            cycle_from_first_meeting=cycle_start == "first_meeting_at",
            reactivation_window_months=settings.reactivation_window_months,
            health_threshold=self.profile.health_score_threshold or 50.0,
            health_weights=(
                weights.get("usage", 0.5),
                weights.get("tickets", 0.25),
                weights.get("nps", 0.25),
            ),
        )

    # -- missing data --------------------------------------------------------------------
    def _table_stats(self) -> dict[str, dict[str, int]]:
        """Row and non-null counts of every needed column, read from the workspace database.

        The DuckDB file is the source of truth for every engine (Spark reads an export of it), so
        this never costs a distributed query.
        """
        data_key = self._cache_key()
        if self._stats is None and data_key is not None:
            self._stats = _STATS.get(data_key)
        if self._stats is None:
            needed: dict[str, set[str]] = {}
            for kpi in self.catalog.kpis.values():
                for table, cols in kpi.needs.items():
                    needed.setdefault(table, set()).update(cols)
            stats: dict[str, dict[str, int]] = {}
            with self.workspace.connection(read_only=True) as con:
                for table, wanted in needed.items():
                    ordered = sorted(wanted)
                    select = ", ".join(["COUNT(*)", *(f'COUNT("{c}")' for c in ordered)])
                    values = con.execute(f'SELECT {select} FROM "{table}"').fetchall()[0]
                    stats[table] = {
                        "*": int(values[0]),
                        **{c: int(v) for c, v in zip(ordered, values[1:], strict=True)},
                    }
            self._stats = stats
            if data_key is not None:
                if len(_STATS) >= 256:
                    _STATS.clear()
                _STATS[data_key] = stats
        return self._stats

    def missing(self, kpi_id: str) -> str | None:
        """What must be loaded before ``kpi_id`` can be computed, or None."""
        stats = self._table_stats()
        problems: list[str] = []
        for kid in [kpi_id, *self.catalog.dependencies(kpi_id)]:
            for table, cols in self.catalog.get(kid).needs.items():
                table_stats = stats.get(table, {})
                if not table_stats.get("*"):
                    text = f"load table '{table}' ({', '.join(cols)})"
                else:
                    empty = [c for c in cols if not table_stats.get(c)]
                    text = f"fill {', '.join(f'{table}.{c}' for c in empty)}" if empty else ""
                if text and text not in problems:
                    problems.append(text)
        return "; ".join(problems) if problems else None

    # -- computing -----------------------------------------------------------------------
    def as_of(
        self, kpi: KPI, period: Period, anchor: Period | None = None, as_of: date | None = None
    ) -> date:
        """The as-of date for ``period``: an explicit date keeps its offset from the anchor period's start."""
        if as_of is not None and anchor is not None:
            return period.start + (as_of - anchor.start)
        if kpi.as_of == AsOf.PERIOD_START:
            return period.start
        if kpi.as_of == AsOf.TODAY:
            return min(self.today, period.end)
        return period.end

    def sql(
        self,
        kpi_id: str,
        periods: list[Period],
        dims: list[str],
        as_of: date | None = None,
        dialect: str = "duckdb",
    ) -> str:
        """The compiled SQL for ``kpi_id`` (what ``--explain`` shows)."""
        kpi = self.catalog.get(kpi_id)
        anchor = periods[-1] if periods else None
        specs = [
            PeriodSpec(p.label, p.start, p.end, self.as_of(kpi, p, anchor, as_of)) for p in periods
        ]
        sql = self.planner.plan(kpi_id, specs, dims, self.context())
        return sql if dialect == "duckdb" else transpile(sql, dialect)

    def rows(
        self, kpi_id: str, periods: list[Period], dims: list[str], as_of: date | None = None
    ) -> list[dict[str, Any]]:
        """Raw result rows (period_key, dims, value, numerator, denominator, c_*)."""
        return self.rows_many([(kpi_id, periods, dims, as_of)])[0]

    def _cache_key(self) -> Hashable | None:
        key: Hashable | None = getattr(self.engine, "cache_key", None)
        return key

    def _sharing(self) -> bool:
        """Whether shared models go to tables of their own: only where the data cannot change."""
        return hasattr(self.engine, "run_many") and self._cache_key() is not None

    def rows_many(
        self, requests: list[tuple[str, list[Period], list[str], date | None]]
    ) -> list[list[dict[str, Any]]]:
        """:meth:`rows` for several KPIs at once, each shared model computed once."""
        with _gc_paused():
            return [_rows(table) for table in self._tables_many(requests)]

    def _tables_many(
        self, requests: list[tuple[str, list[Period], list[str], date | None]]
    ) -> list[pa.Table]:
        """The result of each request (cached, or computed with the shared models once)."""
        ctx = self.context()
        statements = []
        for kpi_id, periods, dims, as_of in requests:
            kpi = self.catalog.get(kpi_id)
            self.planner.check_dimensions(kpi, dims)
            anchor = periods[-1] if periods else None
            specs = tuple(
                PeriodSpec(p.label, p.start, p.end, self.as_of(kpi, p, anchor, as_of))
                for p in periods
            )
            statements.append(Statement(kpi_id, specs))
        if self._sharing():
            mappings = share_models(self.planner, statements, ctx, keep=self._materialized)
        else:
            mappings = [{} for _ in statements]
        data_key = self._cache_key()
        out: list[pa.Table | None] = []
        todo: list[tuple[int, str, Statement, dict[str, Materialization]]] = []
        for (kpi_id, _, dims, _), st, mapping in zip(requests, statements, mappings, strict=True):
            planner = self.planner.with_materialized({m: t.table for m, t in mapping.items()})
            sql = planner.plan(kpi_id, list(st.periods), dims, ctx)
            if self.engine.dialect != "duckdb":
                sql = transpile(sql, self.engine.dialect)
            cached = RESULTS.get((data_key, sql)) if data_key is not None else None
            out.append(cached)
            if cached is None:
                todo.append((len(out) - 1, sql, st, mapping))
        for (index, sql, _, _), table in zip(todo, self._run_all(todo), strict=True):
            if data_key is not None:
                RESULTS.put((data_key, sql), table)
            out[index] = table
        tables = [table for table in out if table is not None]
        assert len(tables) == len(out), "every request has its result, cached or computed"
        return tables

    def _run_all(
        self, todo: list[tuple[int, str, Statement, dict[str, Materialization]]]
    ) -> list[pa.Table]:
        """Each statement's rows, its shared models computed first (each once)."""
        tables: dict[str, Materialization] = {}
        for _, _, statement, mapping in todo:
            for name, table in mapping.items():  # dependencies first
                tables.setdefault(table.table, table)
                self._materialized.add(model_key(self.catalog, name, statement.periods))
        run_many = getattr(self.engine, "run_many", None)
        if run_many is None:  # an engine without it shares no models (see _sharing)
            return [self.engine.execute(sql) for _, sql, _, _ in todo]
        result: list[pa.Table] = run_many(
            [(t.table, t.sql, t.reads) for t in tables.values()],
            [(sql, tuple(t.table for t in mapping.values())) for _, sql, _, mapping in todo],
        )
        return result

    def detail(
        self, kpi_id: str, period: Period, as_of: date | None = None
    ) -> list[dict[str, Any]]:
        """The rows behind a KPI's value in ``period`` (accounts, findings, movements)."""
        kpi = self.catalog.get(kpi_id)
        spec = PeriodSpec(
            period.label, period.start, period.end, self.as_of(kpi, period, period, as_of)
        )
        sql = self.planner.plan_detail(kpi_id, [spec], self.context())
        if self.engine.dialect != "duckdb":
            sql = transpile(sql, self.engine.dialect)
        return _rows(self.engine.execute(sql))

    def compute(
        self,
        kpi_id: str,
        period: Period,
        by: list[str] | None = None,
        as_of: date | None = None,
        history: int = 1,
    ) -> list[KPIResult]:
        """Values for ``period`` (and, for trends and charts, ``history`` earlier periods).

        Returns one result per period (oldest first) and segment.
        """
        return self.compute_many([kpi_id], period, by, as_of, history)[kpi_id]

    def compute_many(
        self,
        kpi_ids: list[str],
        period: Period,
        by: list[str] | None = None,
        as_of: date | None = None,
        history: int = 1,
    ) -> dict[str, list[KPIResult]]:
        """:meth:`compute` for several KPIs, planned together so shared models run once."""
        dims = list(by or [])
        for kpi_id in kpi_ids:
            self.planner.check_dimensions(self.catalog.get(kpi_id), dims)
        periods = period.series(history + 1)
        out: dict[str, list[KPIResult]] = {}
        todo: list[str] = []
        for kpi_id in kpi_ids:
            missing = self.missing(kpi_id)
            if missing:
                out[kpi_id] = self._missing_results(kpi_id, periods, period, as_of, missing)
            elif kpi_id not in todo:
                todo.append(kpi_id)
        tables = self._tables_many([(k, periods, dims, as_of) for k in todo])
        with _gc_paused():  # one KPI's columns at a time: only the results pile up
            for kpi_id, table in zip(todo, tables, strict=True):
                columns = _columns(table)
                out[kpi_id] = self._results(kpi_id, periods, period, dims, as_of, columns)
        return {k: out[k] for k in kpi_ids}

    def _missing_results(
        self, kpi_id: str, periods: list[Period], period: Period, as_of: date | None, missing: str
    ) -> list[KPIResult]:
        kpi = self.catalog.get(kpi_id)
        threshold = self.threshold(kpi_id)
        return [
            KPIResult(
                kpi,
                p,
                self.as_of(kpi, p, period, as_of),
                {},
                None,
                Status.MISSING_DATA,
                threshold,
                trend(None, None, kpi.direction),
                {},
                missing,
            )
            for p in periods[1:]
        ]

    def _results(
        self,
        kpi_id: str,
        periods: list[Period],
        period: Period,
        dims: list[str],
        as_of: date | None,
        columns: dict[str, list[Any]],
    ) -> list[KPIResult]:
        """The judged results from a statement's columns (rows are never built: at a million
        results they would be most of the memory)."""
        kpi = self.catalog.get(kpi_id)
        threshold = self.threshold(kpi_id)
        direction = kpi.direction
        results: list[KPIResult] = []
        period_keys = columns["period_key"]
        segs: list[tuple[Any, ...]] = (
            list(zip(*(columns[d] for d in dims), strict=True)) if dims else [()] * len(period_keys)
        )
        at = {key: i for i, key in enumerate(zip(period_keys, segs, strict=True))}
        segments = list(dict.fromkeys(segs)) if dims else [()]  # in first-seen order
        del segs
        values = columns["value"]
        # every row has the same columns: the components are the c_ ones
        components_of = [(name[2:], columns[name]) for name in columns if name.startswith("c_")]
        numerators = columns.get("numerator")
        denominators = columns.get("denominator")
        for index, p in enumerate(periods[1:], start=1):
            prev_label = periods[index - 1].label
            p_as_of = self.as_of(kpi, p, period, as_of)
            empty_note = (
                f"no data for {p.label}: nothing in the period to compute {kpi.name.lower()} from"
            )
            for seg in segments:
                found = at.get((p.label, seg))
                if found is None and dims:
                    continue
                components: dict[str, Any] = {}
                value = previous = None
                if found is not None:
                    value = values[found]
                    if numerators is not None and denominators is not None:
                        numerator, denominator = numerators[found], denominators[found]
                        if numerator is not None or denominator is not None:
                            components["numerator"] = numerator
                            components["denominator"] = denominator
                    for name, column in components_of:
                        components[name] = column[found]
                prev_at = at.get((prev_label, seg))
                if prev_at is not None:
                    previous = values[prev_at]
                number = None if value is None else float(value)
                results.append(
                    KPIResult(
                        kpi=kpi,
                        period=p,
                        as_of=p_as_of,
                        segment=dict(zip(dims, seg, strict=True)),
                        value=number,
                        status=judge(number, threshold, direction),
                        threshold=threshold,
                        trend=trend(
                            number, None if previous is None else float(previous), direction
                        ),
                        components=components,
                        missing=None if number is not None else empty_note,
                    )
                )
        return results

    def latest(
        self, kpi_id: str, period: Period, by: list[str] | None = None, as_of: date | None = None
    ) -> list[KPIResult]:
        """Only the results for ``period`` itself (with trend against the previous period)."""
        return [r for r in self.compute(kpi_id, period, by, as_of) if r.period == period]


def needed_tables() -> dict[str, list[str]]:
    """Every canonical table some KPI needs, with the columns (for docs)."""
    out: dict[str, set[str]] = {}
    for kpi in load_catalog().kpis.values():
        for table, cols in kpi.needs.items():
            out.setdefault(table, set()).update(cols)
    return {t: sorted(c) for t, c in out.items() if t in TABLES}
