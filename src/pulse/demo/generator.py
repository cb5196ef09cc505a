"""Generate a demo company's tables, chunk by chunk.

:func:`iter_tables` yields ``(table name, Arrow table)`` pieces: the reps first, then every
per-account table for each chunk of up to 200,000 opportunities (with their accounts, leads,
quotes, contracts, invoices, …), then the company-wide tables built from running totals. Memory
stays bounded by one chunk, so 10 million opportunities stream straight into DuckDB.
:func:`generate` collects the pieces into whole tables for small runs and tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulse.demo import columns as col
from pulse.demo import company
from pulse.demo.accounts import Accounts, draw_accounts
from pulse.demo.calendar import month_of
from pulse.demo.customers import (
    account_created,
    draw_devices,
    draw_health,
    draw_signups,
    value_events,
)
from pulse.demo.deals import Deals, History, Quotes, draw_deals
from pulse.demo.funnel import MEETING_SOURCES, Leads, Meetings, draw_leads, draw_meetings
from pulse.demo.names import NEAR_DUPLICATES, companies
from pulse.demo.people import Roster, build_roster
from pulse.demo.plan import NO_DAY, Plan
from pulse.demo.profiles import OPP_SOURCES, SEGMENTS, get_shape
from pulse.demo.revenue import (
    CURRENCIES,
    Fx,
    Invoices,
    Life,
    Lines,
    draw_contracts,
    draw_fx,
    draw_invoices,
    period_name,
    play_out,
    product_names,
)
from pulse.tables import STREAMS, TABLES

TYPES = ("new", "expansion", "renewal")
STATUSES = ("open", "won", "lost")
QUOTE_STATUSES = ("open", "accepted", "rejected")

Progress = Callable[[int], None]


def stages_for(profile_id: str) -> tuple[str, ...]:
    """The profile file's stage names when it declares them, else the demo's defaults."""
    from pulse.catalog.profiles import load_profile, profile_paths

    if profile_id in profile_paths():
        stages = load_profile(profile_id).stages
        if len(stages) >= 3:
            return tuple(stages)
    return get_shape(profile_id).stages


def make_plan(profile_id: str, opportunities: int, seed: int, anchor: date) -> Plan:
    """Validate a request and lay out its calendar."""
    shape = get_shape(profile_id)
    return Plan.make(shape, stages_for(profile_id), opportunities, seed, anchor)


@dataclass
class _Counters:
    accounts: int = 0
    opportunities: int = 0
    leads: int = 0
    quotes: int = 0
    lines: int = 0
    invoices: int = 0
    meetings: int = 0


def iter_tables(
    profile_id: str,
    *,
    opportunities: int,
    seed: int,
    anchor: date,
    progress: Progress | None = None,
) -> Iterator[tuple[str, pa.Table]]:
    """Yield the demo tables of one company piece by piece (see the module docstring)."""
    plan = make_plan(profile_id, opportunities, seed, anchor)
    roster = build_roster(plan)
    fx = draw_fx(plan)
    rep_ids = col.ids("REP-", np.arange(1, roster.n + 1), max(4, len(str(roster.n))))
    totals = company.Totals(plan, roster.n, company.forecast_reps(plan, roster))
    yield "reps", company.reps_table(plan, roster, rep_ids)
    counters = _Counters()
    for chunk, n in enumerate(plan.chunks):
        yield from _chunk(plan, roster, fx, rep_ids, totals, counters, chunk, n)
        if progress is not None:
            progress(n)
    yield "quotas", company.quotas_table(plan, roster, totals, rep_ids)
    yield "forecasts", company.forecasts_table(plan, totals, rep_ids)
    yield "spend", company.spend_table(plan, totals)
    if plan.shape.delivery:
        yield "delivery", company.delivery_table(plan, totals)
    yield "coaching", company.coaching_table(plan, roster, rep_ids)
    yield "fx_rates", company.fx_table(plan, fx)


def generate(
    profile_id: str, *, opportunities: int = 2000, seed: int = 7, anchor: date
) -> dict[str, pa.Table]:
    """Every canonical table of a demo company (empty where the profile has no such data).

    Deterministic: the same (profile, opportunities, seed, anchor) give identical tables.
    """
    pieces: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for name, piece in iter_tables(
        profile_id, opportunities=opportunities, seed=seed, anchor=anchor
    ):
        pieces[name].append(piece)
    return {
        name: pa.concat_tables(parts).combine_chunks() if parts else col.empty(name)
        for name, parts in pieces.items()
    }


def _chunk(
    plan: Plan,
    roster: Roster,
    fx: Fx,
    rep_ids: pa.Array,
    totals: company.Totals,
    counters: _Counters,
    chunk: int,
    n: int,
) -> Iterator[tuple[str, pa.Table]]:
    shape = plan.shape
    rng = plan.rng("chunk", chunk)
    n_accounts = max(1, round(n * shape.accounts_per_opportunity))
    n_free = round(n_accounts * shape.signups)
    accounts = draw_accounts(plan, chunk, counters.accounts, n_accounts + n_free, n_free)
    deals, history, quotes = draw_deals(plan, roster, accounts, chunk, n)

    account_rep = roster.assign(
        np.full(accounts.n, plan.window_start_month), accounts.region, rng.random(accounts.n)
    )
    first_deal = np.full(accounts.n, deals.n, dtype=np.int64)
    np.minimum.at(first_deal, deals.account, np.arange(deals.n))
    account_rep = np.where(
        first_deal < deals.n, deals.owner[np.minimum(first_deal, deals.n - 1)], account_rep
    )

    contracts = draw_contracts(plan, deals, accounts, account_rep, chunk)
    lines, life = play_out(plan, contracts, accounts, fx, chunk)
    signed = np.flatnonzero(deals.won & deals.closed)
    np.minimum.at(life.signature, deals.account[signed], deals.close_t[signed])
    first_any = np.full(accounts.n, NO_DAY, dtype=np.int64)
    np.minimum.at(first_any, lines.account, lines.start)
    created = account_created(plan, accounts, deals, first_any, chunk)
    signups = None
    if shape.signups:
        signups, trials = draw_signups(plan, accounts, deals, contracts, life, created, chunk)
        lines = Lines.concat([lines, trials])
        np.minimum.at(created, signups.account, signups.signed_up)
    invoices = draw_invoices(plan, lines, deals, accounts, chunk)
    leads = draw_leads(plan, deals, quotes, accounts, chunk)
    meetings = draw_meetings(plan, roster, deals, accounts, chunk)

    won = deals.won
    totals.add_won(
        month_of(deals.close_t[won]), deals.owner[won], deals.final_amount[won], deals.closed[won]
    )
    paid = ~lines.is_trial
    totals.add_arr(lines.start[paid], lines.end[paid], lines.annual[paid].astype(np.float64))
    rate = fx.at(invoices.currency, month_of(invoices.issued))
    totals.add_window(totals.revenue, month_of(invoices.issued), invoices.amount * rate)

    width = plan.id_width
    account_ids = col.ids("ACC-", counters.accounts + 1 + np.arange(accounts.n), width)
    opp_ids = col.ids("OPP-", counters.opportunities + 1 + np.arange(deals.n), width)
    names, domains = companies(counters.accounts + np.arange(accounts.n))
    if chunk == 0 and accounts.n >= 10:
        names, domains = _plant_duplicates(names, domains)
    counters.accounts += accounts.n
    counters.opportunities += deals.n

    yield "accounts", _accounts(plan, accounts, account_ids, names, domains, created)
    yield "opportunities", _opportunities(plan, deals, opp_ids, account_ids, names, rep_ids)
    yield "stage_history", _history(plan, history, opp_ids)
    yield "quotes", _quotes(quotes, deals, opp_ids, account_ids, counters, width)
    yield "leads", _leads(plan, leads, opp_ids, account_ids, counters, width)
    yield "meetings", _meetings(meetings, rep_ids, account_ids, counters, width)
    yield "subscriptions", _subscriptions(plan, lines, account_ids, counters, width)
    yield (
        "invoices",
        _invoices(plan, invoices, accounts, account_ids, opp_ids, rep_ids, counters, width),
    )
    yield "health_signals", _health(plan, lines, life, account_ids, chunk)
    acc, when = value_events(plan, life)
    yield (
        "value_events",
        col.table(
            "value_events",
            {
                "account_id": account_ids.take(pa.array(acc)),
                "occurred_at": col.dates(when),
                "kind": col.constant("first_value", len(acc)),
            },
        ),
    )
    if shape.devices:
        dev = draw_devices(plan, deals, lines, life, chunk)
        yield (
            "devices",
            col.table(
                "devices",
                {
                    "account_id": account_ids.take(pa.array(dev.account)),
                    "observed_at": col.dates(dev.observed),
                    "active_devices": col.integers(dev.active),
                },
            ),
        )
    if signups is not None:
        yield (
            "signups",
            col.table(
                "signups",
                {
                    "account_id": account_ids.take(pa.array(signups.account)),
                    "signed_up_at": col.dates(signups.signed_up),
                    "activated_at": col.dates(signups.activated, valid=signups.activated >= 0),
                    "pql_at": col.dates(signups.pql, valid=signups.pql >= 0),
                    "paid_at": col.dates(signups.paid, valid=signups.paid >= 0),
                    "upgraded_at": col.dates(signups.upgraded, valid=signups.upgraded >= 0),
                },
            ),
        )


def _plant_duplicates(names: pa.Array, domains: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Give accounts 1-6 the near-duplicate names the data-quality score should find."""
    k = len(NEAR_DUPLICATES) + 1
    head_n = names.slice(0, k).to_pylist()
    head_d = domains.slice(0, k).to_pylist()
    for i, (name, domain) in enumerate(NEAR_DUPLICATES, start=1):
        head_n[i], head_d[i] = name, domain
    return (
        pa.concat_arrays([pa.array(head_n, pa.string()), names.slice(k)]),
        pa.concat_arrays([pa.array(head_d, pa.string()), domains.slice(k)]),
    )


