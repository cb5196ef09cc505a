"""A period's revenue forecast: stage-weighted, calibrated and probabilistic (P10/P50/P90).

``forecast_period`` puts the pieces together as of a date D:

1. already won: bookings closed in the period before D (certain);
2. the open deals due in the period as of D, each weighted by its stage's probability — the
   stage map's (the **stage-weighted** forecast) and the calibrated one (the **calibrated**
   forecast, which also adds the expected new deals);
3. a Monte Carlo of the period: already won + each open deal won with its calibrated
   probability + a Poisson number of new deals created and won inside the period → P10, P50,
   P90, with every assumption listed.

Bookings here are what the ``bookings`` KPI and ``forecast_accuracy`` call the actual: the
amount of won deals closed in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from pulse.compute import Computer
from pulse.forecast.calibrate import DEFAULT_PRIOR_STRENGTH, Calibration, calibrate
from pulse.forecast.montecarlo import Simulation, simulate
from pulse.forecast.new_deals import DEFAULT_LOOKBACK_DAYS, NewDealModel, new_deal_models
from pulse.forecast.weighted import OpenDeals, Won, by_stage, open_deals, stage_weighted, won_so_far
from pulse.periods import Period

DEFAULT_SIMULATIONS = 10_000


@dataclass(frozen=True)
class Range:
    """P10 / P50 / P90 and the mean of one scope's simulated period."""

    p10: float
    p50: float
    p90: float
    mean: float

    def to_json(self) -> dict[str, float]:
        """JSON-ready form."""
        return {"p10": self.p10, "p50": self.p50, "p90": self.p90, "mean": self.mean}


@dataclass
class Forecast:
    """Everything ``pulse forecast`` shows for one period as of one date."""

    period: Period
    as_of: date
    won: Won
    deals: OpenDeals
    calibrated_probability: npt.NDArray[np.float64]
    calibration: Calibration
    new: NewDealModel
    simulation: Simulation
    simulations: int
    seed: int
    scopes: dict[str, Range] = field(default_factory=dict)

    @property
    def stage_weighted(self) -> float:
        """Already won + Σ amount × stage-map probability."""
        return stage_weighted(self.won, self.deals)

    @property
    def calibrated(self) -> float:
        """Already won + Σ amount × calibrated probability + expected new deals."""
        return (
            float(self.won.total)
            + float(np.dot(self.deals.amount, self.calibrated_probability))
            + self.new.expected_value
        )

    @property
    def range(self) -> Range:
        """The company's P10 / P50 / P90."""
        sim = self.simulation
        return Range(sim.p10, sim.p50, sim.p90, sim.mean)

    def assumptions(self, currency: str = "USD") -> list[str]:
        """The assumptions behind the numbers, in words."""
        p = self.period
        cal = self.calibration
        new = self.new
        last = min(p.end, self.as_of - timedelta(days=1))
        items = [
            f"Already won: {self.won.count} deal(s) closed won in {p.label} from "
            f"{p.start.isoformat()} to {last.isoformat()} ({float(self.won.total):,.2f} "
            f"{currency}) count in full.",
            f"Each of the {len(self.deals)} opportunities open on {self.as_of.isoformat()} with a "
            f"close date in {p.label} is won inside the period with its stage's calibrated "
            "probability, independently of the others; otherwise it brings nothing to the period "
            "(a slip and a loss are alike here). Deals due outside the period are not counted.",
            "Stage and amount are as of the as-of date: from stage_history where the deal has "
            "any, else its current values.",
            f"Calibrated probabilities: {cal.placed_deals} of the {cal.closed_deals} deals closed "
            f"before {cal.as_of.isoformat()} could be placed in the funnel (a deal reached every "
            "stage up to the highest one it was recorded in; a won deal reached all of them), "
            f"shrunk toward the stage map with a prior worth {cal.prior_strength:g} deals.",
        ]
        if new.days_left:
            items.append(
                f"New deals: created from {max(self.as_of + timedelta(days=1), p.start).isoformat()} "
                f"and won by {p.end.isoformat()} ({new.days_left} days): a Poisson number with "
                f"mean {new.expected:.2f}, from the {new.created} deals created between "
                f"{new.window_start.isoformat()} and {new.window_end.isoformat()} "
                f"({new.fitting_wins} of them won in under {new.days_left} days); sizes drawn "
                "from those wins' amounts, shorter cycles weighing more."
            )
        else:
            items.append("New deals: none — no days of the period are left after the as-of date.")
        items.append(
            f"{self.simulations:,} simulations, seed {self.seed}; every Bernoulli draw exact; "
            "P10/P50/P90 are the simulated totals' 10th, 50th and 90th percentiles."
        )
        return items

    def to_json(self, currency: str = "USD") -> dict[str, Any]:
        """JSON-ready form."""
        return {
            **self.period.to_json(),
            "as_of": self.as_of.isoformat(),
            "currency": currency,
            "already_won": {"value": float(self.won.total), "deals": self.won.count},
            "open_due_in_period": {"value": float(self.deals.total), "deals": len(self.deals)},
            "stage_weighted": self.stage_weighted,
            "calibrated": self.calibrated,
            "probabilistic": {
                **self.range.to_json(),
                "simulations": self.simulations,
                "seed": self.seed,
            },
            "by_stage": by_stage(self.deals),
            "calibration": self.calibration.to_json(),
            "new_deals": self.new.to_json(),
            "scopes": {k: v.to_json() for k, v in self.scopes.items()},
            "assumptions": self.assumptions(currency),
        }


