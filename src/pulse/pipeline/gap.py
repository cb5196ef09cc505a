"""Gap arithmetic: how many opportunities a week close a pipeline gap.

A new opportunity is worth, in expectation, the average deal size × the win rate. So a gap of
``gap`` needs ``gap ÷ (average deal × win rate)`` new opportunities, spread over the weeks left
— rounded up, because a plan of "2.5 opportunities a week" is a plan of 3. To count
opportunities at face value (an unweighted pipeline gap, no attrition) pass ``win_rate=1``.

Worked example (seed 002): coverage must go back from 2.5× to 3× of a 1,000,000 quota, a gap of
500,000. At an average deal of 200,000 and a 25% win rate each new opportunity is worth 50,000,
so 10 are needed; over 4 weeks that is 2.5, i.e. **3 new qualified opportunities a week for 4
weeks**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pulse.errors import PulseError


@dataclass(frozen=True)
class GapPlan:
    """The opportunities needed to close a gap, in total and per week."""

    gap: float
    average_deal_size: float
    win_rate: float
    weeks: float
    value_per_opportunity: float
    opportunities: float
    opportunities_per_week: float

    @property
    def per_week_rounded(self) -> int:
        """Opportunities per week rounded up (what a person can plan)."""
        return math.ceil(self.opportunities_per_week - 1e-9)

    @property
    def total_rounded(self) -> int:
        """Opportunities in total rounded up."""
        return math.ceil(self.opportunities - 1e-9)

    def sentence(self) -> str:
        """The action, in one sentence."""
        if self.gap <= 0:
            return "No gap to close."
        per_week = self.per_week_rounded
        weeks = math.ceil(self.weeks - 1e-9)
        return (
            f"Add {per_week} new qualified opportunit{'y' if per_week == 1 else 'ies'} a week "
            f"for {weeks} week{'' if weeks == 1 else 's'} "
            f"({self.opportunities:.1f} in total at {self.average_deal_size:,.0f} average deal "
            f"size and a {self.win_rate:.0%} win rate)."
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "gap": self.gap,
            "average_deal_size": self.average_deal_size,
            "win_rate": self.win_rate,
            "weeks": self.weeks,
            "value_per_opportunity": self.value_per_opportunity,
            "opportunities": self.opportunities,
            "opportunities_per_week": self.opportunities_per_week,
            "per_week_rounded": self.per_week_rounded,
            "sentence": self.sentence(),
        }


def pipeline_gap_plan(
    gap: float, average_deal_size: float, win_rate: float, weeks: float
) -> GapPlan:
    """Opportunities (in total and per week) to close ``gap``: gap ÷ (deal size × win rate) ÷ weeks.

    A gap of zero or less needs nothing. Raises when the deal size, the win rate or the weeks
    are not positive (the arithmetic has no answer then).
    """
    for name, value in (
        ("average deal size", average_deal_size),
        ("win rate", win_rate),
        ("weeks", weeks),
    ):
        if not value or value <= 0 or math.isnan(value):
            raise PulseError(
                f"cannot plan the pipeline gap: the {name} is {value!r}",
                hint="the average deal size, the win rate and the weeks left must be positive",
            )
    if win_rate > 1:
        raise PulseError(f"cannot plan the pipeline gap: the win rate {win_rate!r} is above 1")
    worth = average_deal_size * win_rate
    needed = max(gap, 0.0) / worth
    return GapPlan(
        gap=float(gap),
        average_deal_size=float(average_deal_size),
        win_rate=float(win_rate),
        weeks=float(weeks),
        value_per_opportunity=worth,
        opportunities=needed,
        opportunities_per_week=needed / weeks,
    )
