"""Customer and prospect companies of one chunk.

Accounts are drawn before their deals: segment, region, industry, whether they were already
customers before the data window (the installed base), and how much deal flow they attract.
Their ``created_at`` is settled later, once their first deal or contract is known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pulse.demo.calendar import Bools, Floats, Ints
from pulse.demo.plan import Plan

SEGMENT_DEAL_FLOW = np.array([0.8, 1.0, 1.5])


@dataclass
class Accounts:
    """Arrays describing the accounts of one chunk (index = position in the chunk)."""

    first: int
    segment: Ints
    region: Ints
    industry: Ints
    installed: Bools
    free: Bools
    weight: Floats

    @property
    def n(self) -> int:
        """Number of accounts in the chunk."""
        return len(self.segment)


def draw_accounts(plan: Plan, chunk: int, first: int, n: int, n_free: int = 0) -> Accounts:
    """Draw ``n`` accounts numbered from ``first``, the last ``n_free`` of them free sign-ups.

    Free sign-ups (product-led profiles) used the product without ever talking to sales: they
    have no deals and were not customers before the window.
    """
    shape = plan.shape
    rng = plan.rng("accounts", chunk)
    seg_p = np.asarray(shape.segment_weights) / sum(shape.segment_weights)
    reg_p = np.asarray(shape.region_weights) / sum(shape.region_weights)
    segment = rng.choice(3, n, p=seg_p).astype(np.int64)
    region = rng.choice(len(reg_p), n, p=reg_p).astype(np.int64)
    industry = rng.integers(0, len(shape.industries), n)
    free = np.arange(n) >= n - n_free
    installed = ~free & (rng.random(n) < shape.installed_share)
    weight = rng.lognormal(0.0, 0.9, n) * SEGMENT_DEAL_FLOW[segment] * np.where(installed, 0.8, 1.0)
    return Accounts(first, segment, region, industry, installed, free, np.where(free, 0.0, weight))
