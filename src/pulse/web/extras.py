"""Sections that appear only when their engine module exists: findings and the forecast.

They are found with :mod:`importlib` (once per process), so the dashboard grows as colleagues'
modules land, and a missing module shows nothing rather than a made-up number.

- findings: ``pulse.findings.evaluate(computer, period, as_of) -> list[Finding]`` with
  ``Finding.to_json()``;
- forecast: ``pulse.forecast.forecast(computer, period)`` returning a ``Forecast`` with
  ``to_json(currency)`` (already won, stage-weighted, calibrated, P10/P50/P90, assumptions).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from functools import cache
from typing import Any

from pulse.catalog.models import Unit
from pulse.errors import PulseError
from pulse.periods import Period
from pulse.web.present import jsonable, value_text
from pulse.web.state import Client


@cache
def _function(module: str, name: str) -> Callable[..., Any] | None:
    try:
        if importlib.util.find_spec(module) is None:
            return None
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def findings_available() -> bool:
    """Whether ``pulse.findings.evaluate`` exists."""
    return _function("pulse.findings", "evaluate") is not None


def forecast_available() -> bool:
    """Whether ``pulse.forecast.forecast`` exists."""
    return _function("pulse.forecast", "forecast") is not None


def findings(client: Client, period: Period) -> dict[str, Any] | None:
    """The findings for ``period`` (None when the module is absent)."""
    evaluate = _function("pulse.findings", "evaluate")
    if evaluate is None:
        return None

    def compute() -> dict[str, Any]:
        with client.computer() as computer:
            try:
                found = evaluate(computer, period)
            except PulseError as exc:
                return {**period.to_json(), "findings": [], "error": exc.message}
        items = [jsonable(f.to_json()) for f in found]
        return {**period.to_json(), "findings": items}

    return client.cached("findings", (period.label, period.start), compute)


def forecast(client: Client, period: Period) -> dict[str, Any] | None:
    """The forecast for ``period`` (None when the module is absent)."""
    run = _function("pulse.forecast", "forecast")
    if run is None:
        return None

    def compute() -> dict[str, Any]:
        with client.computer() as computer:
            try:
                result = run(computer, period)
            except PulseError as exc:
                return {**period.to_json(), "error": exc.message}
        try:
            data = result.to_json(client.currency)
        except TypeError:
            data = result.to_json()
        return {**period.to_json(), "forecast": jsonable(data), "text": _texts(data, client)}

    return client.cached("forecast", (period.label, period.start), compute)


def _texts(data: dict[str, Any], client: Client) -> dict[str, str]:
    """The headline forecast numbers formatted as money."""
    out: dict[str, str] = {}

    def money(value: Any) -> str:
        return value_text(float(value), Unit.CURRENCY, client.currency)

    for key in ("stage_weighted", "calibrated"):
        if isinstance(data.get(key), int | float):
            out[key] = money(data[key])
    for key in ("already_won", "open_due_in_period"):
        if isinstance(data.get(key), dict) and "value" in data[key]:
            out[key] = money(data[key]["value"])
    probabilistic = data.get("probabilistic")
    if isinstance(probabilistic, dict):
        for key in ("p10", "p50", "p90", "mean"):
            if isinstance(probabilistic.get(key), int | float):
                out[key] = money(probabilistic[key])
    return out
