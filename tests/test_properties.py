"""Properties every KPI keeps: rates stay in [0, 1]; additive KPIs' segments sum to the total;
a ratio recombined from its segments' numerators and denominators equals the total.

Checked two ways: on random opportunity tables drawn by hypothesis, and on every public KPI ×
dimension of a demo workspace (all canonical tables filled).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulse.catalog.models import RatioFormula, Unit
from pulse.catalog.registry import load_catalog
from pulse.compute import Computer
from pulse.periods import Period, parse_period
from tests.kpis.harness import make_workspace

START = date(2024, 1, 1)
RATES = [
    k.id
    for k in load_catalog().public()
    if k.unit == Unit.PERCENT and k.id.endswith("_rate") and k.id != "arr_growth_rate"
]


def _is_model_ratio(kpi_id: str) -> bool:
    kpi = load_catalog().get(kpi_id)
    return isinstance(kpi.formula, RatioFormula) and not kpi.refs


def check_kpi(comp: Computer, kpi_id: str, period: Period) -> None:
    kpi = load_catalog().get(kpi_id)
    if comp.missing(kpi_id):
        return
    (total,) = comp.rows(kpi_id, [period], [])
    if kpi_id in RATES and total["value"] is not None:
        assert -1e-12 <= total["value"] <= 1 + 1e-12, (kpi_id, total["value"])
    for dim in kpi.dimensions:
        rows = [r for r in comp.rows(kpi_id, [period], [dim]) if r["period_key"] == period.label]
        for r in rows:
            if kpi_id in RATES and r["value"] is not None:
                assert -1e-12 <= r["value"] <= 1 + 1e-12, (kpi_id, dim, r)
        if kpi.additive and total["value"] is not None:
            seg_sum = sum(float(r["value"] or 0) for r in rows)
            assert math.isclose(seg_sum, float(total["value"]), rel_tol=1e-9, abs_tol=1e-6), (
                kpi_id,
                dim,
            )
        if _is_model_ratio(kpi_id) and total["denominator"]:
            num = sum(float(r["numerator"] or 0) for r in rows)
            den = sum(float(r["denominator"] or 0) for r in rows)
            assert math.isclose(num, float(total["numerator"] or 0), rel_tol=1e-9, abs_tol=1e-6), (
                kpi_id,
                dim,
            )
            assert math.isclose(den, float(total["denominator"]), rel_tol=1e-9, abs_tol=1e-6), (
                kpi_id,
                dim,
            )
            if total["value"] is not None and den:
                recombined = num / den * load_catalog().get(kpi_id).formula.scale  # type: ignore[union-attr]
                assert math.isclose(
                    recombined, float(total["value"]), rel_tol=1e-9, abs_tol=1e-12
                ), (kpi_id, dim)


opportunity = st.fixed_dictionaries(
    {
        "owner_id": st.sampled_from(["r1", "r2", "r3"]),
        "segment": st.sampled_from(["smb", "mid", "ent", None]),
        "source": st.sampled_from(["inbound", "partner", "outbound"]),
        "amount": st.integers(min_value=0, max_value=400_000),
        "created": st.integers(min_value=0, max_value=150),
        "cycle": st.integers(min_value=0, max_value=200),
        "status": st.sampled_from(["open", "won", "lost"]),
        "use_closed_at": st.booleans(),
    }
)


def _rows(draws: list[dict[str, Any]]) -> dict[str, Any]:
    rows = []
    for i, d in enumerate(draws):
        created = START + timedelta(days=d["created"])
        close = created + timedelta(days=d["cycle"])
        closed_at = close if d["status"] != "open" and d["use_closed_at"] else None
        rows.append({
            "opportunity_id": f"o{i}", "owner_id": d["owner_id"], "segment": d["segment"],
            "source": d["source"], "amount": d["amount"], "created_at": created,
            "close_date": close, "status": d["status"], "closed_at": closed_at, "stage": "discovery",
        })  # fmt: skip
    return {"opportunities": rows}


OPPORTUNITY_KPIS = [
    "win_rate",
    "average_deal_size",
    "sales_cycle_days",
    "bookings",
    "new_opportunities",
    "pipeline_by_source",
]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(opportunity, min_size=1, max_size=25))
def test_opportunity_kpis_on_random_tables(
    tmp_path_factory: pytest.TempPathFactory, draws: list[dict[str, Any]]
) -> None:
    ws = make_workspace(tmp_path_factory.mktemp("prop"), _rows(draws))
    comp = Computer(ws, today=date(2024, 12, 31))
    try:
        for kpi_id in OPPORTUNITY_KPIS:
            for label in ("2024-Q1", "2024-Q2", "2024-Q3"):
                check_kpi(comp, kpi_id, parse_period(label))
    finally:
        comp.close()


@pytest.fixture(scope="module")
def demo_computer(tmp_path_factory: pytest.TempPathFactory) -> Computer:
    from pulse.demo import build_workspace

    home = tmp_path_factory.mktemp("demo-home")
    ws = build_workspace(
        "b2b_saas", home=home, opportunities=600, seed=3, anchor=date(2025, 12, 31)
    )
    return Computer(ws, today=date(2025, 12, 31))


@pytest.mark.parametrize("kpi_id", [k.id for k in load_catalog().public()])
def test_every_kpi_keeps_its_properties_on_demo_data(demo_computer: Computer, kpi_id: str) -> None:
    check_kpi(demo_computer, kpi_id, parse_period("2025-Q3"))


def test_rates_list_is_not_empty() -> None:
    assert {"win_rate", "logo_churn_rate", "lead_to_opportunity_rate"} <= set(RATES)
