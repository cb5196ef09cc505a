"""Every readiness rule at, and either side of, its boundary, with the reason text asserted.

The lines are the seeds' (``pulse.advise.seedrules``): $500K ARR, 10 paying customers, a sales
team of 3, 20% annual churn, $2M-$15M ARR (software), revenue above $5M (services), $15M for a
full-time CRO, 5-15 sales and customer-success people, and a CRM.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pulse.advise.facts import CompanyFacts
from pulse.advise.readiness import (
    HEADLINES,
    Outcome,
    Recommendation,
    annual_churn,
    assess,
    crm,
    full_time,
    paying_customers,
    sales_team,
    scale_floor,
    sweet_spot,
    team_size,
)

D = Decimal
# A company every rule is happy with; each test changes one fact.
FIT = {
    "arr": D(4_000_000),
    "customers": 40,
    "sales_team": 5,
    "cs_team": 3,
    "annual_churn": D("0.10"),
    "has_crm": True,
}


def facts(industry: str = "martech", **changes: object) -> CompanyFacts:
    return CompanyFacts(industry=industry, **{**FIT, **changes})  # type: ignore[arg-type]


# -- below about $500K ARR: founder-led sales first ------------------------------------------
@pytest.mark.parametrize(
    ("arr", "outcome", "reason"),
    [
        (
            D(499_999),
            Outcome.STOP,
            "ARR of $499,999 is below about $500,000: a fractional CRO is premature before there "
            "is a repeatable sales motion. Keep founder-led sales, perhaps with a part-time sales "
            "advisor.",
        ),
        (
            D(500_000),
            Outcome.GO,
            "ARR of $500,000 is at or above the $500,000 line where a fractional CRO starts to "
            "pay off.",
        ),
        (
            D(500_001),
            Outcome.GO,
            "ARR of $500,001 is at or above the $500,000 line where a fractional CRO starts to "
            "pay off.",
        ),
    ],
)
def test_scale_floor(arr: Decimal, outcome: Outcome, reason: str) -> None:
    check = scale_floor(facts(arr=arr))
    assert (check.outcome, check.reason) == (outcome, reason)
    assert check.source == "seed 004"


def test_scale_floor_reads_revenue_for_services_and_manufacturing() -> None:
    check = scale_floor(facts("services", arr=None, revenue=D(450_000)))
    assert check.outcome is Outcome.STOP
    assert check.reason.startswith("Revenue of $450,000 is below about $500,000")
    # ARR given too: services still judge their size by revenue.
    check = scale_floor(facts("manufacturing", arr=D(100_000), revenue=D(9_000_000)))
    assert check.outcome is Outcome.GO
    assert check.reason.startswith("Revenue of $9,000,000 is at or above")


def test_scale_floor_unknown_without_a_size() -> None:
    check = scale_floor(facts(arr=None))
    assert check.outcome is Outcome.UNKNOWN
    assert check.reason == "Give --arr or --revenue to check the $500,000 floor."


def test_founder_led_recommendation_says_why() -> None:
    result = assess(facts(arr=D(499_999)))
    assert result.recommendation is Recommendation.FOUNDER_LED_SALES
    assert result.headline == "Not yet: founder-led sales first."
    assert result.check("scale_floor").verdict == "Founder-led sales first"


# -- fewer than 10 paying customers: founder-led sales first ---------------------------------
@pytest.mark.parametrize(
    ("customers", "outcome", "reason"),
    [
        (
            9,
            Outcome.STOP,
            "9 paying customers is fewer than 10: the founder still has to find what sells and "
            "to whom before a CRO can scale it.",
        ),
        (
            10,
            Outcome.GO,
            "10 paying customers is at least 10: there is a base to build a repeatable motion on.",
        ),
        (
            11,
            Outcome.GO,
            "11 paying customers is at least 10: there is a base to build a repeatable motion on.",
        ),
    ],
)
def test_paying_customers(customers: int, outcome: Outcome, reason: str) -> None:
    check = paying_customers(facts(customers=customers))
    assert (check.outcome, check.reason) == (outcome, reason)
    expected = (
        Recommendation.FOUNDER_LED_SALES
        if outcome is Outcome.STOP
        else Recommendation.FRACTIONAL_CRO
    )
    assert assess(facts(customers=customers)).recommendation is expected


# -- a sales team under 3: a fractional VP of Sales --------------------------------------------
@pytest.mark.parametrize(
    ("people", "outcome", "reason"),
    [
        (
            2,
            Outcome.STOP,
            "A sales team of 2 is under 3 people: a CRO would become a player-coach, which is "
            "inefficient. Hire a senior sales rep or a fractional VP of Sales who can carry a bag.",
        ),
        (
            3,
            Outcome.GO,
            "A sales team of 3 is at least 3 people: there is a team for a CRO to lead rather "
            "than a bag to carry.",
        ),
        (
            4,
            Outcome.GO,
            "A sales team of 4 is at least 3 people: there is a team for a CRO to lead rather "
            "than a bag to carry.",
        ),
    ],
)
def test_sales_team(people: int, outcome: Outcome, reason: str) -> None:
    check = sales_team(facts(sales_team=people))
    assert (check.outcome, check.reason) == (outcome, reason)
    result = assess(facts(sales_team=people))
    if outcome is Outcome.STOP:
        assert result.recommendation is Recommendation.FRACTIONAL_VP_SALES
        assert result.headline == (
            "A fractional VP of Sales (or a senior rep who carries a bag) rather than a CRO."
        )
    else:
        assert result.recommendation is Recommendation.FRACTIONAL_CRO


# -- churn above 20% a year: fix product or implementation first ------------------------------
@pytest.mark.parametrize(
    ("churn", "outcome", "reason"),
    [
        (
            D("0.19"),
            Outcome.GO,
            "Churn of 19% a year is within 20%: retention does not block growth work.",
        ),
        (
            D("0.20"),
            Outcome.GO,
            "Churn of 20% a year is within 20%: retention does not block growth work.",
        ),
        (
            D("0.21"),
            Outcome.STOP,
            "Churn of 21% a year is above 20%: the problem is the product or the implementation, "
            "not sales leadership. A fractional CRO can diagnose it but cannot fix it alone.",
        ),
    ],
)
def test_annual_churn(churn: Decimal, outcome: Outcome, reason: str) -> None:
    check = annual_churn(facts(annual_churn=churn))
    assert (check.outcome, check.reason) == (outcome, reason)
    result = assess(facts(annual_churn=churn))
    if outcome is Outcome.STOP:
        assert result.recommendation is Recommendation.FIX_PRODUCT_FIRST
        assert result.headline == "Not yet: fix the product or the implementation first."


def test_churn_just_above_the_line_by_a_hair() -> None:
    assert annual_churn(facts(annual_churn=D("0.2001"))).outcome is Outcome.STOP


# -- $2M-$15M ARR: the software sweet spot (martech) --------------------------------------------
BAND = "the $2,000,000–$15,000,000 band"


@pytest.mark.parametrize(
    ("arr", "outcome", "reason"),
    [
        (
            D(1_999_999),
            Outcome.CAUTION,
            f"ARR of $1,999,999 is below {BAND}: a fractional CRO can work, but expect more "
            "hands-on selling and process building than strategy.",
        ),
        (
            D(2_000_000),
            Outcome.GO,
            f"ARR of $2,000,000 is in {BAND}: a founder-led motion that needs professionalizing, "
            "without the need (or budget) for a full-time CRO yet.",
        ),
        (
            D(2_000_001),
            Outcome.GO,
            f"ARR of $2,000,001 is in {BAND}: a founder-led motion that needs professionalizing, "
            "without the need (or budget) for a full-time CRO yet.",
        ),
        (
            D(14_999_999),
            Outcome.GO,
            f"ARR of $14,999,999 is in {BAND}: a founder-led motion that needs professionalizing, "
            "without the need (or budget) for a full-time CRO yet.",
        ),
        (
            D(15_000_000),
            Outcome.GO,
            f"ARR of $15,000,000 is in {BAND}: a founder-led motion that needs professionalizing, "
            "without the need (or budget) for a full-time CRO yet.",
        ),
        (D(15_000_001), Outcome.CAUTION, f"ARR of $15,000,001 is above {BAND}."),
    ],
)
def test_martech_sweet_spot(arr: Decimal, outcome: Outcome, reason: str) -> None:
    check = sweet_spot(facts("martech", arr=arr))
    assert (check.outcome, check.reason, check.source) == (outcome, reason, "seed 003")


def test_sweet_spot_headline() -> None:
    assert assess(facts(arr=D(2_000_000))).headline == (
        "A fractional CRO fits: the company is in the fractional sweet spot."
    )
    assert assess(facts(arr=D(1_999_999))).headline == HEADLINES[Recommendation.FRACTIONAL_CRO]


# -- revenue above $5M: the services sweet spot -------------------------------------------------
@pytest.mark.parametrize(
    ("revenue", "outcome", "reason"),
    [
        (
            D(4_999_999),
            Outcome.CAUTION,
            "Revenue of $4,999,999 is not above $5,000,000: in seed 002's decision flow the "
            "founder still owns the revenue KPIs. A fractional CRO can still fit from about "
            "$1,000,000 if the founder needs the time back.",
        ),
        (
            D(5_000_000),
            Outcome.CAUTION,
            "Revenue of $5,000,000 is not above $5,000,000: in seed 002's decision flow the "
            "founder still owns the revenue KPIs. A fractional CRO can still fit from about "
            "$1,000,000 if the founder needs the time back.",
        ),
        (
            D(5_000_001),
            Outcome.GO,
            "Revenue of $5,000,001 is above $5,000,000: where seed 002's decision flow hires a "
            "fractional CRO.",
        ),
    ],
)
def test_services_sweet_spot(revenue: Decimal, outcome: Outcome, reason: str) -> None:
    check = sweet_spot(facts("services", arr=None, revenue=revenue))
    assert (check.outcome, check.reason, check.source) == (outcome, reason, "seed 002")


def test_sweet_spot_is_not_invented_for_other_industries() -> None:
    check = sweet_spot(facts("iot"))
    assert check.outcome is Outcome.INFO
    assert check.reason == (
        "The seeds give no size band for the fractional sweet spot in iot; the floor, team "
        "size and churn decide."
    )


# -- beyond about $15M ARR: a full-time CRO -------------------------------------------------------
FULL = (
    "ARR of $15,000,001 is beyond about $15,000,000: a company this size, usually with several "
    "sales teams (SMB, mid-market, enterprise), needs a dedicated executive to own the revenue "
    "function."
)


@pytest.mark.parametrize(
    ("arr", "outcome", "reason"),
    [
        (
            D(14_999_999),
            Outcome.GO,
            "ARR of $14,999,999 is within about $15,000,000: a full-time CRO is not needed yet.",
        ),
        (
            D(15_000_000),
            Outcome.GO,
            "ARR of $15,000,000 is within about $15,000,000: a full-time CRO is not needed yet.",
        ),
        (D(15_000_001), Outcome.STOP, FULL),
    ],
)
def test_full_time(arr: Decimal, outcome: Outcome, reason: str) -> None:
    check = full_time(facts(arr=arr))
    assert (check.outcome, check.reason) == (outcome, reason)
    result = assess(facts(arr=arr))
    if outcome is Outcome.STOP:
        assert result.recommendation is Recommendation.FULL_TIME_CRO
        assert result.headline == "Hire a full-time CRO rather than a fractional one."


def test_full_time_applies_to_services_revenue_not_manufacturing_revenue() -> None:
    services = full_time(facts("services", arr=None, revenue=D(15_000_001)))
    assert services.outcome is Outcome.STOP
    assert services.reason.startswith("Revenue of $15,000,001 is beyond about $15,000,000")
    made = full_time(facts("manufacturing", arr=None, revenue=D(40_000_000)))
    assert made.outcome is Outcome.INFO
    assert made.reason == (
        "The seeds set the $15,000,000 ceiling on ARR (and services revenue), not on "
        "manufacturing revenue; give --arr for the recurring part."
    )


# -- 5-15 sales and customer-success people: where the model shines ----------------------------
@pytest.mark.parametrize(
    ("sales", "cs", "outcome", "reason"),
    [
        (
            3,
            1,
            Outcome.CAUTION,
            "4 sales and customer-success people: fewer than 5, so expect the CRO to be "
            "hands-on rather than to build process through others.",
        ),
        (
            3,
            2,
            Outcome.GO,
            "5 sales and customer-success people: within 5–15, where a team needs process, not "
            "hand-holding, and the fractional model shines.",
        ),
        (
            4,
            2,
            Outcome.GO,
            "6 sales and customer-success people: within 5–15, where a team needs process, not "
            "hand-holding, and the fractional model shines.",
        ),
        (
            10,
            4,
            Outcome.GO,
            "14 sales and customer-success people: within 5–15, where a team needs process, not "
            "hand-holding, and the fractional model shines.",
        ),
        (
            10,
            5,
            Outcome.GO,
            "15 sales and customer-success people: within 5–15, where a team needs process, not "
            "hand-holding, and the fractional model shines.",
        ),
        (
            10,
            6,
            Outcome.CAUTION,
            "16 sales and customer-success people: more than 15. A fractional CRO can build the "
            "system, but a team this size needs a full-time VP of Sales or CRO within 12–18 "
            "months.",
        ),
    ],
)
def test_team_size(sales: int, cs: int, outcome: Outcome, reason: str) -> None:
    check = team_size(facts(sales_team=sales, cs_team=cs))
    assert (check.outcome, check.reason) == (outcome, reason)


def test_team_size_says_when_cs_team_was_not_given() -> None:
    check = team_size(facts(sales_team=6, cs_team=None))
    assert check.reason.startswith(
        "6 sales and customer-success people (no --cs-team given: counted as 0): within 5–15"
    )


# -- no CRM: the first weeks go to a simple pipeline --------------------------------------------
def test_no_crm() -> None:
    check = crm(facts(has_crm=False))
    assert check.outcome is Outcome.CAUTION
    assert check.reason == (
        "No CRM: the first weeks go to a simple pipeline in the CRM you choose (HubSpot or "
        "Salesforce), about 4–6 weeks, started from spreadsheets, invoices and rep memory. "
        "Don't wait for perfect data."
    )
    assert assess(facts(has_crm=False)).recommendation is Recommendation.FRACTIONAL_CRO


def test_crm_in_place() -> None:
    check = crm(facts(has_crm=True))
    assert check.outcome is Outcome.GO
    assert check.reason == (
        "A CRM is in place: the audit starts from its data. If fewer than 80% of required "
        "pipeline fields are filled, that is fixed before chasing targets."
    )


# -- priority and missing facts -------------------------------------------------------------------
def test_the_first_stop_in_priority_order_wins_and_every_check_is_kept() -> None:
    result = assess(facts(arr=D(300_000), annual_churn=D("0.30"), sales_team=1))
    assert result.recommendation is Recommendation.FOUNDER_LED_SALES
    stops = [c.rule for c in result.checks if c.outcome is Outcome.STOP]
    assert stops == ["scale_floor", "sales_team", "annual_churn"]


def test_missing_facts_are_named_not_guessed() -> None:
    result = assess(CompanyFacts(industry="martech"))
    assert result.recommendation is Recommendation.FRACTIONAL_CRO
    assert result.headline == (
        "A fractional CRO can fit; not checked for want of facts: scale floor, paying "
        "customers, sales team, annual churn, sweet spot, full time, team size, crm."
    )
