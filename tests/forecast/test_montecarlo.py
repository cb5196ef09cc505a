"""The Monte Carlo: exact Bernoulli draws, the right moments, reproducible seeds, and P10–P90
holding the true period revenue about 80% of the time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pulse.forecast.montecarlo import NewDeals, simulate


def test_each_deal_wins_with_its_probability() -> None:
    probs = [0.0, 0.001, 0.0039, 0.3, 0.5, 0.5001, 0.77, 0.9961, 0.999, 1.0]
    s = 200_000
    sim = simulate(
        np.ones(len(probs)),
        probs,
        simulations=s,
        seed=5,
        groups=[str(i) for i in range(len(probs))],
    )
    assert sim.group_totals is not None
    by_label = dict(zip(sim.groups, sim.group_totals, strict=True))
    for i, p in enumerate(probs):
        freq = by_label[str(i)].mean()
        sigma = math.sqrt(p * (1 - p) / s)
        assert abs(freq - p) <= 4.5 * sigma + 1e-12, (p, freq)
    assert by_label["0"].max() == 0 and by_label[str(len(probs) - 1)].min() == 1


def test_mean_and_variance_match_theory() -> None:
    rng = np.random.default_rng(1)
    n, s = 3_000, 20_000
    p = rng.choice([0.05, 0.15, 0.3, 0.5, 0.75, 0.9], n)
    a = rng.lognormal(10, 1.0, n)
    sim = simulate(a, p, simulations=s, seed=2, base=1_000.0)
    mu = 1_000.0 + float(p @ a)
    var = float((p * (1 - p)) @ (a * a))
    assert abs(sim.mean - mu) < 4 * math.sqrt(var / s)
    assert sim.totals.var() == pytest.approx(var, rel=0.05)
    assert sim.p10 < sim.p50 < sim.p90


def test_same_seed_same_answer_and_groups_add_up() -> None:
    rng = np.random.default_rng(3)
    a, p = rng.random(500) * 1e4, rng.random(500)
    one = simulate(a, p, simulations=3_000, seed=9)
    two = simulate(a, p, simulations=3_000, seed=9)
    other = simulate(a, p, simulations=3_000, seed=10)
    assert np.array_equal(one.totals, two.totals)
    assert not np.array_equal(one.totals, other.totals)
    grouped = simulate(a, p, simulations=3_000, seed=9, groups=rng.choice(["r1", "r2", "r3"], 500))
    assert grouped.group_totals is not None
    assert np.allclose(grouped.group_totals.sum(axis=0), grouped.totals)


def test_new_deals_are_compound_poisson() -> None:
    sim = simulate(
        [],
        [],
        new=NewDeals(3.0, np.array([10.0, 30.0]), np.array([3.0, 1.0])),
        simulations=50_000,
        seed=4,
    )
    # E = λ·E[size] = 3 × 15; Var = λ·E[size²] = 3 × (0.75·100 + 0.25·900)
    assert sim.mean == pytest.approx(45.0, abs=4 * math.sqrt(900 / 50_000))
    assert sim.totals.var() == pytest.approx(900.0, rel=0.05)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="probabilities must lie in"):
        simulate([1.0], [1.5])
    with pytest.raises(ValueError, match="same length"):
        simulate([1.0, 2.0], [0.5])


def test_p10_to_p90_holds_the_truth_about_80_percent_of_the_time() -> None:
    """200 scenarios with known probabilities: the realised period revenue (drawn from the same
    process, independently) falls inside P10–P90 in 70–90% of them (80% expected)."""
    inside = 0
    seeds = 200
    for seed in range(seeds):
        rng = np.random.default_rng(10_000 + seed)
        n = int(rng.integers(20, 200))
        p = rng.choice([0.05, 0.15, 0.3, 0.5, 0.75, 0.9], n)
        a = rng.lognormal(10, 1.0, n)
        won = float(rng.integers(0, 100_000))
        sizes = rng.lognormal(9.5, 0.8, 30)
        new = NewDeals(float(rng.uniform(0, 5)), sizes)
        sim = simulate(a, p, base=won, new=new, simulations=2_000, seed=seed)
        truth = (
            won
            + float(a @ (rng.random(n) < p))
            + float(rng.choice(sizes, rng.poisson(new.expected)).sum())
        )
        inside += sim.p10 <= truth <= sim.p90
    assert 0.70 <= inside / seeds <= 0.90, inside / seeds


def test_no_open_deals_still_gives_group_totals() -> None:
    sim = simulate([], [], base=7.0, simulations=10, groups=[], group_base={"r1": 5.0})
    assert sim.groups == ["r1"] and sim.group_totals is not None
    assert list(sim.group_totals[0]) == [5.0] * 10 and list(sim.totals) == [7.0] * 10
