"""The sales team: reps hired, ramping and leaving over time, and who gets which deal.

Headcount follows deal flow (``Shape.rep_load`` opportunities per rep per month, per region).
Hires start on the first of a month and leavers leave on a month end, so a deal is never owned
by someone not yet hired or already gone on the day it was created.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pulse.demo.calendar import Floats, Ints, month_end, month_start
from pulse.demo.plan import NO_DAY, Plan


@dataclass(frozen=True)
class Roster:
    """Every rep who worked in the span, and the tables to hand out deals by month and region."""

    hired: Ints
    left: Ints
    region: Ints
    team: Ints
    skill: Floats
    discounting: Floats
    first_month: int
    n_regions: int
    keys: Floats
    owners: Ints
    newest: Ints

    @property
    def n(self) -> int:
        """Number of reps."""
        return len(self.hired)

    def assign(self, months: Ints, regions: Ints, u: Floats) -> Ints:
        """Pick an owner for deals created in ``months`` in ``regions`` (``u`` uniform in [0, 1))."""
        group = (months - self.first_month) * self.n_regions + regions
        pos = np.searchsorted(self.keys, group + u, side="right")
        return np.asarray(self.owners[np.minimum(pos, len(self.owners) - 1)], dtype=np.int64)

    def successor(self, months: Ints, regions: Ints) -> Ints:
        """The newest rep in each (month, region): who inherits a leaver's open deals."""
        group = np.clip(
            (months - self.first_month) * self.n_regions + regions, 0, len(self.newest) - 1
        )
        return np.asarray(self.newest[group], dtype=np.int64)

    def ramp(self, rep: Ints, day: Ints, months: int) -> Floats:
        """How far into their ramp each rep is on ``day``: 0 on the first day, 1 when ramped."""
        tenure = (day - self.hired[rep]) / 30.44
        return np.asarray(np.clip(tenure / max(months, 1), 0.0, 1.0), dtype=np.float64)

    def active_in(self, month: int) -> Ints:
        """Reps employed at some point in ``month``."""
        first = int(month_start(np.array([month]))[0])
        last = int(month_end(np.array([month]))[0])
        return np.flatnonzero((self.hired <= last) & (self.left >= first))


def build_roster(plan: Plan) -> Roster:
    """Simulate hiring and attrition month by month, per region.

    Each region keeps the headcount its deal flow needs; someone joins the company at least
    every quarter (a growing sales team always has a new rep ramping).
    """
    shape = plan.shape
    rng = plan.rng("roster")
    months = plan.create_months
    flow = plan.create_weights() * plan.opportunities
    region_share = np.asarray(shape.region_weights) / sum(shape.region_weights)
    need = [[max(1, math.ceil(f * share / shape.rep_load)) for f in flow] for share in region_share]
    hired: list[int] = []
    left: list[int] = []
    region: list[int] = []
    first_day = int(month_start(months[:1])[0])
    teams: list[list[int]] = []
    for r in range(len(region_share)):
        # The team in place when the span opens: mostly tenured, a few still ramping.
        size = need[r][0]
        tenure = np.where(
            rng.random(size) < 0.15, rng.integers(20, 180, size), rng.integers(200, 2200, size)
        )
        teams.append(list(range(len(hired), len(hired) + size)))
        hired += [first_day - int(t) for t in tenure]
        left += [NO_DAY] * size
        region += [r] * size
    last_hire = first_day
    for i, m in enumerate(months):
        start = int(month_start(np.array([m]))[0])
        end = int(month_end(np.array([m]))[0])
        for r, team in enumerate(teams):
            stay = []
            for k in team:
                if (
                    hired[k] < start - 90
                    and m < months[-1]
                    and rng.random() < shape.attrition / 12.0
                ):
                    left[k] = end
                else:
                    stay.append(k)
            teams[r] = stay
        if i + 1 == len(months):
            break
        # Hires start on the 1st of the next month.
        for r, team in enumerate(teams):
            for _ in range(max(0, need[r][i + 1] - len(team))):
                team.append(len(hired))
                hired.append(end + 1)
                left.append(NO_DAY)
                region.append(r)
                last_hire = end + 1
        if end + 1 - last_hire > 90:
            # Nobody joined for a quarter: a tenured rep moves on and is replaced.
            r = int(np.argmax([len(team) for team in teams]))
            tenured = [k for k in teams[r] if hired[k] < start - 365]
            if tenured:
                k = tenured[int(rng.integers(len(tenured)))]
                left[k] = end
                teams[r].remove(k)
                teams[r].append(len(hired))
                hired.append(end + 1)
                left.append(NO_DAY)
                region.append(r)
                last_hire = end + 1
    hired_a = np.asarray(hired, dtype=np.int64)
    left_a = np.asarray(left, dtype=np.int64)
    region_a = np.asarray(region, dtype=np.int64)
    order = np.lexsort((region_a, hired_a))
    hired_a, left_a, region_a = hired_a[order], left_a[order], region_a[order]
    n = len(hired_a)
    skill = np.clip(rng.lognormal(0.0, 0.22, n), 0.6, 1.6)
    discounting = rng.uniform(0.5, 1.5, n)
    team_of = rng.integers(0, len(shape.teams), n)
    keys, owners, newest = _assignment(plan, hired_a, left_a, region_a, len(region_share))
    return Roster(
        hired_a,
        left_a,
        region_a,
        team_of,
        skill,
        discounting,
        int(months[0]),
        len(region_share),
        keys,
        owners,
        newest,
    )


def _assignment(
    plan: Plan, hired: Ints, left: Ints, region: Ints, n_regions: int
) -> tuple[Floats, Ints, Ints]:
    """Sorted keys ``group + cumulative weight``, the rep behind each key, and each group's newest rep.

    A group is (month, region); a rep's weight grows from 0.3 to 1 over the ramp, so new hires
    get fewer deals.
    """
    keys: list[Floats] = []
    owners: list[Ints] = []
    newest: list[int] = []
    ramp = max(plan.shape.ramp_months, 1)
    for i, m in enumerate(plan.create_months):
        mid = int(month_start(np.array([m]))[0]) + 14
        for r in range(n_regions):
            reps = np.flatnonzero((region == r) & (hired <= mid) & (left >= mid))
            tenure = (mid - hired[reps]) / 30.44
            w = 0.3 + 0.7 * np.clip(tenure / ramp, 0.0, 1.0)
            cum = np.cumsum(w)
            cum = cum / cum[-1]
            cum[-1] = 1.0
            keys.append(i * n_regions + r + cum)
            owners.append(reps)
            newest.append(int(reps[np.argmax(hired[reps])]))
    return (
        np.concatenate(keys),
        np.concatenate(owners).astype(np.int64),
        np.asarray(newest, dtype=np.int64),
    )
