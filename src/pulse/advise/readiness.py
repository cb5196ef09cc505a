"""Is a fractional CRO right for this company at all? The seeds' readiness rules, each with the
reason for its verdict.

Every rule reads one or two company facts and returns a :class:`Check`: ``go`` (supports a
fractional CRO), ``caution``, ``stop`` (something else comes first), ``unknown`` (a fact is
missing; the check says which) or ``info`` (the seeds give no rule for this industry). The
recommendation is the first ``stop`` in priority order, else a fractional CRO.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from pulse.advise.facts import CompanyFacts
from pulse.advise.seedrules import (
    CRM_COMPLETENESS_FLOOR,
    CRM_SETUP_WEEKS,
    FOUNDER_LED_BELOW,
    FULL_TIME_ABOVE,
    HANDOVER_MONTHS,
    MAX_ANNUAL_CHURN,
    MIN_CUSTOMERS,
    MIN_SALES_TEAM,
    SERVICES_FRACTIONAL_FROM,
    SERVICES_SWEET_SPOT_ABOVE,
    SHINES_TEAM,
    SOFTWARE_SWEET_SPOT,
)
from pulse.advise.wording import money, share


class Outcome(StrEnum):
    """What one readiness check says."""

    GO = "go"
    CAUTION = "caution"
    STOP = "stop"
    UNKNOWN = "unknown"
    INFO = "info"


class Recommendation(StrEnum):
    """The overall answer, in priority order of the rules that can stop a fractional CRO."""

    FOUNDER_LED_SALES = "founder_led_sales"
    FIX_PRODUCT_FIRST = "fix_product_first"
    FULL_TIME_CRO = "full_time_cro"
    FRACTIONAL_VP_SALES = "fractional_vp_sales"
    FRACTIONAL_CRO = "fractional_cro"


HEADLINES = {
    Recommendation.FOUNDER_LED_SALES: "Not yet: founder-led sales first.",
    Recommendation.FIX_PRODUCT_FIRST: "Not yet: fix the product or the implementation first.",
    Recommendation.FULL_TIME_CRO: "Hire a full-time CRO rather than a fractional one.",
    Recommendation.FRACTIONAL_VP_SALES: (
        "A fractional VP of Sales (or a senior rep who carries a bag) rather than a CRO."
    ),
    Recommendation.FRACTIONAL_CRO: "A fractional CRO fits.",
}

# Which rule, when it says stop, leads to which recommendation (in priority order).
STOPS = (
    ("scale_floor", Recommendation.FOUNDER_LED_SALES),
    ("paying_customers", Recommendation.FOUNDER_LED_SALES),
    ("annual_churn", Recommendation.FIX_PRODUCT_FIRST),
    ("full_time", Recommendation.FULL_TIME_CRO),
    ("sales_team", Recommendation.FRACTIONAL_VP_SALES),
)
# Industries measured by annual revenue rather than ARR (most of their revenue is one-off).
REVENUE_FIRST = ("services", "manufacturing")
# Software profiles that read seed 003's ARR band.
SOFTWARE_PROFILES = ("martech", "supply_chain_software", "b2b_saas")


@dataclass(frozen=True)
class Check:
    """One readiness rule applied to the company's facts."""

    rule: str
    outcome: Outcome
    verdict: str
    reason: str
    source: str


@dataclass(frozen=True)
class Readiness:
    """Every check and the recommendation they add up to."""

    recommendation: Recommendation
    headline: str
    checks: tuple[Check, ...]

    def check(self, rule: str) -> Check:
        """The check of one rule."""
        return next(c for c in self.checks if c.rule == rule)


def _scale(facts: CompanyFacts) -> tuple[str, Decimal | None]:
    """The size figure the rules read: ARR, or revenue for services and manufacturing."""
    if facts.industry in REVENUE_FIRST:
        order = (("Revenue", facts.revenue), ("ARR", facts.arr))
    else:
        order = (("ARR", facts.arr), ("Revenue", facts.revenue))
    for label, value in order:
        if value is not None:
            return label, value
    return order[0][0], None


