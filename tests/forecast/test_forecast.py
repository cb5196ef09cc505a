"""A period forecast on hand-computed data: already won, stage-weighted, calibrated, new deals,
the Monte Carlo around them, and per-scope ranges."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from pulse.forecast.new_deals import days_left, new_deal_models
from pulse.forecast.revenue import forecast_period
from pulse.periods import parse_period
from tests.kpis.harness import computer, make_workspace

Q3 = parse_period("2024-Q3")
AS_OF = date(2024, 8, 1)
COLUMNS = [
    "opportunity_id",
    "owner_id",
    "amount",
    "created_at",
    "close_date",
    "status",
    "closed_at",
    "stage",
]
DATA = {
    "reps": {"columns": ["rep_id", "team"], "rows": [["r1", "East"], ["r2", "West"]]},
    "opportunities": {
        "columns": COLUMNS,
        "rows": [
            [
                "w0",
                "r1",
                80000,
                "2024-01-10",
                "2024-06-20",
                "won",
                "2024-06-20",
                "verbal commitment",
            ],
            [
                "w1",
                "r1",
                100000,
                "2024-03-10",
                "2024-07-15",
                "won",
                "2024-07-15",
                "verbal commitment",
            ],
            ["d1", "r1", 200000, "2024-05-01", "2024-09-10", "open", None, "proposal"],
            ["d2", "r2", 100000, "2024-05-01", "2024-08-20", "open", None, "demo"],
            ["d3", "r2", 50000, "2024-05-01", "2024-09-30", "open", None, "mystery"],
            ["d4", "r2", 999999, "2024-05-01", "2024-10-05", "open", None, "proposal"],  # Q4
        ],
    },
}


@pytest.fixture
def comp(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = computer(make_workspace(tmp_path, DATA))
    yield c
    c.close()


def test_stage_weighted_and_calibrated_by_hand(comp) -> None:  # type: ignore[no-untyped-def]
    f = forecast_period(comp, Q3, AS_OF, simulations=20_000, seed=1, scopes=True)
    assert (float(f.won.total), f.won.count) == (100_000.0, 1)  # w0 closed in Q2
    assert len(f.deals) == 3 and float(f.deals.total) == 350_000.0  # d4 is due in Q4
    # map: proposal 50%, demo 35%, mystery 0%
    assert f.stage_weighted == pytest.approx(100_000 + 200_000 * 0.5 + 100_000 * 0.35)
    # history: 2 won deals placed (won = every stage), none lost: (2 + 20·p) ÷ 22
    proposal, demo = (2 + 20 * 0.5) / 22, (2 + 20 * 0.35) / 22
    mean_prior = (0.10 + 0.20 + 0.35 + 0.50 + 0.75 + 0.90) / 6
    other = (2 + 20 * mean_prior) / 22
    assert f.new.expected == 0.0  # nothing created in the history window
    expected = 100_000 + 200_000 * proposal + 100_000 * demo + 50_000 * other
    assert f.calibrated == pytest.approx(expected)
    var = sum(
        a * a * p * (1 - p) for a, p in ((200_000, proposal), (100_000, demo), (50_000, other))
    )
    assert abs(f.range.mean - expected) < 4 * math.sqrt(var / 20_000)
    assert 100_000 <= f.range.p10 <= f.range.p50 <= f.range.p90 <= 450_000
    # scopes: each rep's own deals and bookings; teams from reps.team
    assert set(f.scopes) == {"company", "rep:r1", "rep:r2", "team:East", "team:West"}
    assert f.scopes["rep:r1"].mean == pytest.approx(100_000 + 200_000 * proposal, rel=0.02)
    assert f.scopes["team:West"].mean == pytest.approx(f.scopes["rep:r2"].mean)
    payload = f.to_json()
    assert payload["probabilistic"]["simulations"] == 20_000
    assert len(payload["assumptions"]) == 6


def test_as_of_after_the_period_leaves_only_bookings(comp) -> None:  # type: ignore[no-untyped-def]
    f = forecast_period(comp, Q3, date(2024, 10, 5), simulations=500)
    assert len(f.deals) == 0
    assert f.range.p10 == f.range.p90 == 100_000.0


def test_new_deals_at_the_historical_rate(tmp_path: Path) -> None:
    # as of 08-01, 60 days are left (08-02..09-30); history = 365 days ending 61 days earlier
    assert days_left(Q3, AS_OF) == 60
    rows = [
        ["a", "r1", 1000, "2024-01-01", "2024-01-11", "won", "2024-01-11", "demo"],  # cycle 10
        ["b", "r1", 3000, "2024-01-01", "2024-02-29", "won", "2024-02-29", "demo"],  # cycle 59
        [
            "c",
            "r2",
            5000,
            "2024-01-01",
            "2024-03-01",
            "won",
            "2024-03-01",
            "demo",
        ],  # cycle 60: too long
        ["d", "r2", 5000, "2024-01-01", "2024-01-05", "lost", "2024-01-05", "demo"],
        [
            "e",
            "r2",
            5000,
            "2024-06-02",
            "2024-06-10",
            "won",
            "2024-06-10",
            "demo",
        ],  # after the window
    ]
    c = computer(make_workspace(tmp_path, {"opportunities": {"columns": COLUMNS, "rows": rows}}))
    try:
        model = new_deal_models(c, Q3, AS_OF)[""]
        by_owner = new_deal_models(c, Q3, AS_OF, by="owner_id")
    finally:
        c.close()
    assert (model.window_start, model.window_end) == (date(2023, 6, 3), date(2024, 6, 1))
    assert (model.created, model.fitting_wins) == (4, 2)
    assert model.expected == pytest.approx((50 + 1) / 365)
    assert list(model.sizes) == [1000.0, 3000.0] and list(model.weights) == [50.0, 1.0]
    assert model.new_deals.mean_size == pytest.approx((1000 * 50 + 3000) / 51)
    assert by_owner["r1"].expected == pytest.approx(51 / 365) and by_owner["r2"].expected == 0.0
    assert np.isclose(by_owner["r1"].expected_value, model.expected_value)
