"""The cost comparison against hand-computed cases, including the seeds' own ranges.

Seeds (002's comparison): fractional CRO $8k-$25k a month for 5-15 days; full-time VP of
Sales $25k-$45k a month plus benefits and equity; package 70-90% cash, 10-30% equity.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from pulse.advise.cost import Span, compare, fractional_monthly
from pulse.advise.facts import AdviceError, Engagement
from pulse.advise.kpiset import build_kpi_set
from pulse.catalog.profile_validate import catalog_kpis
from pulse.catalog.profiles import load_profile

D = Decimal


def kpiset(profile: str = "services"):  # type: ignore[no-untyped-def]
    return build_kpi_set(load_profile(profile), catalog_kpis())


def span(low: int | str, high: int | str | None = None) -> Span:
    return Span(D(low), D(high if high is not None else low))


def test_the_seeds_ranges_when_nothing_is_given() -> None:
    cost = compare(Engagement(), kpiset())
    # Fractional: $8,000-$25,000 a month, ×12 = $96,000-$300,000.
    assert cost.fractional.monthly == span(8000, 25000)
    assert cost.fractional.annual == span(96000, 300000)
    assert cost.fractional.basis == "the seeds' range: $8,000–$25,000 a month for 5–15 days"
    # VP: $25,000-$45,000 salary, 25% benefits = $6,250-$11,250, total $31,250-$56,250.
    assert cost.vp_salary.monthly == span(25000, 45000)
    assert cost.vp_benefits.monthly == span(6250, 11250)
    assert cost.vp_total.monthly == span(31250, 56250)
    assert cost.vp_total.annual == span(375000, 675000)
    # Saving, widest range: 31,250 − 25,000 = 6,250 up to 56,250 − 8,000 = 48,250.
    assert cost.saving.monthly == span(6250, 48250)
    assert cost.saving.annual == span(75000, 579000)
    # Share: 8,000 ÷ 56,250 = 14.2% up to 25,000 ÷ 31,250 = 80%.
    assert cost.fractional_share_of_vp.share() == "14.2%–80%"
    # Package: cash 70-90%, equity 10-30%.
    split = cost.split
    assert split.cash_share == span("0.70", "0.90")
    assert split.equity_share == span("0.10", "0.30")
    assert split.cash.monthly == span(5600, 22500)  # 8,000 × 70%, 25,000 × 90%
    assert split.equity.monthly == span(800, 7500)  # 8,000 × 10%, 25,000 × 30%
    assert split.equity.annual == span(9600, 90000)
    assert cost.notes == (
        "The VP of Sales' equity grant is not priced (give --vp-equity for its yearly value), "
        "so the full-time cost is understated.",
    )


def test_day_rate_and_days_against_a_priced_vp() -> None:
    terms = Engagement(
        days_per_month=D(10),
        day_rate=D(1800),
        equity_share=D("0.20"),
        benefits_load=D("0.30"),
        vp_monthly=D(30000),
        vp_equity_annual=D(60000),
    )
    cost = compare(terms, kpiset("services"))
    assert cost.fractional.monthly == span(18000)  # 1,800 × 10
    assert cost.fractional.annual == span(216000)
    assert cost.fractional.basis == "$1,800 a day × 10 days a month"
    assert cost.vp_benefits.monthly == span(9000)  # 30,000 × 30%
    assert cost.vp_equity is not None and cost.vp_equity.monthly == span(5000)  # 60,000 ÷ 12
    assert cost.vp_total.monthly == span(44000)
    assert cost.vp_total.annual == span(528000)
    assert cost.saving.monthly == span(26000)
    assert cost.saving.annual == span(312000)
    assert cost.fractional_share_of_vp.share() == "40.9%"  # 18,000 ÷ 44,000
    split = cost.split
    assert split.cash_share == span("0.80")
    assert split.cash.monthly == span(14400)
    assert split.cash.annual == span(172800)
    assert split.equity.annual == span(43200)
    assert cost.notes == ()


def test_equity_vests_on_the_core_kpis() -> None:
    kpis = kpiset("services")
    cost = compare(Engagement(retainer=D(12000), equity_share=D("0.25")), kpis)
    milestones = cost.split.milestones
    assert [m.kpi_id for m in milestones] == [k.id for k in kpis.core]
    # Equity: 12,000 × 25% × 12 = 36,000 a year, in six equal tranches of 6,000.
    assert cost.split.equity.annual == span(36000)
    assert {m.annual_value for m in milestones} == {span(6000)}
    assert sum(m.tranche for m in milestones) == pytest.approx(1)
    by_id = {m.kpi_id: m.condition for m in milestones}
    nrr = kpis.line("nrr").name
    assert by_id["nrr"] == f"{nrr} reaches its target of 110%"
    coverage = kpis.line("weighted_pipeline_coverage").name
    assert by_id["weighted_pipeline_coverage"] == (
        f"{coverage} reaches its target of 3×, measured over next quarter"
    )
    head = kpis.line("revenue_per_billable_head").name
    assert by_id["revenue_per_billable_head"] == f"{head} beats its day-90 baseline"


@pytest.mark.parametrize(
    ("days", "monthly"),
    [
        (D(5), D(8000)),  # the seeds' low end
        (D(10), D(16500)),  # 8,000 + 5 × 1,700
        (D(15), D(25000)),  # the seeds' high end
    ],
)
def test_days_only_reads_the_seed_range_straight_line(days: Decimal, monthly: Decimal) -> None:
    fee, basis, notes = fractional_monthly(Engagement(days_per_month=days))
    assert fee == Span.of(monthly)
    assert basis.startswith(f"estimated for {days} days a month from the seeds' range")
    assert notes == []


def test_day_rate_without_days_spans_5_to_15_days() -> None:
    fee, basis, _ = fractional_monthly(Engagement(day_rate=D(1600)))
    assert fee == span(8000, 24000)
    assert basis == "$1,600 a day × 5–15 days a month"


def test_terms_outside_the_seeds_ranges_are_noted() -> None:
    fee, _, notes = fractional_monthly(Engagement(days_per_month=D(20), day_rate=D(1500)))
    assert fee == span(30000)
    assert notes == [
        "20 days a month is outside the seeds' 5–15 days.",
        "$30,000 a month is outside the seeds' $8,000–$25,000 a month for 5–15 days.",
    ]
    cost = compare(Engagement(retainer=D(10000), equity_share=D("0.35")), kpiset())
    assert "An equity share of 35% is outside the seeds' 10%–30%." in cost.notes


def test_retainer_and_day_rate_together_are_refused() -> None:
    with pytest.raises(AdviceError, match="--day-rate and --retainer were both given"):
        Engagement(day_rate=D(1000), retainer=D(10000))


def test_cents_round_half_up() -> None:
    # 1,666.665 a day × 1 day: the fee keeps its cents, rounded half up.
    cost = compare(Engagement(day_rate=D("1666.665"), days_per_month=D(1)), kpiset())
    assert cost.fractional.monthly == span("1666.67")
    assert cost.fractional.monthly.money() == "$1,666.67"
