"""The published worked examples (issue 4), reproduced exactly through the models and KPIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.periods import parse_period
from pulse.revenue import movements
from tests.revenue.helpers import (
    TODAY,
    bridge,
    computing,
    kpi,
    line,
    money,
    subscriptions_workspace,
)


def test_annual_plan_billed_2000_is_166_67_of_mrr(tmp_path: Path) -> None:
    # 2,000 ÷ 12 months = 166.666… → 166.67 of MRR; ARR is 12 × the unrounded value = 2,000.00.
    ws = subscriptions_workspace(tmp_path, [line("p", "c1", "2024-01-01", None, 2000, "year")])
    mrr = bridge(ws, "2024-01", unit="mrr")
    assert mrr.new == money("166.67")
    assert mrr.end == money("166.67")
    assert bridge(ws, "2024-01").end == money("2000.00")
    (result,) = kpi(ws, "mrr", "2024-01")
    assert result.value == pytest.approx(166.67)


def test_discounted_annual_plan_billed_108_is_9_of_mrr(tmp_path: Path) -> None:
    # A 120 annual plan at 10% discount is billed 108: amounts are net of discount as given,
    # so 108 ÷ 12 = 9.00 of MRR (not 120 ÷ 12 = 10).
    ws = subscriptions_workspace(tmp_path, [line("p", "c1", "2024-01-01", None, 108, "year")])
    assert bridge(ws, "2024-01", unit="mrr").end == money("9.00")
    assert bridge(ws, "2024-01").end == money("108.00")


def test_100_customers_11_cancellations_one_joined_that_month_is_10_percent(tmp_path: Path) -> None:
    # 100 customers pay at 2024-01-31. In February 11 subscriptions are cancelled: 10 of those
    # customers, and one customer who joined on 3 February. The joiner was never a customer at
    # the start (nor at any month end), so customer churn is 10 ÷ 100 = 10%.
    lines = [line(f"l{i}", f"c{i:03d}", "2024-01-01", None, 50) for i in range(100)]
    for i in range(10):
        lines[i] = line(f"l{i}", f"c{i:03d}", "2024-01-01", "2024-02-10", 50)
    lines.append(line("j", "joiner", "2024-02-03", "2024-02-20", 50))
    ws = subscriptions_workspace(tmp_path, lines)
    (result,) = kpi(ws, "logo_churn_rate", "2024-02")
    assert result.value == pytest.approx(0.10)
    assert result.components["lost"] == 10
    assert result.components["customers_at_start"] == 100
    feb = bridge(ws, "2024-02", unit="mrr")
    assert (feb.churn, feb.new, feb.counts["churn"]) == (money("500.00"), money("0.00"), 10)


def _retention_lines() -> list[dict[str, object]]:
    # At 2024-01-31: A 40, B 10, C 30, D 20 → start MRR 100. During February B cancels (churn
    # 10), C moves to a 20 plan (contraction 10), D adds 10 (expansion 10); nothing changes
    # after February, so the trailing twelve months to 2025-01-31 see the same movements.
    return [
        line("a", "A", "2024-01-01", None, 40),
        line("b", "B", "2024-01-01", "2024-02-15", 10),
        line("c1", "C", "2024-01-01", "2024-02-10", 30),
        line("c2", "C", "2024-02-10", None, 20),
        line("d1", "D", "2024-01-01", None, 20),
        line("d2", "D", "2024-02-12", None, 10),
    ]


def test_start_100_churn_10_contraction_10_expansion_10_grr_80_nrr_90(tmp_path: Path) -> None:
    ws = subscriptions_workspace(tmp_path, _retention_lines())
    feb = bridge(ws, "2024-02", unit="mrr")
    assert (feb.start, feb.churn, feb.contraction, feb.expansion, feb.end) == (
        money("100.00"), money("10.00"), money("10.00"), money("10.00"), money("90.00"),
    )  # fmt: skip
    # GRR-style (100 − 10 − 10) ÷ 100 = 80%; NRR-style (100 − 10 − 10 + 10) ÷ 100 = 90%.
    assert kpi(ws, "grr_monthly_bridge", "2024-02")[0].value == pytest.approx(0.80)
    assert kpi(ws, "nrr_monthly_bridge", "2024-02")[0].value == pytest.approx(0.90)
    # The cohort method over the twelve months to 2025-01-31 gives the same on this data:
    # GRR Σ min(now, then) = 40 + 0 + 20 + 20 = 80 of 100; NRR 40 + 0 + 20 + 30 = 90 of 100.
    assert kpi(ws, "grr", "2025-01")[0].value == pytest.approx(0.80)
    assert kpi(ws, "nrr", "2025-01")[0].value == pytest.approx(0.90)


def _lifecycle_lines() -> list[dict[str, object]]:
    # "Four yearly plans billed 2,000 (new 166.67)": the published new MRR is 166.67 = 2,000 ÷ 12,
    # so 2,000 is what the four plans are billed together (four seats of 500 a year each). Read
    # as four plans of 2,000 each, new MRR would be 666.67 and the example would not hold.
    # Likewise "two monthly add-on subscriptions billed 60 (expansion 60)" is 2 × 30 a month.
    yearly = [line(f"y{i}", "c1", "2024-01-15", "2025-01-15", 500, "year") for i in range(4)]
    addons = [
        line(f"a{i}", "c1", "2024-03-10", "2024-06-20", 30, product="addon") for i in range(2)
    ]
    back = [line(f"r{i}", "c1", "2025-04-05", None, 40) for i in range(3)]
    return [*yearly, *addons, *back]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        # 1. four yearly plans billed 2,000 together start 2024-01-15: new 2,000 ÷ 12 = 166.67
        ("2024-01", {"new": "166.67", "end": "166.67"}),
        # 2. two monthly add-ons billed 60 together start 2024-03-10: expansion 60
        ("2024-03", {"expansion": "60.00", "end": "226.67"}),
        # 3. the add-ons are cancelled 2024-06-20 while the yearly plans run: contraction, not churn
        ("2024-06", {"contraction": "60.00", "churn": "0.00", "end": "166.67"}),
        # 4. the yearly plans end 2025-01-15: churn of the whole 166.67
        ("2025-01", {"churn": "166.67", "end": "0.00"}),
        # 5. the customer returns on three monthly plans (3 × 40): reactivation, not new, not expansion
        (
            "2025-04",
            {"reactivation": "120.00", "new": "0.00", "expansion": "0.00", "end": "120.00"},
        ),
    ],
)
def test_five_step_lifecycle(tmp_path: Path, month: str, expected: dict[str, str]) -> None:
    ws = subscriptions_workspace(tmp_path, _lifecycle_lines())
    b = bridge(ws, month, unit="mrr")
    for name, amount in expected.items():
        assert getattr(b, name) == money(amount), (month, name, getattr(b, name))
    assert b.balances


def test_five_step_lifecycle_movements_per_month(tmp_path: Path) -> None:
    ws = subscriptions_workspace(tmp_path, _lifecycle_lines())
    with computing(ws) as comp:
        rows = movements(
            comp, parse_period("2024-01-01..2025-12-31", TODAY), customer="c1", unit="mrr"
        )
    story = [(m.month_end.isoformat(), m.movement, str(m.amount)) for m in rows]
    assert story == [
        ("2024-01-31", "new", "166.67"),
        ("2024-03-31", "expansion", "60.00"),
        ("2024-06-30", "contraction", "60.00"),
        ("2025-01-31", "churn", "166.67"),
        ("2025-04-30", "reactivation", "120.00"),
    ]
    assert all(m.balances for m in rows)
    # Over the whole life the ARR bridge sums the five steps: 2,000 new, 720 expansion and
    # contraction, 2,000 churn, 1,440 reactivation.
    life = bridge(ws, "2024-01-01..2025-12-31")
    assert (life.new, life.expansion, life.contraction, life.churn, life.reactivation, life.end) == (
        money("2000.00"), money("720.00"), money("720.00"), money("2000.00"), money("1440.00"),
        money("1440.00"),
    )  # fmt: skip
