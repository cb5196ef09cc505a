"""Stage probabilities learned from the workspace's own closed deals, shrunk toward the profile.

For each stage s of the stage map (in funnel order), among the deals closed before the as-of
date: ``deals`` = those that reached s, ``wins`` = those of them won, and

    calibrated(s) = (wins + k · prior(s)) ÷ (deals + k)

— the mean of a Beta(k·prior, k·(1 − prior)) prior updated with the deals: with no history it is
the profile's (or workspace's) probability, with much more than k deals it is the observed rate.
k (``prior_strength``, default 20) is how many deals the prior is worth.

Which stages a deal reached: the highest stage of the map it was ever recorded in — its
``stage_history`` rows (changes before the as-of date) and its own current stage — and every
stage before it (the funnel is taken as monotone). A won deal passed the whole funnel, so it
reached every stage. A closed deal recorded in no stage of the map cannot be placed and is left
out (so a CRM that overwrites the stage with "Closed Lost" and keeps no history calibrates
nothing, and the sample sizes say so). Funnel order is the configured stage order, else
ascending probability.

Open deals in a stage outside the map get the overall rate: all deals closed before the as-of
date, won ÷ closed, shrunk the same way toward the map's mean probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pulse.compile.planner import PeriodSpec, normalise_stage
from pulse.compute import Computer
from pulse.pipeline.query import run, with_models

DEFAULT_PRIOR_STRENGTH = 20.0
OTHER = "(other stages)"


@dataclass(frozen=True)
class StageRate:
    """One stage's prior, sample and calibrated probability."""

    stage: str
    order: int
    prior: float
    deals: int
    wins: int
    calibrated: float

    @property
    def observed(self) -> float | None:
        """wins ÷ deals, or None without deals."""
        return self.wins / self.deals if self.deals else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "stage": self.stage,
            "order": self.order,
            "prior": self.prior,
            "deals": self.deals,
            "wins": self.wins,
            "observed": self.observed,
            "calibrated": self.calibrated,
        }


@dataclass
class Calibration:
    """Calibrated probabilities per stage, with the sample behind each."""

    as_of: date
    prior_strength: float
    stages: list[StageRate]
    other: StageRate
    closed_deals: int
    placed_deals: int

    def probability(self, stage_key: str | None) -> float:
        """The calibrated probability of a (normalised) stage name; other stages' rate else."""
        if stage_key is not None:
            key = normalise_stage(stage_key)
            for rate in self.stages:
                if rate.stage == key:
                    return rate.calibrated
        return self.other.calibrated

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "as_of": self.as_of.isoformat(),
            "prior_strength": self.prior_strength,
            "closed_deals": self.closed_deals,
            "placed_deals": self.placed_deals,
            "stages": [s.to_json() for s in self.stages],
            "other": self.other.to_json(),
        }


def funnel(computer: Computer) -> list[tuple[str, float, int]]:
    """(stage, prior probability, funnel position 1..n) from the context's stage map."""
    stage_map = computer.context().stage_map
    if stage_map and all(order > 0 for _, _, order in stage_map):
        ordered = sorted(stage_map, key=lambda s: s[2])
    else:
        ordered = sorted(stage_map, key=lambda s: (s[1], s[0]))
    return [(stage, prob, i) for i, (stage, prob, _) in enumerate(ordered, start=1)]


def calibrate(
    computer: Computer, as_of: date, prior_strength: float = DEFAULT_PRIOR_STRENGTH
) -> Calibration:
    """Calibrated stage probabilities from the deals closed before ``as_of``."""
    stages = funnel(computer)
    k = float(prior_strength)
    if k < 0:
        raise ValueError("prior_strength must not be negative")
    if stages:
        values = " UNION ALL ".join(
            f"SELECT '{s.replace(chr(39), chr(39) * 2)}' AS stage, {i} AS position"
            for s, _, i in stages
        )
    else:
        values = "SELECT CAST(NULL AS VARCHAR) AS stage, 0 AS position WHERE 1 = 0"
    day = f"CAST('{as_of.isoformat()}' AS DATE)"
    body = f"""
SELECT is_won, max_position, COUNT(*) AS deals FROM (
  SELECT f.opportunity_id, f.is_won, MAX(fs.position) AS max_position
  FROM opportunity_facts AS f
  LEFT JOIN (
    SELECT opportunity_id, LOWER(TRIM(REPLACE(stage, '_', ' '))) AS stage_key
    FROM stage_history WHERE changed_at < CAST({day} AS TIMESTAMP)
    UNION ALL
    SELECT opportunity_id, stage_key FROM opportunity_facts
  ) AS st ON st.opportunity_id = f.opportunity_id
  LEFT JOIN funnel_stages AS fs ON fs.stage = st.stage_key
  WHERE f.is_closed = 1 AND f.closed_on < {day}
  GROUP BY f.opportunity_id, f.is_won
) AS reached
GROUP BY is_won, max_position"""
    spec = [PeriodSpec("calibration", as_of, as_of, as_of)]
    rows = run(
        computer,
        with_models(computer, ["opportunity_facts"], spec, body, {"funnel_stages": values}),
    )
    placed_wins = 0
    lost_at: dict[int, int] = {}
    closed = wins_all = 0
    for row in rows:
        n = int(row["deals"])
        closed += n
        won = bool(row["is_won"])
        wins_all += n if won else 0
        position = row["max_position"]
        if position is None:
            continue
        if won:
            placed_wins += n
        else:
            lost_at[int(position)] = lost_at.get(int(position), 0) + n
    placed = placed_wins + sum(lost_at.values())
    rates = []
    for stage, prior, position in stages:
        lost = sum(n for p, n in lost_at.items() if p >= position)
        deals = placed_wins + lost
        rates.append(
            StageRate(
                stage, position, prior, deals, placed_wins, _shrink(placed_wins, deals, prior, k)
            )
        )
    mean_prior = sum(p for _, p, _ in stages) / len(stages) if stages else 0.0
    other = StageRate(
        OTHER, 0, mean_prior, closed, wins_all, _shrink(wins_all, closed, mean_prior, k)
    )
    return Calibration(as_of, k, rates, other, closed, placed)


def _shrink(wins: int, deals: int, prior: float, k: float) -> float:
    if deals + k == 0:
        return prior
    return (wins + k * prior) / (deals + k)