def _accounts(
    plan: Plan,
    accounts: Accounts,
    ids: pa.Array,
    names: pa.Array,
    domains: pa.Array,
    created: np.ndarray,
) -> pa.Table:
    return col.table(
        "accounts",
        {
            "account_id": ids,
            "name": names,
            "segment": col.text(SEGMENTS, accounts.segment),
            "region": col.text(plan.shape.regions, accounts.region),
            "industry": col.text(plan.shape.industries, accounts.industry),
            "domain": domains,
            "created_at": col.dates(created),
        },
    )


def _opportunities(
    plan: Plan,
    deals: Deals,
    ids: pa.Array,
    account_ids: pa.Array,
    names: pa.Array,
    rep_ids: pa.Array,
) -> pa.Table:
    shape = plan.shape
    product = col.text(shape.product_names, deals.product)
    suffix = col.text(("", " expansion", " renewal"), deals.type)
    title = pc.binary_join_element_wise(
        names.take(pa.array(deals.account)), " - ", product, suffix, ""
    )
    closed = deals.closed
    status = np.where(closed, np.where(deals.won, 1, 2), 0)
    iot = shape.devices
    has_pilot = np.full(deals.n, iot)
    return col.table(
        "opportunities",
        {
            "opportunity_id": ids,
            "name": title,
            "account_id": account_ids.take(pa.array(deals.account)),
            "owner_id": rep_ids.take(pa.array(deals.owner)),
            "type": col.text(TYPES, deals.type),
            "product_line": col.text(
                shape.product_names, deals.product, valid=~deals.product_missing
            ),
            "region": col.text(shape.regions, deals.region),
            "segment": col.text(SEGMENTS, deals.segment),
            "source": col.text(OPP_SOURCES, deals.source, valid=~deals.source_missing),
            "motion": col.text(("assisted", "self_serve"), deals.self_serve.astype(np.int64)),
            "amount": col.money(deals.amount),
            "list_amount": col.money(deals.list_amount),
            "currency": col.constant("USD", deals.n),
            "created_at": col.dates(deals.created),
            "first_meeting_at": col.dates(deals.first_meeting, valid=deals.has_meeting),
            "close_date": col.dates(deals.close_date),
            "stage": col.text(plan.stages, deals.stage),
            "status": col.text(STATUSES, status),
            "closed_at": col.dates(deals.close_t, valid=closed),
            "is_pilot": col.flags(deals.is_pilot, valid=has_pilot),
            "pilot_converted": col.flags(
                deals.pilot_converted == 1, valid=deals.pilot_converted >= 0
            ),
            "deployments": col.integers(deals.deployments, valid=deals.deployments > 0),
            "includes_service": col.flags(
                deals.includes_service == 1, valid=deals.includes_service >= 0
            ),
            "pricing_model": col.text(
                tuple(p for p, _ in shape.pricing_models) or ("",), deals.pricing
            ),
        },
    )