def scale_floor(facts: CompanyFacts) -> Check:
    """Below about $500K: founder-led sales first (seed 004)."""
    label, value = _scale(facts)
    source = "seed 004"
    floor = money(FOUNDER_LED_BELOW)
    if value is None:
        return Check(
            "scale_floor",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --arr or --revenue to check the {floor} floor.",
            source,
        )
    if value < FOUNDER_LED_BELOW:
        return Check(
            "scale_floor",
            Outcome.STOP,
            "Founder-led sales first",
            f"{label} of {money(value)} is below about {floor}: a fractional CRO is premature "
            "before there is a repeatable sales motion. Keep founder-led sales, perhaps with a "
            "part-time sales advisor.",
            source,
        )
    return Check(
        "scale_floor",
        Outcome.GO,
        "Big enough",
        f"{label} of {money(value)} is at or above the {floor} line where a fractional CRO "
        "starts to pay off.",
        source,
    )


def paying_customers(facts: CompanyFacts) -> Check:
    """Fewer than 10 paying customers: founder-led sales first (seeds 001, 004)."""
    source = "seeds 001, 004"
    if facts.customers is None:
        return Check(
            "paying_customers",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --customers to check the {MIN_CUSTOMERS}-customer floor.",
            source,
        )
    if facts.customers < MIN_CUSTOMERS:
        return Check(
            "paying_customers",
            Outcome.STOP,
            "Founder-led sales first",
            f"{facts.customers} paying customers is fewer than {MIN_CUSTOMERS}: the founder "
            "still has to find what sells and to whom before a CRO can scale it.",
            source,
        )
    return Check(
        "paying_customers",
        Outcome.GO,
        "Enough customers",
        f"{facts.customers} paying customers is at least {MIN_CUSTOMERS}: there is a base to "
        "build a repeatable motion on.",
        source,
    )


def sales_team(facts: CompanyFacts) -> Check:
    """A sales team under 3: a fractional VP of Sales rather than a CRO (seed 001)."""
    source = "seed 001"
    if facts.sales_team is None:
        return Check(
            "sales_team",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --sales-team to check the {MIN_SALES_TEAM}-person minimum.",
            source,
        )
    if facts.sales_team < MIN_SALES_TEAM:
        return Check(
            "sales_team",
            Outcome.STOP,
            "A fractional VP of Sales rather than a CRO",
            f"A sales team of {facts.sales_team} is under {MIN_SALES_TEAM} people: a CRO would "
            "become a player-coach, which is inefficient. Hire a senior sales rep or a "
            "fractional VP of Sales who can carry a bag.",
            source,
        )
    return Check(
        "sales_team",
        Outcome.GO,
        "Team to lead",
        f"A sales team of {facts.sales_team} is at least {MIN_SALES_TEAM} people: there is a "
        "team for a CRO to lead rather than a bag to carry.",
        source,
    )


def annual_churn(facts: CompanyFacts) -> Check:
    """Churn above 20% a year: fix product or implementation first (seed 001)."""
    source = "seed 001"
    line = share(MAX_ANNUAL_CHURN)
    if facts.annual_churn is None:
        return Check(
            "annual_churn",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --annual-churn to check the {line}-a-year line.",
            source,
        )
    churn = share(facts.annual_churn)
    if facts.annual_churn > MAX_ANNUAL_CHURN:
        return Check(
            "annual_churn",
            Outcome.STOP,
            "Fix product or implementation first",
            f"Churn of {churn} a year is above {line}: the problem is the product or the "
            "implementation, not sales leadership. A fractional CRO can diagnose it but cannot "
            "fix it alone.",
            source,
        )
    return Check(
        "annual_churn",
        Outcome.GO,
        "Churn under control",
        f"Churn of {churn} a year is within {line}: retention does not block growth work.",
        source,
    )


