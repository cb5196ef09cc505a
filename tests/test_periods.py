"""Period labels parse to the right inclusive dates; previous() keeps the length."""

from __future__ import annotations

from datetime import date

import pytest

from pulse.errors import PeriodError
from pulse.periods import parse_period


@pytest.mark.parametrize(
    ("label", "start", "end", "kind"),
    [
        ("2024-W27", date(2024, 7, 1), date(2024, 7, 7), "week"),
        ("2024-W01", date(2024, 1, 1), date(2024, 1, 7), "week"),
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3), "week"),
        ("2024-06", date(2024, 6, 1), date(2024, 6, 30), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
        ("2024-Q2", date(2024, 4, 1), date(2024, 6, 30), "quarter"),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31), "quarter"),
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("2024-01-01..2024-03-31", date(2024, 1, 1), date(2024, 3, 31), "range"),
    ],
)
def test_calendar_periods(label: str, start: date, end: date, kind: str) -> None:
    p = parse_period(label)
    assert (p.start, p.end, p.kind, p.label) == (start, end, kind, label)


def test_fiscal_year_named_after_the_year_it_ends_in() -> None:
    fy = parse_period("FY2025", fiscal_start_month=2)
    assert (fy.start, fy.end) == (date(2024, 2, 1), date(2025, 1, 31))
    q1 = parse_period("FY2025-Q1", fiscal_start_month=2)
    assert (q1.start, q1.end) == (date(2024, 2, 1), date(2024, 4, 30))
    q4 = parse_period("FY2025-Q4", fiscal_start_month=2)
    assert (q4.start, q4.end) == (date(2024, 11, 1), date(2025, 1, 31))


def test_fiscal_year_with_january_start_is_the_calendar_year() -> None:
    fy = parse_period("FY2025", fiscal_start_month=1)
    assert (fy.start, fy.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert parse_period("FY2025-Q3").start == date(2025, 7, 1)


def test_fiscal_july_start() -> None:
    q1 = parse_period("FY2025-Q1", fiscal_start_month=7)
    assert (q1.start, q1.end) == (date(2024, 7, 1), date(2024, 9, 30))
    assert q1.previous().label == "FY2024-Q4"
    assert q1.previous().start == date(2024, 4, 1)


def test_rolling_window_ends_at_as_of() -> None:
    p = parse_period("rolling-90d", as_of=date(2024, 6, 30))
    assert (p.start, p.end, p.days) == (date(2024, 4, 2), date(2024, 6, 30), 90)
    m = parse_period("rolling-12m", as_of=date(2024, 6, 30))
    assert (m.start, m.end) == (date(2023, 7, 1), date(2024, 6, 30))


def test_relative_labels() -> None:
    anchor = date(2024, 5, 15)
    assert parse_period("last-quarter", anchor).label == "2024-Q1"
    assert parse_period("this-quarter", anchor).label == "2024-Q2"
    assert parse_period("last-month", anchor).label == "2024-04"
    assert parse_period("this-year", anchor).label == "2024"


@pytest.mark.parametrize(
    ("label", "previous"),
    [
        ("2024-W01", "2023-W52"),
        ("2024-01", "2023-12"),
        ("2024-03", "2024-02"),
        ("2024-Q1", "2023-Q4"),
        ("2024", "2023"),
        ("2024-01-11..2024-01-20", "2024-01-01..2024-01-10"),
    ],
)
def test_previous_has_the_same_length(label: str, previous: str) -> None:
    assert parse_period(label).previous().label == previous


def test_series_is_oldest_first() -> None:
    labels = [p.label for p in parse_period("2024-02").series(3)]
    assert labels == ["2023-12", "2024-01", "2024-02"]


@pytest.mark.parametrize(
    "label", ["2024-13", "2024-Q5", "24-Q1", "2024-W54", "2024-03-31..2024-01-01", "soon"]
)
def test_bad_labels_say_what_is_valid(label: str) -> None:
    with pytest.raises(PeriodError) as err:
        parse_period(label)
    assert label in err.value.message
    text = err.value.render()
    assert "invalid" in text
