"""XLSX workbooks through openpyxl in read-only mode, one sheet at a time.

The sheet is chosen by name or by 1-based position (``--sheet 2`` is the second sheet);
the default is the first sheet. The first non-empty row is the header; line numbers are the
sheet's row numbers. Cells become text the way the coercers expect it: dates as ISO,
whole-number floats without ``.0``, booleans as ``true``/``false``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pulse.errors import ImportValidationError, did_you_mean
from pulse.ingest.readers import Source

BATCH = 50_000


def cell_text(value: Any) -> str | None:
    """A cell value as the text an importer would have read from a CSV."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _pick_sheet(workbook: Any, sheet: str | int | None, label: str) -> Any:
    names = list(workbook.sheetnames)
    if sheet is None:
        return workbook[names[0]]
    if isinstance(sheet, int) or (
        isinstance(sheet, str) and sheet.isdigit() and sheet not in names
    ):
        index = int(sheet)
        if not 1 <= index <= len(names):
            raise ImportValidationError(
                f"{label}: there is no sheet {index}; the workbook has {len(names)}",
                hint=f"sheets: {', '.join(names)}",
            )
        return workbook[names[index - 1]]
    if sheet not in names:
        guess = did_you_mean(sheet, names)
        msg = f"{label}: no sheet named '{sheet}'"
        raise ImportValidationError(
            msg + (f". Did you mean '{guess}'?" if guess else ""),
            hint=f"sheets: {', '.join(names)}",
        )
    return workbook[sheet]


def open_xlsx(con: duckdb.DuckDBPyConnection, path: Path, sheet: str | int | None) -> Source:
    """Read one sheet into an Arrow table of text columns registered on ``con``."""
    from openpyxl import load_workbook

    label = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportValidationError(f"{label}: cannot read the workbook: {exc}") from exc
    try:
        ws = _pick_sheet(workbook, sheet, label)
        headers: list[str] | None = None
        columns: list[list[str | None]] = []
        lines: list[int] = []
        batches: list[pa.RecordBatch] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in row]
            if headers is None:
                if any(c not in (None, "") for c in cells):
                    while cells and cells[-1] in (None, ""):
                        cells.pop()
                    headers = [(c or "").strip() for c in cells]
                    columns = [[] for _ in headers]
                continue
            if all(c is None or not c.strip() for c in cells):
                continue
            for i, col in enumerate(columns):
                col.append(cells[i] if i < len(cells) else None)
            lines.append(number)
            if len(lines) >= BATCH:
                batches.append(_batch(columns, lines))
                columns, lines = [[] for _ in headers], []
        if headers is None:
            raise ImportValidationError(f"{label}: the sheet '{ws.title}' is empty")
        batches.append(_batch(columns, lines))
    finally:
        workbook.close()
    table = pa.Table.from_batches(batches)
    view = f"__pulse_xlsx_{uuid.uuid4().hex}"
    con.register(view, table)
    names = ", ".join(f"c{i}" for i in range(len(headers)))

    def relation(with_lines: bool) -> str:
        return f"(SELECT {names}{', __line' if with_lines else ''} FROM {view})"

    return Source("xlsx", label, headers, relation, None, [lambda: con.unregister(view)])


def _batch(columns: list[list[str | None]], lines: list[int]) -> pa.RecordBatch:
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    names = [f"c{i}" for i in range(len(columns))]
    return pa.RecordBatch.from_arrays(
        [*arrays, pa.array(lines, type=pa.int64())], [*names, "__line"]
    )
