"""``Computer.detail()`` lists exactly the rows behind a KPI's value.

The data sets are the value cases' (tests/kpis/cases/<kpi>.yml), where the arithmetic is written
out; these tests pin the listing itself: which rows, and what each row says.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pulse.periods import parse_period
from tests.kpis.harness import CASES_DIR, ENGINES, computer, load_case, make_workspace

ENGINE_PARAMS = [
    pytest.param(engine, id=engine, marks=[pytest.mark.spark] if engine == "spark" else [])
    for engine in ENGINES
]


def _detail(
    tmp_path: Path,
    engine: str,
    kpi_id: str,
    period: str,
    *,
    tables: dict[str, Any] | None = None,
    profile: str | None = None,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """The detail rows of ``kpi_id`` for ``period`` on the case's data (or on ``tables``)."""
    case = load_case(CASES_DIR / f"{kpi_id}.yml")
    ws = make_workspace(
        tmp_path,
        tables if tables is not None else case["data"],
        profile or case.get("profile", "b2b_saas"),
        settings=case.get("settings"),
    )
    comp = computer(ws, engine=engine)
    try:
        return comp.detail(kpi_id, parse_period(period, as_of), as_of)
    finally:
        comp.close()


def _pick(rows: list[dict[str, Any]], *columns: str) -> list[tuple[Any, ...]]:
    """The chosen columns of every row, sorted, so order of the engine does not matter."""
    return sorted(tuple(row[c] for c in columns) for row in rows)


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_customer_health_lists_accounts_below_the_threshold(tmp_path: Path, engine: str) -> None:
    rows = _detail(tmp_path, engine, "customer_health_score", "2024-Q2")
    # supply_chain_software: threshold 60. a1 97.5 and a3 75 are above; a2 52.5 and a4 30 below.
    assert _pick(
        rows, "period_key", "account_id", "account_name", "health_threshold", "usage_score"
    ) == [
        ("2024-Q2", "a2", "Beta", 60.0, 50.0),
        ("2024-Q2", "a4", "Delta", 60.0, 25.0),
    ]
    by_account = {r["account_id"]: r for r in rows}
    assert by_account["a2"]["health_score"] == pytest.approx(52.5)
    assert by_account["a2"]["tickets_score"] == pytest.approx(50.0)
    assert by_account["a2"]["nps_score"] == pytest.approx(60.0)
    assert by_account["a4"]["health_score"] == pytest.approx(30.0)
    assert by_account["a4"]["support_tickets"] == 4


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_customer_health_threshold_and_weights_default_and_nps_scale(
    tmp_path: Path, engine: str
) -> None:
    # b2b_saas sets no weights or threshold: the defaults (threshold 50). NPS answers outside
    # 0..10 are -100..100 scores, rescaled (x + 100) ÷ 2: -50 → 25, 50 → 75; with NPS the only
    # signal, that is the score.
    tables = {
        "health_signals": {
            "columns": ["account_id", "observed_at", "nps"],
            "rows": [["n1", date(2024, 5, 1), -50], ["n2", date(2024, 5, 1), 50]],
        }
    }
    rows = _detail(
        tmp_path, engine, "customer_health_score", "2024-Q2", tables=tables, profile="b2b_saas"
    )
    assert _pick(rows, "account_id", "health_score", "health_threshold") == [("n1", 25.0, 50.0)]


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_data_quality_lists_every_finding(tmp_path: Path, engine: str) -> None:
    rows = _detail(tmp_path, engine, "data_quality_score", "2024-Q2")
    assert {tuple(sorted(r)) for r in rows} == {
        ("kind", "message", "period_key", "record_id", "record_type")
    }
    assert _pick(rows, "kind", "record_type", "record_id", "message") == [
        ("duplicate_account", "account", "a2", "name 'ACME Corporation' matches account a1"),
        ("duplicate_account", "account", "a4", "name 'Globex Industires' matches account a3"),
        ("missing_stage", "opportunity", "o2", "open opportunity has no stage"),
        ("missing_stage", "opportunity", "o6", "open opportunity has no stage"),
        (
            "past_close_date",
            "opportunity",
            "o3",
            "open opportunity has close date 2024-06-15, before 2024-06-30",
        ),
        (
            "past_close_date",
            "opportunity",
            "o6",
            "open opportunity has close date 2024-01-31, before 2024-06-30",
        ),
        ("stale_deal", "opportunity", "o4", "no change since 2024-03-01 (121 days)"),
        ("stale_deal", "opportunity", "o6", "no change since 2023-12-01 (212 days)"),
        ("unnamed_account", "account", "a7", "account has no name"),
    ]


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_data_quality_findings_follow_the_as_of_date(tmp_path: Path, engine: str) -> None:
    # As of 2023-12-31 a2 does not exist, so Acme has no duplicate yet; o6 is 30 days old and
    # due in January, so only its missing stage is a finding.
    rows = _detail(tmp_path, engine, "data_quality_score", "2023-Q4")
    assert _pick(rows, "kind", "record_id") == [
        ("duplicate_account", "a4"),
        ("missing_stage", "o6"),
        ("unnamed_account", "a7"),
    ]


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_connected_not_transacting_lists_the_accounts(tmp_path: Path, engine: str) -> None:
    rows = _detail(tmp_path, engine, "connected_not_transacting", "2024-03")
    assert _pick(
        rows, "account_id", "account_name", "segment", "active_devices", "observed_at"
    ) == [
        ("a1", "Alpha", "enterprise", 3, date(2024, 3, 31)),
        ("a4", "Delta", "enterprise", 7, date(2024, 3, 5)),
        ("a5", "Eps", "smb", 1, date(2024, 3, 10)),
        ("a6", "Zeta", "enterprise", 6, date(2024, 3, 15)),
    ]
    # As of 2024-03-25: a1's latest observation is January's; a5's line is still active.
    rows = _detail(
        tmp_path / "as_of", engine, "connected_not_transacting", "2024-03", as_of=date(2024, 3, 25)
    )
    assert _pick(rows, "account_id", "active_devices", "observed_at") == [
        ("a1", 5, date(2024, 1, 15)),
        ("a4", 7, date(2024, 3, 5)),
        ("a6", 6, date(2024, 3, 15)),
    ]


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_quota_attainment_distribution_lists_each_rep(tmp_path: Path, engine: str) -> None:
    rows = _detail(tmp_path, engine, "quota_attainment_distribution", "2024-Q2")
    # Reps with a positive quota only: r4 (zero quota) and r5 (none) are not listed.
    assert _pick(
        rows, "owner_id", "rep_name", "team", "quota", "bookings", "won_deals", "at_or_above"
    ) == [
        ("r1", "Ann", "east", 100000.0, 100000.0, 1, 1),
        ("r2", "Bob", "east", 100000.0, 30000.0, 1, 0),
        ("r3", "Cid", "west", 100000.0, 150000.0, 2, 1),
        ("r6", "Fay", "east", 50000.0, 0.0, 0, 0),
    ]
    attainment = {r["owner_id"]: r["attainment"] for r in rows}
    assert attainment == pytest.approx({"r1": 1.0, "r2": 0.3, "r3": 1.5, "r6": 0.0})
