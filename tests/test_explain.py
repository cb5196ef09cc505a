"""Explanations: every decomposition's parts add up to the change (properties + worked cases)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulse.compile.formula import parse_fragment
from pulse.explain import Explainer, evaluate, rate_mix, ratio_split, shapley
from pulse.periods import parse_period
from tests.kpis.harness import computer, make_workspace

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
