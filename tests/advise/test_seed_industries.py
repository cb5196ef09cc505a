"""For each of the five seed industries, the advice and the playbook name the core KPIs,
targets, red lines and not-owned items that ../shared/MISSION.md ("Industry profiles") gives.

Expected values are copied from MISSION.md by hand. KPI names are read from the catalog (so a
renamed KPI does not break the test); a KPI the catalog does not hold yet (forecast_accuracy
while the forecasting work lands) is checked on the profile's raw threshold instead of its
formatted text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from pulse.advise import CompanyFacts, advise, playbook_for
from pulse.advise.facts import ManufacturingType, Motion, RevenueModel
from pulse.advise.kpiset import KpiLine, KpiSet
from pulse.advise.render_html import playbook_fragment
from pulse.advise.render_md import render_advice, render_playbook
from pulse.catalog.profile_validate import catalog_kpis


@dataclass(frozen=True)
class Expect:
    """One MISSION.md statement about a KPI: its goal, red line and judging window."""

    kpi: str
    goal: str | None = None  # None: MISSION.md says nothing about it; not asserted
    red: str | None = None
    window: str | None = None
    raw: dict[str, Any] | None = None  # checked instead when the KPI is not in the catalog


CORE = {
    "manufacturing": [
        "weighted_pipeline_coverage",
        "lead_to_quote_rate",
        "sales_cycle_days",
        "gross_margin",
        "nrr",
    ],
    "supply_chain_software": [
        "nrr",
        "arr_growth_rate",
        "sales_velocity",
        "cac_payback_months",
        "forecast_accuracy",
        "pipeline_coverage",
    ],
    "services": [
        "nrr",
        "services_gross_margin",
        "revenue_per_billable_head",
        "weighted_pipeline_coverage",
        "sales_cycle_days",
        "quote_to_close_rate",
    ],
    "martech": [
        "sales_velocity",
        "pql_to_paid_rate",
        "forecast_accuracy",
        "nrr",
        "arr",
        "cac_payback_months",
    ],
    "iot": ["net_new_arr", "grr", "acv_per_deployment", "ttfv_days"],
}

TARGETS = {
    "manufacturing": [
        Expect("weighted_pipeline_coverage", "3× (healthy 3×–5×)", "below 3×", "each quarter"),
        Expect("nrr", "110%", "below 100%"),
        Expect("ramp_time_months", "6 months (healthy ≤ 6 months)"),
        Expect(
            "forecast_accuracy",
            "85% (healthy ≥ 85%)",
            "below 85%",
            "rolling 90 days",
            raw={"target": 0.85, "red_below": 0.85, "period": "rolling-90d"},
        ),
        Expect("win_rate", "healthy ≥ 20%", "below 20%"),
    ],
    "supply_chain_software": [
        Expect("nrr", "110%", "below 100%"),
        Expect("pipeline_coverage", "3× (healthy 3×–5×)", "below 3×"),
        Expect("cac_payback_months", red="above 24 months"),
        Expect("win_rate", "healthy ≥ 20%", "below 20%"),
        Expect("sales_cycle_days", red="above 270 days"),
        Expect("crm_completeness", "80% (healthy ≥ 80%)", "below 80%"),
        Expect("logo_churn_rate", "healthy ≤ 20%", "above 20%", "rolling 12 months"),
        Expect(
            "forecast_accuracy",
            "90% (healthy ≥ 90%)",
            "below 90%",
            "rolling 90 days",
            raw={"target": 0.9, "red_below": 0.9, "period": "rolling-90d"},
        ),
    ],
    "services": [
        Expect("nrr", "110%", "below 90%"),
        Expect("services_gross_margin", "40% (healthy 40%–60%)", "below 35%"),
        Expect("weighted_pipeline_coverage", "3× (healthy 3×–5×)", "below 3×", "next quarter"),
        Expect("top3_concentration", "40% (healthy ≤ 40%)", "above 40%"),
    ],
    "martech": [
        Expect("nrr", "110%", "below 100%"),
        Expect("grr", "80% (healthy ≥ 80%)", "below 80%"),
        Expect("cac_payback_months", "14 months (healthy ≤ 18 months)", "above 24 months"),
    ],
    "iot": [
        Expect("net_new_arr", window="rolling 4 quarters"),
        Expect("grr", "90% (healthy ≥ 85%)", "below 80%", "rolling 24 months"),
        Expect("ttfv_days", "60 days (healthy ≤ 60 days)", "above 120 days"),
    ],
}

NOT_OWNED = {
    "manufacturing": [
        ("Production efficiency", "Operations"),
        ("Supply chain", "Operations"),
        ("Rep activity counts", "VP of Sales"),
    ],
    "supply_chain_software": [
        ("Marketing spend", "Marketing"),
        ("Brand metrics", "Marketing"),
    ],
    "services": [("Utilization rate", "Operations"), ("Timesheet compliance", "Operations")],
    "martech": [
        ("MQL volume", "Marketing"),
        ("Website traffic", "Marketing"),
        ("Content engagement", "Marketing"),
    ],
    "iot": [
        ("MQL volume", "Marketing"),
        ("Pipeline generation targets", "Marketing"),
        ("NPS", "Customer success"),
        ("CSAT", "Customer success"),
    ],
}
INDUSTRIES = list(CORE)


def _facts(industry: str) -> CompanyFacts:
    return CompanyFacts(
        industry=industry,
        arr=Decimal(4_000_000),
        revenue=Decimal(8_000_000),
        customers=50,
        sales_team=6,
        cs_team=3,
        annual_churn=Decimal("0.1"),
        has_crm=True,
    )


def _check_line(line: KpiLine, expect: Expect) -> None:
    if not line.in_catalog:
        assert expect.raw is not None, f"{line.id} is not in the catalog and has no raw check"
        assert line.threshold is not None
        for key, value in expect.raw.items():
            assert line.threshold[key] == value, (line.id, key)
        if expect.window is not None:
            assert line.window == expect.window
        return
    for got, wanted in (
        (line.goal, expect.goal),
        (line.red_line, expect.red),
        (line.window, expect.window),
    ):
        if wanted is not None:
            assert got == wanted, (line.id, got, wanted)


def _check_text(text: str, line: KpiLine, expect: Expect) -> None:
    assert line.name in text
    if line.in_catalog:
        for part in (expect.goal, expect.red, expect.window):
            if part:
                assert part in text, (line.id, part)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_advice_names_the_mission_core_targets_and_not_owned(industry: str) -> None:
    advice = advise(_facts(industry))
    kpis: KpiSet = advice.kpis
    assert kpis.ids(core_only=True) == CORE[industry]
    assert len(kpis.core) <= (4 if industry == "iot" else 6)
    text = render_advice(advice)
    for expect in TARGETS[industry]:
        line = kpis.line(expect.kpi)
        _check_line(line, expect)
        _check_text(text, line, expect)
    owned = {(n.label, n.owner_label) for n in kpis.not_owned}
    for item, owner in NOT_OWNED[industry]:
        assert (item, owner) in owned
        assert f"| {item} | {owner} |" in text


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_playbook_names_the_mission_core_targets_and_not_owned(industry: str) -> None:
    playbook = playbook_for(industry)
    text = render_playbook(playbook)
    html = playbook_fragment(playbook)
    assert text.startswith("# What KPIs should a fractional CRO own at ")
    core_table = text.split("## Core KPIs the CRO owns")[1].split("##")[0]
    for kpi_id in CORE[industry]:
        assert f"(`{kpi_id}`)" in core_table
        assert f"<code>{kpi_id}</code>" in html
    for expect in TARGETS[industry]:
        line = playbook.kpis.line(expect.kpi)
        _check_line(line, expect)
        _check_text(text, line, expect)
        _check_text(html, line, expect)
    direct = " ".join(playbook.direct_answer)
    for kpi_id in CORE[industry]:
        assert playbook.kpis.line(kpi_id).name in direct
    for item, owner in NOT_OWNED[industry]:
        assert f"| {item} | {owner} |" in text
        assert f"<td>{item}</td><td>{owner}</td>" in html


def test_iot_keeps_four_and_reviews_monthly_not_weekly() -> None:
    playbook = playbook_for("iot")
    assert playbook.kpis.max_core == 4
    assert "Core KPIs the CRO owns (at most 4)" in render_playbook(playbook)
    assert playbook.cadence.weekly == ()
    (monthly, quarterly) = playbook.cadence.meetings
    assert monthly.title == (
        "Board-style KPI review of the whole set, instead of a weekly pipeline call"
    )
    assert quarterly.cadence == "quarterly"
    supporting = playbook.kpis.ids()
    assert "connected_not_transacting" in supporting and "pilot_conversion_rate" in supporting


def test_manufacturing_stage_probabilities_are_the_seeds() -> None:
    text = render_playbook(playbook_for("manufacturing"))
    for number, (stage, probability) in enumerate(
        [
            ("initial inquiry", "5%"),
            ("technical review", "15%"),
            ("site visit completed", "30%"),
            ("proposal sent", "50%"),
            ("final negotiation", "75%"),
            ("verbal commitment", "90%"),
        ],
        start=1,
    ):
        assert f"| {number} | {stage} | {probability} |" in text


def test_manufacturing_splits_and_discrete_vs_process() -> None:
    kpis = catalog_kpis()
    text = render_playbook(playbook_for("manufacturing"))
    assert "Split by product line, region." in text  # cycle length by product line and region
    assert "Split by segment, product line." in text  # gross margin by segment and product line
    assert "Split by source." in text  # lead-to-quote by source
    discrete = advise(
        CompanyFacts("manufacturing", manufacturing=ManufacturingType.DISCRETE)
    ).kpis.ids(core_only=True)
    process = advise(
        CompanyFacts("manufacturing", manufacturing=ManufacturingType.PROCESS)
    ).kpis.ids(core_only=True)
    assert discrete[:2] == ["weighted_pipeline_coverage", "sales_cycle_days"]
    assert process[:2] == ["lead_to_quote_rate", "gross_margin"]
    assert sorted(discrete) == sorted(process) == sorted(CORE["manufacturing"])
    assert kpis["weighted_pipeline_coverage"].name in text


@pytest.mark.parametrize(
    ("model", "first"),
    [
        (RevenueModel.RETAINER, ["nrr", "services_gross_margin"]),
        (RevenueModel.PROJECT, ["weighted_pipeline_coverage", "revenue_per_billable_head"]),
        (RevenueModel.OUTCOME, ["outcome_contract_margin", "services_gross_margin"]),
    ],
)
def test_services_revenue_model_picks_the_focus(model: RevenueModel, first: list[str]) -> None:
    advice = advise(CompanyFacts("services", revenue_model=model))
    core = advice.kpis.ids(core_only=True)
    assert core[:2] == first
    assert len(core) <= 6
    assert advice.kpis.variant == model.value
    assert advice.kpis.notes[0].startswith(f"Variant '{model.value}' applied: ")


def test_services_dashboard_sections_and_first_meeting_cycle() -> None:
    playbook = playbook_for("services")
    text = render_playbook(playbook)
    name = playbook.kpis.line
    leading = ", ".join(
        name(k).name
        for k in ("weighted_pipeline_coverage", "new_opportunities", "quote_to_close_rate")
    )
    lagging = ", ".join(name(k).name for k in ("bookings", "nrr", "services_gross_margin"))
    health = ", ".join(name(k).name for k in ("client_churn_rate", "average_deal_size", "dso"))
    assert f"- **Leading**: {leading}" in text
    assert f"- **Lagging**: {lagging}" in text
    assert f"- **Health**: {health}" in text
    assert "Counted from the first meeting to the signature." in text


@pytest.mark.parametrize(
    ("motion", "nrr", "grr", "in_core", "out_of_core"),
    [
        (Motion.PLG, "110%", "80% (healthy ≥ 80%)", "pql_to_paid_rate", None),
        (Motion.SALES_LED, "120%", "90% (healthy ≥ 90%)", "pipeline_coverage", "pql_to_paid_rate"),
    ],
)
def test_martech_targets_depend_on_motion(
    motion: Motion, nrr: str, grr: str, in_core: str, out_of_core: str | None
) -> None:
    kpis = advise(CompanyFacts("martech", motion=motion)).kpis
    assert kpis.line("nrr").goal == nrr
    assert kpis.line("grr").goal == grr
    assert kpis.line("grr").red_line == "below 80%"
    assert in_core in kpis.ids(core_only=True)
    if out_of_core:
        assert out_of_core not in kpis.ids(core_only=True)
        assert out_of_core in kpis.ids()
    text = render_playbook(playbook_for("martech"))
    assert "- **plg**: Product-led: GRR 80% or more and NRR 110% or more" in text
    assert "- **sales-led**: Sales-led: GRR 90% or more and NRR 120% or more" in text


def test_a_fact_the_profile_does_not_vary_by_is_noted() -> None:
    kpis = advise(CompanyFacts("iot", motion=Motion.PLG)).kpis
    assert kpis.variant is None
    assert "--motion plg is not used: the IoT profile has no variants." in kpis.notes
    kpis = advise(CompanyFacts("martech")).kpis
    assert kpis.notes[0] == (
        "Targets depend on the sales motion: give --motion (plg|sales_led|hybrid) to adjust "
        "them; the profile's base targets apply."
    )
