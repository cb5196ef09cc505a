"""The period picker: week, month, quarter, fiscal quarter and fiscal year.

A page shows the last complete period of the chosen kind by default, and offers that kind's
recent periods (the one in progress, marked "to date", and the twelve before it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pulse.errors import PeriodError
from pulse.periods import Period, add_months, parse_period

KINDS: dict[str, str] = {
    "week": "Week",
    "month": "Month",
    "quarter": "Quarter",
    "fiscal_quarter": "Fiscal quarter",
    "fiscal_year": "Fiscal year",
}
DEFAULT_KIND = "month"
CHOICES = 12


def current_period(kind: str, today: date, fiscal_start_month: int = 1) -> Period:
    """The period of ``kind`` that contains ``today``."""
    if kind == "week":
        iso = today.isocalendar()
        return parse_period(f"{iso.year}-W{iso.week:02d}")
    if kind == "month":
        return parse_period(f"{today.year}-{today.month:02d}")
    if kind == "quarter":
        return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")
    if kind in ("fiscal_quarter", "fiscal_year"):
        m = fiscal_start_month
        months_in = (today.month - m) % 12
        fy_start = add_months(date(today.year, today.month, 1), -months_in)
        fy = fy_start.year if m == 1 else fy_start.year + 1
        if kind == "fiscal_year":
            return parse_period(f"FY{fy}", fiscal_start_month=m)
        return parse_period(f"FY{fy}-Q{months_in // 3 + 1}", fiscal_start_month=m)
    raise PeriodError(f"unknown period kind '{kind}'", hint=f"valid kinds: {', '.join(KINDS)}")


def last_complete(kind: str, today: date, fiscal_start_month: int = 1) -> Period:
    """The latest period of ``kind`` that ended before ``today``."""
    current = current_period(kind, today, fiscal_start_month)
    return current if current.end < today else current.previous()


@dataclass(frozen=True)
class Picked:
    """The period a page shows and the picker's choices."""

    period: Period
    kind: str
    options: list[tuple[str, str]]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "kinds": [{"value": k, "label": v} for k, v in KINDS.items()],
            "options": [
                {"value": value, "label": label, "selected": value == self.period.label}
                for value, label in self.options
            ],
        }


def pick(period: str | None, kind: str | None, today: date, fiscal_start_month: int = 1) -> Picked:
    """Resolve the ``period`` and ``kind`` query parameters into a :class:`Picked`.

    A period label wins when it parses and, if a kind is also given, is of that kind (the
    picker sends both when only the kind was changed without JavaScript). Otherwise the last
    complete period of the kind (default: month) is shown.
    """
    wanted = kind if kind in KINDS else None
    chosen: Period | None = None
    if period:
        parsed = parse_period(period, today, fiscal_start_month)
        if wanted is None or parsed.kind == wanted:
            chosen = parsed
    if chosen is None:
        chosen = last_complete(wanted or DEFAULT_KIND, today, fiscal_start_month)
    shown_kind = chosen.kind if chosen.kind in KINDS else (wanted or DEFAULT_KIND)
    current = current_period(shown_kind, today, fiscal_start_month)
    options: list[tuple[str, str]] = []
    for i in range(CHOICES + 1):
        p = current.shift(-i)
        suffix = " (to date)" if p.end >= today else ""
        options.append((p.label, f"{p.label}{suffix}"))
    if all(value != chosen.label for value, _ in options):
        options.append((chosen.label, chosen.label))
    return Picked(chosen, shown_kind, options)
