"""What happens after the sale, for one chunk: sign-ups, health, first value and devices.

* ``signups`` (product-led profiles): self-serve buyers signed up, activated, became PQLs and
  paid (on the day their self-serve deal closed), and some upgraded (the day their line was
  upsold); many free sign-ups never pay and some of those trialled.
* ``health_signals``: one row per paying customer per month; usage falls, tickets rise and NPS
  drops in the months before a customer churns, so the health score sees churn coming.
* ``value_events``: ``first_value`` the customer's time-to-first-value after signature.
* ``devices`` (IoT): active devices from the first pilot or roll-out; churned customers and
  unconverted pilots often keep devices online without paying (connected, not transacting).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulse.demo.accounts import Accounts
from pulse.demo.calendar import Bools, Floats, Ints, month_end, month_of
from pulse.demo.deals import Deals
from pulse.demo.plan import NO_DAY, Plan
from pulse.demo.revenue import Contracts, Life, Lines


@dataclass
class Signups:
    """Sign-up rows (one per account); -1 marks an empty date."""

    account: Ints
    signed_up: Ints
    activated: Ints
    pql: Ints
    paid: Ints
    upgraded: Ints


@dataclass
class Health:
    """Health-signal rows."""

    account: Ints
    observed: Ints
    usage: Floats
    tickets: Ints
    nps: Floats
    has_nps: Bools


@dataclass
class Devices:
    """Device observations."""

    account: Ints
    observed: Ints
    active: Ints


def account_created(
    plan: Plan, accounts: Accounts, deals: Deals, first_start: Ints, chunk: int
) -> Ints:
    """When each account entered the CRM: before its first deal or contract."""
    rng = plan.rng("account-created", chunk)
    first = first_start.copy()
    np.minimum.at(first, deals.account, deals.created)
    lead = rng.integers(0, 61, accounts.n)
    span = plan.anchor - plan.window_start + 1
    floating = plan.window_start + (rng.random(accounts.n) * span).astype(np.int64)
    return np.where(first < NO_DAY, first - lead, floating)


def draw_signups(
    plan: Plan,
    accounts: Accounts,
    deals: Deals,
    contracts: Contracts,
    life: Life,
    created: Ints,
    chunk: int,
) -> tuple[Signups, Lines]:
    """Sign-ups of self-serve buyers and free users, and the trials of free users."""
    rng = plan.rng("signups", chunk)
    n = accounts.n
    anchor = plan.anchor
    first_ss = np.full(n, NO_DAY, dtype=np.int64)
    ss = np.flatnonzero(deals.self_serve)
    np.minimum.at(first_ss, deals.account[ss], deals.created[ss])
    bought = np.full(n, NO_DAY, dtype=np.int64)
    ss_won = np.flatnonzero(deals.self_serve & deals.won & deals.closed)
    np.minimum.at(bought, deals.account[ss_won], deals.created[ss_won])
    paid = np.full(n, NO_DAY, dtype=np.int64)
    c = np.flatnonzero(contracts.self_serve)
    np.minimum.at(paid, contracts.account[c], contracts.signed[c])
    upgraded = np.full(n, NO_DAY, dtype=np.int64)
    np.minimum.at(upgraded, contracts.account[c], life.upsell[c])
    has_deals = np.bincount(deals.account, minlength=n) > 0

    buyer = first_ss < NO_DAY
    free = accounts.free | (~buyer & ~has_deals & ~accounts.installed & (rng.random(n) < 0.5))
    rows = np.flatnonzero(buyer | free)
    b = buyer[rows]
    m = len(rows)
    # Buyers signed up shortly before the self-serve deal that made them pay (and before its trial).
    lead_in = np.where(bought[rows] < NO_DAY, bought[rows], first_ss[rows])
    before_trial = np.where(paid[rows] < NO_DAY, paid[rows] - 14 - rng.integers(0, 8, m), NO_DAY)
    signed = np.where(b, np.minimum(lead_in - rng.integers(1, 21, m), before_trial), created[rows])
    signed = np.minimum(signed, anchor)
    activated = signed + rng.integers(0, 4, m)
    active = (b | (rng.random(m) < 0.55)) & (activated <= anchor)
    gap = np.where(b, np.maximum(lead_in - activated, 0), 20)
    pql = activated + 1 + (rng.random(m) * gap).astype(np.int64)
    is_pql = active & np.where(b, rng.random(m) < 0.75, rng.random(m) < 0.4) & (pql <= anchor)
    paid_at = np.where(paid[rows] <= anchor, paid[rows], -1)
    up = np.where(upgraded[rows] <= anchor, upgraded[rows], -1)
    signups = Signups(
        account=rows,
        signed_up=signed,
        activated=np.where(active, activated, -1),
        pql=np.where(is_pql, pql, -1),
        paid=paid_at,
        upgraded=up,
    )

    # Free users who activated trialled the product for 14 days and never paid.
    t = np.flatnonzero(~b & active & (activated + 14 <= anchor))
    acc = rows[t]
    product = np.zeros(len(t), dtype=np.int64)
    amount = np.round(plan.shape.self_serve_size / 12.0) * 100 * np.ones(len(t))
    trials = Lines(
        account=acc,
        product=product,
        stream=np.full(len(t), 0, dtype=np.int64),
        start=activated[t],
        end=activated[t] + 14,
        amount=amount.astype(np.int64),
        months=np.ones(len(t), dtype=np.int64),
        currency=np.zeros(len(t), dtype=np.int64),
        is_trial=np.ones(len(t), dtype=bool),
        deal=np.full(len(t), -1, dtype=np.int64),
        rep=np.full(len(t), -1, dtype=np.int64),
        annual=(amount * 12).astype(np.int64),
    )
    return signups, trials


def customer_months(plan: Plan, lines: Lines) -> tuple[Ints, Ints]:
    """(account, month) pairs in the window in which the account had a paid line active."""
    paid = ~lines.is_trial
    first = np.maximum(month_of(lines.start[paid]), plan.window_start_month)
    last = np.minimum(month_of(np.minimum(lines.end[paid], plan.anchor + 1) - 1), plan.end_month)
    count = np.maximum(last - first + 1, 0)
    acc = np.repeat(lines.account[paid], count)
    offsets = np.repeat(np.cumsum(count) - count, count)
    month = np.repeat(first, count) + np.arange(len(acc)) - offsets
    span = plan.end_month + 1
    key = np.sort(acc * span + month)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    return key // span, key % span


def draw_health(plan: Plan, lines: Lines, life: Life, chunk: int) -> Health:
    """Monthly usage, tickets and NPS per paying customer, deteriorating before churn."""
    rng = plan.rng("health", chunk)
    account, month = customer_months(plan, lines)
    n_acc = len(life.churn)
    seats = np.maximum(
        np.bincount(lines.account, weights=lines.annual * ~lines.is_trial, minlength=n_acc)
        / 60_000.0,
        3.0,
    )
    engagement = rng.uniform(0.55, 0.9, n_acc)
    mood = rng.normal(8.0, 1.1, n_acc)
    churn_month = np.where(
        life.churn < NO_DAY, month_of(np.minimum(life.churn, plan.anchor)), NO_DAY
    )
    ahead = churn_month[account] - month
    risk = np.clip(1.0 - ahead / 6.0, 0.0, 1.0)
    m = len(account)
    usage = seats[account] * engagement[account] * (1.0 - 0.55 * risk) * rng.uniform(0.9, 1.1, m)
    tickets = rng.poisson(0.4 + np.sqrt(seats[account]) / 8.0 * (1.0 + 2.5 * risk))
    nps = np.clip(np.round(mood[account] - 4.0 * risk + rng.normal(0.0, 0.8, m)), 0, 10)
    return Health(
        account,
        month_end(month),
        np.round(usage, 1),
        tickets.astype(np.int64),
        nps,
        rng.random(m) > 0.15,
    )


def value_events(plan: Plan, life: Life) -> tuple[Ints, Ints]:
    """``first_value`` per customer: signature plus its time to first value (up to the anchor)."""
    when = life.signature + life.ttfv
    acc = np.flatnonzero((life.signature < NO_DAY) & (when <= plan.anchor))
    return acc, when[acc]


def draw_devices(plan: Plan, deals: Deals, lines: Lines, life: Life, chunk: int) -> Devices:
    """Monthly active devices per deploying account (IoT)."""
    rng = plan.rng("devices", chunk)
    n_acc = len(life.churn)
    won = deals.won & deals.closed
    sites = np.bincount(deals.account[won], weights=deals.deployments[won], minlength=n_acc)
    start = np.full(n_acc, NO_DAY, dtype=np.int64)
    pilots = np.flatnonzero(won & deals.is_pilot)
    np.minimum.at(start, deals.account[pilots], deals.close_t[pilots] + 7)
    production = np.flatnonzero(~lines.is_trial)
    np.minimum.at(start, lines.account[production], lines.start[production])
    recurring = np.bincount(lines.account[production], minlength=n_acc) > 0
    pilot_end = np.full(n_acc, -1, dtype=np.int64)
    np.maximum.at(pilot_end, deals.account[pilots], deals.close_t[pilots] + 97)

    tail = np.where(rng.random(n_acc) < 0.5, 0, rng.integers(60, 271, n_acc))
    pilot_tail = np.where(rng.random(n_acc) < 0.4, 0, rng.integers(90, 401, n_acc))
    stop = np.where(life.churn < NO_DAY, life.churn + tail, plan.anchor)
    stop = np.where(~recurring, pilot_end + pilot_tail, stop)
    billed = np.bincount(
        lines.account[production], weights=lines.annual[production], minlength=n_acc
    )
    sites = np.where((sites == 0) & recurring, np.ceil(billed / 2_000_000.0), sites)
    acc = np.flatnonzero((start < NO_DAY) & (sites > 0))
    first = np.maximum(month_of(start[acc]), plan.window_start_month)
    last = np.minimum(month_of(np.minimum(stop[acc], plan.anchor)), plan.end_month)
    count = np.maximum(last - first + 1, 0)
    a = np.repeat(acc, count)
    offsets = np.repeat(np.cumsum(count) - count, count)
    month = np.repeat(first, count) + np.arange(len(a)) - offsets
    fleet = sites * rng.uniform(8.0, 40.0, n_acc)
    ramp = np.clip((month - month_of(start[a]) + 1) / 3.0, 0.0, 1.0)
    active = np.maximum(1, np.round(fleet[a] * ramp * rng.uniform(0.9, 1.05, len(a)))).astype(
        np.int64
    )
    return Devices(a, month_end(month), active)
