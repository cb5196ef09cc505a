"""Vectorised calendar arithmetic on day numbers (days since 1970-01-01).

The generator keeps every date as an integer day number and every month as an integer month
number (months since 1970-01) so that millions of dates can be shifted, bucketed and compared
with numpy. Only the column builders turn them into Arrow dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

EPOCH = date(1970, 1, 1)
MICROS_PER_DAY = 86_400_000_000


def day_number(d: date) -> int:
    """Day number of a date."""
    return (d - EPOCH).days


def from_day(day: int) -> date:
    """The date of a day number."""
    return EPOCH + timedelta(days=int(day))


def month_number(d: date) -> int:
    """Month number (months since 1970-01) of a date."""
    return (d.year - 1970) * 12 + d.month - 1


def month_of(days: npt.NDArray[Any]) -> Ints:
    """Month number of each day number."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_start(months: npt.NDArray[Any]) -> Ints:
    """First day (day number) of each month number."""
    return np.asarray(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)


def month_end(months: npt.NDArray[Any]) -> Ints:
    """Last day (day number) of each month number."""
    return month_start(np.asarray(months) + 1) - 1


def add_months(days: npt.NDArray[Any], months: npt.NDArray[Any] | int) -> Ints:
    """Shift day numbers by whole months, clipping the day of month (Jan 31 + 1 = Feb 28)."""
    days = np.asarray(days, dtype=np.int64)
    m = month_of(days)
    dom = days - month_start(m)
    target = m + np.asarray(months, dtype=np.int64)
    first = month_start(target)
    return np.asarray(first + np.minimum(dom, month_start(target + 1) - 1 - first), dtype=np.int64)


def is_month_end(d: date) -> bool:
    """Whether ``d`` is the last day of its month."""
    return (d + timedelta(days=1)).day == 1


def previous_month_end(today: date) -> date:
    """The last day of the month before ``today``'s month."""
    return today.replace(day=1) - timedelta(days=1)
