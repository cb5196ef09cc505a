"""Contracts, subscription lines and invoices of one chunk, plus exchange rates.

Won deals become contracts: subscriptions for software, service retainers and connectivity,
service contracts attached to equipment, production roll-outs after a converted pilot, and the
installed base that predates the data window. A contract's life is then played out as
subscription lines: an account churns on one day (every line ends), a line can be upsold or
downgraded (ended, and a bigger or smaller one started the same day), a module can be dropped
while the rest stays, a churned account can come back (reactivation), and self-serve buyers
trial first. Lines in EMEA are partly billed in EUR or GBP. Invoices follow the lines' billing
periods, and one-off work (equipment in three milestones, hardware, projects, implementation, outcome
fees) is invoiced from the deals.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from pulse.demo.accounts import Accounts
from pulse.demo.calendar import Bools, Floats, Ints, add_months, month_of
from pulse.demo.deals import RENEWAL, Deals
from pulse.demo.plan import NO_DAY, Plan
from pulse.tables import STREAMS

CURRENCIES = ("USD", "EUR", "GBP")
EXTRA_PRODUCTS = ("Hardware lease", "Implementation services", "Pilot program")
EXTRA_COST = (0.62, 0.72, 0.5)
SEGMENT_CHURN = np.array([1.5, 1.0, 0.6])
SEGMENT_LINES = np.array([0.3, 0.6, 1.0])
PAY_DAYS = np.array([25.0, 32.0, 45.0])
TERMS = np.array([30, 30, 45])
RETAINER = 0
OUTCOME = 2


def period_months(name: str) -> int:
    """Months in a billing period name (``month``, ``quarter``, ``half_year``, ``year``, ``36``)."""
    return {"month": 1, "quarter": 3, "half_year": 6, "year": 12}.get(name) or int(name)


def period_name(months: int) -> str:
    """The billing period name for a number of months."""
    return {1: "month", 3: "quarter", 6: "half_year", 12: "year"}.get(months, str(months))


def product_names(plan: Plan) -> tuple[str, ...]:
    """Every product a line or invoice can carry: the profile's lines plus a few extras."""
    return plan.shape.product_names + EXTRA_PRODUCTS


@dataclass(frozen=True)
class Fx:
    """Monthly rates to USD for each of :data:`CURRENCIES` (USD is 1)."""

    first_month: int
    rates: Floats

    def at(self, currency: Ints, months: Ints) -> Floats:
        """The rate of each currency in each month."""
        m = np.clip(months - self.first_month, 0, self.rates.shape[1] - 1)
        return np.asarray(self.rates[currency, m], dtype=np.float64)


def draw_fx(plan: Plan) -> Fx:
    """A gentle random walk for EUR and GBP, from four years before the window to the anchor."""
    rng = plan.rng("fx")
    first = plan.window_start_month - 48
    n = plan.end_month - first + 1
    eur = 1.08 * np.exp(np.cumsum(rng.normal(0.0, 0.015, n)))
    gbp = 1.27 * np.exp(np.cumsum(rng.normal(0.0, 0.014, n)))
    return Fx(first, np.asarray(np.round(np.vstack([np.ones(n), eur, gbp]), 4), dtype=np.float64))


@dataclass
class Contracts:
    """Recurring commitments before their life is played out."""

    account: Ints
    product: Ints
    stream: Ints
    start: Ints
    signed: Ints
    annual: Ints
    months: Ints
    deal: Ints
    rep: Ints
    self_serve: Bools

    def take(self, mask: Bools) -> Contracts:
        """The contracts where ``mask`` holds."""
        return Contracts(**{f.name: getattr(self, f.name)[mask] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Contracts]) -> Contracts:
        """All contracts of ``parts``, in order."""
        return Contracts(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(Contracts)
            }
        )


