"""Status and trend rules, table-driven."""

from __future__ import annotations

import pytest

from pulse.catalog.models import Direction, Threshold
from pulse.judge import Status, judge, trend

COVERAGE = Threshold(healthy=(3.0, 5.0), red_below=2.0)
PAYBACK = Threshold(healthy=(0, 18), red_above=24)
BAND = Threshold(healthy=(0.4, 0.6), red_below=0.35)
TARGET_ONLY = Threshold(target=0.25)


@pytest.mark.parametrize(
    ("value", "threshold", "direction", "status"),
    [
        (3.0, COVERAGE, Direction.HIGHER_IS_BETTER, Status.GREEN),
        (6.0, COVERAGE, Direction.HIGHER_IS_BETTER, Status.GREEN),
        (2.99, COVERAGE, Direction.HIGHER_IS_BETTER, Status.AMBER),
        (2.0, COVERAGE, Direction.HIGHER_IS_BETTER, Status.AMBER),
        (1.99, COVERAGE, Direction.HIGHER_IS_BETTER, Status.RED),
        (18, PAYBACK, Direction.LOWER_IS_BETTER, Status.GREEN),
        (20, PAYBACK, Direction.LOWER_IS_BETTER, Status.AMBER),
        (24.5, PAYBACK, Direction.LOWER_IS_BETTER, Status.RED),
        (0.5, BAND, Direction.IN_BAND, Status.GREEN),
        (0.65, BAND, Direction.IN_BAND, Status.AMBER),
        (0.34, BAND, Direction.IN_BAND, Status.RED),
        (0.30, TARGET_ONLY, Direction.HIGHER_IS_BETTER, Status.GREEN),
        (0.20, TARGET_ONLY, Direction.HIGHER_IS_BETTER, Status.AMBER),
        (0.5, None, Direction.HIGHER_IS_BETTER, Status.NO_TARGET),
        (0.5, Threshold(), Direction.HIGHER_IS_BETTER, Status.NO_TARGET),
        (None, COVERAGE, Direction.HIGHER_IS_BETTER, Status.MISSING_DATA),
    ],
)
def test_status(
    value: float | None, threshold: Threshold | None, direction: Direction, status: Status
) -> None:
    assert judge(value, threshold, direction) == status


def test_status_has_a_symbol_and_a_word() -> None:
    assert {s.symbol for s in Status} == {"✓", "!", "✗", "·", "?"}
    assert Status.RED.value == "red"


def test_trend_says_better_or_worse_by_direction() -> None:
    up = trend(0.3, 0.2, Direction.HIGHER_IS_BETTER)
    assert (up.direction, up.assessment, up.arrow) == ("up", "better", "↑")
    assert up.change == pytest.approx(0.1)
    assert trend(20, 18, Direction.LOWER_IS_BETTER).assessment == "worse"
    assert trend(1.0, 1.0, Direction.HIGHER_IS_BETTER).direction == "flat"
    assert trend(1.0, None, Direction.HIGHER_IS_BETTER).direction == "unknown"
