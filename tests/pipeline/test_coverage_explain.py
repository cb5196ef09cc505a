"""The seeds' example as a test: coverage fell from 4× to 2.5×, explained by pipeline changes,
and the opportunities a week that restore 3× (seed 002: "add 3 new qualified opportunities per
week for the next 4 weeks")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.errors import PulseError
from pulse.explain import Explainer
from pulse.periods import parse_period
from pulse.pipeline.coverage import coverage_plan
from pulse.pipeline.gap import pipeline_gap_plan
from tests.kpis.harness import computer, make_workspace

Q3 = parse_period("2024-Q3")
COLUMNS = [
    "opportunity_id", "owner_id", "amount", "created_at", "close_date", "status", "closed_at",
    "stage",
]  # fmt: skip


def _history_deals() -> list[list[Any]]:
    """The four quarters before Q3: 4 won at 200,000 and 12 lost (win rate 25%)."""
    rows: list[list[Any]] = []
    for i in range(16):
        won = i < 4
        rows.append(
            [f"h{i}", "r1", 200000, "2023-06-01", "2024-02-15", "won" if won else "lost",
             "2024-02-15", "negotiation"]
        )  # fmt: skip
    return rows


DATA = {
    "opportunities": {
        "columns": COLUMNS,
        "rows": [
            ["s1", "r1", 600000, "2024-06-01", "2024-10-15", "open", None, "proposal"],
            ["s2", "r2", 500000, "2024-06-01", "2024-11-20", "open", None, "proposal"],
            ["l1", "r1", 600000, "2024-06-01", "2024-09-10", "lost", "2024-08-01", "demo"],
            ["w1", "r2", 400000, "2024-06-01", "2024-08-05", "won", "2024-08-05", "negotiation"],
            ["k1", "r1", 1000000, "2024-06-01", "2024-09-20", "open", None, "demo"],
            ["k2", "r2", 900000, "2024-06-01", "2024-09-25", "open", None, "demo"],
            ["n1", "r1", 600000, "2024-07-25", "2024-09-28", "open", None, "discovery"],
            *_history_deals(),
        ],
    },
    "stage_history": {
        "columns": ["opportunity_id", "changed_at", "stage", "amount", "close_date", "status"],
        "rows": [
            ["s1", "2024-06-01 09:00:00", "proposal", 600000, "2024-09-15", "open"],
            ["s1", "2024-07-20 09:00:00", "proposal", 600000, "2024-10-15", "open"],
            ["s2", "2024-06-01 09:00:00", "proposal", 500000, "2024-09-18", "open"],
            ["s2", "2024-07-28 09:00:00", "proposal", 500000, "2024-11-20", "open"],
        ],
    },
    "quotas": {
        "columns": ["rep_id", "period_start", "period_end", "amount"],
        "rows": [[None, "2024-07-01", "2024-09-30", 1000000]],
    },
}


@pytest.fixture
def comp(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = computer(make_workspace(tmp_path, DATA, name="acme"))
    yield c
    c.close()


def test_coverage_fell_from_4x_to_2_5x_explained(comp) -> None:  # type: ignore[no-untyped-def]
    e = Explainer(comp).explain("pipeline_coverage", Q3, Q3, as_of=date(2024, 8, 15))
    assert (e.value_before, e.value_after) == (pytest.approx(4.0), pytest.approx(2.5))
    parts = {p.name: p.contribution for p in e.parts}
    assert parts == {
        "new opportunities": pytest.approx(0.6),
        "deals that slipped (pushed out)": pytest.approx(-1.1),
        "deals won": pytest.approx(-0.4),
        "deals lost": pytest.approx(-0.6),
    }
    assert sum(parts.values()) == pytest.approx(e.change)
    assert abs(e.residual) < 1e-12
    assert e.sentence == (
        "Pipeline coverage fell from 4.00× to 2.50×: −1.10× from deals that slipped (pushed out), "
        "+0.60× from new opportunities, −0.60× from deals lost, −0.40× from deals won."
    )
    slipped = next(p for p in e.parts if p.kind == "pipeline" and p.detail["line"] == "pushed_out")
    assert slipped.detail == {
        "line": "pushed_out",
        "value": -1100000.0,
        "count": -2,
        "opportunities": 2,
    }


def test_three_opportunities_a_week_for_four_weeks_restore_3x(comp) -> None:  # type: ignore[no-untyped-def]
    # gap 3 × 1,000,000 − 2,500,000 = 500,000; each new opportunity is worth 200,000 × 25%
    plan = pipeline_gap_plan(500_000, 200_000, 0.25, 4)
    assert plan.opportunities == pytest.approx(10.0)
    assert plan.opportunities_per_week == pytest.approx(2.5)
    assert plan.per_week_rounded == 3
    assert plan.sentence() == (
        "Add 3 new qualified opportunities a week for 4 weeks "
        "(10.0 in total at 200,000 average deal size and a 25% win rate)."
    )
    # the same numbers read from the workspace: the last four quarters' average deal and win
    # rate, 28 days (4 weeks) left on 2024-09-03
    from_workspace = coverage_plan(comp, "pipeline_coverage", Q3, date(2024, 9, 3))
    assert from_workspace.gap == pytest.approx(500_000)
    assert from_workspace.average_deal_size == pytest.approx(200_000)
    assert from_workspace.win_rate == pytest.approx(0.25)
    assert from_workspace.weeks == pytest.approx(4.0)
    assert from_workspace.per_week_rounded == 3


def test_between_two_periods_the_parts_add_up_and_match_the_kpi(comp) -> None:  # type: ignore[no-untyped-def]
    q2 = parse_period("2024-Q2")
    with pytest.raises(PulseError, match="no quota for 2024-Q2"):
        Explainer(comp).explain("pipeline_coverage", q2, Q3)
    e = Explainer(comp).explain("weighted_pipeline_coverage", Q3, Q3, as_of=date(2024, 9, 1))
    kpi_after = comp.latest("weighted_pipeline_coverage", Q3, as_of=date(2024, 9, 1))[0].value
    kpi_before = comp.latest("weighted_pipeline_coverage", Q3)[0].value
    assert e.value_after == pytest.approx(kpi_after)
    assert e.value_before == pytest.approx(kpi_before)
    assert abs(e.residual) < 1e-12


def test_one_period_needs_a_date(comp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PulseError) as err:
        Explainer(comp).explain("pipeline_coverage", Q3, Q3)
    assert (
        err.value.message
        == "cannot explain pipeline_coverage of 2024-Q3 against itself without a date"
    )


def test_gap_plan_refuses_impossible_inputs() -> None:
    with pytest.raises(PulseError, match="the win rate is 0"):
        pipeline_gap_plan(100.0, 10.0, 0, 4)
    with pytest.raises(PulseError, match="the weeks is -1"):
        pipeline_gap_plan(100.0, 10.0, 0.5, -1)
    assert pipeline_gap_plan(-5.0, 10.0, 0.5, 2).opportunities == 0.0
    assert pipeline_gap_plan(-5.0, 10.0, 0.5, 2).sentence() == "No gap to close."


def test_cli_explain_json(home: Path) -> None:
    make_workspace(home, DATA, name="acme")
    result = CliRunner().invoke(
        app,
        ["kpi", "explain", "acme", "pipeline_coverage", "--from", "2024-Q3", "--to", "2024-Q3",
         "--as-of", "2024-08-15", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import json

    payload = json.loads(result.output)
    assert payload["from"]["value"] == pytest.approx(4.0)
    assert payload["to"]["value"] == pytest.approx(2.5)
    assert sum(p["contribution"] for p in payload["parts"]) == pytest.approx(-1.5)
