"""The shipped industry profiles against MISSION.md and the seeds, and the profile validator.

Each MISSION.md statement about a profile has its own assertion. The validator tests build
small KPI catalogs and profile files here, so every rule is pinned by its exact message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from pulse.catalog.models import KPI, Category, Profile, Threshold
from pulse.catalog.profile_validate import (
    WARNING,
    catalog_kpis,
    check_profile,
    errors_only,
    validate_profile,
)
from pulse.catalog.profiles import PROFILES_DIR, load_profile, parse_profile, profile_paths
from pulse.catalog.yamlio import load_yaml
from pulse.errors import CatalogError, UnknownNameError

# The KPI catalog ids, copied once from ../shared/MISSION.md ("The KPI catalog").
MISSION_IDS = frozenset(
    [
        "pipeline_coverage",
        "weighted_pipeline_coverage",
        "new_opportunities",
        "lead_to_quote_rate",
        "lead_to_opportunity_rate",
        "quote_to_close_rate",
        "win_rate",
        "sales_cycle_days",
        "sales_velocity",
        "forecast_accuracy",
        "pql_to_paid_rate",
        "self_serve_upgrade_rate",
        "activation_velocity_days",
        "cost_per_qualified_meeting",
        "pipeline_by_source",
        "arr",
        "arr_bridge",
        "arr_growth_rate",
        "net_new_arr",
        "nrr",
        "grr",
        "logo_churn_rate",
        "time_to_expansion_days",
        "revenue_by_module",
        "service_attach_rate",
        "bookings",
        "top3_concentration",
        "gross_margin",
        "services_gross_margin",
        "outcome_contract_margin",
        "average_discount",
        "discount_frequency",
        "quote_accuracy",
        "gross_profit",
        "cac",
        "cac_payback_months",
        "magic_number",
        "quota_attainment_distribution",
        "ramp_time_months",
        "revenue_per_rep",
        "coaching_frequency",
        "revenue_per_billable_head",
        "revenue_per_engagement_hour",
        "average_deal_size",
        "acv_per_deployment",
        "pilot_conversion_rate",
        "ttfv_days",
        "connected_not_transacting",
        "customer_health_score",
        "dso",
        "client_churn_rate",
        "crm_completeness",
        "data_quality_score",
    ]
)
PROFILE_IDS = ("manufacturing", "supply_chain_software", "services", "martech", "iot", "b2b_saas")


def profile(profile_id: str) -> Profile:
    return load_profile(profile_id)


def band(profile_id: str, kpi_id: str) -> Threshold:
    return profile(profile_id).thresholds[kpi_id]


def every_kpi_reference(p: Profile) -> Iterator[tuple[str, str]]:
    """(field, KPI id) for every place a profile names a KPI."""
    yield from (("core", k) for k in p.core)
    yield from (("supporting", k) for k in p.supporting)
    yield from (("thresholds", k) for k in p.thresholds)
    yield from (("required_splits", k) for k in p.required_splits)
    yield from (("cadence", k) for k in p.cadence)
    for section, ids in p.dashboard.items():
        yield from ((f"dashboard.{section.value}", k) for k in ids)
    for name, variant in p.variants.items():
        yield from ((f"variants.{name}.focus", k) for k in variant.focus)
        yield from ((f"variants.{name}.thresholds", k) for k in variant.thresholds)


# -- the shipped set ---------------------------------------------------------------------------
def test_the_six_profiles_ship_with_the_mission_ids() -> None:
    assert len(MISSION_IDS) == 53
    assert set(profile_paths()) == set(PROFILE_IDS)
    for profile_id in PROFILE_IDS:
        assert profile(profile_id).id == profile_id


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_kpi_id_is_a_mission_catalog_id(profile_id: str) -> None:
    unknown = [(f, k) for f, k in every_kpi_reference(profile(profile_id)) if k not in MISSION_IDS]
    assert unknown == []


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_core_is_at_most_six_and_within_max_core(profile_id: str) -> None:
    p = profile(profile_id)
    assert p.max_core <= 6
    assert 1 <= len(p.core) <= p.max_core


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_kpi_has_a_cadence_and_stages_have_probabilities(profile_id: str) -> None:
    p = profile(profile_id)
    assert set(p.cadence) == set(p.kpis)
    assert list(p.stage_probabilities) == p.stages
    assert all(0 < v < 1 for v in p.stage_probabilities.values())
    values = [p.stage_probabilities[s] for s in p.stages]
    assert values == sorted(values), "probabilities rise along the stages"


@pytest.mark.parametrize(
    ("profile_id", "seed"),
    [
        ("manufacturing", "seed 000"),
        ("supply_chain_software", "seed 001"),
        ("services", "seed 002"),
        ("martech", "seed 003"),
        ("iot", "seed 004"),
        ("b2b_saas", "MISSION.md"),
    ],
)
def test_sources_name_the_seed(profile_id: str, seed: str) -> None:
    assert any(s.startswith(seed) for s in profile(profile_id).sources)


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_file_style_key_order_indent_and_quotes(profile_id: str) -> None:
    path = PROFILES_DIR / f"{profile_id}.yml"
    text = path.read_text(encoding="utf-8")
    keys = list(yaml.safe_load(text))
    order = list(Profile.model_fields)
    assert keys == sorted(keys, key=order.index), "top-level keys follow the Profile field order"
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" "))
        assert indent % 2 == 0, f"{path.name}:{number}: indent by 2 spaces"
        assert "\t" not in line, f"{path.name}:{number}: no tabs"
        assert not re.search(r"(^|[\s\[{,:])'", line.split("#")[0]), (
            f"{path.name}:{number}: quote with double quotes"
        )


def test_shipped_profiles_validate_against_the_catalog() -> None:
    """Clean against the real catalog, apart from MISSION KPIs the catalog does not declare yet."""
    kpis = catalog_kpis()
    pending = MISSION_IDS - set(kpis)
    paths = profile_paths()
    problems = []
    for profile_id in PROFILE_IDS:
        for issue in validate_profile(profile(profile_id), kpis, paths[profile_id]):
            match = re.search(r"unknown KPI '([a-z0-9_]+)'", issue.message)
            if match and match.group(1) in pending:
                continue
            problems.append(str(issue))
    assert problems == []


# -- manufacturing (seed 000) ------------------------------------------------------------------
def test_manufacturing_stage_probabilities_are_the_seeds() -> None:
    p = profile("manufacturing")
    assert p.stages == [
        "initial inquiry",
        "technical review",
        "site visit completed",
        "proposal sent",
        "final negotiation",
        "verbal commitment",
    ]
    assert p.stage_probabilities == {
        "initial inquiry": 0.05,
        "technical review": 0.15,
        "site visit completed": 0.30,
        "proposal sent": 0.50,
        "final negotiation": 0.75,
        "verbal commitment": 0.90,
    }


def test_manufacturing_core_is_the_seeds_five() -> None:
    assert profile("manufacturing").core == [
        "weighted_pipeline_coverage",
        "lead_to_quote_rate",
        "sales_cycle_days",
        "gross_margin",
        "nrr",
    ]


def test_manufacturing_weighted_coverage_three_to_five_times_quarterly_quota() -> None:
    t = band("manufacturing", "weighted_pipeline_coverage")
    assert (t.healthy, t.red_below, t.period) == ((3.0, 5.0), 3.0, "quarter")


def test_manufacturing_lead_to_quote_by_source() -> None:
    assert profile("manufacturing").required_splits["lead_to_quote_rate"] == ["source"]


def test_manufacturing_cycle_by_product_line_and_region() -> None:
    assert profile("manufacturing").required_splits["sales_cycle_days"] == [
        "product_line",
        "region",
    ]
    assert band("manufacturing", "sales_cycle_days").red_above is None, "no blended red line"


def test_manufacturing_gross_margin_by_segment_and_product_line() -> None:
    assert profile("manufacturing").required_splits["gross_margin"] == ["segment", "product_line"]


def test_manufacturing_nrr_below_100_shrinking_above_110_healthy() -> None:
    t = band("manufacturing", "nrr")
    assert (t.target, t.red_below) == (1.10, 1.00)
    assert profile("manufacturing").required_splits["nrr"] == ["stream"]


def test_manufacturing_forecast_accuracy_15_percent_over_rolling_90_days() -> None:
    t = band("manufacturing", "forecast_accuracy")
    assert (t.target, t.red_below, t.period) == (0.85, 0.85, "rolling-90d")


def test_manufacturing_discounts_by_deal_size_and_rep_win_rate_by_rep() -> None:
    splits = profile("manufacturing").required_splits
    assert splits["average_discount"] == ["deal_size_band"]
    assert splits["discount_frequency"] == ["owner_id"]
    assert splits["win_rate"] == ["owner_id"]


def test_manufacturing_ramp_time_four_to_six_months() -> None:
    t = band("manufacturing", "ramp_time_months")
    assert (t.target, t.healthy) == (6, (0, 6))


def test_manufacturing_supporting_kpis() -> None:
    assert set(profile("manufacturing").supporting) >= {
        "service_attach_rate",
        "forecast_accuracy",
        "average_discount",
        "discount_frequency",
        "quote_to_close_rate",
        "quote_accuracy",
        "ramp_time_months",
        "win_rate",
        "coaching_frequency",
    }


def test_manufacturing_not_owned_production_supply_chain_rep_activity() -> None:
    assert profile("manufacturing").not_owned == {
        "production_efficiency": "operations",
        "supply_chain": "operations",
        "rep_activity_counts": "vp_sales",
    }


def test_manufacturing_discrete_vs_process_shifts_weight() -> None:
    p = profile("manufacturing")
    assert p.variant_by == "manufacturing_type"
    assert p.variants["discrete"].focus == ["weighted_pipeline_coverage", "sales_cycle_days"]
    assert p.variants["process"].focus == ["lead_to_quote_rate", "gross_margin"]
    assert p.with_variant("process").core[:2] == ["lead_to_quote_rate", "gross_margin"]


# -- supply chain software (seed 001) ----------------------------------------------------------
def test_supply_chain_nrr_first_above_110() -> None:
    p = profile("supply_chain_software")
    assert p.core[0] == "nrr"
    assert (band("supply_chain_software", "nrr").target, p.thresholds["nrr"].red_below) == (
        1.10,
        1.00,
    )


def test_supply_chain_core_is_the_seeds_six() -> None:
    assert profile("supply_chain_software").core == [
        "nrr",
        "arr_growth_rate",
        "sales_velocity",
        "cac_payback_months",
        "forecast_accuracy",
        "pipeline_coverage",
    ]


def test_supply_chain_arr_growth_split_by_the_bridge() -> None:
    assert "arr_bridge" in profile("supply_chain_software").supporting


def test_supply_chain_velocity_flags_win_rate_below_20_and_cycle_over_9_months() -> None:
    assert band("supply_chain_software", "win_rate").red_below == 0.20
    assert band("supply_chain_software", "sales_cycle_days").red_above == 270
    assert {"win_rate", "sales_cycle_days", "average_deal_size"} <= set(
        profile("supply_chain_software").supporting
    )


def test_supply_chain_cac_payback_over_24_months_strains_cash() -> None:
    assert band("supply_chain_software", "cac_payback_months").red_above == 24


def test_supply_chain_forecast_accuracy_within_10_percent() -> None:
    t = band("supply_chain_software", "forecast_accuracy")
    assert (t.target, t.red_below) == (0.90, 0.90)


def test_supply_chain_coverage_three_to_five_flag_below_three() -> None:
    t = band("supply_chain_software", "pipeline_coverage")
    assert (t.healthy, t.red_below) == ((3.0, 5.0), 3.0)


def test_supply_chain_lead_to_opportunity_churn_and_health_score() -> None:
    p = profile("supply_chain_software")
    assert {"lead_to_opportunity_rate", "logo_churn_rate", "customer_health_score"} <= set(p.kpis)
    assert (p.thresholds["logo_churn_rate"].red_above, p.thresholds["logo_churn_rate"].period) == (
        0.20,
        "rolling-12m",
    )
    assert set(p.health_score_weights) == {"usage", "tickets", "nps"}
    assert sum(p.health_score_weights.values()) == pytest.approx(1.0)
    assert p.health_score_threshold == 60


def test_supply_chain_crm_completeness_at_least_80_and_data_quality() -> None:
    t = band("supply_chain_software", "crm_completeness")
    assert (t.target, t.red_below) == (0.80, 0.80)
    assert "data_quality_score" in profile("supply_chain_software").kpis


# -- services (seed 002) -----------------------------------------------------------------------
def test_services_core_is_the_seeds_six() -> None:
    assert profile("services").core == [
        "nrr",
        "services_gross_margin",
        "revenue_per_billable_head",
        "weighted_pipeline_coverage",
        "sales_cycle_days",
        "quote_to_close_rate",
    ]


def test_services_nrr_below_90_is_red() -> None:
    assert band("services", "nrr").red_below == 0.90


def test_services_gross_margin_40_to_60_act_below_35() -> None:
    t = band("services", "services_gross_margin")
    assert (t.healthy, t.red_below) == ((0.40, 0.60), 0.35)


def test_services_weighted_coverage_three_to_five_next_quarter() -> None:
    t = band("services", "weighted_pipeline_coverage")
    assert (t.healthy, t.red_below, t.period) == ((3.0, 5.0), 3.0, "next_quarter")


def test_services_cycle_from_first_meeting() -> None:
    assert profile("services").cycle_start == "first_meeting_at"


def test_services_engagement_hour_outcome_margin_and_concentration() -> None:
    p = profile("services")
    assert {"revenue_per_engagement_hour", "outcome_contract_margin"} <= set(p.supporting)
    assert band("services", "top3_concentration").red_above == 0.40


def test_services_dashboard_three_sections() -> None:
    assert profile("services").dashboard == {
        Category.LEADING: [
            "weighted_pipeline_coverage",
            "new_opportunities",
            "quote_to_close_rate",
        ],
        Category.LAGGING: ["bookings", "nrr", "services_gross_margin"],
        Category.HEALTH: ["client_churn_rate", "average_deal_size", "dso"],
    }


def test_services_revenue_model_picks_the_focus() -> None:
    p = profile("services")
    assert p.variant_by == "revenue_model"
    assert p.variants["retainer"].focus == ["nrr", "services_gross_margin"]
    assert p.variants["project"].focus == [
        "weighted_pipeline_coverage",
        "revenue_per_billable_head",
    ]
    assert p.variants["outcome"].focus[0] == "outcome_contract_margin"


def test_services_not_owned_utilization_and_timesheets() -> None:
    not_owned = profile("services").not_owned
    assert not_owned["utilization_rate"] == "operations"
    assert not_owned["timesheet_compliance"] == "operations"


def test_services_cadence_weekly_leading_monthly_lagging_quarterly_strategic() -> None:
    cadence = profile("services").cadence
    assert (cadence["weighted_pipeline_coverage"], cadence["new_opportunities"]) == ("weekly",) * 2
    assert (cadence["nrr"], cadence["services_gross_margin"]) == ("monthly",) * 2
    assert (cadence["top3_concentration"], cadence["revenue_per_billable_head"]) == (
        "quarterly",
    ) * 2


# -- martech (seed 003) ------------------------------------------------------------------------
def test_martech_core_dashboard_of_six() -> None:
    p = profile("martech")
    assert p.core == [
        "sales_velocity",
        "pql_to_paid_rate",
        "forecast_accuracy",
        "nrr",
        "arr",
        "cac_payback_months",
    ]
    assert p.dashboard == {
        Category.LEADING: ["sales_velocity", "pql_to_paid_rate", "forecast_accuracy"],
        Category.LAGGING: ["nrr", "arr", "cac_payback_months"],
    }


def test_martech_plg_grr_80_nrr_110() -> None:
    plg = profile("martech").variants["plg"].thresholds
    assert (plg["grr"].target, plg["nrr"].target) == (0.80, 1.10)


def test_martech_sales_led_grr_90_nrr_120() -> None:
    p = profile("martech").with_variant("sales_led")
    assert (p.thresholds["grr"].target, p.thresholds["nrr"].target) == (0.90, 1.20)
    assert "pql_to_paid_rate" not in p.core and len(p.core) == 6


def test_martech_supporting_kpis() -> None:
    assert set(profile("martech").supporting) >= {
        "time_to_expansion_days",
        "self_serve_upgrade_rate",
        "cost_per_qualified_meeting",
        "lead_to_opportunity_rate",
        "sales_cycle_days",
        "win_rate",
        "magic_number",
        "quota_attainment_distribution",
        "ramp_time_months",
        "revenue_per_rep",
        "revenue_by_module",
    }


def test_martech_cycle_by_segment_win_rate_by_deal_size_inbound_by_source() -> None:
    splits = profile("martech").required_splits
    assert splits["sales_cycle_days"][0] == "segment"
    assert splits["win_rate"] == ["deal_size_band"]
    assert splits["lead_to_opportunity_rate"] == ["source"]


def test_martech_not_owned_mqls_traffic_content() -> None:
    not_owned = profile("martech").not_owned
    assert {not_owned[k] for k in ("mql_volume", "website_traffic", "content_engagement")} == {
        "marketing"
    }


# -- IoT (seed 004) ----------------------------------------------------------------------------
def test_iot_at_most_four_core() -> None:
    p = profile("iot")
    assert p.max_core == 4
    assert set(p.core) == {"net_new_arr", "grr", "acv_per_deployment", "ttfv_days"}


def test_iot_net_new_arr_over_rolling_four_quarters() -> None:
    assert band("iot", "net_new_arr").period == "rolling-4q"


def test_iot_grr_below_80_leaking_over_hardware_life() -> None:
    t = band("iot", "grr")
    assert (t.red_below, t.period) == (0.80, "rolling-24m")


def test_iot_acv_per_deployment_minimum_per_rep() -> None:
    assert profile("iot").required_splits["acv_per_deployment"] == ["owner_id"]


def test_iot_ttfv_60_to_120_common_below_60_better() -> None:
    t = band("iot", "ttfv_days")
    assert (t.target, t.healthy, t.red_above) == (60, (0, 60), 120)


def test_iot_connected_not_transacting_and_pilot_conversion() -> None:
    assert set(profile("iot").supporting) >= {"connected_not_transacting", "pilot_conversion_rate"}


def test_iot_not_owned_mqls_pipeline_generation_nps_csat() -> None:
    not_owned = profile("iot").not_owned
    assert (not_owned["mql_volume"], not_owned["pipeline_generation_targets"]) == ("marketing",) * 2
    assert (not_owned["nps"], not_owned["csat"]) == ("customer_success",) * 2


def test_iot_reviewed_monthly() -> None:
    assert set(profile("iot").cadence.values()) == {"monthly"}


# -- generic B2B SaaS --------------------------------------------------------------------------
def test_b2b_saas_carries_the_general_diagnostic_lines() -> None:
    p = profile("b2b_saas")
    assert p.thresholds["pipeline_coverage"].red_below == 3.0
    assert p.thresholds["win_rate"].red_below == 0.20
    assert p.thresholds["sales_cycle_days"].red_above == 270
    assert p.thresholds["nrr"].red_below == 1.00
    assert p.thresholds["grr"].red_below == 0.80
    assert p.thresholds["cac_payback_months"].red_above == 24
    assert p.thresholds["logo_churn_rate"].red_above == 0.20
    assert p.thresholds["crm_completeness"].red_below == 0.80
    assert p.thresholds["quota_attainment_distribution"].red_below == 0.20


# -- Profile helpers ---------------------------------------------------------------------------
def test_with_variant_promotes_focus_and_demotes_the_last_core_kpi() -> None:
    p = profile("services").with_variant("outcome")
    assert p.core == [
        "outcome_contract_margin",
        "services_gross_margin",
        "nrr",
        "revenue_per_billable_head",
        "weighted_pipeline_coverage",
        "sales_cycle_days",
    ]
    assert p.supporting[0] == "quote_to_close_rate"
    assert "outcome_contract_margin" not in p.supporting


def test_with_unknown_variant_suggests_one() -> None:
    with pytest.raises(
        UnknownNameError,
        match=r"unknown variant of profile 'martech' 'sales_lead'\. Did you mean 'sales_led'\?",
    ):
        profile("martech").with_variant("sales_lead")


def test_stage_probability_matches_company_stage_labels() -> None:
    p = profile("manufacturing")
    assert p.stage_probability("Proposal_Sent") == 0.50
    assert p.stage_probability("  Site Visit   Completed ") == 0.30
    assert p.stage_probability("closed won") is None


# -- the validator -----------------------------------------------------------------------------
def kpi(
    kpi_id: str,
    unit: str = "percent",
    direction: str = "higher_is_better",
    dimensions: tuple[str, ...] = (),
    **extra: object,
) -> KPI:
    return KPI.model_validate(
        {
            "id": kpi_id,
            "name": kpi_id.replace("_", " ").capitalize(),
            "description": "test KPI",
            "category": "leading",
            "owner": "cro",
            "unit": unit,
            "direction": direction,
            "dimensions": list(dimensions),
            "formula": {"type": "simple", "expr": "COUNT(*)"},
            "docs": {"why": "test"},
            **extra,
        }
    )


CATALOG = {
    k.id: k
    for k in (
        kpi("win_rate", dimensions=("owner_id", "region")),
        kpi("sales_cycle_days", "days", "lower_is_better", ("segment",)),
        kpi("nrr"),
        kpi("pipeline_coverage", "ratio"),
        kpi("cac_payback_months", "months", "lower_is_better"),
        kpi("services_gross_margin", direction="in_band"),
        kpi("customer_health_score", "score"),
        kpi("open_pipeline_due", "currency", public=False),
        kpi("calls_made", "count", activity_only=True),
    )
}

CLEAN = """\
id: sample
name: "Sample"
core: [win_rate, nrr]
supporting: [sales_cycle_days]
thresholds:
  win_rate:
    healthy: [0.20, 1.00]
    red_below: 0.20
  sales_cycle_days:
    healthy: [0, 90]
    red_above: 270
