"""Explanations: every decomposition's parts add up to the change (properties + worked cases)."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulse.compile.formula import parse_fragment
from pulse.explain import Explainer, Explanation, evaluate, rate_mix, ratio_split, shapley
from pulse.periods import parse_period
from pulse.revenue.explain import retention_lines
from tests.kpis.harness import computer, make_workspace
from tests.revenue.helpers import computing, line, subscriptions_workspace

positive = st.floats(min_value=0.5, max_value=1e6, allow_nan=False, allow_infinity=False)
non_negative = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(non_negative, positive, non_negative, positive)
def test_ratio_parts_add_up(n0: float, d0: float, n1: float, d1: float) -> None:
    num, den = ratio_split(n0, d0, n1, d1)
    assert math.isclose(num + den, n1 / d1 - n0 / d0, rel_tol=1e-9, abs_tol=1e-9)


segments = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]), st.tuples(non_negative, positive), min_size=1, max_size=4
)


@given(segments, segments)
def test_rate_and_mix_add_up_even_when_segments_come_and_go(
    before: dict[str, tuple[float, float]], after: dict[str, tuple[float, float]]
) -> None:
    split = rate_mix(before, after)
    r0 = sum(n for n, _ in before.values()) / sum(d for _, d in before.values())
    r1 = sum(n for n, _ in after.values()) / sum(d for _, d in after.values())
    total = sum(rate + mix for rate, mix in split.values())
    assert math.isclose(total, r1 - r0, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=50)
@given(st.lists(positive, min_size=4, max_size=4), st.lists(positive, min_size=4, max_size=4))
def test_shapley_parts_add_up_for_sales_velocity(before: list[float], after: list[float]) -> None:
    tree = parse_fragment(
        "{open_opportunities} * {average_deal_size} * {win_rate} / NULLIF({sales_cycle_days}, 0)"
    )
    names = ["open_opportunities", "average_deal_size", "win_rate", "sales_cycle_days"]
    b, a = dict(zip(names, before, strict=True)), dict(zip(names, after, strict=True))
    parts = shapley(lambda v: evaluate(tree, v), b, a)
    # Exact in arithmetic; in floats the error scales with the largest intermediate term.
    terms = [*parts.values(), evaluate(tree, a), evaluate(tree, b)]
    scale = max(1.0, *(abs(t) for t in terms))
    change = evaluate(tree, a) - evaluate(tree, b)
    assert math.isclose(sum(parts.values()), change, rel_tol=1e-9, abs_tol=1e-9 * scale)


def test_rate_mix_worked_example() -> None:
    # Segment a: 5/10 → 9/10 (rate 0.5 → 0.9, share 0.5 → 0.5); b: 1/10 → 1/10.
    split = rate_mix({"a": (5, 10), "b": (1, 10)}, {"a": (9, 10), "b": (1, 10)})
    assert split["a"] == pytest.approx((0.2, 0.0))
    assert split["b"] == pytest.approx((0.0, 0.0))
    # Pure mix: same rates, the shares move.
    mix = rate_mix({"a": (5, 10), "b": (1, 10)}, {"a": (10, 20), "b": (0.5, 5)})
    assert sum(r for r, _ in mix.values()) == pytest.approx(0.0)
    assert sum(m for _, m in mix.values()) == pytest.approx(10.5 / 25 - 6 / 20)


DATA = {
    "opportunities": {
        "columns": [
            "opportunity_id",
            "owner_id",
            "amount",
            "created_at",
            "close_date",
            "status",
            "closed_at",
        ],
        "rows": [
            # Q1: r1 won 2 of 2, r2 won 0 of 2 → 50%
            ["a1", "r1", 100, "2024-01-01", "2024-02-01", "won", "2024-02-01"],
            ["a2", "r1", 100, "2024-01-01", "2024-02-01", "won", "2024-02-01"],
            ["a3", "r2", 100, "2024-01-01", "2024-02-01", "lost", "2024-02-01"],
            ["a4", "r2", 100, "2024-01-01", "2024-02-01", "lost", "2024-02-01"],
            # Q2: r1 won 1 of 1, r2 won 1 of 4 → 40%
            ["b1", "r1", 100, "2024-01-01", "2024-05-01", "won", "2024-05-01"],
            ["b2", "r2", 100, "2024-01-01", "2024-05-01", "won", "2024-05-01"],
            ["b3", "r2", 100, "2024-01-01", "2024-05-01", "lost", "2024-05-01"],
            ["b4", "r2", 100, "2024-01-01", "2024-05-01", "lost", "2024-05-01"],
            ["b5", "r2", 100, "2024-01-01", "2024-05-01", "lost", "2024-05-01"],
        ],
    }
}


def test_win_rate_explained_by_numerator_and_denominator(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, DATA)
    comp = computer(ws)
    e = Explainer(comp).explain("win_rate", parse_period("2024-Q1"), parse_period("2024-Q2"))
    assert e.change == pytest.approx(-0.1)
    num, den = e.parts
    # numerator 2 → 2: no effect; denominator 4 → 5: all of the −10 pts
    assert num.contribution == pytest.approx(0.0)
    assert den.contribution == pytest.approx(-0.1)
    assert e.sentence == "Win rate fell from 50.0% to 40.0%: -10.0 pts from denominator."
    comp.close()


def test_win_rate_by_rep_rate_and_mix(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, DATA)
    comp = computer(ws)
    e = Explainer(comp).explain(
        "win_rate", parse_period("2024-Q1"), parse_period("2024-Q2"), ["owner_id"]
    )
    parts = {p.name: p.contribution for p in e.parts}
    # r1: rate 1 → 1, share 0.5 → 0.2; r2: rate 0 → 0.25, share 0.5 → 0.8
    assert parts["owner_id=r1: rate"] == pytest.approx(0.0)
    assert parts["owner_id=r1: mix"] == pytest.approx(1.0 * (0.2 - 0.5))
    assert parts["owner_id=r2: rate"] == pytest.approx((0.5 + 0.8) / 2 * 0.25)
    assert parts["owner_id=r2: mix"] == pytest.approx((0 + 0.25) / 2 * (0.8 - 0.5))
    assert abs(e.residual) < 1e-12
    comp.close()


# -- ARR, MRR, NRR, GRR: the bridge lines and the customers behind them ------------------------

ACCOUNTS = [
    {"account_id": "acme", "name": "Acme"},
    {"account_id": "globex", "name": "Globex"},
    {"account_id": "initech", "name": "Initech"},
    {"account_id": "umbrella", "name": "Umbrella"},
]
# Monthly plans. At 2024-03-31: initech 1,000, acme 500, umbrella 800 (ARR 27,600).
# At 2024-06-30: initech gone (churn −12,000), acme 700 (expansion +2,400), globex new 300
# (+3,600), umbrella 600 (contraction −2,400): ARR 19,200, change −8,400.
REVENUE_LINES = [
    line("l1", "initech", "2023-01-01", "2024-05-01", 1000),
    line("l2", "acme", "2023-01-01", None, 500),
    line("l3", "acme", "2024-05-15", None, 200),
    line("l4", "globex", "2024-04-10", None, 300),
    line("l5", "umbrella", "2023-01-01", "2024-06-01", 800),
    line("l6", "umbrella", "2024-06-01", None, 600),
]


def _revenue_explanation(tmp_path: Path, kpi_id: str, reverse: bool = False) -> Explanation:
    ws = subscriptions_workspace(tmp_path, REVENUE_LINES, tables={"accounts": ACCOUNTS})
    q1, q2 = parse_period("2024-Q1"), parse_period("2024-Q2")
    with computing(ws) as comp:
        return Explainer(comp).explain(kpi_id, *((q2, q1) if reverse else (q1, q2)), top=1)


def test_arr_is_explained_by_its_bridge_lines_and_customers(tmp_path: Path) -> None:
    e = _revenue_explanation(tmp_path, "arr")
    assert (e.value_before, e.value_after) == (27600.0, 19200.0)
    assert [(p.name, p.detail["amount"]) for p in e.parts] == [
        ("new", "3600.00"),
        ("expansion", "2400.00"),
        ("contraction", "-2400.00"),
        ("churn", "-12000.00"),
    ]
    # to the cent: the lines add up to the change exactly
    assert sum(Decimal(p.detail["amount"]) for p in e.parts) == Decimal("-8400.00")
    assert e.residual == 0
    churn = e.parts[3].detail
    assert churn["customers"] == [
        {
            "account_id": "initech",
            "name": "Initech",
            "contribution": -12000.0,
            "amount": "-12000.00",
        }
    ]
    assert (churn["other_customers"], churn["others"]) == (0, "0.00")
    assert e.sentence == (
        "ARR fell from $27,600 to $19,200: new +$3,600 (Globex +$3,600); "
        "expansion +$2,400 (Acme +$2,400); contraction −$2,400 (Umbrella −$2,400); "
        "churn −$12,000 (Initech −$12,000)."
    )


def test_arr_explained_backwards_reverses_every_line(tmp_path: Path) -> None:
    e = _revenue_explanation(tmp_path, "arr", reverse=True)
    assert (e.value_before, e.value_after) == (19200.0, 27600.0)
    assert {p.name: p.detail["amount"] for p in e.parts} == {
        "new": "-3600.00",
        "expansion": "-2400.00",
        "contraction": "2400.00",
        "churn": "12000.00",
    }
    assert e.residual == 0


def test_mrr_uses_the_monthly_bridge(tmp_path: Path) -> None:
    e = _revenue_explanation(tmp_path, "mrr")
    assert {p.name: p.detail["amount"] for p in e.parts} == {
        "new": "300.00",
        "expansion": "200.00",
        "contraction": "-200.00",
        "churn": "-1000.00",
    }
    assert e.change == -700.0


def test_nrr_change_split_into_expansion_contraction_and_churn(tmp_path: Path) -> None:
    # Q1 cohort (ARR at 2023-03-31): all three flat → 100%. Q2 cohort (2023-06-30): 27,600
    # then; now acme 8,400, umbrella 7,200, initech 0 → 15,600 ÷ 27,600. Globex is not in it.
    e = _revenue_explanation(tmp_path, "nrr")
    assert e.value_before == pytest.approx(1.0)
    assert e.value_after == pytest.approx(15600 / 27600)
    parts = {p.name: p.contribution for p in e.parts}
    assert parts == pytest.approx(
        {"expansion": 2400 / 27600, "contraction": -2400 / 27600, "churn": -12000 / 27600}
    )
    assert abs(e.residual) < 1e-12
    churn = next(p for p in e.parts if p.name == "churn").detail["customers"]
    assert churn == [
        {
            "account_id": "initech",
            "name": "Initech",
            "contribution": pytest.approx(-12000 / 27600),
            "amount": "-12000.00",
            "amount_before": "0.00",
        }
    ]
    assert e.sentence == (
        "Net revenue retention fell from 100.0% to 56.5%: expansion +8.7 pts (Acme +8.7 pts); "
        "contraction -8.7 pts (Umbrella -8.7 pts); churn -43.5 pts (Initech -43.5 pts)."
    )


def test_grr_has_no_expansion_line(tmp_path: Path) -> None:
    e = _revenue_explanation(tmp_path, "grr")
    assert e.value_after == pytest.approx(13200 / 27600)
    parts = {p.name: p.contribution for p in e.parts}
    assert parts == pytest.approx({"contraction": -2400 / 27600, "churn": -12000 / 27600})
    assert abs(e.residual) < 1e-12


def test_monthly_bridge_retention_uses_the_bridge_lines_of_the_base(tmp_path: Path) -> None:
    # Base at 2024-03-31: 2,300 MRR; April–June: acme +200, umbrella −200, initech −1,000
    # (globex is new: not in the base). Q1 had no movement: 100%.
    e = _revenue_explanation(tmp_path, "nrr_monthly_bridge")
    assert (e.value_before, e.value_after) == pytest.approx((1.0, 1300 / 2300))
    assert {p.name: p.contribution for p in e.parts} == pytest.approx(
        {"expansion": 200 / 2300, "contraction": -200 / 2300, "churn": -1000 / 2300}
    )
    assert abs(e.residual) < 1e-12
    churn = next(p for p in e.parts if p.name == "churn")
    assert churn.detail["customers_text"] == "Initech -43.5 pts"
    g = _revenue_explanation(tmp_path / "gross", "grr_monthly_bridge")
    assert g.value_after == pytest.approx(1100 / 2300)
    assert {p.name for p in g.parts} == {"contraction", "churn"}
    assert abs(g.residual) < 1e-12


def test_others_are_counted_and_summed(tmp_path: Path) -> None:
    lines = [line(f"n{i}", f"c{i}", "2024-04-01", None, 100 * (i + 1)) for i in range(4)]
    ws = subscriptions_workspace(tmp_path, [*lines, line("b", "base", "2023-01-01", None, 50)])
    with computing(ws) as comp:
        e = Explainer(comp).explain("arr", parse_period("2024-Q1"), parse_period("2024-Q2"), top=2)
    (new,) = e.parts
    assert new.detail["amount"] == "12000.00"
    assert [c["account_id"] for c in new.detail["customers"]] == ["c3", "c2"]
    assert (new.detail["other_customers"], new.detail["others"]) == (2, "3600.00")
    assert new.detail["customers_text"] == "c3 +$4,800, c2 +$3,600, 2 others +$3,600"
    assert (
        e.sentence
        == "ARR rose from $600.00 to $12,600: new +$12,000 (c3 +$4,800, c2 +$3,600, 2 others)."
    )


cohort = st.dictionaries(
    st.sampled_from("abcdef"),
    st.tuples(
        st.integers(1, 10_000).map(lambda x: Decimal(x) / 100),
        st.integers(0, 10_000).map(lambda x: Decimal(x) / 100),
    ),
    min_size=1,
)


@given(cohort, cohort, st.booleans())
def test_retention_lines_add_up_to_the_change(
    before: dict[str, tuple[Decimal, Decimal]],
    after: dict[str, tuple[Decimal, Decimal]],
    net: bool,
) -> None:
    def rate(c: dict[str, tuple[Decimal, Decimal]]) -> Decimal:
        kept = sum(((n if net else min(n, t)) for t, n in c.values()), Decimal(0))
        return kept / sum((t for t, _ in c.values()), Decimal(0))

    lines = retention_lines(before, after, net)
    change = rate(after) - rate(before)
    assert abs(sum(x.contribution for x in lines) - change) < Decimal("1e-20")
    for x in lines:  # each line's customers add up to it
        assert abs(sum(c.contribution for c in x.customers) - x.contribution) < Decimal("1e-20")


def test_cli_table_names_the_customers_behind_each_bridge_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pulse.cli import app

    ws = subscriptions_workspace(tmp_path, REVENUE_LINES, tables={"accounts": ACCOUNTS})
    args = ["kpi", "explain", ws.name, "arr", "--from", "2024-Q1", "--to", "2024-Q2"]
    result = CliRunner().invoke(app, [*args, "--top", "1", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["churn", "-12,000.0000", "Initech", "−$12,000"] in rows
    assert ["new", "+3,600.0000", "Globex", "+$3,600"] in rows
    assert ["total", "change", "-8,400.0000"] in rows
