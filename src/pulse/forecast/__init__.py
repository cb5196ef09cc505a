"""Forecasting: stage-weighted, calibrated and probabilistic forecasts of a period's bookings,
snapshots stored in the workspace, and accuracy measured against locked snapshots.

``forecast(computer, period)`` is the entry point the web app and the CLI use; see
:mod:`pulse.forecast.revenue` for the method and docs/concepts/forecasting.md for the rules.
"""

from __future__ import annotations

from datetime import date

from pulse.compute import Computer
from pulse.forecast.revenue import DEFAULT_SIMULATIONS, Forecast, forecast_period
from pulse.periods import Period


def forecast(
    computer: Computer,
    period: Period,
    as_of: date | None = None,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = 0,
) -> Forecast:
    """The forecast of ``period`` as of ``as_of`` (default: today, within the period)."""
    return forecast_period(computer, period, as_of, simulations=simulations, seed=seed)


__all__ = ["Forecast", "forecast", "forecast_period"]
