"""The 90-day plan with real dates, the cadence, and the advice's KPI-set notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pulse.advise import CompanyFacts, advise
from pulse.advise.plan import day
from pulse.advise.render_md import render_advice

START = date(2026, 1, 5)


def test_day_one_is_the_start_date() -> None:
    assert day(START, 1) == START
    assert day(START, 30) == date(2026, 2, 3)
    assert day(START, 90) == date(2026, 4, 4)
    assert day(None, 90) is None


def test_phases_reviews_and_lock_have_real_dates() -> None:
    plan = advise(CompanyFacts("martech", start_date=START)).plan
    dated = [(p.name, p.first_day, p.last_day, p.start, p.end) for p in plan.phases]
    assert dated == [
        ("audit", 1, 30, date(2026, 1, 5), date(2026, 2, 3)),
        ("implement", 31, 60, date(2026, 2, 4), date(2026, 3, 5)),
        ("baseline", 61, 90, date(2026, 3, 6), date(2026, 4, 4)),
    ]
    assert [(r.day, r.on) for r in plan.reviews] == [
        (90, date(2026, 4, 4)),
        (180, date(2026, 7, 3)),
    ]
    assert (plan.lock_day, plan.lock_date) == (90, date(2026, 4, 4))
    assert (
        plan.reviews[0]
        .questions[0]
        .startswith("Have at least two leading KPIs improved since the audit? Candidates: ")
    )
    assert plan.reviews[1].questions[0].startswith("Have at least two leading KPIs improved")


def test_plan_dates_in_the_advice_markdown() -> None:
    text = render_advice(advise(CompanyFacts("services", start_date=START)))
    assert "Day 1 is 2026-01-05." in text
    assert "**Days 1–30 (2026-01-05 to 2026-02-03): Audit the current metrics**" in text
    assert "**Days 31–60 (2026-02-04 to 2026-03-05): Implement the KPI set**" in text
    assert "**Days 61–90 (2026-03-06 to 2026-04-04): Baseline and set targets**" in text
    assert "**Review at day 90 (2026-04-04)**" in text
    assert "**Review at day 180 (2026-07-03)**" in text
    assert "The KPI set is locked at day 90 (2026-04-04); later changes are versioned." in text


def test_without_a_start_date_the_plan_starts_today() -> None:
    advice = advise(CompanyFacts("iot"), today=date(2027, 3, 1))
    assert advice.plan.start == date(2027, 3, 1)
    assert advice.plan.lock_date == date(2027, 5, 29)


def test_no_crm_puts_the_pipeline_first_in_the_audit() -> None:
    audit = advise(CompanyFacts("manufacturing", has_crm=False)).plan.phases[0].actions
    assert audit[1] == (
        "No CRM yet: set up a simple pipeline in the CRM you choose (HubSpot or Salesforce) "
        "within about 4–6 weeks, starting from spreadsheets, invoices and rep memory; begin "
        "with estimates and refine."
    )
    with_crm = advise(CompanyFacts("manufacturing", has_crm=True)).plan.phases[0].actions
    assert with_crm[1].startswith("Check the CRM's data")


def test_baseline_phase_sets_the_profiles_targets() -> None:
    advice = advise(CompanyFacts("services", start_date=START))
    baseline = advice.plan.phases[2].actions
    nrr = advice.kpis.line("nrr").name
    assert f"{nrr} (110%, red line below 90%)" in baseline[1]
    assert baseline[-1] == (
        "Set quarterly improvement targets; refine the KPI set until day 90, then lock it "
        "(later changes are versioned)."
    )


def test_cadence_weekly_leading_monthly_lagging_quarterly_strategic() -> None:
    advice = advise(CompanyFacts("services"))
    cadence, kpis = advice.cadence, advice.kpis
    assert "weighted_pipeline_coverage" in cadence.weekly
    assert "nrr" in cadence.monthly
    assert {"revenue_per_billable_head", "top3_concentration"} <= set(cadence.quarterly)
    assert [m.cadence for m in cadence.meetings] == ["weekly", "monthly", "quarterly"]
    assert (
        cadence.meetings[1].title == "Board dashboard: lagging indicators, the one-page dashboard"
    )
    assert sorted(cadence.weekly + cadence.monthly + cadence.quarterly) == sorted(kpis.ids())


def test_high_churn_points_at_the_retention_kpis() -> None:
    kpis = advise(CompanyFacts("martech", annual_churn=Decimal("0.3"))).kpis
    assert (
        "Churn is above 20% a year: read grr, logo_churn_rate, nrr first; new bookings cannot outrun that leak."
        in kpis.notes
    )