@dataclass
class Lines:
    """Subscription lines of one chunk."""

    account: Ints
    product: Ints
    stream: Ints
    start: Ints
    end: Ints  # NO_DAY = ongoing
    amount: Ints  # cents per billing period, in the line's currency
    months: Ints
    currency: Ints
    is_trial: Bools
    deal: Ints
    rep: Ints
    annual: Ints  # USD cents a year

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        """All lines of ``parts``, in order."""
        return Lines(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Lines)}
        )


@dataclass
class Life:
    """Per-account facts settled while playing out contracts."""

    churn: Ints  # NO_DAY = still a customer (or never one)
    first_start: Ints  # NO_DAY = never a customer
    signature: Ints
    ttfv: Ints
    upsell: Ints  # per contract: day of the upsell, NO_DAY none
    contract_self_serve: Bools


@dataclass
class Invoices:
    """Invoice rows of one chunk."""

    account: Ints
    issued: Ints
    due: Ints
    paid: Ints  # -1 outstanding
    amount: Ints
    cost: Ints
    product: Ints
    stream: Ints
    rep: Ints
    recurring: Bools
    deal: Ints
    outcome: Bools
    currency: Ints


def _billing(rng: np.random.Generator, mix: tuple[tuple[str, float], ...], n: int) -> Ints:
    months = np.array([period_months(p) for p, _ in mix])
    w = np.array([w for _, w in mix])
    return np.asarray(months[rng.choice(len(months), n, p=w / w.sum())], dtype=np.int64)


def _stream(name: str) -> int:
    return STREAMS.index(name)


