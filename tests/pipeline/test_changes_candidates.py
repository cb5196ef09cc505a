"""Property: reading only the candidate opportunities (a close date in the windows somewhere,
open on one of the dates) gives the same opportunities behind every line as the plain
``open_candidate_spans`` and ``opportunity_states`` models, row for row."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulse.compute import Computer
from pulse.periods import Period
from pulse.pipeline import changes
from tests.pipeline.conftest import Scratch
from tests.pipeline.test_changes_property import dates, windows, workspaces


def _detail(
    computer: Computer, w1: Period, w2: Period, d: tuple[date, date], weighted: bool
) -> list[tuple[Any, ...]]:
    rows = changes.changes_detail(computer, w1, d[0], d[1], period_to=w2, weighted=weighted)
    return sorted(
        (tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows), key=lambda t: str(t)
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=workspaces(), w1=windows, w2=windows, d=dates, weighted=st.booleans())
def test_candidate_filter_changes_no_row(
    scratch: Scratch,
    data: dict[str, list[dict[str, Any]]],
    w1: Period,
    w2: Period,
    d: tuple[date, date],
    weighted: bool,
) -> None:
    scratch.fill(data)
    fast = _detail(scratch.computer, w1, w2, d, weighted)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(changes, "_candidate_models", lambda computer: {})
        plain = _detail(scratch.computer, w1, w2, d, weighted)
    assert fast == plain


def test_the_filters_are_applied(scratch: Scratch) -> None:
    models = changes._candidate_models(scratch.computer)
    history = "FROM (SELECT * FROM stage_history WHERE opportunity_id IN ("
    facts = "JOIN (SELECT * FROM opportunity_facts WHERE created_at <= ("
    assert history in models["open_candidate_spans"]
    assert facts in models["opportunity_states"]


def test_a_table_is_replaced_under_its_alias() -> None:
    sql = "SELECT s.a FROM t AS s JOIN u ON u.a = s.a UNION ALL SELECT a FROM t"
    assert changes._reading(sql, "t", "SELECT * FROM t WHERE b = 1") == (
        "SELECT s.a FROM (SELECT * FROM t WHERE b = 1) AS s JOIN u ON u.a = s.a "
        "UNION ALL SELECT a FROM (SELECT * FROM t WHERE b = 1) AS t"
    )
    assert changes._reading(sql, "v", "SELECT 1") is None


def test_the_filtered_sql_transpiles_to_spark(scratch: Scratch) -> None:
    from pulse.compile.planner import transpile

    window = Period(date(2024, 1, 1), date(2024, 3, 31), "2024-Q1", "quarter")
    sql = changes.changes_sql(
        scratch.computer, window, date(2024, 1, 1), date(2024, 2, 1), by="owner_id"
    )
    spark = transpile(sql, "spark")
    assert "SELECT MIN(period_start) FROM periods" in spark
