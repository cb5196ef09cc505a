"""Period labels: parse them, and step to the previous period of the same length.

Accepted labels (all ends inclusive):

- ISO week ``2024-W27`` (Monday to Sunday), month ``2024-06``, quarter ``2024-Q2``, year ``2024``;
- fiscal ``FY2025-Q1`` / ``FY2025`` from the workspace's fiscal-year start month. A fiscal year is
  named after the calendar year in which it **ends** (start month 2: FY2025 = 2024-02-01 to
  2025-01-31); with start month 1 it equals the calendar year;
- a range ``2024-01-01..2024-03-31``;
- a rolling window ``rolling-90d`` (also ``rolling-12m``) ending at the as-of date;
- relative labels ``this-month``, ``last-month``, ``this-quarter``, ``last-quarter``,
  ``this-year``, ``last-year`` relative to the as-of date (default: today).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from pulse.errors import PeriodError

VALID_FORMS = (
    "2024-W27, 2024-06, 2024-Q2, 2024, FY2025-Q1, FY2025, 2024-01-01..2024-03-31, "
    "rolling-90d, rolling-12m, this-month, last-month, this-quarter, last-quarter, this-year, last-year"
)


@dataclass(frozen=True, order=True)
class Period:
    """A span of days with a label. ``end`` is inclusive."""

    start: date
    end: date
    label: str
    kind: str
    fiscal_start_month: int = 1

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls inside the period."""
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        return self.shift(-1)

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (negative: earlier) of the same kind."""
        if n == 0:
            return self  # keeps a label such as ``rolling-90d``
        kind = self.kind
        if kind == "week":
            start = self.start + timedelta(weeks=n)
            iso = start.isocalendar()
            return week(iso.year, iso.week)
        if kind in ("month", "quarter", "year", "fiscal_quarter", "fiscal_year"):
            months = {"month": 1, "quarter": 3, "year": 12, "fiscal_quarter": 3, "fiscal_year": 12}[
                kind
            ]
            start = add_months(self.start, n * months)
            end = add_months(self.start, (n + 1) * months) - timedelta(days=1)
            return Period(
                start,
                end,
                _label(kind, start, self.fiscal_start_month),
                kind,
                self.fiscal_start_month,
            )
        length = timedelta(days=self.days * n)
        start, end = self.start + length, self.end + length
        return Period(
            start, end, f"{start.isoformat()}..{end.isoformat()}", "range", self.fiscal_start_month
        )

    def series(self, count: int) -> list[Period]:
        """The ``count`` periods ending with this one, oldest first."""
        return [self.shift(-i) for i in range(count - 1, -1, -1)]

    def to_json(self) -> dict[str, str]:
        """Label and ISO dates."""
        return {
            "period": self.label,
            "period_start": self.start.isoformat(),
            "period_end": self.end.isoformat(),
        }


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (day clamped to the month's length)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_end(day: date) -> date:
    """Last day of ``day``'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def week(year: int, number: int) -> Period:
    """ISO week ``number`` of ``year``."""
    try:
        start = date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise PeriodError(f"invalid ISO week {year}-W{number:02d}: {exc}") from exc
    return Period(start, start + timedelta(days=6), f"{year}-W{number:02d}", "week")


def month(year: int, number: int) -> Period:
    """Calendar month."""
    if not 1 <= number <= 12:
        raise PeriodError(f"invalid month {year}-{number:02d}: expected 01-12")
    start = date(year, number, 1)
    return Period(start, month_end(start), f"{year}-{number:02d}", "month")


def quarter(year: int, number: int) -> Period:
    """Calendar quarter."""
    if not 1 <= number <= 4:
        raise PeriodError(f"invalid quarter {year}-Q{number}: expected Q1-Q4")
    start = date(year, 3 * (number - 1) + 1, 1)
    return Period(start, add_months(start, 3) - timedelta(days=1), f"{year}-Q{number}", "quarter")


