"""Spreadsheet formula injection: make sure no text Pulse writes can run as a formula.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so a company or file name such as
``=HYPERLINK("http://evil", "click")`` must never reach a cell as-is (OWASP, "CSV Injection").
:func:`neutralise` prefixes such text with a single quote; the XLSX and CSV writers pass every
text cell through it and write numbers as numbers, never as text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

#: Leading characters that make a spreadsheet read text as a formula (OWASP's list).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(text: str) -> bool:
    """Whether ``text`` would be read as a formula by a spreadsheet."""
    return text.startswith(TRIGGERS)


def neutralise(text: str) -> str:
    """``text`` with a leading single quote when it would otherwise be read as a formula."""
    return "'" + text if is_dangerous(text) else text


def is_number(value: Any) -> bool:
    """A real number (not a bool): written as a number, never as text."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell_value(value: Any) -> Any:
    """A value ready for a spreadsheet cell: numbers and dates kept, text neutralised."""
    if value is None or is_number(value) or isinstance(value, date | datetime):
        return value
    return neutralise(str(value))
