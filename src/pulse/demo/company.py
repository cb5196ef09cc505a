"""Company-wide tables, written once all deals exist: reps, quotas, forecasts, spend, delivery,
coaching and exchange rates.

They are built from running totals kept while the chunks were generated (:class:`Totals`):

* quotas are set the way a sales leader sets them, at 70% of what a ramped rep booked per
  month that year, prorated in the months a rep joined or left; the company quota is 85% of the
  sum of rep quotas (reps are over-assigned);
* forecasts are the period's true bookings (including deals that close after the anchor) with
  the profile's optimism and noise, locked at 17:00 on the eve of each month and quarter (plus
  updates on the eve of a quarter's second and third months, and a few reps' own calls);
* sales and marketing spend is a share of ARR, as software companies budget it (equipment and
  services firms budget it as a share of bookings);
* delivery (services) follows revenue: billable heads, hours, labour and subcontractor cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pulse.demo import columns as col
from pulse.demo.calendar import MICROS_PER_DAY, Floats, Ints, month_end, month_of, month_start
from pulse.demo.people import Roster
from pulse.demo.plan import NO_DAY, Plan
from pulse.demo.revenue import CURRENCIES, Fx

SPEND_CHANNELS: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "sales": (0.55, (("Salaries & commissions", 0.8), ("Travel & entertainment", 0.2))),
    "marketing": (
        0.3,
        (("Digital", 0.4), ("Events & trade shows", 0.35), ("Content & brand", 0.25)),
    ),
    "pipeline_generation": (
        0.15,
        (("SDR team", 0.6), ("Paid search", 0.25), ("Partner programs", 0.15)),
    ),
}
FORECAST_REPS = 5


@dataclass
class Totals:
    """Running totals (USD cents) kept across chunks."""

    plan: Plan
    n_reps: int
    forecast_reps: Ints
    won: Floats = field(init=False)
    rep_won: Floats = field(init=False)
    bookings: Floats = field(init=False)
    rep_bookings: Floats = field(init=False)
    arr_change: Floats = field(init=False)
    revenue: Floats = field(init=False)

    def __post_init__(self) -> None:
        span = self.plan.end_month + 3 - self.plan.create_start_month
        w = len(self.plan.window_months)
        self.won = np.zeros(span)
        self.rep_won = np.zeros((len(self.forecast_reps), span))
        self.bookings = np.zeros(w)
        self.rep_bookings = np.zeros((self.n_reps, w))
        self.arr_change = np.zeros(w + 1)
        self.revenue = np.zeros(w)

    def add_won(self, months: Ints, owner: Ints, amount: Ints, closed: np.ndarray) -> None:
        """Won deals (including those that close after the anchor) by close month."""
        i = months - self.plan.create_start_month
        ok = (i >= 0) & (i < len(self.won))
        self.won += np.bincount(i[ok], weights=amount[ok], minlength=len(self.won))
        for r, rep in enumerate(self.forecast_reps):
            mine = ok & (owner == rep)
            self.rep_won[r] += np.bincount(i[mine], weights=amount[mine], minlength=len(self.won))
        w = months - self.plan.window_start_month
        inside = closed & (w >= 0) & (w < len(self.bookings))
        self.bookings += np.bincount(
            w[inside], weights=amount[inside], minlength=len(self.bookings)
        )
        flat = owner[inside] * len(self.bookings) + w[inside]
        self.rep_bookings += np.bincount(
            flat, weights=amount[inside], minlength=self.rep_bookings.size
        ).reshape(self.rep_bookings.shape)

    def add_arr(self, start: Ints, end: Ints, annual: Floats) -> None:
        """Paid lines: ARR at a month end is the sum of the changes up to that month."""
        size = len(self.arr_change)
        for day, sign in ((start, 1.0), (end, -1.0)):
            known = day < NO_DAY
            i = np.maximum(month_of(day[known]) - self.plan.window_start_month + 1, 0)
            ok = i < size
            self.arr_change += sign * np.bincount(i[ok], weights=annual[known][ok], minlength=size)

    @property
    def arr(self) -> Floats:
        """ARR (USD cents, at the line's start-month rate) at each window month's end."""
        return np.asarray(np.cumsum(self.arr_change)[1:], dtype=np.float64)

    def add_window(self, target: Floats, months: Ints, amount: Floats) -> None:
        """Add ``amount`` by window month into ``target``."""
        w = months - self.plan.window_start_month
        ok = (w >= 0) & (w < len(target))
        target += np.bincount(w[ok], weights=amount[ok], minlength=len(target))


def _day(month: int) -> int:
    return int(month_start(np.array([month]))[0])


def _end(month: int) -> int:
    return int(month_end(np.array([month]))[0])


def reps_table(plan: Plan, roster: Roster, rep_ids: pa.Array) -> pa.Table:
    """The reps table."""
    from pulse.demo.names import people

    left = roster.left <= plan.anchor
    return col.table(
        "reps",
        {
            "rep_id": rep_ids,
            "name": people(np.arange(roster.n)),
            "team": col.text(plan.shape.teams, roster.team),
            "territory": col.text(plan.shape.regions, roster.region),
            "hired_at": col.dates(roster.hired),
            "left_at": col.dates(np.where(left, roster.left, 0), valid=left),
        },
    )


def quotas_table(plan: Plan, roster: Roster, totals: Totals, rep_ids: pa.Array) -> pa.Table:
    """Monthly quota per rep employed in the month, and the company quota."""
    months = plan.window_months
    # A rep counts as ramped once the ramp is over and the first deals had time to close.
    settle = plan.shape.ramp_months * 30.44 + plan.shape.cycle_days[1]
    ramped = np.zeros_like(totals.rep_bookings, dtype=bool)
    for w, m in enumerate(months):
        first, last = _day(int(m)), _end(int(m))
        ramped[:, w] = (roster.hired <= first - settle) & (roster.left >= last)
    years = months // 12
    overall = totals.rep_bookings[ramped].mean() if ramped.any() else 0.0
    per_year = {}
    for y in np.unique(years):
        cells = totals.rep_bookings[:, years == y][ramped[:, years == y]]
        per_year[int(y)] = cells.mean() if len(cells) >= 12 else overall
    rep_rows: list[Ints] = []
    starts: list[Ints] = []
    ends: list[Ints] = []
    amounts: list[Ints] = []
    for m in months:
        first, last = _day(int(m)), _end(int(m))
        reps = roster.active_in(int(m))
        days = np.minimum(roster.left[reps], last) - np.maximum(roster.hired[reps], first) + 1
        quota = max(per_year[int(m) // 12] * 0.7, 1_000_00.0)
        amount = np.round(quota * days / (last - first + 1) / 10_000.0) * 10_000
        rep_rows.append(np.append(reps, -1))
        starts.append(np.full(len(reps) + 1, first))
        ends.append(np.full(len(reps) + 1, last))
        amounts.append(
            np.append(amount, np.round(amount.sum() * 0.85 / 100_000.0) * 100_000).astype(np.int64)
        )
    rep = np.concatenate(rep_rows)
    return col.table(
        "quotas",
        {
            "rep_id": rep_ids.take(pa.array(np.maximum(rep, 0), mask=rep < 0)),
            "period_start": col.dates(np.concatenate(starts)),
            "period_end": col.dates(np.concatenate(ends)),
            "amount": col.money(np.concatenate(amounts)),
        },
    )


def forecasts_table(plan: Plan, totals: Totals, rep_ids: pa.Array) -> pa.Table:
    """Forecast snapshots: company by month and quarter, and a few reps by month."""
    shape = plan.shape
    rng = plan.rng("forecasts")
    snap: list[int] = []
    p_start: list[int] = []
    p_end: list[int] = []
    scope: list[str] = []
    amount: list[float] = []

    def actual(first: int, last: int, series: Floats) -> float:
        a, b = first - plan.create_start_month, last - plan.create_start_month
        return float(series[a : b + 1].sum())

    def add(
        at_day: int, minute: int, first: int, last: int, who: str, truth: float, noise: float
    ) -> None:
        value = truth * (1.0 + shape.forecast_bias + rng.normal(0.0, noise))
        snap.append((at_day - 1) * MICROS_PER_DAY + (17 * 60 + minute) * 60_000_000)
        p_start.append(_day(first))
        p_end.append(_end(last))
        scope.append(who)
        amount.append(max(round(value / 100_000.0) * 100_000, 0))

    for m in plan.window_months:
        m = int(m)
        add(_day(m), 30, m, m, "company", actual(m, m, totals.won), shape.forecast_noise)
        if m % 3 == 0:
            q_last = m + 2
            truth = actual(m, q_last, totals.won)
            for step, shrink in ((0, 1.0), (1, 0.6), (2, 0.35)):
                if m + step <= plan.end_month:
                    add(
                        _day(m + step),
                        0,
                        m,
                        q_last,
                        "company",
                        truth,
                        shape.forecast_noise * shrink,
                    )
        for r, rep in enumerate(totals.forecast_reps):
            add(
                _day(m),
                15,
                m,
                m,
                f"rep:{rep_ids[int(rep)].as_py()}",
                actual(m, m, totals.rep_won[r]),
                0.25,
            )
    return col.table(
        "forecasts",
        {
            "snapshot_at": col.timestamps(np.asarray(snap)),
            "period_start": col.dates(np.asarray(p_start)),
            "scope": pa.array(scope, pa.string()),
            "period_end": col.dates(np.asarray(p_end)),
            "amount": col.money(np.asarray(amount, dtype=np.int64)),
            "category": col.constant("commit", len(snap)),
        },
    )


def _trend(values: Floats) -> Floats:
    """A smooth exponential trend through ``values`` (the mean where there is too little data)."""
    x = np.arange(len(values), dtype=np.float64)
    ok = values > 0
    if ok.sum() < 3:
        return np.full(len(values), max(values.mean(), 1.0))
    slope, intercept = np.polyfit(x[ok], np.log(values[ok]), 1)
    trend = np.exp(intercept + slope * x)
    return np.asarray(trend * values.sum() / trend.sum(), dtype=np.float64)


def spend_table(plan: Plan, totals: Totals) -> pa.Table:
    """Monthly sales, marketing and pipeline-generation spend by channel."""
    shape = plan.shape
    rng = plan.rng("spend")
    if shape.spend_of_arr is not None:
        total = shape.spend_of_arr * totals.arr / 12.0
    else:
        total = shape.spend_of_bookings * _trend(totals.bookings)
    months = plan.window_months
    starts: list[int] = []
    ends: list[int] = []
    cats: list[str] = []
    chans: list[str] = []
    amounts: list[int] = []
    events = 0.6 if shape.id == "manufacturing" else None
    for w, m in enumerate(months):
        month_total = total[w] * rng.uniform(0.92, 1.08)
        for category, (share, channels) in SPEND_CHANNELS.items():
            for channel, part in channels:
                if events is not None and category == "marketing":
                    part = events if channel == "Events & trade shows" else (1 - events) / 2
                starts.append(_day(int(m)))
                ends.append(_end(int(m)))
                cats.append(category)
                chans.append(channel)
                amounts.append(
                    round(month_total * share * part * rng.uniform(0.9, 1.1) / 1000.0) * 1000
                )
    return col.table(
        "spend",
        {
            "period_start": col.dates(np.asarray(starts)),
            "category": pa.array(cats, pa.string()),
            "channel": pa.array(chans, pa.string()),
            "period_end": col.dates(np.asarray(ends)),
            "amount": col.money(np.asarray(amounts, dtype=np.int64)),
        },
    )


def delivery_table(plan: Plan, totals: Totals) -> pa.Table:
    """Services delivery per month: heads, hours and delivery cost, tracking revenue."""
    rng = plan.rng("delivery")
    months = plan.window_months
    keep = totals.revenue > 0
    revenue = totals.revenue[keep] / 100.0
    n = len(revenue)
    heads = np.round(revenue / rng.uniform(19_000, 22_000, n), 1)
    hours = np.round(heads * rng.uniform(125, 140, n))
    squeeze = np.where(plan.end_month - months[keep] < 3, 0.06, 0.0)
    labour = revenue * (rng.uniform(0.4, 0.47, n) + squeeze)
    subs = revenue * rng.uniform(0.05, 0.1, n)
    return col.table(
        "delivery",
        {
            "period_start": col.dates(month_start(months[keep])),
            "period_end": col.dates(month_end(months[keep])),
            "billable_heads": col.numbers(heads),
            "engagement_hours": col.numbers(hours),
            "labour_cost": col.money(np.round(labour * 100, -2)),
            "subcontractor_cost": col.money(np.round(subs * 100, -2)),
        },
    )


def coaching_table(plan: Plan, roster: Roster, rep_ids: pa.Array) -> pa.Table:
    """Ride-alongs and deal reviews per rep per month, on distinct working days."""
    shape = plan.shape
    rng = plan.rng("coaching")
    reps: list[Ints] = []
    days: list[Ints] = []
    kinds: list[Ints] = []
    for m in plan.window_months:
        first, last = _day(int(m)), _end(int(m))
        work = np.arange(first, last + 1)
        work = work[((work + 3) % 7) < 5]  # 1970-01-01 was a Thursday
        mid = first + 14
        active = np.flatnonzero((roster.hired <= mid) & (roster.left >= mid))
        ramping = roster.ramp(active, np.full(len(active), mid), shape.ramp_months) < 1.0
        for k, rate in enumerate((shape.ride_alongs, shape.deal_reviews)):
            count = np.minimum(rng.poisson(rate * np.where(ramping, 1.5, 1.0)), len(work))
            picks = np.argsort(rng.random((len(active), len(work))), axis=1)
            take = np.arange(len(work)) < count[:, None]
            r, c = np.nonzero(take)
            reps.append(active[r])
            days.append(work[picks[r, c]])
            kinds.append(np.full(len(r), k))
    rep = np.concatenate(reps)
    day = np.concatenate(days)
    kind = np.concatenate(kinds)
    order = np.lexsort((kind, day, rep))
    return col.table(
        "coaching",
        {
            "rep_id": rep_ids.take(pa.array(rep[order])),
            "held_at": col.dates(day[order]),
            "kind": col.text(("ride_along", "deal_review"), kind[order]),
        },
    )


def fx_table(plan: Plan, fx: Fx) -> pa.Table:
    """Monthly rates to the reporting currency (USD) for the other currencies."""
    n = fx.rates.shape[1]
    months = fx.first_month + np.arange(n)
    cur = np.repeat(np.arange(1, len(CURRENCIES)), n)
    return col.table(
        "fx_rates",
        {
            "currency": col.text(CURRENCIES, cur),
            "date": col.dates(np.tile(month_start(months), len(CURRENCIES) - 1)),
            "rate_to_reporting": col.numbers(fx.rates[1:].reshape(-1)),
        },
    )


def forecast_reps(plan: Plan, roster: Roster) -> Ints:
    """Up to five reps employed through the whole window, who submit their own forecasts."""
    whole = np.flatnonzero((roster.hired <= plan.window_start) & (roster.left >= NO_DAY))
    return np.asarray(whole[:FORECAST_REPS], dtype=np.int64)
