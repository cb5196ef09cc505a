"""What the peers cover: the KPIs of the b2b_saas scorecard, their splits, and the 24 months.

Each entry of :data:`COVERED` is one query a scorecard page shows: a KPI over every month of the
window, either for the whole company (no dimension) or split by one of the profile's required
dimensions (the KPI page shows one table per dimension). Results of every implementation are put
in one shape, :data:`Results`: ``(kpi, split, period_key, segment) -> value``, leaving out the
cells without a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pulse.periods import parse_period

PROFILE = "b2b_saas"
MONTHS = 24

COVERED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("win_rate", ()),
    ("win_rate", ("owner_id",)),
    ("win_rate", ("deal_size_band",)),
    ("sales_cycle_days", ()),
    ("sales_cycle_days", ("segment",)),
    ("average_deal_size", ()),
    ("new_opportunities", ()),
    ("lead_to_opportunity_rate", ()),
    ("lead_to_opportunity_rate", ("source",)),
    ("pipeline_coverage", ()),
)

# The columns each covered KPI reads from the canonical tables (for the extract and the
# memory-bandwidth bound).
COLUMNS: dict[str, tuple[str, ...]] = {
    "opportunities": (
        "opportunity_id",
        "account_id",
        "owner_id",
        "segment",
        "amount",
        "created_at",
        "first_meeting_at",
        "close_date",
        "closed_at",
        "status",
    ),
    "accounts": ("account_id", "segment"),
    "leads": ("lead_id", "created_at", "source", "opportunity_id", "converted_at"),
    "stage_history": ("opportunity_id", "changed_at", "amount", "close_date", "status"),
    "quotas": ("rep_id", "period_start", "period_end", "amount"),
}

Key = tuple[str, str, str, tuple[object, ...]]
Results = dict[Key, float]


@dataclass(frozen=True)
class Month:
    """One period of the window: its label and first and last day."""

    key: str
    start: date
    end: date


def months(anchor: date, count: int = MONTHS) -> list[Month]:
    """The ``count`` calendar months ending with the month of ``anchor``, oldest first."""
    last = parse_period(f"{anchor:%Y-%m}")
    return [Month(p.label, p.start, p.end) for p in last.series(count)]


def split_name(dims: tuple[str, ...]) -> str:
    """How a split is written in results and tables: ``-`` for the whole company."""
    return ",".join(dims) or "-"
