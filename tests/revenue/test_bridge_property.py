"""The bridge balances to the cent for every period on every dataset: a hypothesis property.

Random subscription sets (any billing period, trials, foreign currency with moving rates,
negative and contradictory lines, several streams, a random reactivation window) and a spread
of periods (months, a quarter, a year, an ISO week, a date range, a rolling window ending
mid-month). For every period: each customer-stream row, each stream, and the blended bridge
satisfy start + new + expansion + reactivation − contraction − churn + fx = end exactly; the
streams add up to the blended bridge; a year's bridge is the sum of its months; and one month's
end is the next month's start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulse.compute import Computer
from pulse.periods import Period, month, parse_period
from pulse.revenue.queries import model_rows, period_spec
from pulse.workspace.store import Workspace, create_workspace
from tests.kpis.harness import load_rows

MOVES = ("new", "expansion", "reactivation", "contraction", "churn", "fx")
SIGN = {"new": 1, "expansion": 1, "reactivation": 1, "contraction": -1, "churn": -1, "fx": 1}
TODAY = date(2024, 12, 31)
BASE = date(2023, 1, 1)

money = st.decimals(min_value=Decimal("-50"), max_value=Decimal("5000"), places=2).filter(
    lambda d: d != 0
)
lines_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "account": st.sampled_from(["a", "b", "c", "d", "e"]),
            "start": st.integers(0, 730),
            "length": st.one_of(st.none(), st.integers(-40, 900)),
            "amount": st.one_of(
                st.decimals(min_value=Decimal("1"), max_value=Decimal("5000"), places=2), money
            ),
            "billing": st.sampled_from(
                ["week", "month", "quarter", "half_year", "year", "36", "5", "monthly", "bogus"]
            ),
            "stream": st.sampled_from(["software", "service", "maintenance"]),
            "currency": st.sampled_from([None, None, "EUR"]),
            "trial": st.booleans(),
        }
    ),
    min_size=1,
    max_size=14,
)
rates_strategy = st.lists(
    st.tuples(
        st.integers(0, 23), st.decimals(min_value=Decimal("0.5"), max_value=Decimal("2"), places=4)
    ),
    max_size=8,
)
window_strategy = st.sampled_from([None, 0, 1, 3])


def _periods() -> list[Period]:
    out = [month(2024, m) for m in range(1, 13)]
    out += [
        parse_period("2024-Q2"),
        parse_period("2024"),
        parse_period("2024-W14"),  # 1-7 April: spans no month end
        parse_period("2024-W18"),  # 29 April - 5 May: spans April's month end
        parse_period("2023-11-15..2024-02-10"),
        parse_period("rolling-12m", date(2024, 11, 15)),
        parse_period("rolling-24m", date(2024, 12, 31)),
    ]
    return out


PERIODS = _periods()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    home: Path = tmp_path_factory.mktemp("property")
    yield create_workspace("prop", "b2b_saas", home)


def _load(ws: Workspace, lines: list[dict[str, Any]], rates: list[tuple[int, Decimal]]) -> None:
    with ws.connection() as con:
        con.execute("DELETE FROM subscriptions")
        con.execute("DELETE FROM fx_rates")
    rows = []
    for i, spec in enumerate(lines):
        start = BASE + timedelta(days=spec["start"])
        end = None if spec["length"] is None else start + timedelta(days=spec["length"])
        rows.append(
            {
                "line_id": f"l{i}",
                "account_id": spec["account"],
                "product": "p",
                "stream": spec["stream"],
                "start_date": start,
                "end_date": end,
                "amount": spec["amount"],
                "billing_period": spec["billing"],
                "currency": spec["currency"],
                "is_trial": spec["trial"],
            }
        )
    fx = [
        {
            "currency": "EUR",
            "date": date(2023 + m // 12, m % 12 + 1, 1 + m % 20),
            "rate_to_reporting": float(r),
        }
        for m, r in dict(rates).items()
    ]
    load_rows(ws, {"subscriptions": rows, "fx_rates": fx})


def _dec(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(lines=lines_strategy, rates=rates_strategy, window=window_strategy)
def test_bridge_balances_to_the_cent(
    workspace: Workspace,
    lines: list[dict[str, Any]],
    rates: list[tuple[int, Decimal]],
    window: int | None,
) -> None:
    _load(workspace, lines, rates)
    workspace.settings = workspace.settings.model_copy(
        update={"reactivation_window_months": window}
    )
    comp = Computer(workspace, today=TODAY)
    try:
        specs = [period_spec(p) for p in PERIODS]
        rows = model_rows(comp, "customer_bridge", specs)
        ends = model_rows(comp, "period_arr", specs)
    finally:
        comp.close()
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for r in rows:
        for unit in ("arr", "mrr"):
            start, end = _dec(r[f"start_{unit}"]), _dec(r[f"end_{unit}"])
            moved = sum((SIGN[m] * _dec(r[f"{m}_{unit}"]) for m in MOVES), Decimal(0))
            assert start + moved == end, (r["period_key"], r["account_id"], r["stream"], unit)
            for name in ("start", "end", *MOVES):
                value = _dec(r[f"{name}_{unit}"])
                totals[(r["period_key"], f"{unit}:{name}", r["stream"])] += value
                totals[(r["period_key"], f"{unit}:{name}", "*")] += value
    # The ARR KPI's snapshot is the bridge's end.
    arr_end: dict[str, Decimal] = defaultdict(Decimal)
    for r in ends:
        arr_end[r["period_key"]] += _dec(r["arr"])
    for p in PERIODS:
        assert arr_end[p.label] == totals[(p.label, "arr:end", "*")], p.label
    # A year is the sum of its months; each month starts where the previous ended.
    for unit in ("arr", "mrr"):
        for name in MOVES:
            months = sum(
                (totals[(f"2024-{m:02d}", f"{unit}:{name}", "*")] for m in range(1, 13)), Decimal(0)
            )
            assert months == totals[("2024", f"{unit}:{name}", "*")], (unit, name)
        for m in range(1, 12):
            assert (
                totals[(f"2024-{m:02d}", f"{unit}:end", "*")]
                == totals[(f"2024-{m + 1:02d}", f"{unit}:start", "*")]
            )
        assert totals[("2024-01", f"{unit}:start", "*")] == totals[("2024", f"{unit}:start", "*")]
        assert totals[("2024-12", f"{unit}:end", "*")] == totals[("2024", f"{unit}:end", "*")]
    # Amounts are cents: nothing below the cent anywhere.
    assert all(v == v.quantize(Decimal("0.01")) for v in totals.values())
    # Contraction and churn are amounts (never negative) outside the cross_stream segment.
    for (_, name, stream), value in totals.items():
        if stream not in ("*", "cross_stream") and name.split(":")[1] in (
            "new",
            "expansion",
            "contraction",
            "churn",
            "reactivation",
        ):
            assert value >= 0, (name, stream, value)
