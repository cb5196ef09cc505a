"""The board pack's scorecard as CSV: one row per KPI and period of its series.

Text cells are neutralised against formula injection (a CSV opened in a spreadsheet is the
classic way in); numbers are written as plain numbers.
"""

from __future__ import annotations

import csv
import io

from pulse.exports.report import BoardPack
from pulse.exports.safety import cell_value

COLUMNS = (
    "kpi",
    "name",
    "section",
    "core",
    "unit",
    "period",
    "value",
    "status",
    "target",
    "is_current",
)


def render(pack: BoardPack) -> bytes:
    """UTF-8 CSV (with a byte-order mark, so spreadsheets read the symbols right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for k in pack.kpis():
        for point in k.series:
            row = (
                k.id,
                k.name,
                k.section,
                "yes" if k.core else "no",
                k.unit,
                point.period,
                point.value,
                point.status,
                k.target,
                "yes" if point.period == pack.period.label else "no",
            )
            writer.writerow(["" if v is None else cell_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
