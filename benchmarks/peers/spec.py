"""What the peers cover: the KPIs of the b2b_saas scorecard, their splits, and the 24 months.

Each entry of :data:`COVERED` is one query a scorecard page shows: a KPI over every month of the
window, either for the whole company (no dimension) or split by one of the profile's required
dimensions (the KPI page shows one table per dimension). Results of every implementation are put
in one shape, :data:`Results`: ``(kpi, split, period_key, segment) -> value``, leaving out the
cells without a value; a checked component (:data:`COMPONENTS`) is a cell of its own, named
``kpi.component``. :data:`NOT_COVERED` says why the profile's other KPIs are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pulse.catalog.profiles import load_profile
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
    ("arr", ()),
    ("net_new_arr", ()),
    ("arr_bridge", ()),
    ("nrr", ()),
    ("grr", ()),
    ("logo_churn_rate", ()),
    ("sales_velocity", ()),
    ("weighted_pipeline_coverage", ()),
    ("magic_number", ()),
    ("cac_payback_months", ()),
    ("quota_attainment_distribution", ()),
    ("crm_completeness", ()),
    ("forecast_accuracy", ()),
)

# The components checked besides the value (``kpi.component`` in :data:`Results`), as Pulse's
# result rows name them without their ``c_`` prefix: the whole ARR bridge, exact to the cent.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "arr": ("mrr", "customers"),
    "net_new_arr": ("new", "expansion", "reactivation", "contraction", "churn", "fx"),
    "arr_bridge": (
        "start",
        "new",
        "expansion",
        "reactivation",
        "contraction",
        "churn",
        "fx",
        "end",
        "new_customers",
        "churned_customers",
    ),
    "nrr": ("arr_then", "arr_now", "arr_retained", "cohort_customers", "retained_customers"),
    "grr": ("arr_then", "arr_now", "arr_retained", "cohort_customers", "retained_customers"),
    "logo_churn_rate": ("lost", "customers_at_start"),
    "sales_velocity": ("open_opportunities",),
    "magic_number": ("net_new_arr", "sm_spend_previous_period"),
    "cac_payback_months": ("cac", "new_customer_mrr", "new_customers", "gross_margin"),
    "quota_attainment_distribution": ("reps", "reps_at_or_above", "median", "p25", "p75"),
    "forecast_accuracy": ("forecast", "actual", "wape", "bias", "forecast_periods"),
    "crm_completeness": (
        "open_opportunities",
        "missing_amount",
        "missing_close_date",
        "missing_stage",
        "missing_owner",
        "missing_account",
    ),
    "weighted_pipeline_coverage": ("weighted_open_pipeline_due", "period_quota"),
}

# The money cells Pulse computes in DECIMAL cents: they must agree to the cent (absolute), not
# just to a relative 1e-9 (which, on a billion, would let a few units slip).
CENTS: frozenset[str] = frozenset(
    {
        "arr",
        "arr.mrr",
        "net_new_arr",
        *(f"net_new_arr.{c}" for c in COMPONENTS["net_new_arr"]),
        "arr_bridge",
        *(f"arr_bridge.{c}" for c in COMPONENTS["arr_bridge"] if not c.endswith("customers")),
        "nrr.arr_then",
        "nrr.arr_now",
        "nrr.arr_retained",
        "grr.arr_then",
        "grr.arr_now",
        "grr.arr_retained",
        "magic_number.net_new_arr",
        "cac_payback_months.new_customer_mrr",
    }
)

# What the peers leave out, and why (the profile's other KPIs are all in COVERED).
NOT_COVERED: dict[str, str] = {
    "data_quality_score": (
        "its duplicate-account finding matches account names by Levenshtein distance (at most "
        "2 edits between name keys sharing prefix and digits: about 5 million candidate pairs "
        "among 400,000 accounts at 1M opportunities); neither pandas nor polars has a built-in "
        "edit distance, and a Python loop over those pairs would be the whole benchmark"
    ),
}

# The recurring-revenue KPIs: computed from subscription lines, not opportunities.
REVENUE = (
    "arr",
    "net_new_arr",
    "arr_bridge",
    "nrr",
    "grr",
    "logo_churn_rate",
    "magic_number",
    "cac_payback_months",
)

# Stage → probability for weighted pipeline (the profile's map; the demo workspace sets none),
# keyed as the models compare stages: lower case, underscores as spaces, trimmed.
STAGE_PROBABILITIES: dict[str, float] = {
    " ".join(stage.replace("_", " ").lower().split()): float(probability)
    for stage, probability in load_profile(PROFILE).stage_probabilities.items()
}

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
        "stage",
    ),
    "accounts": ("account_id", "segment"),
    "leads": ("lead_id", "created_at", "source", "opportunity_id", "converted_at"),
    "stage_history": ("opportunity_id", "changed_at", "amount", "close_date", "status", "stage"),
    "quotas": ("rep_id", "period_start", "period_end", "amount"),
    "subscriptions": (
        "account_id",
        "stream",
        "currency",
        "start_date",
        "end_date",
        "amount",
        "billing_period",
        "is_trial",
    ),
    "fx_rates": ("currency", "date", "rate_to_reporting"),
    "spend": ("period_start", "period_end", "category", "amount"),
    "invoices": ("issued_at", "currency", "amount", "cost"),
    "forecasts": ("snapshot_at", "period_start", "period_end", "scope", "amount", "category"),
}

Key = tuple[str, str, str, tuple[object, ...]]
Results = dict[Key, float]


def component_key(kpi: str, component: str) -> str:
    """How a checked component is named in :data:`Results`: ``arr_bridge.fx``."""
    return f"{kpi}.{component}"


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
