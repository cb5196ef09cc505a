"""Day-first or month-first: deciding a file's date order, never guessing it.

``03/04/2024`` is 3 April in Europe and 4 March in the US. Pulse looks at every date written
with slashes or dashes in day/month position in the whole file (all date columns): if some
first number is above 12 the file is day-first, if some second number is above 12 it is
month-first, if both it mixes orders (refused), and if neither the file is ambiguous (refused,
asking for ``--date-format``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIRST_SQL = r"CAST(regexp_extract({p}, '^(\d{{1,2}})', 1) AS INTEGER)"
SECOND_SQL = r"CAST(regexp_extract({p}, '^\d{{1,2}}[/-](\d{{1,2}})', 1) AS INTEGER)"

DAY_FIRST_HINT = "%d/%m/%Y"
MONTH_FIRST_HINT = "%m/%d/%Y"


@dataclass(frozen=True)
class DateOrder:
    """The decided order (``"dmy"``/``"mdy"``) or the problem (``"ambiguous"``/``"mixed"``)."""

    order: str | None
    problem: str | None = None


def decide(max_first: int | None, max_second: int | None) -> DateOrder:
    """Decide the order from the largest first and second numbers of the file's dates."""
    if max_first is None or max_second is None:
        return DateOrder(None)
    day_first = max_first > 12
    month_first = max_second > 12
    if day_first and month_first:
        return DateOrder(None, "mixed")
    if day_first:
        return DateOrder("dmy")
    if month_first:
        return DateOrder("mdy")
    return DateOrder(None, "ambiguous")


_TOKENS = [
    ("YYYY", "%Y"),
    ("YY", "%y"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("HH", "%H"),
    ("hh", "%I"),
    ("mm", "%M"),
    ("SS", "%S"),
    ("ss", "%S"),
    ("AM", "%p"),
    ("PM", "%p"),
    ("M", "%m"),
    ("D", "%d"),
]
_TOKEN_RE = re.compile("|".join(re.escape(t) for t, _ in _TOKENS))


def to_strptime(fmt: str) -> str:
    """Accept ``%d/%m/%Y`` as is, or a pattern such as ``DD/MM/YYYY`` / ``MM/DD/YYYY hh:mm AM``."""
    if "%" in fmt:
        return fmt
    table = dict(_TOKENS)
    return _TOKEN_RE.sub(lambda m: table[m.group(0)], fmt)
