"""Judge a KPI value against its profile threshold: status and trend.

Statuses: ``green``, ``amber``, ``red``, ``no_target`` (the profile sets none), and
``missing_data`` (the inputs are not loaded; the value is never shown as a number).

Rules, in the KPI's unit: past ``red_below`` / ``red_above`` is red. Otherwise, with a healthy
range: higher-is-better KPIs are green at or above its low end, lower-is-better ones at or
below its high end, in-band ones inside it; amber otherwise. With only a ``target``: green when
the value is on the good side of it, amber otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pulse.catalog.models import Direction, Threshold


class Status(StrEnum):
    """A judged KPI value's status."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NO_TARGET = "no_target"
    MISSING_DATA = "missing_data"

    @property
    def symbol(self) -> str:
        """A symbol that does not rely on colour."""
        return _SYMBOLS[self]


_SYMBOLS = {
    Status.GREEN: "✓",
    Status.AMBER: "!",
    Status.RED: "✗",
    Status.NO_TARGET: "·",
    Status.MISSING_DATA: "?",
}

FLAT_TOLERANCE = 1e-9


def judge(value: float | None, threshold: Threshold | None, direction: Direction) -> Status:
    """The status of ``value`` under ``threshold``."""
    if value is None:
        return Status.MISSING_DATA
    if threshold is None or (
        threshold.target is None
        and threshold.healthy is None
        and threshold.red_below is None
        and threshold.red_above is None
    ):
        return Status.NO_TARGET
    if threshold.red_below is not None and value < threshold.red_below:
        return Status.RED
    if threshold.red_above is not None and value > threshold.red_above:
        return Status.RED
    if threshold.healthy is not None:
        low, high = threshold.healthy
        if direction == Direction.HIGHER_IS_BETTER:
            ok = value >= low
        elif direction == Direction.LOWER_IS_BETTER:
            ok = value <= high
        else:
            ok = low <= value <= high
        return Status.GREEN if ok else Status.AMBER
    if threshold.target is not None:
        if direction == Direction.HIGHER_IS_BETTER:
            return Status.GREEN if value >= threshold.target else Status.AMBER
        if direction == Direction.LOWER_IS_BETTER:
            return Status.GREEN if value <= threshold.target else Status.AMBER
        return Status.GREEN if abs(value - threshold.target) <= FLAT_TOLERANCE else Status.AMBER
    return Status.GREEN


@dataclass(frozen=True, slots=True)
class Trend:
    """How a value moved against the previous period of the same length."""

    previous: float | None
    change: float | None
    direction: str  # up | down | flat | unknown
    assessment: str  # better | worse | same | unknown

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "previous": self.previous,
            "change": self.change,
            "direction": self.direction,
            "assessment": self.assessment,
        }

    @property
    def arrow(self) -> str:
        """↑, ↓, → or blank."""
        return {"up": "↑", "down": "↓", "flat": "→"}.get(self.direction, "")


def trend(value: float | None, previous: float | None, direction: Direction) -> Trend:
    """Compare ``value`` with ``previous`` and say whether that is better for this KPI."""
    if value is None or previous is None:
        return Trend(previous, None, "unknown", "unknown")
    change = value - previous
    if abs(change) <= FLAT_TOLERANCE * max(1.0, abs(previous)):
        return Trend(previous, 0.0, "flat", "same")
    moved = "up" if change > 0 else "down"
    if direction == Direction.IN_BAND:
        return Trend(previous, change, moved, "unknown")
    good = (change > 0) == (direction == Direction.HIGHER_IS_BETTER)
    return Trend(previous, change, moved, "better" if good else "worse")