def default_as_of(computer: Computer, period: Period) -> date:
    """Today, but no later than the day after the period."""
    return min(computer.today, period.end + timedelta(days=1))


def forecast_period(
    computer: Computer,
    period: Period,
    as_of: date | None = None,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = 0,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    scopes: bool = False,
) -> Forecast:
    """Forecast ``period``'s bookings as of ``as_of`` (default: today, within the period).

    With ``scopes`` the simulation also gives each rep (``rep:ID``) and team (``team:NAME``)
    its own P10/P50/P90, from its own deals, bookings and new-deal history.
    """
    day = as_of or default_as_of(computer, period)
    won = won_so_far(computer, period, day)
    deals = open_deals(computer, period, day)
    if day > period.end:
        deals = OpenDeals([], [], [], [], np.zeros(0), np.zeros(0), deals.total * 0)
    cal = calibrate(computer, day, prior_strength)
    lookup = {s: cal.probability(s) for s in set(deals.stage_key)}
    probs = np.fromiter((lookup[s] for s in deals.stage_key), dtype=np.float64, count=len(deals))
    company_new = new_deal_models(computer, period, day, lookback_days)[""]
    owner_new = new_deal_models(computer, period, day, lookback_days, "owner_id") if scopes else {}
    sim = simulate(
        deals.amount,
        probs,
        base=float(won.total),
        new=company_new.new_deals,
        simulations=simulations,
        seed=seed,
        groups=[o or "" for o in deals.owner_id] if scopes else None,
        group_new={k: m.new_deals for k, m in owner_new.items()},
        group_base={k: float(v) for k, v in won.by_owner.items()},
    )
    result = Forecast(period, day, won, deals, probs, cal, company_new, sim, simulations, seed)
    result.scopes["company"] = result.range
    if scopes and sim.group_totals is not None:
        teams = _rep_teams(computer)
        for i, rep in enumerate(sim.groups):
            if rep:
                result.scopes[f"rep:{rep}"] = _range(sim.group_totals[i])
        by_team: dict[str, list[int]] = {}
        for i, rep in enumerate(sim.groups):
            team = teams.get(rep)
            if team:
                by_team.setdefault(team, []).append(i)
        for team, rows in sorted(by_team.items()):
            result.scopes[f"team:{team}"] = _range(sim.group_totals[rows].sum(axis=0))
    return result


def _range(totals: npt.NDArray[np.float64]) -> Range:
    p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9])
    return Range(float(p10), float(p50), float(p90), float(totals.mean()))


def _rep_teams(computer: Computer) -> dict[str, str]:
    rows = computer.engine.execute(
        "SELECT rep_id, team FROM reps WHERE team IS NOT NULL"
    ).to_pylist()
    return {str(r["rep_id"]): str(r["team"]) for r in rows}