def _history(plan: Plan, history: History, opp_ids: pa.Array) -> pa.Table:
    return col.table(
        "stage_history",
        {
            "opportunity_id": opp_ids.take(pa.array(history.deal)),
            "changed_at": col.timestamps(history.changed_at),
            "stage": col.text(plan.stages, history.stage),
            "amount": col.money(history.amount),
            "close_date": col.dates(history.close_date),
            "status": col.text(STATUSES, history.status),
        },
    )


def _next_ids(prefix: str, counters: _Counters, attr: str, n: int, width: int) -> pa.Array:
    first = getattr(counters, attr)
    setattr(counters, attr, first + n)
    return col.ids(prefix, first + 1 + np.arange(n), width)


def _quotes(
    quotes: Quotes,
    deals: Deals,
    opp_ids: pa.Array,
    account_ids: pa.Array,
    counters: _Counters,
    width: int,
) -> pa.Table:
    order = np.lexsort((quotes.deal, quotes.quoted_at))
    q = {k: v[order] for k, v in vars(quotes).items()}
    n = len(order)
    return col.table(
        "quotes",
        {
            "quote_id": _next_ids("Q-", counters, "quotes", n, width),
            "opportunity_id": opp_ids.take(pa.array(q["deal"])),
            "account_id": account_ids.take(pa.array(deals.account[q["deal"]])),
            "quoted_at": col.dates(q["quoted_at"]),
            "amount": col.money(q["amount"]),
            "list_amount": col.money(q["list_amount"]),
            "status": col.text(QUOTE_STATUSES, q["status"]),
            "decided_at": col.dates(q["decided_at"], valid=q["decided_at"] >= 0),
            "invoiced_amount": col.money(q["invoiced"], valid=q["invoiced"] >= 0),
        },
    )