def draw_contracts(
    plan: Plan, deals: Deals, accounts: Accounts, account_rep: Ints, chunk: int
) -> Contracts:
    """Every recurring commitment of the chunk's accounts, from deals and the installed base."""
    shape = plan.shape
    rng = plan.rng("contracts", chunk)
    lines = shape.product_lines
    kind = np.array([p.kind for p in lines])[deals.product]
    product_stream = np.array([_stream(p.stream) for p in lines])
    n_products = len(lines)
    won = deals.won & deals.closed & (deals.type != RENEWAL)
    parts: list[Contracts] = []

    def billing_for(products: Ints, self_serve: Bools) -> Ints:
        out = _billing(rng, shape.billing, len(products))
        for i, p in enumerate(lines):
            if p.billing:
                mask = products == i
                out[mask] = _billing(rng, p.billing, int(mask.sum()))
        ss = np.where(rng.random(len(products)) < 0.8, 1, 12)
        return np.where(self_serve, ss, out)

    recurring = (kind == "recurring") | ((kind == "iot") & ~deals.is_pilot)
    recurring |= (kind == "services") & (deals.pricing == RETAINER)
    d = np.flatnonzero(won & recurring)
    lag = np.where(
        kind[d] == "iot",
        rng.integers(14, 46, len(d)),
        np.where(deals.self_serve[d], 0, rng.integers(0, 15, len(d))),
    )
    parts.append(
        Contracts(
            account=deals.account[d],
            product=deals.product[d],
            stream=product_stream[deals.product[d]],
            start=deals.close_t[d] + lag,
            signed=deals.close_t[d],
            annual=deals.final_amount[d],
            months=billing_for(deals.product[d], deals.self_serve[d]),
            deal=d,
            rep=deals.owner[d],
            self_serve=deals.self_serve[d],
        )
    )

    d = np.flatnonzero(deals.pilot_converted == 1)
    parts.append(
        Contracts(
            account=deals.account[d],
            product=deals.product[d],
            stream=product_stream[deals.product[d]],
            start=deals.close_t[d] + 90,
            signed=deals.close_t[d],
            annual=np.round(deals.final_amount[d] * rng.uniform(4.0, 8.0, len(d)), -4).astype(
                np.int64
            ),
            months=billing_for(deals.product[d], np.zeros(len(d), dtype=bool)),
            deal=d,
            rep=deals.owner[d],
            self_serve=np.zeros(len(d), dtype=bool),
        )
    )

    maintenance = [i for i, p in enumerate(lines) if p.stream == "maintenance"]
    if maintenance:
        d = np.flatnonzero(won & (deals.includes_service == 1))
        start = deals.close_t[d] + rng.integers(30, 91, len(d))
        product = np.full(len(d), maintenance[0], dtype=np.int64)
        parts.append(
            Contracts(
                account=deals.account[d],
                product=product,
                stream=product_stream[product],
                start=start,
                signed=deals.close_t[d],
                annual=np.round(deals.list_amount[d] * rng.uniform(0.06, 0.1, len(d)), -4).astype(
                    np.int64
                ),
                months=billing_for(product, np.zeros(len(d), dtype=bool)),
                deal=d,
                rep=deals.owner[d],
                self_serve=np.zeros(len(d), dtype=bool),
            )
        )

    a = np.flatnonzero(accounts.installed)
    count = 1 + np.minimum(rng.poisson(SEGMENT_LINES[accounts.segment[a]]), 3)
    acc = np.repeat(a, count)
    m = len(acc)
    w = np.array(
        [p.weight if p.kind != "equipment" and p.kind != "project" else 0.0 for p in lines]
    )
    product = rng.choice(n_products, m, p=w / w.sum()).astype(np.int64)
    size = np.array([p.size for p in lines])[product]
    annual = (
        np.asarray(shape.deal_size, dtype=np.float64)[accounts.segment[acc]]
        * size
        * rng.lognormal(0.0, 0.6, m)
    )
    start = plan.window_start - rng.integers(30, 1096, m)
    parts.append(
        Contracts(
            account=acc,
            product=product,
            stream=product_stream[product],
            start=start,
            signed=start,
            annual=np.maximum(np.round(annual * 0.9, -2) * 100, 10_000).astype(np.int64),
            months=billing_for(product, np.zeros(m, dtype=bool)),
            deal=np.full(m, -1, dtype=np.int64),
            rep=account_rep[acc],
            self_serve=np.zeros(m, dtype=bool),
        )
    )

    out = Contracts.concat(parts)
    # Large customers pay yearly; only smaller ones prepay several years up front.
    out.months = np.where((out.months > 12) & (out.annual > 25_000_000), 12, out.months)
    if shape.devices:
        lease = (out.stream == _stream("software")) & (rng.random(len(out.start)) < 0.3)
        hw = out.take(lease)
        hw.product = np.full(len(hw.start), n_products, dtype=np.int64)
        hw.stream = np.full(len(hw.start), _stream("hardware"), dtype=np.int64)
        hw.annual = np.round(hw.annual * rng.uniform(0.2, 0.4, len(hw.start)), -4).astype(np.int64)
        hw.months = np.ones(len(hw.start), dtype=np.int64)
        out = Contracts.concat([out, hw])
    return out.take(out.start <= plan.anchor)