def sweet_spot(facts: CompanyFacts) -> Check:
    """$2M-$15M ARR (software, seed 003) or revenue above $5M (services, seed 002)."""
    if facts.industry == "services":
        return _services_band(facts)
    if facts.industry not in SOFTWARE_PROFILES:
        return Check(
            "sweet_spot",
            Outcome.INFO,
            "No band in the seeds",
            f"The seeds give no size band for the fractional sweet spot in {facts.industry}; "
            "the floor, team size and churn decide.",
            "MISSION.md",
        )
    low, high = SOFTWARE_SWEET_SPOT
    band = f"{money(low)}–{money(high)}"
    source = "seed 003"
    if facts.arr is None:
        return Check(
            "sweet_spot",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --arr to check the {band} ARR sweet spot.",
            source,
        )
    arr = money(facts.arr)
    if low <= facts.arr <= high:
        return Check(
            "sweet_spot",
            Outcome.GO,
            "The fractional sweet spot",
            f"ARR of {arr} is in the {band} band: a founder-led motion that needs "
            "professionalizing, without the need (or budget) for a full-time CRO yet.",
            source,
        )
    if facts.arr < low:
        return Check(
            "sweet_spot",
            Outcome.CAUTION,
            "Below the sweet spot",
            f"ARR of {arr} is below the {band} band: a fractional CRO can work, but expect "
            "more hands-on selling and process building than strategy.",
            source,
        )
    return Check(
        "sweet_spot",
        Outcome.CAUTION,
        "Above the sweet spot",
        f"ARR of {arr} is above the {band} band.",
        source,
    )


def _services_band(facts: CompanyFacts) -> Check:
    source = "seed 002"
    line = money(SERVICES_SWEET_SPOT_ABOVE)
    if facts.revenue is None:
        return Check(
            "sweet_spot",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --revenue to check the services sweet spot above {line}.",
            source,
        )
    revenue = money(facts.revenue)
    if facts.revenue > SERVICES_SWEET_SPOT_ABOVE:
        return Check(
            "sweet_spot",
            Outcome.GO,
            "The fractional sweet spot",
            f"Revenue of {revenue} is above {line}: where seed 002's decision flow hires a "
            "fractional CRO.",
            source,
        )
    return Check(
        "sweet_spot",
        Outcome.CAUTION,
        "Below the sweet spot",
        f"Revenue of {revenue} is not above {line}: in seed 002's decision flow the founder "
        f"still owns the revenue KPIs. A fractional CRO can still fit from about "
        f"{money(SERVICES_FRACTIONAL_FROM)} if the founder needs the time back.",
        source,
    )


def full_time(facts: CompanyFacts) -> Check:
    """Beyond about $15M ARR (or services revenue): a full-time CRO (seeds 002, 003)."""
    source = "seeds 002, 003"
    ceiling = money(FULL_TIME_ABOVE)
    value: Decimal | None = facts.arr
    label = "ARR"
    if value is None and facts.industry == "services":
        value, label = facts.revenue, "Revenue"
    if value is None:
        if facts.revenue is not None:
            return Check(
                "full_time",
                Outcome.INFO,
                "No ceiling in the seeds",
                f"The seeds set the {ceiling} ceiling on ARR (and services revenue), not on "
                f"{facts.industry} revenue; give --arr for the recurring part.",
                source,
            )
        return Check(
            "full_time",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --arr to check the {ceiling} ceiling.",
            source,
        )
    if value > FULL_TIME_ABOVE:
        return Check(
            "full_time",
            Outcome.STOP,
            "A full-time CRO",
            f"{label} of {money(value)} is beyond about {ceiling}: a company this size, "
            "usually with several sales teams (SMB, mid-market, enterprise), needs a dedicated "
            "executive to own the revenue function.",
            source,
        )
    return Check(
        "full_time",
        Outcome.GO,
        "Fractional is enough",
        f"{label} of {money(value)} is within about {ceiling}: a full-time CRO is not needed yet.",
        source,
    )


