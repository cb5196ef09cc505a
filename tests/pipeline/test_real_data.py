"""The changes identity on real data: the Salesforce DTC sample's OpportunityHistory, and the demo
workspaces — and on both, every line agrees with the plain-Python reading of the rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pulse.compute import Computer
from pulse.engines.duckdb import DuckDBEngine
from pulse.periods import parse_period
from pulse.pipeline.changes import pipeline_changes
from pulse.workspace.store import create_workspace
from tests.pipeline.oracle import bridge

SALESFORCE_PROBABILITIES = {  # the stage probabilities recorded in DTC_OpportunityHistory
    "prospecting": 0.1,
    "qualification": 0.1,
    "needs analysis": 0.2,
    "value proposition": 0.5,
    "perception analysis": 0.7,
    "proposal/price quote": 0.75,
    "negotiation/review": 0.9,
}
STATUS = (
    "CASE StageName WHEN 'Closed Won' THEN 'won' WHEN 'Closed Lost' THEN 'lost' ELSE 'open' END"
)


@pytest.fixture(scope="module")
def dtc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Computer]:
    from tests.conftest import SHARED_DATA

    folder = SHARED_DATA / "salesforce-dtc-sample"
    if not folder.is_dir():
        pytest.skip(f"../shared/data is not present at {SHARED_DATA}; real-data tests need it")
    ws = create_workspace("dtc", "b2b_saas", tmp_path_factory.mktemp("dtc"))
    ws.settings.stage_probabilities = dict(SALESFORCE_PROBABILITIES)
    ws.settings.stage_order = list(SALESFORCE_PROBABILITIES)
    ws.save_settings()
    con = ws.connect()
    # Opportunities join their history on Name; a closed deal closed on its CloseDate.
    con.execute(
        "INSERT INTO opportunities (opportunity_id, owner_id, type, source, amount, created_at, "
        "close_date, stage, status, closed_at) "
        f'SELECT Name, "Owner.Name", Type, LeadSource, Amount, CAST(CreatedDate AS DATE), '
        f"CloseDate, StageName, {STATUS}, CASE WHEN {STATUS} <> 'open' THEN CloseDate END "
        f"FROM read_csv('{folder / 'DTC_Opportunity.csv'}')"
    )
    status = STATUS.replace("StageName", "stagename")
    con.execute(
        "INSERT INTO stage_history (opportunity_id, changed_at, stage, amount, close_date, status) "
        "SELECT opportunityname, CAST(createddate AS TIMESTAMP), stagename, amount, closedate, "
        f"{status} FROM read_csv('{folder / 'DTC_OpportunityHistory.csv'}', normalize_names=true)"
    )
    computer = Computer(ws, engine=DuckDBEngine(connection=con), today=date(2015, 12, 31))
    yield computer
    con.close()


def _rows(computer: Computer, table: str) -> list[dict[str, Any]]:
    return computer.engine.execute(f"SELECT * FROM {table}").to_pylist()


CASES = [
    ("2015-Q2", "2015-Q2", date(2015, 4, 1), date(2015, 7, 1)),
    ("2015-Q3", "2015-Q3", date(2015, 6, 1), date(2015, 8, 15)),
    ("2015-Q3", "2015-Q3", date(2014, 12, 1), date(2015, 7, 5)),
    ("2015-Q2", "2015-Q3", date(2015, 4, 1), date(2015, 7, 1)),
]


@pytest.mark.shared_data
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("p1", "p2", "d1", "d2"), CASES)
def test_salesforce_dtc_identity(
    dtc: Computer, p1: str, p2: str, d1: date, d2: date, weighted: bool
) -> None:
    w1, w2 = parse_period(p1), parse_period(p2)
    t = pipeline_changes(dtc, w1, d1, d2, period_to=w2, weighted=weighted).total
    assert t.opening.value + sum(x.value for x in t.lines) == t.closing.value
    assert t.opening.count + sum(x.count for x in t.lines) == t.closing.count
    probs = {k: Decimal(str(v)) for k, v in SALESFORCE_PROBABILITIES.items()} if weighted else None
    expected = bridge(
        _rows(dtc, "opportunities"),
        _rows(dtc, "stage_history"),
        (w1.start, w1.end),
        d1,
        (w2.start, w2.end),
        d2,
        probs,
    )
    assert (t.opening.value, t.opening.count) == tuple(expected["opening"])
    assert (t.closing.value, t.closing.count) == tuple(expected["closing"])
    for line in t.lines:
        assert (line.value, line.count, line.opportunities) == tuple(
            expected["lines"].get(line.key, [Decimal(0), 0, 0])
        ), line.key


@pytest.mark.shared_data
def test_salesforce_dtc_has_movement(dtc: Computer) -> None:
    """The sample is not trivial: its history moves deals between the lines."""
    q2 = pipeline_changes(dtc, parse_period("2015-Q2"), date(2015, 4, 1), date(2015, 7, 1)).total
    q3 = pipeline_changes(dtc, parse_period("2015-Q3"), date(2015, 6, 1), date(2015, 8, 15)).total
    assert (q2.opening.count, q2.line("won").count, q2.line("lost").count) == (59, -40, -15)
    moved = {x.key for t in (q2, q3) for x in t.lines if x.opportunities}
    assert {
        "new", "pulled_in", "pushed_out", "amount_increased", "amount_decreased", "won", "lost"
    } <= moved  # fmt: skip


def _demo_profiles() -> list[str]:
    try:
        from pulse.demo import PROFILE_IDS
    except ImportError:  # the demo generator is not there yet
        return []
    return list(PROFILE_IDS)


@pytest.mark.parametrize(
    "profile",
    _demo_profiles()
    or [pytest.param("none", marks=pytest.mark.skip(reason="pulse.demo is not available"))],
)
def test_demo_workspace_identity(profile: str, tmp_path: Path) -> None:
    from pulse.demo import build_workspace

    anchor = date(2024, 9, 30)
    ws = build_workspace(profile, home=tmp_path, opportunities=400, seed=11, anchor=anchor)
    computer = Computer(ws, today=anchor)
    try:
        assert _rows(computer, "stage_history"), "the demo has stage history"
        opps, hist = _rows(computer, "opportunities"), _rows(computer, "stage_history")
        for p, d1, d2 in (
            ("2024-Q3", date(2024, 7, 1), date(2024, 9, 15)),
            ("2024-Q2", date(2024, 3, 1), date(2024, 6, 30)),
        ):
            w = parse_period(p)
            t = pipeline_changes(computer, w, d1, d2).total
            assert t.opening.value + sum(x.value for x in t.lines) == t.closing.value
            assert t.opening.count + sum(x.count for x in t.lines) == t.closing.count
            expected = bridge(opps, hist, (w.start, w.end), d1, (w.start, w.end), d2)
            assert (t.closing.value, t.closing.count) == tuple(expected["closing"])
            for line in t.lines:
                assert (line.value, line.count) == tuple(
                    expected["lines"].get(line.key, [Decimal(0), 0, 0])[:2]
                ), (profile, p, line.key)
    finally:
        computer.close()
