"""Opportunities of one chunk, their stage histories and their quotes.

Each deal is simulated to its end even when that end lies after the anchor: its creation, the
stages it advances through, the close dates it slips to (or is pulled in to), an amount change,
and the day it is won or lost. Cutting that timeline at the anchor gives both the stage history
and the opportunity as it stands today, so the two always agree. Open deals are the ones whose
end falls after the anchor. A few CRM defects are planted on open deals: a missing stage, a
close date left in the past, and stale deals nobody has touched for months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulse.demo.accounts import Accounts
from pulse.demo.calendar import (
    MICROS_PER_DAY,
    Bools,
    Floats,
    Ints,
    month_end,
    month_of,
    month_start,
)
from pulse.demo.people import Roster
from pulse.demo.plan import NO_DAY, Plan

NEW, EXPANSION, RENEWAL = 0, 1, 2
SEGMENT_WIN = np.array([1.1, 1.0, 0.85])
SOURCE_WIN = np.array([1.0, 1.2, 0.9])  # sales, partner, marketing
SEGMENT_DISCOUNT = np.array([0.7, 1.0, 1.2])
DEPLOYMENTS = np.array([3.0, 12.0, 45.0])
SERVICE_ATTACH = np.array([0.8, 1.0, 1.15])
SLIPS = 3


@dataclass
class Deals:
    """Arrays describing the opportunities of one chunk (index = position in the chunk)."""

    account: Ints
    created: Ints
    close_t: Ints
    won: Bools
    closed: Bools
    segment: Ints
    region: Ints
    product: Ints
    source: Ints
    self_serve: Bools
    owner: Ints
    type: Ints
    final_amount: Ints
    amount: Ints
    list_amount: Ints
    first_meeting: Ints
    has_meeting: Bools
    stage: Ints
    close_date: Ints
    is_pilot: Bools
    pilot_converted: Ints
    deployments: Ints
    includes_service: Ints
    pricing: Ints
    product_missing: Bools
    source_missing: Bools

    @property
    def n(self) -> int:
        """Number of deals in the chunk."""
        return len(self.account)


@dataclass
class History:
    """Stage-history rows of one chunk (``deal`` = position of the opportunity)."""

    deal: Ints
    changed_at: Ints
    stage: Ints
    amount: Ints
    close_date: Ints
    status: Ints  # 0 open, 1 won, 2 lost


@dataclass
class Quotes:
    """Quote rows of one chunk."""

    deal: Ints
    quoted_at: Ints
    amount: Ints
    list_amount: Ints
    status: Ints  # 0 open, 1 accepted, 2 rejected
    decided_at: Ints
    invoiced: Ints


def _round_money(dollars: Floats) -> Ints:
    """Cents, rounded to $100 above $10,000 and to $10 below."""
    step = np.where(dollars >= 10_000, 100.0, 10.0)
    return np.asarray(np.maximum(np.round(dollars / step) * step, 10.0) * 100, dtype=np.int64)


def draw_deals(
    plan: Plan, roster: Roster, accounts: Accounts, chunk: int, n: int
) -> tuple[Deals, History, Quotes]:
    """Simulate ``n`` opportunities on ``accounts``."""
    shape = plan.shape
    rng = plan.rng("deals", chunk)
    anchor = plan.anchor

    # When, with whom, what.
    months = rng.choice(plan.create_months, n, p=plan.create_weights())
    first = month_start(months)
    created = np.sort(first + (rng.random(n) * (month_end(months) - first + 1)).astype(np.int64))
    cum = np.cumsum(accounts.weight)
    account = np.minimum(
        np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), accounts.n - 1
    )
    segment = accounts.segment[account]
    region = accounts.region[account]
    weights = np.array([p.weight for p in shape.product_lines])
    product = rng.choice(len(weights), n, p=weights / weights.sum()).astype(np.int64)
    self_serve = rng.random(n) < np.asarray(shape.self_serve)[segment]
    src_p = np.asarray(shape.opp_source_weights) / sum(shape.opp_source_weights)
    source = np.where(self_serve, 2, rng.choice(3, n, p=src_p)).astype(np.int64)
    is_pilot = ~self_serve & (rng.random(n) < shape.pilot_share)
    owner = roster.assign(month_of(created), region, rng.random(n))

    # How long, and how it ends.
    size = np.array([p.size for p in shape.product_lines])[product]
    pace = np.array([p.cycle for p in shape.product_lines])[product]
    expected = np.asarray(shape.cycle_days)[segment] * pace
    expected = np.where(self_serve, 9.0, expected) * np.where(is_pilot, 0.5, 1.0)
    p_win = (
        shape.win_rate
        * SEGMENT_WIN[segment]
        * SOURCE_WIN[source]
        * roster.skill[owner]
        * (0.65 + 0.35 * roster.ramp(owner, created, shape.ramp_months))
        * np.where(is_pilot, 1.5, 1.0)
    )
    p_win = np.where(self_serve, shape.self_serve_win, np.clip(p_win, 0.02, 0.9))
    won = rng.random(n) < p_win
    cycle = expected * rng.lognormal(0.0, 0.55, n) * np.where(won, 1.0, rng.uniform(0.35, 1.0, n))
    cycle_days = np.maximum(np.round(cycle), 1).astype(np.int64)
    close_t = created + cycle_days
    closed = close_t <= anchor

    # A rep who leaves hands their open deals to the newest rep in the region.
    gone = roster.left[owner]
    handed = (gone < close_t) & (gone < anchor)
    owner = np.where(
        handed, roster.successor(month_of(np.minimum(gone, anchor)) + 1, region), owner
    )

    # Customers buy more: a deal created after the account's first win is an expansion.
    first_win = np.full(accounts.n, NO_DAY, dtype=np.int64)
    np.minimum.at(first_win, account[won], close_t[won])
    existing = accounts.installed[account] | (created > first_win[account])
    renewal = existing & ~self_serve & ~is_pilot & (rng.random(n) < shape.renewal_share)
    deal_type = np.where(renewal, RENEWAL, np.where(existing, EXPANSION, NEW)).astype(np.int64)

    # How much.
    median = np.asarray(shape.deal_size, dtype=np.float64)[segment] * size
    median = np.where(self_serve, shape.self_serve_size, median)
    median = median * np.where(is_pilot, 0.12, 1.0)
    median = median * np.select(
        [deal_type == EXPANSION, deal_type == RENEWAL], [shape.expansion_size, 0.8], 1.0
    )
    final_amount = _round_money(median * rng.lognormal(0.0, 0.6, n))
    discounted = rng.random(n) < np.clip(
        np.where(self_serve, 0.15, shape.discount_share * roster.discounting[owner]), 0.0, 0.95
    )
    pct = np.clip(rng.uniform(0.03, shape.max_discount, n) * SEGMENT_DISCOUNT[segment], 0.01, 0.45)
    pct = np.where(discounted, pct, 0.0)

    history, state = _timeline(
        plan, rng, created, close_t, won, closed, self_serve, expected, final_amount
    )
    stage, close_date, amount, quote = state
    list_amount = np.asarray(np.round(amount / (1.0 - pct) / 1000.0) * 1000.0, dtype=np.int64)
    list_amount = np.maximum(list_amount, amount)

    # Meetings, pilots, deployments, service plans, pricing models.
    if shape.first_meeting_before:
        meeting = created - rng.integers(0, 31, n)
    else:
        meeting = created + (rng.random(n) * np.minimum(10, cycle_days - 1)).astype(np.int64)
    meeting = np.minimum(np.maximum(meeting, roster.hired[owner]), anchor)
    has_meeting = ~self_serve & (rng.random(n) > 0.08)
    # A pilot deal closes when the pilot is decided: lost, or won and then rolled out or not.
    decided = is_pilot & won & closed
    pilot_converted = np.where(
        decided, (rng.random(n) < shape.pilot_conversion).astype(np.int64), -1
    )
    deployments = np.zeros(n, dtype=np.int64)
    if shape.devices:
        sites = (
            DEPLOYMENTS[segment] * np.where(deal_type == NEW, 1.0, 0.5) * rng.lognormal(0.0, 0.6, n)
        )
        deployments = np.where(
            is_pilot, 1 + rng.poisson(0.5, n), np.maximum(1, np.round(sites))
        ).astype(np.int64)
    kinds = np.array([p.kind for p in shape.product_lines])[product]
    equipment = kinds == "equipment"
    attach = rng.random(n) < shape.service_attach * SERVICE_ATTACH[segment]
    includes_service = np.where(equipment, attach.astype(np.int64), -1)
    pricing = np.full(n, -1, dtype=np.int64)
    if shape.pricing_models:
        pm = np.array([w for _, w in shape.pricing_models])
        pricing = rng.choice(len(pm), n, p=pm / pm.sum()).astype(np.int64)

    deals = Deals(
        account=account,
        created=created,
        close_t=close_t,
        won=won,
        closed=closed,
        segment=segment,
        region=region,
        product=product,
        source=source,
        self_serve=self_serve,
        owner=owner,
        type=deal_type,
        final_amount=final_amount,
        amount=amount,
        list_amount=list_amount,
        first_meeting=meeting,
        has_meeting=has_meeting,
        stage=stage,
        close_date=close_date,
        is_pilot=is_pilot,
        pilot_converted=pilot_converted,
        deployments=deployments,
        includes_service=includes_service,
        pricing=pricing,
        product_missing=rng.random(n) < 0.015,
        source_missing=~self_serve & (rng.random(n) < 0.025),
    )
    quotes = _quotes(rng, deals, quote, pct, anchor)
    return deals, history, quotes


def _timeline(
    plan: Plan,
    rng: np.random.Generator,
    created: Ints,
    close_t: Ints,
    won: Bools,
    closed: Bools,
    self_serve: Bools,
    expected: Floats,
    final_amount: Ints,
) -> tuple[History, tuple[Ints, Ints, Ints, tuple[Bools, Ints, Ints]]]:
    """Lay out every deal's events, cut them at the anchor and read off history and state.

    Event slots per deal: creation, one advance per later stage, up to three slips, a pull-in,
    an amount change, and the final won/lost event.
    """
    anchor = plan.anchor
    n = len(created)
    k = len(plan.stages)
    dur = close_t - created
    is_open = ~closed

    # Stages: won deals reach the last stage; lost ones die early more often than late.
    lost_p = (k - np.arange(k, dtype=np.float64)) ** 2
    reached = np.where(won, k - 1, rng.choice(k, n, p=lost_p / lost_p.sum())).astype(np.int64)
    start = np.where((reached >= 1) & (rng.random(n) < 0.2), 1, 0).astype(np.int64)

    # CRM defects on open deals.
    past_close = is_open & (created < anchor - 45) & (rng.random(n) < 0.05)
    stale = is_open & ~past_close & (created < anchor - 150) & (rng.random(n) < 0.06)
    no_stage = is_open & (rng.random(n) < 0.025)

    # The close date planned at creation: usually optimistic, often a month end.
    planned = created + np.maximum(1, np.round(expected * rng.uniform(0.5, 1.15, n))).astype(
        np.int64
    )
    planned = np.where(rng.random(n) < 0.6, month_end(month_of(planned)), planned)
    room = np.maximum(anchor - 5 - created - 14, 1)
    planned = np.where(past_close, created + 14 + (rng.random(n) * room).astype(np.int64), planned)

    slots = k + SLIPS + 3
    day = np.full((n, slots), NO_DAY, dtype=np.int64)
    stage_set = np.full((n, slots), -1, dtype=np.int64)
    close_set = np.full((n, slots), -1, dtype=np.int64)
    amount_set = np.full((n, slots), -1, dtype=np.int64)

    changed = ~self_serve & (rng.random(n) < 0.3)
    initial = np.where(
        changed, np.round(final_amount * rng.uniform(0.75, 1.35, n) / 1000.0) * 1000.0, final_amount
    ).astype(np.int64)
    initial = np.maximum(initial, 1000)
    day[:, 0] = created
    stage_set[:, 0] = start
    close_set[:, 0] = planned
    amount_set[:, 0] = initial

    span = reached - start + 1
    for j in range(1, k):
        present = (j > start) & (j <= reached) & ((j == reached) | (rng.random(n) > 0.2))
        frac = (j - start + rng.uniform(-0.3, 0.3, n)) / span
        when = created + np.clip(np.round(frac * dur), 0, dur).astype(np.int64)
        day[:, j] = np.where(present, when, NO_DAY)
        stage_set[:, j] = j

    gap = close_t - planned
    n_slips = (gap > 7).astype(np.int64) + (gap > 60) + (gap > 150)
    n_slips = np.where((n_slips >= 2) & (rng.random(n) < 0.25), n_slips - 1, n_slips)
    n_slips = np.where(past_close, 0, n_slips)
    previous = planned
    last_day = created
    for i in range(1, SLIPS + 1):
        present = i <= n_slips
        step = planned + np.round(i / np.maximum(n_slips, 1) * gap).astype(np.int64)
        target = month_end(np.maximum(month_of(step), month_of(previous) + 1))
        when = np.clip(previous - rng.integers(0, 11, n), created, close_t)
        when = np.maximum(when, last_day)
        col = k - 1 + i
        day[:, col] = np.where(present, when, NO_DAY)
        close_set[:, col] = target
        previous = np.where(present, target, previous)
        last_day = np.where(present, when, last_day)

    col = k + SLIPS
    pull = (gap < -14) & ~past_close & (rng.random(n) < 0.6)
    day[:, col] = np.where(
        pull, np.clip(close_t - rng.integers(3, 26, n), created, close_t), NO_DAY
    )
    close_set[:, col] = close_t

    col += 1
    day[:, col] = np.where(
        changed, created + np.round(rng.uniform(0.2, 0.9, n) * dur).astype(np.int64), NO_DAY
    )
    amount_set[:, col] = final_amount

    col += 1
    day[:, col] = np.where(closed, close_t, NO_DAY)
    stage_set[:, col] = reached
    close_set[:, col] = close_t
    amount_set[:, col] = final_amount

    # Cut at the anchor; stale deals have not been touched since their first month.
    present = day <= anchor
    present &= ~(stale[:, None] & (day > (created + 30)[:, None]))
    key = np.where(present, day * 32 + np.arange(slots), NO_DAY)
    order = np.argsort(key, axis=1, kind="stable")
    day = np.take_along_axis(day, order, axis=1)
    present = np.take_along_axis(present, order, axis=1)
    is_final = order == slots - 1
    stage_ff = _ffill(np.take_along_axis(stage_set, order, axis=1), present)
    close_ff = _ffill(np.take_along_axis(close_set, order, axis=1), present)
    amount_ff = _ffill(np.take_along_axis(amount_set, order, axis=1), present)

    rows, pos = np.nonzero(present)
    status = np.where(is_final[rows, pos], np.where(won[rows], 1, 2), 0).astype(np.int64)
    micros = (8 * 3600 + pos * 600 + rng.integers(0, 540, len(rows))) * 1_000_000
    history = History(
        deal=rows.astype(np.int64),
        changed_at=day[rows, pos] * MICROS_PER_DAY + micros,
        stage=np.where(no_stage[rows], -1, stage_ff[rows, pos]),
        amount=amount_ff[rows, pos],
        close_date=close_ff[rows, pos],
        status=status,
    )
    last = present.sum(axis=1) - 1
    idx = np.arange(n)
    stage = np.where(no_stage, -1, stage_ff[idx, last])

    # The first moment a deal stood at the quote stage: when the quote went out.
    at_quote = present & (stage_ff >= plan.quote_stage)
    quoted = at_quote.any(axis=1) & ~self_serve
    first = np.argmax(at_quote, axis=1)
    quote = (quoted, day[idx, first], amount_ff[idx, first])
    return history, (stage, close_ff[idx, last], amount_ff[idx, last], quote)


def _ffill(values: Ints, present: Bools) -> Ints:
    """Carry each row's last set value (>= 0) forward; column 0 is always set."""
    cols = np.arange(values.shape[1])
    idx = np.where((values >= 0) & present, cols, 0)
    idx = np.maximum.accumulate(idx, axis=1)
    return np.take_along_axis(values, idx, axis=1)


