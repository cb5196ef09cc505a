"""The top of the funnel for one chunk: leads (with what became of them) and meetings.

Every marketing-sourced deal, most partner deals and about half the sales-sourced ones start as
a lead; each converted lead brings the unconverted leads its source typically needs (a trade
show converts worse than a referral). Each deal with a recorded first meeting has a qualified
meeting; prospecting meetings that led nowhere are the unqualified ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulse.demo.accounts import Accounts
from pulse.demo.calendar import Bools, Ints
from pulse.demo.deals import Deals, Quotes
from pulse.demo.people import Roster
from pulse.demo.plan import NO_DAY, Plan

LEAD_SHARE = np.array([0.55, 0.85, 1.0])  # of sales, partner, marketing deals that start as a lead
MEETING_SOURCES = ("outbound", "partner", "inbound", "event")


@dataclass
class Leads:
    """Lead rows of one chunk."""

    created: Ints
    source: Ints
    account: Ints  # -1 unknown
    is_mql: Bools
    pql_at: Ints  # -1 none
    deal: Ints  # -1 not converted
    converted: Ints  # -1 not converted
    quoted: Ints  # -1 never quoted


@dataclass
class Meetings:
    """Meeting rows of one chunk."""

    held: Ints
    qualified: Bools
    rep: Ints
    account: Ints
    source: Ints


def _lead_sources(plan: Plan, rng: np.random.Generator, deals: Deals) -> Ints:
    """A lead source for each deal, consistent with the deal's own source."""
    sources = plan.shape.lead_sources
    out = np.zeros(deals.n, dtype=np.int64)
    for s, opp_source in enumerate(("sales", "partner", "marketing")):
        options = [i for i, ls in enumerate(sources) if ls.opp_source == opp_source]
        w = np.array([sources[i].weight for i in options])
        mask = deals.source == s
        out[mask] = np.asarray(options)[rng.choice(len(options), int(mask.sum()), p=w / w.sum())]
    product = [i for i, ls in enumerate(sources) if ls.name == "product sign-up"]
    website = [i for i, ls in enumerate(sources) if ls.name == "website"]
    if product or website:
        out[deals.self_serve] = (product or website)[0]
    return out


def draw_leads(plan: Plan, deals: Deals, quotes: Quotes, accounts: Accounts, chunk: int) -> Leads:
    """Converted leads for the deals, plus the leads that never converted."""
    rng = plan.rng("leads", chunk)
    sources = plan.shape.lead_sources
    conversion = np.array([ls.conversion for ls in sources])
    mql = np.array([ls.mql for ls in sources])
    is_product = np.array([ls.name == "product sign-up" for ls in sources])
    lead_source = _lead_sources(plan, rng, deals)

    d = np.flatnonzero((rng.random(deals.n) < LEAD_SHARE[deals.source]) | deals.self_serve)
    src = lead_source[d]
    lag = np.where(deals.self_serve[d], rng.integers(0, 15, len(d)), rng.integers(0, 46, len(d)))
    created = deals.created[d] - lag
    first_quote = np.full(deals.n, NO_DAY, dtype=np.int64)
    np.minimum.at(first_quote, quotes.deal, quotes.quoted_at)
    quoted = np.where(first_quote[d] < NO_DAY, first_quote[d], -1)
    pql = np.where(is_product[src], created + (rng.random(len(d)) * lag).astype(np.int64), -1)

    extra = rng.poisson(1.0 / conversion[src] - 1.0)
    parent = np.repeat(np.arange(len(d)), extra)
    m = len(parent)
    u_src = src[parent]
    u_created = np.clip(
        created[parent] + rng.integers(-60, 61, m), plan.window_start - 400, plan.anchor
    )
    known = rng.random(m) < 0.35
    u_account = np.where(known, rng.integers(0, accounts.n, m), -1)
    u_pql = np.where(
        is_product[u_src] & (rng.random(m) < 0.2),
        np.minimum(u_created + rng.integers(1, 20, m), plan.anchor),
        -1,
    )

    order = np.argsort(np.concatenate([created, u_created]), kind="stable")
    return Leads(
        created=np.concatenate([created, u_created])[order],
        source=np.concatenate([src, u_src])[order],
        account=np.concatenate([deals.account[d], u_account])[order],
        is_mql=np.concatenate([rng.random(len(d)) < mql[src], rng.random(m) < mql[u_src]])[order],
        pql_at=np.concatenate([pql, u_pql])[order],
        deal=np.concatenate([d, np.full(m, -1)])[order],
        converted=np.concatenate([deals.created[d], np.full(m, -1)])[order],
        quoted=np.concatenate([quoted, np.full(m, -1)])[order],
    )


def draw_meetings(
    plan: Plan, roster: Roster, deals: Deals, accounts: Accounts, chunk: int
) -> Meetings:
    """A qualified first meeting per deal that recorded one, and unqualified prospecting meetings."""
    rng = plan.rng("meetings", chunk)
    q = np.flatnonzero(deals.has_meeting)
    source_of = np.array([0, 1, 2])[deals.source]
    extra = rng.poisson(0.7, deals.n)
    parent = np.repeat(np.arange(deals.n), extra)
    m = len(parent)
    rep = deals.owner[parent]
    held = np.clip(deals.created[parent] - rng.integers(0, 61, m), roster.hired[rep], plan.anchor)
    held = np.where(deals.self_serve[parent], -1, held)
    keep = held >= 0
    parent, rep, held = parent[keep], rep[keep], held[keep]
    m = len(parent)
    return Meetings(
        held=np.concatenate([deals.first_meeting[q], held]),
        qualified=np.concatenate([np.ones(len(q), dtype=bool), np.zeros(m, dtype=bool)]),
        rep=np.concatenate([deals.owner[q], rep]),
        account=np.concatenate([deals.account[q], rng.integers(0, accounts.n, m)]),
        source=np.concatenate([source_of[q], rng.integers(0, len(MEETING_SOURCES), m)]),
    )
