"""Property: ARR and MRR explanations add up to the change to the cent, NRR and GRR ones
(cohort and monthly bridge) to the change of the rate, over random subscription sets and
pairs of periods (either order, weeks and mid-month ranges included), and the explained values
are the KPIs' own."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulse.compute import Computer
from pulse.errors import PulseError
from pulse.explain import Explainer
from pulse.periods import Period, parse_period
from pulse.workspace.store import Workspace
from tests.revenue.test_bridge_property import (
    TODAY,
    _load,
    lines_strategy,
    rates_strategy,
    workspace,
)

__all__ = ["workspace"]  # the module-scoped fixture, re-exported for pytest

PERIODS = [
    parse_period(p)
    for p in ("2023-Q4", "2024-01", "2024-Q2", "2024-W18", "2024-05-10..2024-08-20", "2024")
]
pairs = st.tuples(st.sampled_from(PERIODS), st.sampled_from(PERIODS)).filter(lambda t: t[0] != t[1])


def _kpi(comp: Computer, kpi_id: str, before: Period, after: Period) -> list[Any]:
    rows = {r["period_key"]: r["value"] for r in comp.rows(kpi_id, [before, after], [])}
    return [rows.get(before.label), rows.get(after.label)]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(lines=lines_strategy, rates=rates_strategy, pair=pairs)
def test_explanations_add_up(
    workspace: Workspace,
    lines: list[dict[str, Any]],
    rates: list[tuple[int, Decimal]],
    pair: tuple[Period, Period],
) -> None:
    _load(workspace, lines, rates)
    before, after = pair
    comp = Computer(workspace, today=TODAY)
    try:
        explainer = Explainer(comp)
        for kpi_id in ("arr", "mrr"):
            v0, v1 = _kpi(comp, kpi_id, before, after)
            if v0 is None or v1 is None:
                continue
            e = explainer.explain(kpi_id, before, after)
            assert all(p.kind == "bridge" for p in e.parts), [p.name for p in e.parts]
            change = Decimal(str(v1)).quantize(Decimal("0.01")) - Decimal(str(v0)).quantize(
                Decimal("0.01")
            )
            assert sum((Decimal(p.detail["amount"]) for p in e.parts), Decimal(0)) == change
            for p in e.parts:  # the customers behind a line add up to it
                named = sum((Decimal(c["amount"]) for c in p.detail["customers"]), Decimal(0))
                assert named + Decimal(p.detail["others"]) == Decimal(p.detail["amount"])
        for kpi_id in ("nrr", "grr", "nrr_monthly_bridge", "grr_monthly_bridge"):
            try:
                e = explainer.explain(kpi_id, before, after)
            except PulseError:
                v0, v1 = _kpi(comp, kpi_id, before, after)
                assert v0 is None or v1 is None  # only when a period has no cohort
                continue
            v0, v1 = _kpi(comp, kpi_id, before, after)
            assert math.isclose(e.value_before or 0, v0, rel_tol=1e-12, abs_tol=1e-12)
            assert math.isclose(e.value_after or 0, v1, rel_tol=1e-12, abs_tol=1e-12)
            assert abs(e.residual) < 1e-12
            if kpi_id.startswith("grr"):
                assert "expansion" not in {p.name for p in e.parts}
    finally:
        comp.close()
