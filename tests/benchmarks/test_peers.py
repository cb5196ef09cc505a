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

from peers import (  # noqa: E402
    compare,
    extract,
    pandas_revenue,
    pandas_scorecard,
    polars_scorecard,
    pulse_scorecard,
)
from peers.spec import COMPONENTS, COVERED, MONTHS, PROFILE, Results, months  # noqa: E402
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
    # Forecast accuracy has none for the last month: its forecast period has not ended yet.
    _, expected = data
    for kpi, dims in COVERED:
        split = ",".join(dims) or "-"
        found = {key[2] for key in expected if key[0] == kpi and key[1] == split}
        want = MONTHS - 1 if kpi == "forecast_accuracy" else MONTHS
        assert len(found) == want, (kpi, dims, sorted(found))


def test_every_checked_component_is_in_pulses_numbers(data: tuple[Path, Results]) -> None:
    _, expected = data
    for kpi, names in COMPONENTS.items():
        for name in names:
            found = {key[2] for key in expected if key[0] == f"{kpi}.{name}"}
            want = MONTHS - 1 if kpi == "forecast_accuracy" else MONTHS
            assert len(found) == want, (kpi, name, sorted(found))


def test_the_revenue_data_has_foreign_currencies_and_churn(data: tuple[Path, Results]) -> None:
    # The cent-exact revenue checks mean something only if there is an fx line and churn to get
    # wrong.
    _, expected = data
    fx = [v for k, v in expected.items() if k[0] == "arr_bridge.fx"]
    churn = [v for k, v in expected.items() if k[0] == "arr_bridge.churn"]
    assert any(v != 0 for v in fx)
    assert any(v != 0 for v in churn)


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
    # Sales velocity divides by the cycle, so it moves with it.
    wrong = {line.split("'")[1] for line in problems}
    assert wrong == {"sales_cycle_days", "sales_velocity"}


def test_converting_at_the_wrong_months_rate_is_caught(
    data: tuple[Path, Results], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another slip: each month's foreign-currency lines at the previous month end's rate.
    parquet, expected = data
    original = pandas_revenue.month_rates

    def lagged(data_dir: Path, indexes: list[int]) -> pd.DataFrame:
        rates = original(data_dir, [i - 1 for i in indexes])
        return rates.assign(month_index=rates["month_index"] + 1)

    monkeypatch.setattr(pandas_revenue, "month_rates", lagged)
    got = pandas_scorecard.scorecard(parquet, months(ANCHOR), COVERED)
    problems = compare.differences(expected, got, limit=100_000)
    wrong = {line.split("'")[1] for line in problems}
    assert {"arr", "arr_bridge.fx", "nrr", "grr"} <= wrong
    assert "win_rate" not in wrong and "arr_bridge.new_customers" not in wrong


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


def test_money_kept_in_cents_must_agree_to_the_cent() -> None:
    # On 2.5 billion a relative 1e-9 would let 2.50 slip; ARR is compared to the cent.
    expected: Results = {
        ("arr", "-", "2026-09", ()): 2_500_000_000.00,
        ("arr_bridge.churn", "-", "2026-09", ()): 1_000.00,
    }
    got: Results = {
        ("arr", "-", "2026-09", ()): 2_500_000_000.01,
        ("arr_bridge.churn", "-", "2026-09", ()): 1_000.00,
    }
    assert compare.differences(expected, got) == [
        "('arr', '-', '2026-09', ()): expected 2500000000.0, got 2500000000.01",
    ]
