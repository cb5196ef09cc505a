"""Findings: rules trip on their lines, carry evidence, and size the action."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pulse.compute import Computer
from pulse.findings import evaluate
from pulse.periods import parse_period
from tests.kpis.harness import make_workspace

OPPS = {
    "columns": [
        "opportunity_id",
        "owner_id",
        "amount",
        "created_at",
        "close_date",
        "status",
        "closed_at",
        "stage",
    ],
    "rows": [
        # Q1 history: 2 won at 50,000 of 8 decided → win rate 25%, average deal 50,000
        ["w1", "r1", 50000, "2024-01-02", "2024-02-01", "won", "2024-02-01", "verbal_commit"],
        ["w2", "r1", 50000, "2024-01-02", "2024-03-01", "won", "2024-03-01", "verbal_commit"],
        *[
            [f"l{i}", "r1", 10000, "2024-01-02", "2024-03-01", "lost", "2024-03-01", "proposal"]
            for i in range(6)
        ],
        # Q2 pipeline on 2024-04-01: 1,500,000 at 100% → 1.5× of a 1,000,000 quota
        ["o1", "r1", 1000000, "2024-03-01", "2024-05-15", "open", None, "verbal_commit"],
        ["o2", "r1", 500000, "2024-03-01", "2024-06-15", "open", None, "verbal_commit"],
    ],
}
QUOTAS = {
    "columns": ["rep_id", "period_start", "period_end", "amount"],
    "rows": [
        [None, "2024-04-01", "2024-06-30", 1000000],
        [None, "2024-01-01", "2024-03-31", 1000000],
    ],
}


@pytest.fixture
def computer(tmp_path: Path) -> Computer:
    ws = make_workspace(
        tmp_path,
        {"opportunities": OPPS, "quotas": QUOTAS},
        settings={"stage_probabilities": {"verbal_commit": 1.0, "proposal": 0.5}},
    )
    return Computer(ws, today=date(2024, 4, 1))


def test_coverage_below_3x_sizes_the_gap_in_opportunities_per_week(computer: Computer) -> None:
    found = {f.rule: f for f in evaluate(computer, parse_period("2024-Q2"))}
    f = found["coverage_below_3x"]
    assert f.severity == "red"
    n = f.numbers
    assert n["value"] == pytest.approx(1.5)
    assert n["line"] == 3.0
    assert n["gap"] == pytest.approx(1_500_000)
    assert n["average_deal_size"] == pytest.approx(50_000)
    assert n["win_rate"] == pytest.approx(0.25)
    assert n["weeks"] == pytest.approx(13)
    # 1,500,000 ÷ (50,000 × 25%) = 120 opportunities; ÷ 13 weeks = 9.23 → 10 a week
    assert n["opportunities"] == pytest.approx(120)
    assert n["opportunities_per_week"] == pytest.approx(120 / 13)
    assert "10 a week for 13 weeks" in f.action
    assert f.evidence.startswith(
        "Weighted pipeline coverage is 1.50× in 2024-Q2; the line is 3.00×"
    )


def test_win_rate_below_20_counts_the_wins_needed(computer: Computer, tmp_path: Path) -> None:
    found = {f.rule: f for f in evaluate(computer, parse_period("2024-Q1"))}
    assert "win_rate_below_20" not in found  # 2 of 8 = 25% is above the line
    rows = [r for r in OPPS["rows"] if r[0] != "w2"]  # 1 won of 7 decided = 14.3%
    ws = make_workspace(
        tmp_path / "low", {"opportunities": {"columns": OPPS["columns"], "rows": rows}}, name="low"
    )
    low = {
        f.rule: f for f in evaluate(Computer(ws, today=date(2024, 4, 1)), parse_period("2024-Q1"))
    }
    f = low["win_rate_below_20"]
    # 20% × 7 decided − 1 won = 0.4 → 1 more win
    assert (f.numbers["won"], f.numbers["closed"], f.numbers["more_wins_needed"]) == (1, 7, 1)
    assert f.evidence.startswith("Win rate is 14.3% in 2024-Q1; the line is 20.0%")


def test_missing_data_is_reported_not_guessed(computer: Computer) -> None:
    found = {f.rule: f for f in evaluate(computer, parse_period("2024-Q2"))}
    assert found["nrr_below_line"].severity == "info"
    assert found["nrr_below_line"].action.startswith("load table 'subscriptions'")
