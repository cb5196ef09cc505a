"""The inputs of a period forecast and the stage-weighted forecast.

As of a date D, for a period [start, end]:

- **already won**: bookings closed in the period before D (won, ``closed_at`` — else
  ``close_date`` — from the period's start to the day before D), as the ``bookings`` KPI counts
  them;
- **open deals due in the period**: the ``open_pipeline`` model as of D (stage history when
  present) with a close date in the period;
- **stage-weighted forecast** = already won + Σ amount × stage probability (the workspace's stage
  map, else the profile's; a stage missing from the map weighs 0, as in weighted coverage).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from pulse.compile.planner import PeriodSpec
from pulse.compute import Computer
from pulse.periods import Period
from pulse.pipeline.query import arrow, decimal, run, with_models


@dataclass
class OpenDeals:
    """The open deals due in the period as of the as-of date, column by column."""

    opportunity_id: list[str]
    owner_id: list[str | None]
    team: list[str | None]
    stage_key: list[str | None]
    amount: npt.NDArray[np.float64]
    map_probability: npt.NDArray[np.float64]
    total: Decimal

    def __len__(self) -> int:
        return len(self.opportunity_id)


@dataclass
class Won:
    """Bookings already closed in the period before the as-of date."""

    total: Decimal
    count: int
    by_owner: dict[str, Decimal]
    by_team: dict[str, Decimal]


def _spec(period: Period, as_of: date) -> list[PeriodSpec]:
    return [PeriodSpec(period.label, period.start, period.end, as_of)]


def open_deals(computer: Computer, period: Period, as_of: date) -> OpenDeals:
    """Open deals due in ``period`` as of ``as_of`` (stage as of that date)."""
    body = (
        "SELECT o.opportunity_id, o.owner_id, r.team, "
        "LOWER(TRIM(REPLACE(o.stage, '_', ' '))) AS stage_key, "
        "CAST(o.amount AS DOUBLE) AS amount, o.probability "
        "FROM open_pipeline AS o LEFT JOIN reps AS r ON r.rep_id = o.owner_id "
        "WHERE o.due_in_period = 1 ORDER BY o.opportunity_id"
    )
    sql = with_models(computer, ["open_pipeline"], _spec(period, as_of), body)
    total_sql = with_models(
        computer,
        ["open_pipeline"],
        _spec(period, as_of),
        "SELECT SUM(amount) AS total FROM open_pipeline WHERE due_in_period = 1",
    )
    table = arrow(computer, sql)
    total = decimal(run(computer, total_sql)[0]["total"])
    amounts = np.asarray(table.column("amount").to_numpy(zero_copy_only=False), dtype=np.float64)
    probs = np.asarray(table.column("probability").to_numpy(zero_copy_only=False), dtype=np.float64)
    return OpenDeals(
        opportunity_id=[str(x) for x in table.column("opportunity_id").to_pylist()],
        owner_id=table.column("owner_id").to_pylist(),
        team=table.column("team").to_pylist(),
        stage_key=table.column("stage_key").to_pylist(),
        amount=np.nan_to_num(amounts),
        map_probability=np.nan_to_num(probs),
        total=total,
    )


def won_so_far(computer: Computer, period: Period, as_of: date) -> Won:
    """Bookings closed in ``period`` before ``as_of``, in total and by owner and team."""
    last = min(period.end, as_of - timedelta(days=1))
    body = (
        "SELECT f.owner_id, r.team, SUM(f.amount) AS amount, COUNT(*) AS deals "
        "FROM opportunity_facts AS f LEFT JOIN reps AS r ON r.rep_id = f.owner_id "
        f"WHERE f.is_won = 1 AND f.closed_on BETWEEN CAST('{period.start.isoformat()}' AS DATE) "
        f"AND CAST('{last.isoformat()}' AS DATE) GROUP BY f.owner_id, r.team"
    )
    rows = run(computer, with_models(computer, ["opportunity_facts"], _spec(period, as_of), body))
    won = Won(Decimal(0), 0, {}, {})
    for row in rows:
        amount = decimal(row["amount"])
        won.total += amount
        won.count += int(row["deals"])
        owner = "" if row["owner_id"] is None else str(row["owner_id"])
        team = "" if row["team"] is None else str(row["team"])
        won.by_owner[owner] = won.by_owner.get(owner, Decimal(0)) + amount
        won.by_team[team] = won.by_team.get(team, Decimal(0)) + amount
    return won


def stage_weighted(won: Won, deals: OpenDeals) -> float:
    """Already won + Σ amount × the stage map's probability."""
    return float(won.total) + float(np.dot(deals.amount, deals.map_probability))


def by_stage(deals: OpenDeals) -> list[dict[str, Any]]:
    """Open deals due in the period per stage: count, amount and map-weighted amount."""
    out: dict[str, dict[str, Any]] = {}
    for stage, amount, prob in zip(
        deals.stage_key, deals.amount, deals.map_probability, strict=True
    ):
        key = stage or "(no stage)"
        row = out.setdefault(key, {"stage": key, "deals": 0, "amount": 0.0, "weighted": 0.0})
        row["deals"] += 1
        row["amount"] += float(amount)
        row["weighted"] += float(amount * prob)
    return sorted(out.values(), key=lambda r: -float(r["amount"]))
