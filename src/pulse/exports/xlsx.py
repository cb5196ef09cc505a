"""The board pack as an Excel workbook: one sheet per section, values in cells.

Sheets: **Scorecard**, **KPIs** (each KPI's series, one column per period, with an Excel
sparkline), **Findings**, **Definitions** (with the conventions) and **Lineage**. Numbers are
written as numbers with a format for their unit (percent as a fraction with a percent format);
every text cell goes through :func:`pulse.exports.safety.neutralise` and ``write_string``, and the
workbook is opened with ``strings_to_formulas`` off, so no text can become a formula.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pulse.exports.report import SECTION_TITLES, STATUS_LEGEND, BoardPack
from pulse.exports.safety import is_number, neutralise


def _currency_format(currency: str, decimals: int) -> str:
    places = "." + "0" * decimals if decimals else ""
    if currency == "USD":
        return f"$#,##0{places};-$#,##0{places}"
    return f'#,##0{places} "{currency}"'


def unit_format(unit: str, currency: str) -> str:
    """The Excel number format of a KPI unit."""
    return {
        "percent": "0.0%",
        "currency": _currency_format(currency, 0),
        "currency_per_day": _currency_format(currency, 2) + '" /day"',
        "ratio": '0.00"×"',
        "days": '0.0" d"',
        "months": '0.0" mo"',
        "count": "#,##0.##",
        "score": "0.00",
    }.get(unit, "General")


class Sheet:
    """A worksheet that writes numbers as numbers and text only through ``write_string``."""

    def __init__(self, book: Workbook, name: str, formats: dict[str, Format]):
        self.ws: Worksheet = book.add_worksheet(name)
        self.name = name
        self.book = book
        self.formats = formats
        self._unit_formats: dict[str, Format] = {}

    def number_format(self, num_format: str) -> Format:
        """A cached cell format for ``num_format``."""
        if num_format not in self._unit_formats:
            self._unit_formats[num_format] = self.book.add_format({"num_format": num_format})
        return self._unit_formats[num_format]

    def put(self, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
        """Write one cell: blank, number, date or (neutralised) text."""
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
        elif is_number(value):
            self.ws.write_number(row, col, float(value), fmt)
        elif isinstance(value, datetime):
            self.ws.write_datetime(
                row,
                col,
                value.replace(tzinfo=None),
                fmt or self.formats["datetime"],
            )
        elif isinstance(value, date):
            self.ws.write_datetime(
                row, col, datetime(value.year, value.month, value.day), fmt or self.formats["date"]
            )
        else:
            self.ws.write_string(row, col, neutralise(str(value)), fmt)

    def header(self, row: int, names: list[str]) -> None:
        """A bold header row."""
        for col, name in enumerate(names):
            self.put(row, col, name, self.formats["header"])

    def widths(self, widths: list[int]) -> None:
        """Column widths in characters."""
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)

    def table_end(self, first_row: int, last_row: int, columns: int) -> None:
        """Freeze the header and add a filter over the table."""
        self.ws.freeze_panes(first_row + 1, 0)
        if last_row > first_row:
            self.ws.autofilter(first_row, 0, last_row, columns - 1)


def _scorecard(sheet: Sheet, pack: BoardPack) -> None:
    f = sheet.formats
    sheet.put(0, 0, pack.title, f["title"])
    sheet.put(1, 0, "Profile")
    sheet.put(1, 1, f"{pack.profile_name} ({pack.profile_id})")
    sheet.put(2, 0, "Period")
    sheet.put(2, 1, pack.period_text)
    sheet.put(3, 0, "Generated (UTC)")
    sheet.put(3, 1, pack.generated_at)
    sheet.put(4, 0, "Status")
    sheet.put(4, 1, STATUS_LEGEND)
    columns = [
        "Section",
        "Core",
        "KPI id",
        "KPI",
        "Value",
        "Target",
        "Status",
        "Status symbol",
        "Previous",
        "Change",
        "Trend",
        "Cadence",
        "Unit",
        "Note",
    ]
    top = 6
    sheet.header(top, columns)
    row = top
    for section, entries in pack.sections.items():
        for k in entries:
            row += 1
            number = sheet.number_format(unit_format(k.unit, pack.currency))
            values: list[Any] = [
                SECTION_TITLES.get(section, section),
                "★" if k.core else "",
                k.id,
                k.name,
                k.value,
                k.target,
                k.status_word,
                k.status_symbol,
                k.previous,
                k.change,
                k.trend_text,
                k.cadence,
                k.unit,
                k.note,
            ]
            for col, value in enumerate(values):
                sheet.put(row, col, value, number if col in (4, 5, 8, 9) else None)
    sheet.widths([20, 6, 28, 30, 14, 12, 13, 8, 12, 12, 34, 10, 16, 50])
    sheet.table_end(top, row, len(columns))


def _kpis(sheet: Sheet, pack: BoardPack) -> None:
    labels = pack.series_labels()
    columns = ["KPI id", "KPI", "Unit", "Status", *labels, "Trend", "Why it moved"]
    sheet.header(0, columns)
    first_period = 4
    row = 0
    for k in pack.kpis():
        row += 1
        number = sheet.number_format(unit_format(k.unit, pack.currency))
        sheet.put(row, 0, k.id)
        sheet.put(row, 1, k.name)
        sheet.put(row, 2, k.unit)
        sheet.put(row, 3, k.status_label)
        by_period = {p.period: p.value for p in k.series}
        for i, label in enumerate(labels):
            sheet.put(row, first_period + i, by_period.get(label), number)
        trend_col = first_period + len(labels)
        if labels:
            first = xl_rowcol_to_cell(row, first_period)
            last = xl_rowcol_to_cell(row, trend_col - 1)
            sheet.ws.add_sparkline(
                row, trend_col, {"range": f"'{sheet.name}'!{first}:{last}", "markers": True}
            )
        sheet.put(row, trend_col + 1, k.explanation or k.note)
    sheet.widths([28, 30, 16, 16, *([12] * len(labels)), 16, 90])
    sheet.table_end(0, row, len(columns))


def _findings(sheet: Sheet, pack: BoardPack) -> None:
    columns = ["Severity", "Symbol", "Title", "KPI", "Evidence", "Action", "Rule", "Finding id"]
    sheet.header(0, columns)
    row = 0
    for f in pack.findings:
        row += 1
        values = [f.severity, f.symbol, f.title, f.kpi_name, f.evidence, f.action, f.rule, f.id]
        for col, value in enumerate(values):
            sheet.put(row, col, value, sheet.formats["wrap"] if col in (4, 5) else None)
    if pack.findings_note:
        sheet.put(row + 2, 0, pack.findings_note)
    sheet.widths([9, 7, 36, 26, 60, 70, 26, 34])
    sheet.table_end(0, row, len(columns))


def _definitions(sheet: Sheet, pack: BoardPack) -> None:
    columns = [
        "KPI id",
        "KPI",
        "Category",
        "Unit",
        "Direction",
        "Owner",
        "Cadence",
        "Formula",
        "Definition",
        "Conventions",
        "Caveats",
        "Data it needs",
    ]
    sheet.header(0, columns)
    row = 0
    for d in pack.definitions:
        row += 1
        values = [
            d.id,
            d.name,
            d.category,
            d.unit,
            d.direction,
            d.owner,
            d.cadence,
            d.formula,
            d.description,
            d.conventions,
            d.caveats,
            d.needs,
        ]
        for col, value in enumerate(values):
            sheet.put(row, col, value, sheet.formats["wrap"] if col >= 7 else None)
    sheet.widths([28, 30, 10, 14, 16, 16, 10, 50, 60, 50, 40, 40])
    sheet.table_end(0, row, len(columns))
    row += 2
    sheet.put(row, 0, "Conventions", sheet.formats["header"])
    for text in pack.conventions:
        row += 1
        sheet.put(row, 0, text)


def _lineage(sheet: Sheet, pack: BoardPack) -> None:
    columns = [
        "Import",
        "Imported (UTC)",
        "Table",
        "File",
        "sha256",
        "Mapping",
        "Mode",
        "Rows read",
        "Rows inserted",
        "Rows updated",
        "Rows unchanged",
        "Rows after",
        "Note",
    ]
    sheet.header(0, columns)
    row = 0
    count = sheet.number_format("#,##0")
    for r in pack.lineage:
        row += 1
        values: list[Any] = [
            r.import_id,
            r.imported_at,
            r.table,
            r.file,
            r.sha256,
            r.mapping,
            r.mode,
            r.rows_read,
            r.rows_inserted,
            r.rows_updated,
            r.rows_unchanged,
            r.rows_after,
            r.note,
        ]
        for col, value in enumerate(values):
            sheet.put(row, col, value, count if 7 <= col <= 11 else None)
    sheet.widths([8, 18, 16, 36, 66, 14, 10, 10, 12, 12, 14, 10, 50])
    sheet.table_end(0, row, len(columns))


def render(pack: BoardPack) -> bytes:
    """The workbook as XLSX bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bottom": 1, "bg_color": "#E8EDF4"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
    }
    book.set_properties({"title": neutralise(pack.title), "comments": "Generated by Pulse"})
    _scorecard(Sheet(book, "Scorecard", formats), pack)
    _kpis(Sheet(book, "KPIs", formats), pack)
    _findings(Sheet(book, "Findings", formats), pack)
    _definitions(Sheet(book, "Definitions", formats), pack)
    _lineage(Sheet(book, "Lineage", formats), pack)
    book.close()
    return out.getvalue()