stages: ["discovery", "proposal sent"]
stage_probabilities:
  "discovery": 0.10
  "proposal sent": 0.50
required_splits:
  win_rate: [owner_id]
sources: ["test"]
"""


def write(tmp_path: Path, text: str, name: str = "sample.yml") -> tuple[Profile, Path]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_profile(load_yaml(path), path), path


def messages(tmp_path: Path, text: str) -> list[str]:
    p, path = write(tmp_path, text)
    return [i.message for i in validate_profile(p, CATALOG, path)]


def test_clean_profile_has_no_issues(tmp_path: Path) -> None:
    assert messages(tmp_path, CLEAN) == []


def test_unknown_kpi_in_core_with_file_line_and_did_you_mean(tmp_path: Path) -> None:
    p, path = write(tmp_path, CLEAN.replace("core: [win_rate, nrr]", "core: [win_rate, nrrr]"))
    issues = validate_profile(p, CATALOG, path)
    assert [str(i) for i in issues] == [
        f"{path}:3: core: unknown KPI 'nrrr'. Did you mean 'nrr'?",
    ]
    assert issues[0].level == "error"


def test_unknown_kpi_in_a_block_list_points_at_its_own_line(tmp_path: Path) -> None:
    text = CLEAN.replace(
        "supporting: [sales_cycle_days]", "supporting:\n  - sales_cycle_days\n  - nrr_x\n  - zzz"
    )
    p, path = write(tmp_path, text)
    assert [(i.line, i.message) for i in validate_profile(p, CATALOG, path)] == [
        (6, "supporting: unknown KPI 'nrr_x'. Did you mean 'nrr'?"),
        (7, "supporting: unknown KPI 'zzz'"),
    ]


def test_unknown_kpi_everywhere_else(tmp_path: Path) -> None:
    text = CLEAN + (
        "cadence:\n  winrate: weekly\n"
        "dashboard:\n  leading: [nrrr]\n"
        "variant_by: motion\n"
        "variants:\n  plg:\n    focus: [win_ratee]\n    thresholds:\n      nr: {red_below: 1.0}\n"
    )
    text = text.replace("  win_rate: [owner_id]", "  win_rates: [owner_id]")
    text = text.replace("  sales_cycle_days:\n    healthy", "  sales_cycle_dayz:\n    healthy")
    assert messages(tmp_path, text) == [
        "thresholds: unknown KPI 'sales_cycle_dayz'. Did you mean 'sales_cycle_days'?",
        "required_splits: unknown KPI 'win_rates'. Did you mean 'win_rate'?",
        "cadence: unknown KPI 'winrate'. Did you mean 'win_rate'?",
        "dashboard.leading: unknown KPI 'nrrr'. Did you mean 'nrr'?",
        "variants.plg.focus: unknown KPI 'win_ratee'. Did you mean 'win_rate'?",
        "variants.plg.thresholds: unknown KPI 'nr'. Did you mean 'nrr'?",
    ]


def test_red_below_on_a_lower_is_better_kpi(tmp_path: Path) -> None:
    text = CLEAN.replace("    healthy: [0, 90]\n    red_above: 270", "    red_below: 10")
    assert messages(tmp_path, text) == [
        "thresholds.sales_cycle_days.red_below: does not fit direction lower_is_better; "
        "use red_above",
    ]


def test_red_above_on_a_higher_is_better_kpi(tmp_path: Path) -> None:
    text = CLEAN.replace("    red_below: 0.20\n", "    red_above: 0.90\n", 1)
    assert messages(tmp_path, text) == [
        "thresholds.win_rate.red_above: does not fit direction higher_is_better; use red_below",
        "thresholds.win_rate.red_above: 0.9 lies inside the healthy range [0.2, 1]",
    ]


def test_in_band_kpi_takes_both_red_lines(tmp_path: Path) -> None:
    text = CLEAN.replace(
        "thresholds:\n",
        "thresholds:\n  services_gross_margin:\n    healthy: [0.40, 0.60]\n"
        "    red_below: 0.35\n    red_above: 0.80\n",
    ).replace(
        "supporting: [sales_cycle_days]", "supporting: [sales_cycle_days, services_gross_margin]"
    )
    assert messages(tmp_path, text) == []


def test_healthy_low_above_high(tmp_path: Path) -> None:
    text = CLEAN.replace("healthy: [0.20, 1.00]", "healthy: [0.50, 0.20]").replace(
        "red_below: 0.20", "red_below: 0.10"
    )
    assert messages(tmp_path, text) == [
        "thresholds.win_rate.healthy: range [0.5, 0.2] has its low end above its high end",
    ]


def test_red_line_inside_the_healthy_range(tmp_path: Path) -> None:
    text = CLEAN.replace("red_below: 0.20", "red_below: 0.30").replace(
        "red_above: 270", "red_above: 60"
    )
    assert messages(tmp_path, text) == [
        "thresholds.win_rate.red_below: 0.3 lies inside the healthy range [0.2, 1]",
        "thresholds.sales_cycle_days.red_above: 60 lies inside the healthy range [0, 90]",
    ]


def test_target_past_the_red_line_and_outside_healthy(tmp_path: Path) -> None:
    text = CLEAN.replace("    red_below: 0.20\n", "    red_below: 0.20\n    target: 0.10\n", 1)
    text = text.replace("    red_above: 270\n", "    red_above: 270\n    target: 120\n")
    p, path = write(tmp_path, text)
    issues = validate_profile(p, CATALOG, path)
    assert [(i.level, i.message) for i in issues] == [
        ("error", "thresholds.win_rate.target: 0.1 is past the red line (red_below 0.2)"),
        (
            "warning",
            "thresholds.sales_cycle_days.target: 120 lies outside the healthy range [0, 90]",
        ),
    ]


def test_percent_written_as_a_whole_number(tmp_path: Path) -> None:
    text = CLEAN.replace("healthy: [0.20, 1.00]\n    red_below: 0.20", "red_below: 20")
    assert messages(tmp_path, text) == [
        "thresholds.win_rate.red_below: 20 looks like a whole-number percentage; percent is a "
        "fraction here (0.2 = 20%)",
    ]


def test_negative_days(tmp_path: Path) -> None:
    text = CLEAN.replace("healthy: [0, 90]", "healthy: [-5, 90]")
    assert messages(tmp_path, text) == [
        "thresholds.sales_cycle_days.healthy: -5 is negative, but sales_cycle_days is in days",
    ]


def test_bad_period_and_empty_threshold(tmp_path: Path) -> None:
    text = CLEAN.replace("    red_above: 270\n", "    red_above: 270\n    period: rolling-90\n")
    text = text.replace("thresholds:\n", "thresholds:\n  nrr: {}\n")
    p, path = write(tmp_path, text)
    assert [(i.level, i.message) for i in validate_profile(p, CATALOG, path)] == [
        ("warning", "thresholds.nrr: empty threshold; omit it to mean 'no target'"),
        (
            "error",
            "thresholds.sales_cycle_days.period: 'rolling-90' is not a period; expected month, "
            "quarter, year, next_quarter or rolling-<n>d|m|q (e.g. rolling-90d)",
        ),
    ]


def test_threshold_for_a_kpi_outside_the_profile_is_a_warning(tmp_path: Path) -> None:
    text = CLEAN.replace("thresholds:\n", "thresholds:\n  pipeline_coverage: {red_below: 3.0}\n")
    p, path = write(tmp_path, text)
    issues = validate_profile(p, CATALOG, path)
    assert [(i.level, i.message) for i in issues] == [
        (
            WARNING,
            "thresholds: 'pipeline_coverage' is not one of the profile's KPIs (core or supporting)",
        ),
    ]
    assert errors_only(issues) == []


def test_too_many_core_kpis(tmp_path: Path) -> None:
    text = CLEAN.replace("core: [win_rate, nrr]", "core: [win_rate, nrr, pipeline_coverage]")
    assert messages(tmp_path, text + "max_core: 2\n") == ["core: 3 KPIs, at most 2 allowed"]


def test_max_core_above_six(tmp_path: Path) -> None:
    assert messages(tmp_path, CLEAN + "max_core: 8\n") == ["max_core: 8 is above the limit of 6"]


def test_duplicates_helpers_and_activity_data(tmp_path: Path) -> None:
    text = CLEAN.replace("core: [win_rate, nrr]", "core: [win_rate, nrr, open_pipeline_due]")
    text = text.replace(
        "supporting: [sales_cycle_days]", "supporting: [sales_cycle_days, nrr, calls_made]"
    )
    assert messages(tmp_path, text) == [
        "core: 'open_pipeline_due' is a helper KPI (public: false), not one a CRO owns",
        "supporting: 'nrr' is already in core",
        "supporting: 'calls_made' is activity data, not a KPI",
    ]


def test_stage_probability_outside_zero_one(tmp_path: Path) -> None:
    text = CLEAN.replace('"proposal sent": 0.50', '"proposal sent": 1.5')
    assert messages(tmp_path, text) == ["stage_probabilities.proposal sent: 1.5 is outside [0, 1]"]


def test_stage_probability_for_an_unlisted_stage(tmp_path: Path) -> None:
    text = CLEAN.replace('"proposal sent": 0.50', '"proposal snt": 0.50')
    assert messages(tmp_path, text) == [
        "stages: 'proposal sent' has no probability in stage_probabilities",
        "stage_probabilities: stage 'proposal snt' is not in stages. Did you mean 'proposal sent'?",
    ]


def test_stage_names_are_lowercase_words_in_rising_order(tmp_path: Path) -> None:
    text = CLEAN.replace(
        'stages: ["discovery", "proposal sent"]', 'stages: ["discovery", "Proposal_Sent"]'
    )
    text = text.replace('"proposal sent": 0.50', '"proposal sent": 0.05')
    p, path = write(tmp_path, text)
    assert [(i.level, i.message) for i in validate_profile(p, CATALOG, path)] == [
        ("error", "stages: 'Proposal_Sent' must be lowercase words: 'proposal sent'"),
        (
            WARNING,
            "stage_probabilities.Proposal_Sent: 0.05 is below 0.1 for the earlier stage 'discovery'",
        ),
    ]


def test_required_split_on_an_undeclared_dimension(tmp_path: Path) -> None:
    text = CLEAN.replace(
        "  win_rate: [owner_id]", "  win_rate: [owner_id, regoin]\n  nrr: [segment]"
    )
    assert messages(tmp_path, text) == [
        "required_splits.win_rate: 'regoin' is not a dimension of win_rate. Did you mean "
        "'region'? (dimensions: owner_id, region)",
        "required_splits.nrr: 'segment' is not a dimension of nrr (dimensions: none)",
    ]


def test_not_owned_owner_and_overlap(tmp_path: Path) -> None:
    text = CLEAN + ("not_owned:\n  mql_volume: markting\n  pipeline_reviews: cro\n  nrr: finance\n")
    text = text.replace('sources: ["test"]\n', "") + 'sources: ["test"]\n'
    assert messages(tmp_path, text) == [
        "not_owned.mql_volume: unknown owner 'markting'. Did you mean 'marketing'? (owners: "
        "operations, marketing, customer_success, vp_sales, finance)",
        "not_owned.pipeline_reviews: the owner of something the CRO does not own cannot be 'cro'",
        "not_owned: 'nrr' is also one of the profile's KPIs",
    ]


def test_health_score_weights_and_threshold(tmp_path: Path) -> None:
    text = CLEAN.replace(
        'sources: ["test"]\n',
        "health_score_weights: {usage: 0.5, ticket: 0.3, nps: 0.1}\n"
        'health_score_threshold: 120\nsources: ["test"]\n',
    )
    p, path = write(tmp_path, text)
    assert [(i.level, i.message) for i in validate_profile(p, CATALOG, path)] == [
        (
            "error",
            "health_score_weights: unknown signal 'ticket'. Did you mean 'tickets'? (signals: usage, tickets, nps)",
        ),
        ("error", "health_score_weights: weights sum to 0.9, expected 1"),
        (WARNING, "health_score_weights: customer_health_score is not one of the profile's KPIs"),
        ("error", "health_score_threshold: 120 is outside the score's range [0, 100]"),
    ]


def test_variants_need_a_known_fact_and_profile_kpis(tmp_path: Path) -> None:
    text = CLEAN + (
        "variants:\n  plg:\n    focus: [pipeline_coverage]\n"
        "    thresholds:\n      cac_payback_months: {red_below: 12}\n"
    )
    assert messages(tmp_path, text) == [
        "variant_by: required when variants are given; one of motion, revenue_model, "
        "manufacturing_type",
        "variants.plg.focus: 'pipeline_coverage' is not one of the profile's KPIs (core or supporting)",
        "variants.plg.thresholds.cac_payback_months.red_below: does not fit direction "
        "lower_is_better; use red_above",
    ]
    assert messages(tmp_path, CLEAN + "variant_by: motoin\n") == [
        "variant_by: unknown company fact 'motoin'. Did you mean 'motion'? (facts: motion, "
        "revenue_model, manufacturing_type)"
    ]


def test_without_a_path_issues_have_no_file_or_line(tmp_path: Path) -> None:
    p, _ = write(tmp_path, CLEAN.replace("core: [win_rate, nrr]", "core: [win_rate, nrrr]"))
    [issue] = validate_profile(p, CATALOG)
    assert (issue.file, issue.line) == (None, None)
    assert str(issue) == "core: unknown KPI 'nrrr'. Did you mean 'nrr'?"


def test_check_profile_raises_with_every_error_and_returns_warnings(tmp_path: Path) -> None:
    text = CLEAN.replace("core: [win_rate, nrr]", "core: [win_rat, nrrr]")
    p, path = write(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        check_profile(p, CATALOG, path)
    assert caught.value.message == "invalid profile sample.yml: 2 problems"
    assert [i.message for i in caught.value.issues] == [
        "core: unknown KPI 'win_rat'. Did you mean 'win_rate'?",
        "core: unknown KPI 'nrrr'. Did you mean 'nrr'?",
    ]
    p, path = write(
        tmp_path,
        CLEAN.replace("thresholds:\n", "thresholds:\n  pipeline_coverage: {red_below: 3.0}\n"),
    )
    assert [i.level for i in check_profile(p, CATALOG, path)] == [WARNING]