def play_out(
    plan: Plan, c: Contracts, accounts: Accounts, fx: Fx, chunk: int
) -> tuple[Lines, Life]:
    """Turn contracts into subscription lines: churn, upsell, downgrade, drops, returns, trials."""
    shape = plan.shape
    rng = plan.rng("lines", chunk)
    n_acc = accounts.n
    anchor = plan.anchor
    first_start = np.full(n_acc, NO_DAY, dtype=np.int64)
    np.minimum.at(first_start, c.account, c.start)
    last_start = np.full(n_acc, -NO_DAY, dtype=np.int64)
    np.maximum.at(last_start, c.account, c.start)
    signature = np.full(n_acc, NO_DAY, dtype=np.int64)
    np.minimum.at(signature, c.account, c.signed)
    n_contracts = np.bincount(c.account, minlength=n_acc)
    assisted = (
        np.bincount(c.account, weights=(~c.self_serve).astype(np.float64), minlength=n_acc) > 0
    )
    customer = first_start < NO_DAY

    ttfv = np.maximum(np.round(shape.ttfv_days * rng.lognormal(0.0, 0.35, n_acc)), 3).astype(
        np.int64
    )
    hazard = shape.churn_rate * SEGMENT_CHURN[accounts.segment] * np.where(assisted, 1.0, 1.5)
    if shape.devices:
        hazard = hazard * np.select([ttfv > 120, ttfv < 60], [1.6, 0.6], 1.0)
    life = rng.exponential(365.0 / hazard).astype(np.int64)
    base = np.maximum(first_start, plan.window_start - 180)
    churn = np.maximum(base + life, last_start + 120)
    churn = np.where(customer & (churn <= anchor), churn, NO_DAY)
    end = churn[c.account]

    n = len(c.start)
    u = rng.random(n)
    room = np.minimum(end, anchor) - c.start - 91
    eligible = room > 0
    when = c.start + 90 + (rng.random(n) * np.maximum(room, 0)).astype(np.int64)
    up = eligible & (u < shape.upsell)
    down = eligible & ~up & (u < shape.upsell + shape.downgrade)
    later = (n_contracts[c.account] >= 2) & (c.start > first_start[c.account])
    drop = eligible & ~up & ~down & later & (u < shape.upsell + shape.downgrade + shape.module_drop)
    factor = np.where(up, rng.uniform(1.15, 1.6, n), rng.uniform(0.5, 0.85, n))

    cur = np.where(
        (accounts.region == 1) & (rng.random(n_acc) < shape.second_currency_share),
        np.where(rng.random(n_acc) < 0.75, 1, 2),
        0,
    )

    def make(
        sel: Ints, start: Ints, end_: Ints, annual: Ints, months: Ints, trial: bool = False
    ) -> Lines:
        account = c.account[sel]
        currency = cur[account]
        rate = fx.at(currency, month_of(start))
        amount = np.maximum(np.round(annual * months / 12.0 / rate), 100).astype(np.int64)
        return Lines(
            account=account,
            product=c.product[sel],
            stream=c.stream[sel],
            start=start,
            end=end_,
            amount=amount,
            months=months,
            currency=currency,
            is_trial=np.full(len(sel), trial),
            deal=c.deal[sel],
            rep=c.rep[sel],
            annual=annual,
        )

    allc = np.arange(n)
    changed = up | down | drop
    parts = [make(allc, c.start, np.where(changed, when, end), c.annual, c.months)]
    s = np.flatnonzero(up | down)
    parts.append(
        make(
            s, when[s], end[s], np.round(c.annual[s] * factor[s], -2).astype(np.int64), c.months[s]
        )
    )

    # Reactivation: the account returns on its first product, at a fraction of what it paid.
    first_of = np.full(n_acc, -1, dtype=np.int64)
    order = np.lexsort((c.start, c.account))
    is_first = np.r_[True, c.account[order][1:] != c.account[order][:-1]][: len(order)]
    first_of[c.account[order][is_first]] = order[is_first]
    paid = np.bincount(c.account, weights=c.annual, minlength=n_acc)
    back = churn + rng.integers(60, 301, n_acc)
    returns = np.flatnonzero(
        (churn < NO_DAY) & (back <= anchor) & (rng.random(n_acc) < shape.reactivation)
    )
    sel = first_of[returns]
    annual = np.round(paid[returns] * rng.uniform(0.5, 1.0, len(returns)), -4).astype(np.int64)
    parts.append(
        make(
            sel,
            back[returns],
            np.full(len(returns), NO_DAY),
            np.maximum(annual, 10_000),
            c.months[sel],
        )
    )

    # Trials before the first contract of new self-serve (and some assisted) customers.
    trial = (
        (c.start == first_start[c.account])
        & ~accounts.installed[c.account]
        & (c.start >= plan.window_start)
    )
    trial &= c.self_serve | (rng.random(n) < shape.trial_share)
    t = np.flatnonzero(trial)
    length = np.where(c.self_serve[t], 14, 30)
    parts.append(
        make(
            t,
            c.start[t] - length,
            c.start[t],
            c.annual[t],
            np.ones(len(t), dtype=np.int64),
            trial=True,
        )
    )

    lines = Lines.concat(parts)
    upsell = np.where(up, when, NO_DAY)
    return lines, Life(churn, first_start, signature, ttfv, upsell, c.self_serve)


