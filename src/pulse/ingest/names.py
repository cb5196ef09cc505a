"""Header names as people write them, reduced to one comparable form.

``normalize_header`` is how a file's header, a mapping's ``from:`` and a column reference in a
mapping's ``sql:`` are compared: ``"Close Date"``, ``"close_date"``, ``"CloseDate"`` and
``" Close Date (UTC) "`` all become ``close_date``.
"""

from __future__ import annotations

import re

# Trailing time-zone markers that exports append to timestamp headers: "Created (UTC)".
_TZ_SUFFIX = re.compile(
    r"\s*[\(\[]\s*(utc|gmt|z|utc\s*[+-]\s*\d{1,2}(:?\d{2})?)\s*[\)\]]\s*$", re.I
)
_CAMEL_1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL_2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^\w]+")


def normalize_header(name: str) -> str:
    """Return the comparable form of a header: strip, drop a ``(UTC)`` suffix, snake_case.

    Steps: strip whitespace and a BOM; drop a trailing time-zone marker such as ``(UTC)``;
    split camelCase (``CloseDate`` → ``Close_Date``); case-fold; turn every run of
    non-word characters into one ``_``; strip ``_`` at both ends.
    """
    text = name.replace("\ufeff", "").strip()
    text = _TZ_SUFFIX.sub("", text)
    text = _CAMEL_2.sub("_", _CAMEL_1.sub("_", text))
    text = _NON_WORD.sub("_", text.casefold())
    return text.strip("_")