def fiscal_year_start(fiscal_year: int, start_month: int) -> date:
    """First day of fiscal year ``fiscal_year`` (named after the calendar year it ends in)."""
    return date(fiscal_year if start_month == 1 else fiscal_year - 1, start_month, 1)


def _label(kind: str, start: date, fiscal_start_month: int) -> str:
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == "year":
        return str(start.year)
    fy = (
        start.year
        if fiscal_start_month == 1
        else start.year + (1 if start.month >= fiscal_start_month else 0)
    )
    if kind == "fiscal_year":
        return f"FY{fy}"
    offset = (start.month - fiscal_start_month) % 12
    return f"FY{fy}-Q{offset // 3 + 1}"


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("week", re.compile(r"^(\d{4})-W(\d{1,2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("year", re.compile(r"^(\d{4})$")),
    ("fiscal_quarter", re.compile(r"^FY(\d{4})-Q([1-4])$")),
    ("fiscal_year", re.compile(r"^FY(\d{4})$")),
    ("range", re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")),
    ("rolling", re.compile(r"^rolling-(\d+)([dm])$")),
]


def parse_period(label: str, as_of: date | None = None, fiscal_start_month: int = 1) -> Period:
    """Parse a period label; ``as_of`` anchors rolling and relative labels (default: today)."""
    text = label.strip()
    anchor = as_of or date.today()
    relative = _relative(text, anchor)
    if relative is not None:
        return relative
    for kind, pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        a, b = m.group(1), m.group(2) if m.lastindex and m.lastindex > 1 else None
        if kind == "week":
            return week(int(a), int(b or 0))
        if kind == "month":
            return month(int(a), int(b or 0))
        if kind == "quarter":
            return quarter(int(a), int(b or 0))
        if kind == "year":
            start = date(int(a), 1, 1)
            return Period(start, date(int(a), 12, 31), a, "year")
        if kind in ("fiscal_quarter", "fiscal_year"):
            fy_start = fiscal_year_start(int(a), fiscal_start_month)
            if kind == "fiscal_year":
                end = add_months(fy_start, 12) - timedelta(days=1)
                return Period(fy_start, end, f"FY{a}", kind, fiscal_start_month)
            start = add_months(fy_start, 3 * (int(b or 1) - 1))
            end = add_months(start, 3) - timedelta(days=1)
            return Period(start, end, f"FY{a}-Q{b}", kind, fiscal_start_month)
        if kind == "range":
            try:
                start, end = date.fromisoformat(a), date.fromisoformat(b or "")
            except ValueError as exc:
                raise PeriodError(
                    f"invalid period '{label}': {exc}", hint=f"valid forms: {VALID_FORMS}"
                ) from exc
            if end < start:
                raise PeriodError(f"invalid period '{label}': the range ends before it starts")
            return Period(start, end, text, "range")
        if kind == "rolling":
            n, unit = int(a), b
            if n <= 0:
                raise PeriodError(f"invalid period '{label}': the window must be at least 1")
            start = (
                anchor - timedelta(days=n - 1)
                if unit == "d"
                else add_months(anchor, -n) + timedelta(days=1)
            )
            return Period(start, anchor, text, "range")
    raise PeriodError(f"invalid period '{label}'", hint=f"valid forms: {VALID_FORMS}")


def _relative(text: str, anchor: date) -> Period | None:
    m = re.match(r"^(this|last)-(month|quarter|year)$", text)
    if not m:
        return None
    which, unit = m.groups()
    if unit == "month":
        current = month(anchor.year, anchor.month)
    elif unit == "quarter":
        current = quarter(anchor.year, (anchor.month - 1) // 3 + 1)
    else:
        current = Period(
            date(anchor.year, 1, 1), date(anchor.year, 12, 31), str(anchor.year), "year"
        )
    return current.previous() if which == "last" else current


def parse_date(text: str, what: str = "date") -> date:
    """Parse an ISO date given on the command line."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise PeriodError(f"invalid {what} '{text}': expected YYYY-MM-DD") from exc
