"""Calibration recovers known stage probabilities from a generated funnel, and leans on the
profile when history is thin (the Beta-prior arithmetic, by hand)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pulse.compute import Computer
from pulse.forecast.calibrate import calibrate
from tests.forecast.conftest import B2B_STAGES, TRUE_P, funnel_workspace
from tests.kpis.harness import computer, make_workspace

TOLERANCE = 0.04  # absolute, on every stage (≈3σ for the thinnest stage of 6,000 deals)


def test_calibration_recovers_the_true_probabilities(tmp_path: Path) -> None:
    ws = funnel_workspace(tmp_path, 6_000, seed=1)
    comp = Computer(ws, today=date(2024, 12, 31))
    try:
        cal = calibrate(comp, date(2024, 1, 1))
    finally:
        comp.close()
    assert [r.stage for r in cal.stages] == B2B_STAGES
    assert cal.closed_deals == cal.placed_deals == 6_000
    for rate, truth in zip(cal.stages, TRUE_P, strict=True):
        assert abs(rate.calibrated - truth) < TOLERANCE, (rate.stage, rate.calibrated, truth)
        assert rate.deals > 400
    # every deal reached the first stage; won deals reached every stage
    assert cal.stages[0].deals == 6_000
    assert len({r.wins for r in cal.stages}) == 1


def test_thin_history_shrinks_toward_the_profile(tmp_path: Path) -> None:
    ws = make_workspace(
        tmp_path,
        {
            "opportunities": {
                "columns": [
                    "opportunity_id",
                    "amount",
                    "created_at",
                    "close_date",
                    "status",
                    "closed_at",
                    "stage",
                ],
                "rows": [
                    [
                        "w",
                        100,
                        "2024-01-01",
                        "2024-03-01",
                        "won",
                        "2024-03-01",
                        "verbal commitment",
                    ],
                    ["l3", 100, "2024-01-01", "2024-03-01", "lost", "2024-03-01", "closed lost"],
                    ["l1", 100, "2024-01-01", "2024-03-01", "lost", "2024-03-01", "qualification"],
                    ["x", 100, "2024-01-01", "2024-03-01", "lost", "2024-03-01", "closed lost"],
                    ["late", 100, "2024-01-01", "2024-06-01", "lost", "2024-06-01", "demo"],
                ],
            },
            "stage_history": {
                "columns": ["opportunity_id", "changed_at", "stage"],
                "rows": [
                    ["l3", "2024-01-05 10:00:00", "demo"],
                    ["l3", "2024-01-02 10:00:00", "qualification"],
                ],
            },
        },
    )
    comp = computer(ws)
    try:
        cal = calibrate(comp, date(2024, 4, 1))  # 'late' closed after the as-of date: not used
    finally:
        comp.close()
    rates = {r.stage: r for r in cal.stages}
    # placed: w (won: every stage), l3 (reached demo by its history), l1 (qualification);
    # x is lost in "closed lost" without history: it cannot be placed
    assert (cal.closed_deals, cal.placed_deals) == (4, 3)
    assert (rates["qualification"].deals, rates["qualification"].wins) == (3, 1)
    assert rates["qualification"].calibrated == pytest.approx((1 + 20 * 0.10) / (3 + 20))
    assert (rates["demo"].deals, rates["demo"].wins) == (2, 1)
    assert rates["demo"].calibrated == pytest.approx((1 + 20 * 0.35) / (2 + 20))
    assert rates["verbal commitment"].calibrated == pytest.approx((1 + 20 * 0.90) / (1 + 20))
    mean_prior = (0.10 + 0.20 + 0.35 + 0.50 + 0.75 + 0.90) / 6
    assert cal.other.calibrated == pytest.approx((1 + 20 * mean_prior) / (4 + 20))
    assert cal.probability("Demo") == rates["demo"].calibrated
    assert cal.probability("no such stage") == cal.other.calibrated


def test_no_history_means_the_profile(tmp_path: Path) -> None:
    comp = computer(make_workspace(tmp_path, {}))
    try:
        cal = calibrate(comp, date(2024, 4, 1))
    finally:
        comp.close()
    assert [r.calibrated for r in cal.stages] == [0.10, 0.20, 0.35, 0.50, 0.75, 0.90]
    assert all(r.deals == 0 and r.observed is None for r in cal.stages)
