"""``pulse profile derive``: a starting profile from traits, with its reasoning recorded, that
loads and validates like a shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pulse.advise.derive import Traits, choose_base, derive_profile, write_profile
from pulse.advise.facts import AdviceError, Motion
from pulse.advise.playbook import playbook_for
from pulse.catalog.profile_validate import catalog_kpis, check_profile
from pulse.catalog.profiles import load_profile


def traits(name: str = "legal_tech", **changes: object) -> Traits:
    base: dict[str, object] = {
        "recurring_share": 0.6,
        "motion": Motion.PLG,
        "cycle_days": 90,
        "hardware": False,
        "services_content": 0.3,
    }
    return Traits(name=name, **{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "base"),
    [
        ({"hardware": True, "recurring_share": 0.7}, "iot"),
        ({"hardware": True, "recurring_share": 0.2}, "manufacturing"),
        ({"services_content": 0.6}, "services"),
        ({"motion": Motion.PLG}, "martech"),
        ({"motion": Motion.HYBRID}, "martech"),
        ({"motion": Motion.SALES_LED, "cycle_days": 180}, "supply_chain_software"),
        ({"motion": Motion.SALES_LED, "cycle_days": 179}, "b2b_saas"),
        ({"recurring_share": 0.2, "services_content": 0.1}, "b2b_saas"),
    ],
)
def test_the_base_is_the_closest_shipped_profile(changes: dict[str, object], base: str) -> None:
    chosen, why = choose_base(traits(**changes))
    assert chosen == base
    assert why.endswith(".") and len(why) > 40


def test_blending_borrows_kpis_with_their_source_thresholds() -> None:
    derived = derive_profile(traits())
    profile = derived.profile
    assert derived.base == "martech"
    assert "services_gross_margin" in profile.supporting
    margin = profile.thresholds["services_gross_margin"]
    services = load_profile("services").thresholds["services_gross_margin"]
    assert (margin.target, margin.healthy, margin.red_below) == (
        services.target,
        services.healthy,
        services.red_below,
    )
    assert margin.note.startswith("From the services profile.")
    assert profile.not_owned["utilization_rate"] == "operations"
    cycle = profile.thresholds["sales_cycle_days"]
    assert (cycle.healthy, cycle.red_above) == ((0.0, 90.0), 135.0)  # 90 days × 1.5
    assert profile.variant_by == "motion"
    assert len(profile.core) <= profile.max_core


def test_hardware_with_recurring_revenue_blends_iot_and_manufacturing() -> None:
    derived = derive_profile(
        traits("smart_meter", hardware=True, recurring_share=0.7, motion=Motion.HYBRID)
    )
    profile = derived.profile
    assert derived.base == "iot"
    assert profile.max_core == 4
    assert profile.core == load_profile("iot").core
    assert {"gross_margin", "service_attach_rate", "pql_to_paid_rate", "sales_cycle_days"} <= set(
        profile.supporting
    )
    assert any(
        r.startswith("Hardware is sold: gross margin and service attach rate")
        for r in derived.reasons
    )


def test_long_sales_led_cycles_weight_the_pipeline() -> None:
    derived = derive_profile(
        traits("edtech", motion=Motion.SALES_LED, cycle_days=240, recurring_share=0.9)
    )
    assert derived.base == "supply_chain_software"
    assert "weighted_pipeline_coverage" in derived.profile.core
    assert "pipeline_coverage" in derived.profile.supporting
    assert derived.profile.thresholds["sales_cycle_days"].red_above == 360


def test_one_off_revenue_swaps_arr_for_bookings() -> None:
    derived = derive_profile(
        traits("licences", recurring_share=0.1, services_content=0.1, motion=Motion.SALES_LED)
    )
    assert derived.base == "b2b_saas"
    assert "bookings" in derived.profile.core and "arr" not in derived.profile.core
    assert "arr" in derived.profile.supporting


def test_the_file_records_the_reasoning_and_loads_and_validates(tmp_path: Path) -> None:
    derived = derive_profile(traits())
    path = write_profile(derived, tmp_path)
    assert path == tmp_path / "legal_tech.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Legal tech: a starting profile derived by `pulse profile derive`.\n")
    assert "#   - Base: martech. Subscription software with a plg motion" in text
    data = yaml.safe_load(text)
    assert data["description"].startswith(
        "Derived by `pulse profile derive` from traits (recurring share 60%, motion plg, "
        "typical cycle 90 days, hardware no, services content 30%). Base: martech."
    )
    assert data["sources"][0].startswith("pulse profile derive: recurring share 60%")
    assert list(data)[:4] == ["id", "name", "description", "core"]
    loaded = load_profile("legal_tech", (tmp_path,))
    assert check_profile(loaded, catalog_kpis(), path) == []
    assert loaded == derived.profile
    # The new profile works everywhere a shipped one does.
    playbook = playbook_for("legal_tech", extra_dirs=(tmp_path,))
    assert playbook.question == "What KPIs should a fractional CRO own at a legal tech company?"


@pytest.mark.parametrize(
    ("recurring", "motion", "cycle", "hardware", "services"),
    [
        (r, m, c, h, s)
        for r in (0.1, 0.6)
        for m in Motion
        for c in (30, 200)
        for h in (False, True)
        for s in (0.0, 0.4, 0.8)
    ],
)
def test_every_combination_validates(
    recurring: float, motion: Motion, cycle: int, hardware: bool, services: float
) -> None:
    derived = derive_profile(Traits("any_industry", recurring, motion, cycle, hardware, services))
    check_profile(derived.profile, catalog_kpis())
    assert len(derived.profile.core) <= derived.profile.max_core
    assert yaml.safe_load(derived.yaml())["id"] == "any_industry"


def test_output_must_be_named_after_the_id(tmp_path: Path) -> None:
    with pytest.raises(AdviceError, match=r"must be a folder or a file named legal_tech\.yml"):
        write_profile(derive_profile(traits()), tmp_path / "other.yml")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Legal Tech"}, "--name: 'Legal Tech' is not a profile id"),
        ({"recurring_share": 1.5}, "--recurring-share: 1.5 is outside 0 to 1"),
        ({"cycle_days": 0}, "--cycle-days: 0 must be a positive number of days"),
    ],
)
def test_bad_traits_are_refused(changes: dict[str, object], message: str) -> None:
    name = str(changes.pop("name", "legal_tech"))
    with pytest.raises(AdviceError) as info:
        traits(name, **changes)
    assert info.value.message == message
