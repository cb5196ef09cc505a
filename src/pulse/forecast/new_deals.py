"""Deals not yet created that will be created and won inside the period, at the historical rate.

As of D, new deals are those created from D + 1 (deals created on D are already in the open
pipeline) to the period's end: L days. The history is a window of ``lookback_days`` (365 by
default) ending L days before D, so every deal in it has had at least L days to close by D.

A deal created on a uniformly random one of the L days has u ∈ {0, …, L − 1} days left, so one
whose sales cycle (created → won, in days) is c wins inside the period with probability
(L − c) ÷ L when c < L. With n deals created in the window (a rate of n ÷ lookback per day):

    expected new wins in the period = Σ over the window's wins with c < L of (L − c) ÷ lookback

— a Poisson count with that mean, each deal's size drawn from those wins' amounts with weights
(L − c) (a short-cycle win is likelier to fit). With no such win in the window, no new deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from pulse.compile.planner import PeriodSpec
from pulse.compute import Computer
from pulse.forecast.montecarlo import NewDeals
from pulse.periods import Period
from pulse.pipeline.query import arrow, with_models

DEFAULT_LOOKBACK_DAYS = 365


@dataclass
class NewDealModel:
    """The new-deal assumption for one scope."""

    days_left: int
    window_start: date
    window_end: date
    lookback_days: int
    created: int
    fitting_wins: int
    expected: float
    sizes: npt.NDArray[np.float64]
    weights: npt.NDArray[np.float64]

    @property
    def new_deals(self) -> NewDeals:
        """The Monte Carlo's input."""
        return NewDeals(self.expected, self.sizes, self.weights if len(self.sizes) else None)

    @property
    def expected_value(self) -> float:
        """Expected total of the new deals."""
        return self.new_deals.expected_value

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "days_left": self.days_left,
            "history_window": [self.window_start.isoformat(), self.window_end.isoformat()],
            "created_in_window": self.created,
            "created_per_day": self.created / self.lookback_days if self.lookback_days else 0.0,
            "wins_fitting_the_days_left": self.fitting_wins,
            "expected_new_wins": self.expected,
            "mean_size": self.new_deals.mean_size,
            "expected_value": self.expected_value,
        }


def days_left(period: Period, as_of: date) -> int:
    """Days from the day after ``as_of`` (or the period's start) to the period's end."""
    first = max(as_of + timedelta(days=1), period.start)
    return max(0, (period.end - first).days + 1)


def new_deal_models(
    computer: Computer,
    period: Period,
    as_of: date,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    by: str | None = None,
) -> dict[str, NewDealModel]:
    """The new-deal model for the company (key ``""``) or per ``owner_id`` / ``team``."""
    if by not in (None, "owner_id", "team"):
        raise ValueError("by must be None, 'owner_id' or 'team'")
    left = days_left(period, as_of)
    end = as_of - timedelta(days=left + 1)
    start = end - timedelta(days=lookback_days - 1)
    body = (
        "SELECT f.owner_id, r.team, f.is_won, CAST(f.amount AS DOUBLE) AS amount, "
        "DATE_DIFF('day', f.created_at, f.closed_on) AS cycle "
        "FROM opportunity_facts AS f LEFT JOIN reps AS r ON r.rep_id = f.owner_id "
        f"WHERE f.created_at BETWEEN CAST('{start.isoformat()}' AS DATE) "
        f"AND CAST('{end.isoformat()}' AS DATE)"
    )
    spec = [PeriodSpec(period.label, period.start, period.end, as_of)]
    table = arrow(computer, with_models(computer, ["opportunity_facts"], spec, body))
    keys: list[str]
    if by is None:
        keys = [""] * table.num_rows
    else:
        keys = ["" if x is None else str(x) for x in table.column(by).to_pylist()]
    won = np.asarray(table.column("is_won").to_numpy(zero_copy_only=False), dtype=np.int64) == 1
    amount = np.nan_to_num(
        np.asarray(table.column("amount").to_numpy(zero_copy_only=False), dtype=np.float64)
    )
    cycle_raw = table.column("cycle").to_pylist()
    cycle = np.asarray([np.inf if c is None else float(c) for c in cycle_raw], dtype=np.float64)
    fits = won & (cycle < left)
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    if by is None and "" not in groups:
        groups[""] = []
    out: dict[str, NewDealModel] = {}
    for key, rows in groups.items():
        idx = np.asarray(rows, dtype=np.int64)
        sel = idx[fits[idx]] if len(idx) else idx
        weights = (left - cycle[sel]).astype(np.float64)
        out[key] = NewDealModel(
            days_left=left,
            window_start=start,
            window_end=end,
            lookback_days=lookback_days,
            created=len(idx),
            fitting_wins=len(sel),
            expected=float(weights.sum() / lookback_days) if left else 0.0,
            sizes=amount[sel],
            weights=weights,
        )
    return out
