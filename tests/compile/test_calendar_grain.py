"""Whole calendar periods join their rows on DATE_TRUNC too: the same rows, hash-joinable."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pulse.compile.planner import PeriodSpec, calendar_grain
from pulse.compute import RESULTS, Computer
from pulse.periods import parse_period
from tests.kpis.harness import make_workspace


def _spec(label: str) -> PeriodSpec:
    p = parse_period(label)
    return PeriodSpec(p.label, p.start, p.end, p.end)


def _range(start: date, end: date) -> PeriodSpec:
    return PeriodSpec(f"{start}..{end}", start, end, end)


def test_each_calendar_unit_is_recognised() -> None:
    assert calendar_grain([_spec("2024-05"), _spec("2024-06")]) == "month"
    assert calendar_grain([_spec("2024-Q1"), _spec("2024-Q4")]) == "quarter"
    assert calendar_grain([_spec("2023"), _spec("2024")]) == "year"
    assert calendar_grain([_spec("2024-W01"), _spec("2024-W27")]) == "week"
    # a range that happens to be a whole month is one
    assert calendar_grain([_range(date(2024, 2, 1), date(2024, 2, 29))]) == "month"


def test_anything_else_keeps_the_plain_range_join() -> None:
    assert calendar_grain([]) is None
    # a fiscal quarter from February is three months, but not a calendar quarter
    assert calendar_grain([_range(date(2024, 2, 1), date(2024, 4, 30))]) is None
    assert calendar_grain([_spec("2024-05"), _spec("2024-Q2")]) is None  # mixed units
    assert calendar_grain([_range(date(2024, 5, 2), date(2024, 5, 31))]) is None
    assert calendar_grain([_range(date(2024, 5, 7), date(2024, 5, 13))]) is None  # Tue to Mon


OPPORTUNITIES = {
    "columns": ["opportunity_id", "amount", "created_at", "close_date", "status", "closed_at"],
    "rows": [
        ["o1", 100, "2024-01-10", "2024-04-30", "won", "2024-04-30 23:30:00"],
        ["o2", 300, "2024-02-01", "2024-05-01", "lost", "2024-05-01 00:00:00"],
        ["o3", 500, "2024-03-01", "2024-05-31", "won", "2024-05-31 18:00:00"],
        ["o4", 700, "2024-03-15", "2024-06-01", "won", None],
    ],
}  # fmt: skip


def test_month_periods_give_what_the_range_join_gives(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {"opportunities": OPPORTUNITIES})
    comp = Computer(ws, today=date(2024, 12, 31))
    months = [parse_period("2024-04"), parse_period("2024-05"), parse_period("2024-06")]
    assert "DATE_TRUNC('month', m.closed_on)" in comp.sql("bookings", months, [])
    # the same three months plus a period that is no calendar unit: the plain range join
    odd = parse_period("2024-05-02..2024-05-31")
    assert "DATE_TRUNC" not in comp.sql("bookings", [*months, odd], [])
    RESULTS.clear()
    by_month = {r["period_key"]: r["value"] for r in comp.rows("bookings", months, [])}
    RESULTS.clear()
    mixed = {r["period_key"]: r["value"] for r in comp.rows("bookings", [*months, odd], [])}
    comp.close()
    # boundary timestamps (23:30 on the last day, midnight on the first) land in their month
    assert by_month == {"2024-04": 100, "2024-05": 500, "2024-06": 700}
    assert {k: mixed[k] for k in by_month} == by_month
    assert mixed[odd.label] == 500