def _leads(
    plan: Plan,
    leads: Leads,
    opp_ids: pa.Array,
    account_ids: pa.Array,
    counters: _Counters,
    width: int,
) -> pa.Table:
    n = len(leads.created)
    has_deal = leads.deal >= 0
    has_account = leads.account >= 0
    return col.table(
        "leads",
        {
            "lead_id": _next_ids("LEAD-", counters, "leads", n, width),
            "created_at": col.dates(leads.created),
            "source": col.text([s.name for s in plan.shape.lead_sources], leads.source),
            "account_id": account_ids.take(
                pa.array(np.maximum(leads.account, 0), mask=~has_account)
            ),
            "is_mql": col.flags(leads.is_mql),
            "pql_at": col.dates(leads.pql_at, valid=leads.pql_at >= 0),
            "opportunity_id": opp_ids.take(pa.array(np.maximum(leads.deal, 0), mask=~has_deal)),
            "converted_at": col.dates(leads.converted, valid=has_deal),
            "quoted_at": col.dates(leads.quoted, valid=leads.quoted >= 0),
        },
    )


def _meetings(
    meetings: Meetings, rep_ids: pa.Array, account_ids: pa.Array, counters: _Counters, width: int
) -> pa.Table:
    order = np.argsort(meetings.held, kind="stable")
    n = len(order)
    return col.table(
        "meetings",
        {
            "meeting_id": _next_ids("MTG-", counters, "meetings", n, width),
            "held_at": col.dates(meetings.held[order]),
            "is_qualified": col.flags(meetings.qualified[order]),
            "rep_id": rep_ids.take(pa.array(meetings.rep[order])),
            "account_id": account_ids.take(pa.array(meetings.account[order])),
            "source": col.text(MEETING_SOURCES, meetings.source[order]),
        },
    )