def team_size(facts: CompanyFacts) -> Check:
    """5-15 sales and customer-success people: where the fractional model shines (seed 001)."""
    source = "seed 001"
    low, high = SHINES_TEAM
    if facts.sales_team is None:
        return Check(
            "team_size",
            Outcome.UNKNOWN,
            "Not checked",
            f"Give --sales-team and --cs-team to check the {low}–{high} people range.",
            source,
        )
    people = facts.sales_team + (facts.cs_team or 0)
    counted = "" if facts.cs_team is not None else " (no --cs-team given: counted as 0)"
    who = f"{people} sales and customer-success people{counted}"
    if low <= people <= high:
        return Check(
            "team_size",
            Outcome.GO,
            "Where the model shines",
            f"{who}: within {low}–{high}, where a team needs process, not hand-holding, and the "
            "fractional model shines.",
            source,
        )
    if people < low:
        return Check(
            "team_size",
            Outcome.CAUTION,
            "A small team",
            f"{who}: fewer than {low}, so expect the CRO to be hands-on rather than to build "
            "process through others.",
            source,
        )
    first, last = HANDOVER_MONTHS
    return Check(
        "team_size",
        Outcome.CAUTION,
        "A large team",
        f"{who}: more than {high}. A fractional CRO can build the system, but a team this size "
        f"needs a full-time VP of Sales or CRO within {first}–{last} months.",
        source,
    )


def crm(facts: CompanyFacts) -> Check:
    """No CRM: the first weeks go to a simple pipeline in the CRM they choose (seed 000)."""
    source = "seeds 000, 001"
    if facts.has_crm is None:
        return Check(
            "crm",
            Outcome.UNKNOWN,
            "Not checked",
            "Give --has-crm yes|no: without a CRM the first weeks go to building a pipeline.",
            source,
        )
    if not facts.has_crm:
        first, last = CRM_SETUP_WEEKS
        return Check(
            "crm",
            Outcome.CAUTION,
            "Pipeline first",
            "No CRM: the first weeks go to a simple pipeline in the CRM you choose (HubSpot or "
            f"Salesforce), about {first}–{last} weeks, started from spreadsheets, invoices and "
            "rep memory. Don't wait for perfect data.",
            source,
        )
    return Check(
        "crm",
        Outcome.GO,
        "CRM in place",
        "A CRM is in place: the audit starts from its data. If fewer than "
        f"{share(CRM_COMPLETENESS_FLOOR)} of required pipeline fields are filled, that is fixed "
        "before chasing targets.",
        source,
    )


RULES = (
    scale_floor,
    paying_customers,
    sales_team,
    annual_churn,
    sweet_spot,
    full_time,
    team_size,
    crm,
)


def assess(facts: CompanyFacts) -> Readiness:
    """Apply every rule and give the recommendation with its headline."""
    checks = tuple(rule(facts) for rule in RULES)
    by_rule = {c.rule: c for c in checks}
    for rule, recommendation in STOPS:
        if by_rule[rule].outcome is Outcome.STOP:
            return Readiness(recommendation, HEADLINES[recommendation], checks)
    headline = HEADLINES[Recommendation.FRACTIONAL_CRO]
    if by_rule["sweet_spot"].outcome is Outcome.GO:
        headline = "A fractional CRO fits: the company is in the fractional sweet spot."
    missing = [c.rule for c in checks if c.outcome is Outcome.UNKNOWN]
    if missing:
        headline = (
            "A fractional CRO can fit; not checked for want of facts: "
            + ", ".join(r.replace("_", " ") for r in missing)
            + "."
        )
    return Readiness(Recommendation.FRACTIONAL_CRO, headline, checks)
