"""Property: ``open_candidate_states`` matches each period's as-of day to the span it falls in
through the months the span touches (an equality join on the month); over random opportunities,
stage histories and as-of days — several in one month, spans across many months, same-day
changes — it gives exactly the rows of the plain range join of the periods with the spans."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulse.catalog.registry import load_catalog
from pulse.compile.planner import Context, PeriodSpec, Planner
from tests.pipeline.conftest import Scratch
from tests.pipeline.test_changes_property import BASE, workspaces

# As-of days from two weeks before the first created_at to well after the last change, a few of
# them in the same month (weekly periods) or the same day.
as_of_days = st.lists(st.integers(-14, 200), min_size=1, max_size=7).map(
    lambda offsets: sorted(BASE + timedelta(days=n) for n in offsets)
)

COLUMNS = (
    "period_key, opportunity_id, in_history, in_opportunities, first_changed_on, "
    "last_changed_on, stage, amount, close_date, status"
)


def _periods(days: list[date]) -> list[PeriodSpec]:
    first, last = min(days), max(days)
    return [PeriodSpec(f"p{i}", first, last, d) for i, d in enumerate(days)]


def _rows(scratch: Scratch, sql: str) -> list[tuple[Any, ...]]:
    return sorted(scratch.con.execute(sql).fetchall(), key=repr)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=workspaces(), days=as_of_days)
def test_states_equal_the_range_join(
    scratch: Scratch, data: dict[str, list[dict[str, Any]]], days: list[date]
) -> None:
    scratch.fill(data)
    planner = Planner(load_catalog())
    periods = _periods(days)
    ctx = Context(today=date(2024, 12, 31))
    got = _rows(
        scratch,
        f"SELECT {COLUMNS} FROM ({planner.plan_model('open_candidate_states', periods, ctx)})",
    )
    spans = planner.plan_model("open_candidate_spans", periods, ctx)
    values = ", ".join(f"('{p.key}', DATE '{p.as_of}')" for p in periods)
    expected = _rows(
        scratch,
        f"SELECT {COLUMNS} FROM (VALUES {values}) AS p(period_key, as_of) "
        f"JOIN ({spans}) AS h ON p.as_of >= h.open_from AND p.as_of <= h.open_to",
    )
    assert got == expected


def test_a_span_across_months_meets_every_as_of_day_in_it(scratch: Scratch) -> None:
    # One opportunity open in one stage from 01-10 to 04-20: the weekly as-of days of
    # February and March all fall in its span, the ones before and after do not.
    scratch.fill(
        {
            "opportunities": [
                {
                    "opportunity_id": "o1",
                    "amount": 100,
                    "created_at": date(2024, 1, 10),
                    "status": "lost",
                    "closed_at": date(2024, 4, 20),
                    "stage": "early",
                }
            ],
            "stage_history": [],
        }
    )
    days = [date(2024, 1, 3) + timedelta(weeks=w) for w in range(18)]
    planner = Planner(load_catalog())
    sql = planner.plan_model("open_candidate_states", _periods(days), Context())
    keys = {r[0] for r in scratch.con.execute(f"SELECT period_key FROM ({sql})").fetchall()}
    inside = {f"p{i}" for i, d in enumerate(days) if date(2024, 1, 10) <= d <= date(2024, 4, 20)}
    assert keys == inside and len(inside) == 15
