"""Gross-margin declines: each product line or customer segment whose margin fell quarter over quarter.

Seed 000 asks the CRO to "monitor gross margin by product line and flag any line where margins
are declining quarter over quarter"; MISSION.md lists "margin falling quarter over quarter" among
the findings. :func:`margin_declines` computes the ``gross_margin`` KPI for a quarter and the one
before it, split by each dimension, and lists every segment whose margin is lower than a quarter
earlier — the largest fall first. A segment with no costed revenue in either quarter has no margin
there and is never flagged (a new line cannot decline).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulse.compute import Computer
from pulse.periods import Period, parse_period, quarter

KPI_ID = "gross_margin"
DIMENSIONS = ("product_line", "segment")
QUARTER_KINDS = ("quarter", "fiscal_quarter")
TOLERANCE = 1e-9
_LABELS = {"product_line": "product line", "segment": "customer segment"}


def quarter_of(period: Period, fiscal_start_month: int = 1) -> Period:
    """The quarter to judge: ``period`` itself when it is a quarter, else the quarter holding its last day.

    With a fiscal year that does not start in January the quarter is a fiscal quarter.
    """
    if period.kind in QUARTER_KINDS:
        return period
    day = period.end
    if fiscal_start_month == 1:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    number = (day.month - fiscal_start_month) % 12 // 3 + 1
    fiscal_year = day.year + (1 if day.month >= fiscal_start_month else 0)
    return parse_period(f"FY{fiscal_year}-Q{number}", fiscal_start_month=fiscal_start_month)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def margin_declines(
    computer: Computer,
    period: Period,
    dimensions: Sequence[str] = DIMENSIONS,
    min_drop: float = 0.0,
) -> list[dict[str, Any]]:
    """Every segment of ``dimensions`` whose gross margin fell from the previous quarter.

    ``period`` picks the quarter (see :func:`quarter_of`). ``min_drop`` ignores falls smaller than
    it (in margin points as a fraction: 0.02 = two points). Returns one dict per decline with the
    dimension, the segment, both quarters' margins, revenue and gross profit, the change and a
    sentence; an empty list when nothing fell or the invoices needed are not loaded.
    """
    if computer.missing(KPI_ID):
        return []
    current = quarter_of(period, computer.workspace.settings.fiscal_year_start_month)
    previous = current.previous()
    findings: list[dict[str, Any]] = []
    for dim in dimensions:
        rows = computer.rows(KPI_ID, [previous, current], [dim])
        before = {r[dim]: r for r in rows if r["period_key"] == previous.label}
        after = {r[dim]: r for r in rows if r["period_key"] == current.label}
        for segment, now in after.items():
            then = before.get(segment)
            if then is None or now["value"] is None or then["value"] is None:
                continue
            change = float(now["value"]) - float(then["value"])
            if change >= -TOLERANCE or -change < min_drop:
                continue
            label = _LABELS.get(dim, dim.replace("_", " "))
            name = segment if segment is not None else f"(no {label})"
            findings.append(
                {
                    "kpi": KPI_ID,
                    "dimension": dim,
                    "segment": segment,
                    "period": current.label,
                    "previous_period": previous.label,
                    "margin": float(now["value"]),
                    "previous_margin": float(then["value"]),
                    "change": change,
                    "revenue": now["denominator"],
                    "previous_revenue": then["denominator"],
                    "gross_profit": now["numerator"],
                    "previous_gross_profit": then["numerator"],
                    "message": (
                        f"Gross margin of {label} {name} fell from {_percent(float(then['value']))} "
                        f"in {previous.label} to {_percent(float(now['value']))} in {current.label} "
                        f"({change * 100:+.1f} points)."
                    ),
                }
            )
    findings.sort(key=lambda f: (f["change"], dimensions.index(f["dimension"])))
    return findings