def _pay(rng: np.random.Generator, issued: Ints, segment: Ints, anchor: int) -> tuple[Ints, Ints]:
    due = issued + TERMS[segment]
    days = PAY_DAYS[segment] * rng.lognormal(0.0, 0.4, len(issued))
    days = days + np.where(rng.random(len(issued)) < 0.05, rng.integers(60, 121, len(issued)), 0)
    paid = issued + np.round(days).astype(np.int64)
    never = rng.random(len(issued)) < 0.01
    return due, np.where((paid > anchor) | never, -1, paid)


def _cost_ratio(plan: Plan, product: Ints, issued: Ints) -> Floats:
    """Direct cost ÷ revenue per invoice, with the squeezed product line's cost creeping up."""
    shape = plan.shape
    ratio = np.array([p.cost for p in shape.product_lines] + list(EXTRA_COST))[product]
    if shape.margin_squeeze:
        squeezed = product == shape.product_names.index(shape.margin_squeeze)
        months_back = plan.end_month - month_of(issued)
        ratio = ratio + np.where(
            squeezed, np.select([months_back < 3, months_back < 6], [0.1, 0.05], 0.0), 0.0
        )
    return np.asarray(ratio, dtype=np.float64)


def draw_invoices(
    plan: Plan, lines: Lines, deals: Deals, accounts: Accounts, chunk: int
) -> Invoices:
    """Recurring invoices for every billing period of every paid line, and one-off invoices."""
    shape = plan.shape
    rng = plan.rng("invoices", chunk)
    anchor = plan.anchor
    paid_lines = np.flatnonzero(~lines.is_trial)
    start = lines.start[paid_lines]
    months = lines.months[paid_lines]
    stop = np.minimum(lines.end[paid_lines], anchor + 1)
    start_month = month_of(start)
    k0 = np.maximum(0, -((start_month - plan.window_start_month) // months))
    k1 = (month_of(stop - 1) - start_month) // months
    k1 = k1 - (add_months(start, k1 * months) >= stop)
    count = np.maximum(k1 - k0 + 1, 0)
    line = np.repeat(paid_lines, count)
    offsets = np.repeat(np.cumsum(count) - count, count)
    k = np.repeat(k0, count) + np.arange(len(line)) - offsets
    issued = add_months(lines.start[line], k * lines.months[line])
    amount = lines.amount[line]
    cost = (
        amount * _cost_ratio(plan, lines.product[line], issued) * rng.uniform(0.9, 1.1, len(line))
    )
    parts = [
        (
            line,
            issued,
            amount,
            np.round(cost).astype(np.int64),
            lines.product[line],
            lines.stream[line],
            True,
            lines.deal[line],
            False,
            lines.currency[line],
            lines.account[line],
            lines.rep[line],
        )
    ]

    kinds = np.array([p.kind for p in shape.product_lines])[deals.product]
    won = deals.won & deals.closed & (deals.type != RENEWAL)
    hardware = _stream("hardware")
    service = _stream("service")
    software = _stream("software")
    n_products = len(shape.product_lines)

    def one_off(
        d: Ints,
        when: Ints,
        amount: npt.NDArray[Any],
        cost_base: npt.NDArray[Any],
        product: Ints,
        stream: int,
        outcome: bool = False,
    ) -> None:
        amount_c = np.round(amount, -2).astype(np.int64)
        cost = cost_base * _cost_ratio(plan, product, when) * rng.uniform(0.92, 1.08, len(d))
        parts.append(
            (
                d,
                when,
                amount_c,
                np.round(cost, -2).astype(np.int64),
                product,
                np.full(len(d), stream),
                False,
                d,
                outcome,
                np.zeros(len(d), dtype=np.int64),
                deals.account[d],
                deals.owner[d],
            )
        )

    d = np.flatnonzero(won & (kinds == "equipment"))
    final, lst = deals.final_amount[d].astype(np.float64), deals.list_amount[d].astype(np.float64)
    delivered = deals.close_t[d] + rng.integers(45, 121, len(d))
    accepted = delivered + rng.integers(20, 61, len(d))
    deposit, on_delivery = np.round(0.3 * final, -2), np.round(0.6 * final, -2)
    one_off(
        d,
        deals.close_t[d] + rng.integers(0, 8, len(d)),
        deposit,
        0.3 * lst,
        deals.product[d],
        hardware,
    )
    one_off(d, delivered, on_delivery, 0.6 * lst, deals.product[d], hardware)
    one_off(d, accepted, final - deposit - on_delivery, 0.1 * lst, deals.product[d], hardware)
    d = np.flatnonzero(won & (kinds == "project"))
    one_off(
        d,
        deals.close_t[d] + rng.integers(30, 91, len(d)),
        deals.final_amount[d] * 1.0,
        deals.list_amount[d] * 1.0,
        deals.product[d],
        hardware,
    )
    d = np.flatnonzero(won & (kinds == "iot") & ~deals.is_pilot)
    hw = deals.final_amount[d] * rng.uniform(0.3, 0.8, len(d))
    one_off(
        d,
        deals.close_t[d] + rng.integers(14, 46, len(d)),
        hw,
        hw * 0.75 / 0.62,
        np.full(len(d), n_products),
        hardware,
    )
    d = np.flatnonzero(won & deals.is_pilot)
    one_off(
        d,
        deals.close_t[d] + 7,
        deals.final_amount[d] * 1.0,
        deals.final_amount[d] * 1.0,
        np.full(len(d), n_products + 2),
        software,
    )
    share, size = shape.implementation
    d = np.flatnonzero(
        won
        & (deals.type == 0)
        & ~deals.self_serve
        & ~deals.is_pilot
        & (rng.random(deals.n) < share)
    )
    work = deals.final_amount[d] * size * rng.uniform(0.7, 1.3, len(d))
    for lag in (0, 60):
        one_off(
            d, deals.close_t[d] + lag, work / 2, work / 2, np.full(len(d), n_products + 1), service
        )
    if shape.pricing_models:
        d = np.flatnonzero(won & (deals.pricing == 1))
        slices = rng.integers(2, 7, len(d))
        dd = np.repeat(d, slices)
        step = np.arange(len(dd)) - np.repeat(np.cumsum(slices) - slices, slices)
        per = np.repeat(deals.final_amount[d] / slices, slices)
        one_off(dd, add_months(deals.close_t[dd] + 15, step), per, per, deals.product[dd], service)
        d = np.flatnonzero(won & (deals.pricing == OUTCOME))
        dd = np.repeat(d, 4)
        step = np.tile(np.arange(4), len(d))
        base = deals.final_amount[dd] / 4.0
        fee = base * rng.uniform(0.5, 1.6, len(dd))
        one_off(
            dd,
            add_months(deals.close_t[dd] + 90, 3 * step),
            fee,
            base,
            deals.product[dd],
            service,
            outcome=True,
        )

    def cat(i: int) -> Ints:
        return np.concatenate([np.broadcast_to(np.asarray(p[i]), (len(p[0]),)) for p in parts])

    issued = cat(1)
    keep = (issued >= plan.window_start) & (issued <= anchor)
    account = cat(10)[keep]
    issued = issued[keep]
    due, paid = _pay(rng, issued, accounts.segment[account], anchor)
    return Invoices(
        account=account,
        issued=issued,
        due=due,
        paid=paid,
        amount=cat(2)[keep],
        cost=cat(3)[keep],
        product=cat(4)[keep],
        stream=cat(5)[keep],
        rep=cat(11)[keep],
        recurring=cat(6)[keep].astype(bool),
        deal=cat(7)[keep],
        outcome=cat(8)[keep].astype(bool),
        currency=cat(9)[keep],
    )