def _quotes(
    rng: np.random.Generator,
    deals: Deals,
    quote: tuple[Bools, Ints, Ints],
    pct: Floats,
    anchor: int,
) -> Quotes:
    """One quote per deal that reached the quote stage, plus a rejected first draft for some."""
    quoted, when, amount = quote
    d = np.flatnonzero(quoted)
    end = np.where(deals.closed[d], deals.close_t[d], anchor)
    q_day = when[d]
    room = end - q_day
    revised = (room >= 14) & (rng.random(len(d)) < 0.15)
    second = q_day + np.minimum(7 + (rng.random(len(d)) * 24).astype(np.int64), room)
    final_day = np.where(revised, second, q_day)
    status = np.where(deals.closed[d], np.where(deals.won[d], 1, 2), 0)
    decided = np.where(deals.closed[d], deals.close_t[d], -1)
    q_amount = np.where(status == 1, deals.final_amount[d], amount[d])
    drift = np.where(
        rng.random(len(d)) < 0.55, 1.0, np.clip(1.0 + rng.normal(0.01, 0.04, len(d)), 0.9, 1.15)
    )
    invoiced = np.where(status == 1, np.round(q_amount * drift / 100.0) * 100.0, -1).astype(
        np.int64
    )
    q_list = np.asarray(np.round(q_amount / (1.0 - pct[d]) / 1000.0) * 1000.0, dtype=np.int64)
    q_list = np.maximum(q_list, q_amount)

    r = np.flatnonzero(revised)
    draft_amount = np.asarray(
        np.round(q_amount[r] * rng.uniform(1.05, 1.25, len(r)) / 1000.0) * 1000.0, dtype=np.int64
    )
    return Quotes(
        deal=np.concatenate([d[r], d]),
        quoted_at=np.concatenate([q_day[r], final_day]),
        amount=np.concatenate([draft_amount, q_amount]),
        list_amount=np.concatenate([np.maximum(q_list[r], draft_amount), q_list]),
        status=np.concatenate([np.full(len(r), 2), status]).astype(np.int64),
        decided_at=np.concatenate([final_day[r], decided]).astype(np.int64),
        invoiced=np.concatenate([np.full(len(r), -1), invoiced]).astype(np.int64),
    )
