"""Sections that appear only when their engine module exists: findings and the forecast.

They are found with :mod:`importlib` (once per process), so the dashboard grows as colleagues'
modules land, and a missing module shows nothing rather than a made-up number.

- findings: ``pulse.findings.evaluate(computer, period, as_of) -> list[Finding]`` with
  ``Finding.to_json()``;
- forecast: ``pulse.forecast.forecast(computer, period)`` returning an object with
  ``to_json()`` (P10/P50/P90 and the assumptions).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from functools import cache
from typing import Any

from pulse.errors import PulseError
from pulse.periods import Period
from pulse.web.present import jsonable
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
            except (PulseError, TypeError) as exc:
                return {**period.to_json(), "error": str(exc)}
        data = result.to_json() if hasattr(result, "to_json") else result
        return {**period.to_json(), "forecast": jsonable(data)}

    return client.cached("forecast", (period.label, period.start), compute)
