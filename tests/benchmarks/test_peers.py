"""The pandas and polars peers of the scorecard give exactly Pulse's numbers (benchmarks/peers)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd  # type: ignore[import-untyped]
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from peers import compare, extract, pandas_scorecard, polars_scorecard, pulse_scorecard  # noqa: E402
from peers.spec import COVERED, MONTHS, PROFILE, Results, months  # noqa: E402
from pulse.demo import build_workspace  # noqa: E402

ANCHOR = date(2026, 9, 30)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Results]]:
    """A 3,000-opportunity demo workspace, its Parquet extract, and Pulse's numbers."""
    home = tmp_path_factory.mktemp("peers")
    workspace = build_workspace(PROFILE, home=home, opportunities=3000, seed=7, anchor=ANCHOR)
    parquet = home / "parquet"
    extract.export(workspace.db_path, parquet)
    computer = pulse_scorecard.computer(workspace, ANCHOR)
    try:
        expected = pulse_scorecard.results(computer, ANCHOR, COVERED)
    finally:
        computer.close()
    yield parquet, expected


def test_pulse_gives_a_value_for_every_covered_query_and_month(
    data: tuple[Path, Results],
) -> None:
    _, expected = data
    for kpi, dims in COVERED:
        split = ",".join(dims) or "-"
        found = {key[2] for key in expected if key[0] == kpi and key[1] == split}
        assert len(found) == MONTHS, (kpi, dims, sorted(found))


def test_pandas_gives_pulses_numbers(data: tuple[Path, Results]) -> None:
    parquet, expected = data
    got = pandas_scorecard.scorecard(parquet, months(ANCHOR), COVERED)
    assert compare.differences(expected, got) == []


def test_polars_gives_pulses_numbers(data: tuple[Path, Results]) -> None:
    parquet, expected = data
    got = polars_scorecard.scorecard(parquet, months(ANCHOR), COVERED)
    assert compare.differences(expected, got) == []


def test_a_formula_that_differs_is_caught(
    data: tuple[Path, Results], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A classic slip: counting both the first and the last day of a sales cycle.
    parquet, expected = data
    original = pandas_scorecard.opportunity_facts

    def slipped(data_dir: Path, cycle_from_first_meeting: bool = False) -> pd.DataFrame:
        facts = original(data_dir, cycle_from_first_meeting)
        facts["cycle_days"] = facts["cycle_days"] + 1
        return facts

    monkeypatch.setattr(pandas_scorecard, "opportunity_facts", slipped)
    got = pandas_scorecard.scorecard(parquet, months(ANCHOR), COVERED)
    problems = compare.differences(expected, got, limit=1000)
    assert problems
    assert {line.split("'")[1] for line in problems} == {"sales_cycle_days"}


def test_a_wrong_value_a_missing_and_an_extra_cell_are_each_reported() -> None:
    expected: Results = {
        ("win_rate", "-", "2026-08", ()): 0.5,
        ("win_rate", "-", "2026-09", ()): 0.5,
    }
    got: Results = {
        ("win_rate", "-", "2026-08", ()): 0.5000001,
        ("win_rate", "-", "2026-07", ()): 0.5,
    }
    assert compare.differences(expected, got) == [
        "('win_rate', '-', '2026-07', ()): unexpected value 0.5",
        "('win_rate', '-', '2026-08', ()): expected 0.5, got 0.5000001",
        "('win_rate', '-', '2026-09', ()): missing, expected 0.5",
    ]


def test_values_equal_to_one_part_in_a_billion_agree() -> None:
    expected: Results = {("arr", "-", "2026-09", ()): 1_000_000.00}
    got: Results = {("arr", "-", "2026-09", ()): 1_000_000.0005}
    assert compare.differences(expected, got) == []
