"""Compute KPIs for a workspace: plan → run on the engine → judge → results.

:class:`Computer` is the one entry point the CLI, the web app and the exports use. It resolves
the profile and the workspace's overrides, says ``missing_data`` (naming what to load) instead of
inventing a number, and attaches a status and a trend to every value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pulse.catalog.models import KPI, AsOf, Profile, Threshold
from pulse.catalog.profiles import load_profile
from pulse.catalog.registry import Catalog, load_catalog
from pulse.compile.planner import Context, PeriodSpec, Planner, normalise_stage, transpile
from pulse.engines.base import Engine
from pulse.engines.duckdb import DuckDBEngine
from pulse.judge import Status, Trend, judge, trend
from pulse.periods import Period
from pulse.tables import TABLES
from pulse.workspace.store import Workspace


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
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
    ):
        self.workspace = workspace
        self.catalog = catalog or load_catalog()
        self.profile = profile or load_profile(workspace.settings.profile)
        self.engine: Engine = engine or DuckDBEngine(workspace.db_path)
        self.today = today or date.today()
        self.planner = Planner(self.catalog)
        self._stats: dict[str, dict[str, int]] | None = None

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
        sql = self.sql(kpi_id, periods, dims, as_of, dialect=self.engine.dialect)
        return [
            {k: _number(v) for k, v in row.items()} for row in self.engine.execute(sql).to_pylist()
        ]

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
        return [
            {k: _number(v) for k, v in row.items()} for row in self.engine.execute(sql).to_pylist()
        ]

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
        kpi = self.catalog.get(kpi_id)
        dims = list(by or [])
        self.planner.check_dimensions(kpi, dims)
        periods = period.series(history + 1)
        missing = self.missing(kpi_id)
        threshold = self.threshold(kpi_id)
        results: list[KPIResult] = []
        if missing:
            for p in periods[1:]:
                results.append(
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
                )
            return results
        rows = self.rows(kpi_id, periods, dims, as_of)
        by_key: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = {}
        segments: list[tuple[Any, ...]] = []
        for row in rows:
            seg = tuple(row[d] for d in dims)
            by_key[(row["period_key"], seg)] = row
            if seg not in segments:
                segments.append(seg)
        if not dims:
            segments = [()]
        for index, p in enumerate(periods[1:], start=1):
            prev_label = periods[index - 1].label
            for seg in segments:
                found = by_key.get((p.label, seg))
                if found is None and dims:
                    continue
                row = found or {}
                value = row.get("value")
                prev_row = by_key.get((prev_label, seg))
                previous = prev_row["value"] if prev_row else None
                components = {}
                if row:
                    if row.get("numerator") is not None or row.get("denominator") is not None:
                        components["numerator"] = row["numerator"]
                        components["denominator"] = row["denominator"]
                    components.update({k[2:]: v for k, v in row.items() if k.startswith("c_")})
                note = (
                    None
                    if value is not None
                    else f"no data for {p.label}: nothing in the period to compute {kpi.name.lower()} from"
                )
                results.append(
                    KPIResult(
                        kpi=kpi,
                        period=p,
                        as_of=self.as_of(kpi, p, period, as_of),
                        segment=dict(zip(dims, seg, strict=True)),
                        value=None if value is None else float(value),
                        status=judge(
                            None if value is None else float(value), threshold, kpi.direction
                        ),
                        threshold=threshold,
                        trend=trend(
                            None if value is None else float(value),
                            None if previous is None else float(previous),
                            kpi.direction,
                        ),
                        components=components,
                        missing=note,
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