def _subscriptions(
    plan: Plan, lines: Lines, account_ids: pa.Array, counters: _Counters, width: int
) -> pa.Table:
    order = np.lexsort((lines.account, lines.start))
    n = len(order)
    end = lines.end[order]
    periods = sorted(set(lines.months.tolist()))
    period_idx = np.searchsorted(np.asarray(periods), lines.months[order])
    return col.table(
        "subscriptions",
        {
            "line_id": _next_ids("SUB-", counters, "lines", n, width),
            "account_id": account_ids.take(pa.array(lines.account[order])),
            "product": col.text(product_names(plan), lines.product[order]),
            "stream": col.text(STREAMS, lines.stream[order]),
            "start_date": col.dates(lines.start[order]),
            "end_date": col.dates(np.where(end < NO_DAY, end, 0), valid=end < NO_DAY),
            "amount": col.money(lines.amount[order]),
            "billing_period": col.text([period_name(p) for p in periods], period_idx),
            "currency": col.text(CURRENCIES, lines.currency[order]),
            "is_trial": col.flags(lines.is_trial[order]),
        },
    )


def _invoices(
    plan: Plan,
    inv: Invoices,
    accounts: Accounts,
    account_ids: pa.Array,
    opp_ids: pa.Array,
    rep_ids: pa.Array,
    counters: _Counters,
    width: int,
) -> pa.Table:
    order = np.lexsort((inv.account, inv.issued))
    n = len(order)
    deal = inv.deal[order]
    rep = inv.rep[order]
    return col.table(
        "invoices",
        {
            "invoice_id": _next_ids("INV-", counters, "invoices", n, width),
            "account_id": account_ids.take(pa.array(inv.account[order])),
            "issued_at": col.dates(inv.issued[order]),
            "due_at": col.dates(inv.due[order]),
            "paid_at": col.dates(inv.paid[order], valid=inv.paid[order] >= 0),
            "amount": col.money(inv.amount[order]),
            "cost": col.money(inv.cost[order]),
            "product_line": col.text(product_names(plan), inv.product[order]),
            "stream": col.text(STREAMS, inv.stream[order]),
            "rep_id": rep_ids.take(pa.array(np.maximum(rep, 0), mask=rep < 0)),
            "territory": col.text(plan.shape.regions, accounts.region[inv.account[order]]),
            "is_recurring": col.flags(inv.recurring[order]),
            "opportunity_id": opp_ids.take(pa.array(np.maximum(deal, 0), mask=deal < 0)),
            "is_outcome_based": col.flags(inv.outcome[order]),
            "currency": col.text(CURRENCIES, inv.currency[order]),
        },
    )


def _health(plan: Plan, lines: Lines, life: Life, account_ids: pa.Array, chunk: int) -> pa.Table:
    h = draw_health(plan, lines, life, chunk)
    return col.table(
        "health_signals",
        {
            "account_id": account_ids.take(pa.array(h.account)),
            "observed_at": col.dates(h.observed),
            "usage": col.numbers(h.usage),
            "support_tickets": col.integers(h.tickets),
            "nps": col.numbers(h.nps, valid=h.has_nps),
        },
    )
