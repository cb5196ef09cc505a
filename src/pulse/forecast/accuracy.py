"""Forecast accuracy by scope over a window, against locked snapshots.

The same rules as the ``forecast_accuracy`` KPI (see its conventions), read through the same
models (``forecast_lock_times`` → ``forecast_locked`` → ``forecast_company_periods`` →
``forecast_scope_periods``), for every scope of one level — the company, each team
(``team:NAME``) or each rep (``rep:ID``) — with each forecast period listed:

- per forecast period: accuracy = max(0, 1 − |actual − forecast| ÷ actual), variance =
  (forecast − actual) ÷ actual;
- over the window: accuracy = max(0, 1 − WAPE), WAPE = Σ|forecast − actual| ÷ Σ actual,
  bias = Σ(forecast − actual) ÷ Σ actual, judged against the profile's band.

The lock point can move: ``lock_days`` days after each forecast period's first day (0, the
default, is the KPI's rule; a negative number locks before the period starts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pulse.compile.planner import PeriodSpec
from pulse.compute import Computer
from pulse.errors import unknown
from pulse.judge import Status, judge
from pulse.periods import Period
from pulse.pipeline.query import decimal, run, with_models

LEVELS = ("company", "team", "rep")


def lock_times_sql(lock_days: int) -> str:
    """The ``forecast_lock_times`` model with the lock ``lock_days`` after the period's start."""
    shift = f" + INTERVAL {int(lock_days)} DAY" if lock_days else ""
    return (
        "SELECT scope, period_start, period_end, MAX(snapshot_at) AS locked_at FROM forecasts "
        f"WHERE CAST(snapshot_at AS DATE) <= CAST(period_start{shift} AS DATE) "
        "GROUP BY scope, period_start, period_end"
    )


@dataclass(frozen=True)
class PeriodAccuracy:
    """One forecast period of one scope."""

    start: date
    end: date
    forecast: Decimal
    actual: Decimal

    @property
    def error(self) -> Decimal:
        """forecast − actual."""
        return self.forecast - self.actual

    @property
    def accuracy(self) -> float | None:
        """max(0, 1 − |actual − forecast| ÷ actual); None without bookings."""
        if not self.actual:
            return None
        return max(0.0, 1 - float(abs(self.error)) / float(self.actual))

    @property
    def variance(self) -> float | None:
        """(forecast − actual) ÷ actual; None without bookings."""
        return float(self.error) / float(self.actual) if self.actual else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
            "forecast": float(self.forecast),
            "actual": float(self.actual),
            "error": float(self.error),
            "accuracy": self.accuracy,
            "variance": self.variance,
        }


@dataclass
class ScopeAccuracy:
    """One scope's accuracy over the window."""

    scope: str
    periods: list[PeriodAccuracy] = field(default_factory=list)
    status: Status = Status.NO_TARGET

    @property
    def forecast(self) -> Decimal:
        """Σ forecast."""
        return sum((p.forecast for p in self.periods), Decimal(0))

    @property
    def actual(self) -> Decimal:
        """Σ actual."""
        return sum((p.actual for p in self.periods), Decimal(0))

    @property
    def wape(self) -> float | None:
        """Σ|forecast − actual| ÷ Σ actual."""
        if not self.actual:
            return None
        return float(sum((abs(p.error) for p in self.periods), Decimal(0))) / float(self.actual)

    @property
    def bias(self) -> float | None:
        """Σ(forecast − actual) ÷ Σ actual (positive: over-forecast)."""
        return float(self.forecast - self.actual) / float(self.actual) if self.actual else None

    @property
    def accuracy(self) -> float | None:
        """max(0, 1 − WAPE)."""
        wape = self.wape
        return None if wape is None else max(0.0, 1 - wape)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "scope": self.scope,
            "accuracy": self.accuracy,
            "wape": self.wape,
            "bias": self.bias,
            "forecast": float(self.forecast),
            "actual": float(self.actual),
            "status": self.status.value,
            "periods": [p.to_json() for p in self.periods],
        }


@dataclass
class AccuracyReport:
    """Accuracy of every scope of one level over a window."""

    window: Period
    level: str
    lock_days: int
    scopes: list[ScopeAccuracy]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            **self.window.to_json(),
            "level": self.level,
            "lock_days": self.lock_days,
            "scopes": [s.to_json() for s in self.scopes],
        }


def accuracy_report(
    computer: Computer, window: Period, level: str = "company", lock_days: int = 0
) -> AccuracyReport:
    """Accuracy, WAPE and bias of every ``level`` scope over ``window``."""
    if level not in LEVELS:
        raise unknown("forecast scope level", level, LEVELS)
    body = (
        "SELECT scope, forecast_start, forecast_end, forecast, actual "
        f"FROM forecast_scope_periods WHERE scope_level = '{level}' "
        "ORDER BY scope, forecast_start"
    )
    extra = {"forecast_lock_times": lock_times_sql(lock_days)} if lock_days else None
    spec = [PeriodSpec(window.label, window.start, window.end, window.end)]
    rows = run(computer, with_models(computer, ["forecast_scope_periods"], spec, body, extra))
    threshold = computer.threshold("forecast_accuracy")
    kpi = computer.catalog.get("forecast_accuracy")
    scopes: dict[str, ScopeAccuracy] = {}
    for row in rows:
        scope = scopes.setdefault(str(row["scope"]), ScopeAccuracy(str(row["scope"])))
        scope.periods.append(
            PeriodAccuracy(
                row["forecast_start"],
                row["forecast_end"],
                decimal(row["forecast"]),
                decimal(row["actual"]),
            )
        )
    for scope in scopes.values():
        scope.status = judge(scope.accuracy, threshold, kpi.direction)
    return AccuracyReport(window, level, lock_days, sorted(scopes.values(), key=lambda s: s.scope))
