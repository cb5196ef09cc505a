"""Every reader: CSV dialects and encodings, XLSX sheets, Parquet, JSON, JSON lines, records."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from pulse.errors import ImportValidationError
from pulse.ingest import import_file, import_records
from pulse.ingest.readers.delimited import sniff_delimiter
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

OPPS = "SELECT opportunity_id, name, amount, created_at, status FROM opportunities ORDER BY 1"


def refused(excinfo: pytest.ExceptionInfo[ImportValidationError]) -> list[str]:
    return [str(i) for i in excinfo.value.issues]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_csv_delimiter_is_sniffed(ws: Workspace, write, delim: str) -> None:
    text = "\n".join(
        delim.join(r)
        for r in [
            ["opportunity_id", "name", "amount", "created_at", "status"],
            ["A", "Acme deal", "100", "2024-01-31", "open"],
            ["B", "Beta deal", "250.5", "2024-02-01", "won"],
        ]
    )
    result = import_file(ws, "opportunities", write("o.csv", text + "\n"))
    assert (result.rows_read, result.inserted, result.rows_after) == (2, 2, 2)
    assert rows(ws, OPPS) == [
        ("A", "Acme deal", Decimal("100.0000"), date(2024, 1, 31), "open"),
        ("B", "Beta deal", Decimal("250.5000"), date(2024, 2, 1), "won"),
    ]


def test_sniffer_prefers_the_consistent_delimiter() -> None:
    # commas inside values but semicolons between them
    assert sniff_delimiter('a;b;c\n"1,5";x;y\n2;"p,q";z\n') == ";"
    assert sniff_delimiter("a,b\n1,2\n") == ","
    assert sniff_delimiter("only\n1\n") == ","


def test_csv_utf8_bom_and_crlf(ws: Workspace, write) -> None:
    data = "\ufeffopportunity_id,name,amount,created_at,status\r\nA,Café,1,2024-01-31,open\r\n"
    import_file(ws, "opportunities", write("o.csv", data))
    assert rows(ws, OPPS) == [("A", "Café", Decimal("1.0000"), date(2024, 1, 31), "open")]


def test_csv_quoted_fields_with_delimiters_quotes_and_newlines(ws: Workspace, write) -> None:
    data = (
        "opportunity_id,name,amount,created_at,status\n"
        'A,"Smith, ""Big"" deal\nsecond line",1,2024-01-31,open\n'
        "B,plain,2,2024-01-31,open\n"
    )
    import_file(ws, "opportunities", write("o.csv", data))
    assert [r[1] for r in rows(ws, OPPS)] == ['Smith, "Big" deal\nsecond line', "plain"]


def test_line_numbers_are_physical_lines_after_a_quoted_newline(ws: Workspace, write) -> None:
    data = (
        "opportunity_id,name,amount,created_at,status\n"  # line 1
        'A,"two\nlines",1,2024-01-31,open\n'  # lines 2-3
        "\n"  # line 4, blank
        "B,x,abc,2024-01-31,open\n"  # line 5
    )
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", write("o.csv", data))
    assert refused(excinfo) == ["o.csv:5:amount: expected an amount, got 'abc'"]


def test_latin1_needs_the_flag(ws: Workspace, write) -> None:
    data = "opportunity_id,name,amount,created_at,status\nA,Société Générale,1,2024-01-31,open\n"
    path = write("o.csv", data.encode("latin-1"))
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path)
    assert excinfo.value.message == "o.csv: the file is not UTF-8"
    assert excinfo.value.hint == "pass the file's encoding, e.g. --encoding latin-1 (or cp1252)"
    import_file(ws, "opportunities", path, encoding="latin-1")
    assert rows(ws, "SELECT name FROM opportunities") == [("Société Générale",)]


def test_other_encodings_are_transcoded(ws: Workspace, write) -> None:
    data = "opportunity_id,name,amount,created_at,status\nA,Price in €,1,2024-01-31,open\n"
    import_file(ws, "opportunities", write("o.csv", data.encode("cp1252")), encoding="cp1252")
    import_file(ws, "opportunities", write("u.csv", data.encode("utf-16")), encoding="utf-16")
    assert rows(ws, "SELECT name FROM opportunities") == [("Price in €",)]
    assert not list((ws.path / ".tmp").glob("transcoded-*")), "temporary copies are removed"


def test_unknown_encoding(ws: Workspace, write) -> None:
    with pytest.raises(ImportValidationError, match="unknown encoding 'klingon'"):
        import_file(ws, "opportunities", write("o.csv", "a\n1\n"), encoding="klingon")


def test_ragged_row_is_refused_with_its_line(ws: Workspace, write) -> None:
    data = "opportunity_id,amount,created_at,status\nA,1,2024-01-31,open\nB,2\n"
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", write("o.csv", data))
    assert refused(excinfo) == ["o.csv:3: expected 4 fields like the header, got 2"]


def test_empty_and_header_only_files(ws: Workspace, write) -> None:
    with pytest.raises(ImportValidationError, match=r"o.csv: the file is empty"):
        import_file(ws, "opportunities", write("o.csv", ""))
    result = import_file(
        ws, "opportunities", write("h.csv", "opportunity_id,amount,created_at,status\n")
    )
    assert (result.rows_read, result.rows_after) == (0, 0)


def test_unknown_suffix_and_missing_file(ws: Workspace, write, tmp_path: Path) -> None:
    with pytest.raises(ImportValidationError, match=r"cannot tell the file type from '.dat'"):
        import_file(ws, "opportunities", write("o.dat", "x"))
    with pytest.raises(ImportValidationError, match="no such file"):
        import_file(ws, "opportunities", tmp_path / "missing.csv")


# -- XLSX ----------------------------------------------------------------------------------------


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    summary.append(["Report", "Q1"])
    deals = wb.create_sheet("Deals")
    deals.append(["Opportunity ID", "Name", "Amount", "Created", "Status", "Pilot"])
    deals.append(["A", "Acme", 1234.5, datetime(2024, 1, 31), "open", True])
    deals.append([None, None, None, None, None, None])  # an empty row is skipped
    deals.append([1001, "Numeric id", 100, date(2024, 2, 1), "won", False])
    path = tmp_path / "deals.xlsx"
    wb.save(path)
    return path


XLSX_MAP = """
columns:
  created_at: Created
  is_pilot: Pilot
"""


def test_xlsx_sheet_by_name_and_position(ws: Workspace, workbook: Path, write) -> None:
    mapping = write("m.yml", XLSX_MAP)
    import_file(ws, "opportunities", workbook, sheet="Deals", mapping=mapping)
    expected = [
        ("1001", "Numeric id", Decimal("100.0000"), date(2024, 2, 1), "won"),
        ("A", "Acme", Decimal("1234.5000"), date(2024, 1, 31), "open"),
    ]
    assert rows(ws, OPPS) == expected
    assert rows(ws, "SELECT is_pilot FROM opportunities ORDER BY 1") == [(False,), (True,)]
    result = import_file(ws, "opportunities", workbook, sheet=2, mapping=mapping)
    assert (result.unchanged, result.inserted) == (2, 0)


def test_xlsx_first_sheet_by_default_and_line_numbers(ws: Workspace, workbook: Path, write) -> None:
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", workbook)
    assert "deals.xlsx:1:opportunity_id: missing required column 'opportunity_id'" in refused(
        excinfo
    )
    wb = Workbook()
    sheet = wb.active
    sheet.append(["opportunity_id", "amount", "created_at", "status"])
    sheet.append(["A", "lots", "2024-01-31", "open"])
    path = ws.path.parent / "bad.xlsx"
    wb.save(path)
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path)
    assert refused(excinfo) == ["bad.xlsx:2:amount: expected an amount, got 'lots'"]


def test_xlsx_unknown_sheet(ws: Workspace, workbook: Path) -> None:
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", workbook, sheet="Deal")
    assert excinfo.value.message == "deals.xlsx: no sheet named 'Deal'. Did you mean 'Deals'?"
    with pytest.raises(ImportValidationError, match="there is no sheet 3; the workbook has 2"):
        import_file(ws, "opportunities", workbook, sheet=3)


# -- Parquet -------------------------------------------------------------------------------------


def test_parquet_typed_columns(ws: Workspace, tmp_path: Path) -> None:
    table = pa.table(
        {
            "opportunity_id": ["A", "B"],
            "amount": pa.array([Decimal("10.50"), Decimal("-3")], type=pa.decimal128(10, 2)),
            "created_at": pa.array([date(2024, 1, 31), date(2024, 2, 29)], type=pa.date32()),
            "status": ["open", "lost"],
            "is_pilot": [True, None],
            "deployments": pa.array([3, None], type=pa.int64()),
        }
    )
    path = tmp_path / "o.parquet"
    pq.write_table(table, path)
    import_file(ws, "opportunities", path)
    assert rows(
        ws,
        "SELECT opportunity_id, amount, created_at, is_pilot, deployments FROM opportunities ORDER BY 1",
    ) == [
        ("A", Decimal("10.5000"), date(2024, 1, 31), True, 3),
        ("B", Decimal("-3.0000"), date(2024, 2, 29), None, None),
    ]


def test_parquet_lines_are_record_positions(ws: Workspace, tmp_path: Path) -> None:
    table = pa.table(
        {
            "opportunity_id": ["A", "B"],
            "amount": ["1", "x"],
            "created_at": ["2024-01-01"] * 2,
            "status": ["open"] * 2,
        }
    )
    path = tmp_path / "o.parquet"
    pq.write_table(table, path)
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path)
    assert refused(excinfo) == ["o.parquet:2:amount: expected an amount, got 'x'"]


# -- JSON ----------------------------------------------------------------------------------------

RECORDS = [
    {
        "opportunity_id": "A",
        "amount": 100,
        "created_at": "2024-01-31",
        "status": "open",
        "is_pilot": True,
    },
    {
        "opportunity_id": "B",
        "amount": 2.5,
        "created_at": 1706659200,
        "status": "won",
        "is_pilot": False,
    },
]
STORED = [
    ("A", Decimal("100.0000"), date(2024, 1, 31), "open", True),
    ("B", Decimal("2.5000"), date(2024, 1, 31), "won", False),
]
JSON_SQL = (
    "SELECT opportunity_id, amount, created_at, status, is_pilot FROM opportunities ORDER BY 1"
)


def test_json_array(ws: Workspace, write) -> None:
    import_file(ws, "opportunities", write("o.json", json.dumps(RECORDS)))
    assert rows(ws, JSON_SQL) == STORED


def test_json_object_with_a_data_list(ws: Workspace, write) -> None:
    import_file(
        ws, "opportunities", write("o.json", json.dumps({"object": "list", "data": RECORDS}))
    )
    assert rows(ws, JSON_SQL) == STORED


def test_json_records_key_from_a_mapping(ws: Workspace, write) -> None:
    doc = {"results": {"deals": RECORDS}, "owners": [{"x": 1}], "teams": [{"y": 2}]}
    path = write("o.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path)
    assert excinfo.value.message == (
        "o.json: cannot tell where the records are (lists under 'owners', 'teams')"
    )
    import_file(ws, "opportunities", path, mapping=write("m.yml", "records: results.deals\n"))
    assert rows(ws, JSON_SQL) == STORED


def test_json_nested_objects_are_flattened(ws: Workspace, write) -> None:
    doc = [
        {"id": "A", "deal": {"amount": 5, "created": "2024-01-31"}, "status": "open", "tags": ["x"]}
    ]
    mapping = write(
        "m.yml",
        "columns:\n  opportunity_id: id\n  amount: deal.amount\n  created_at: deal_created\n",
    )
    result = import_file(ws, "opportunities", write("o.json", json.dumps(doc)), mapping=mapping)
    assert result.ignored_columns == ("tags",)
    assert rows(ws, "SELECT opportunity_id, amount, created_at FROM opportunities") == [
        ("A", Decimal("5.0000"), date(2024, 1, 31))
    ]


def test_json_lines_report_physical_lines(ws: Workspace, write) -> None:
    lines = [json.dumps(RECORDS[0]), "", json.dumps(RECORDS[1] | {"amount": "n/a"})]
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", write("o.jsonl", "\n".join(lines) + "\n"))
    assert refused(excinfo) == ["o.jsonl:3:amount: expected an amount, got 'n/a'"]
    lines[2] = json.dumps(RECORDS[1])
    import_file(ws, "opportunities", write("o.ndjson", "\n".join(lines)))
    assert rows(ws, JSON_SQL) == STORED


def test_invalid_json(ws: Workspace, write) -> None:
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", write("o.json", '[{"a": 1},\n {"a": }]'))
    assert refused(excinfo) == ["o.json:2:column 8: Expecting value"]
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", write("o.jsonl", '{"a": 1}\nnot json\n'))
    assert refused(excinfo) == [
        "o.jsonl:2: expected a JSON object, got invalid JSON (Expecting value)"
    ]


# -- already-parsed records ----------------------------------------------------------------------


def test_import_records_list_of_dicts(ws: Workspace) -> None:
    result = import_records(ws, "opportunities", RECORDS, source_name="api")
    assert (result.file, result.inserted, len(result.sha256)) == ("api", 2, 64)
    assert rows(ws, JSON_SQL) == STORED
    with pytest.raises(ImportValidationError) as excinfo:
        import_records(ws, "opportunities", [RECORDS[0] | {"status": "maybe"}], source_name="api")
    assert refused(excinfo) == ["api:1:status: expected one of open, won, lost, got 'maybe'"]


def test_import_records_arrow_table(ws: Workspace) -> None:
    table = pa.table(
        {
            "opportunity_id": ["A", "B"],
            "amount": [100.0, 2.5],
            "created_at": pa.array([date(2024, 1, 31)] * 2, type=pa.date32()),
            "status": ["open", "won"],
            "is_pilot": [True, False],
        }
    )
    result = import_records(ws, "opportunities", table, source_name="frame")
    assert result.inserted == 2
    assert rows(ws, JSON_SQL) == STORED
    again = import_records(ws, "opportunities", table, source_name="frame")
    assert (again.unchanged, again.sha256) == (2, result.sha256)


def test_line_numbers_in_a_file_read_in_parallel(ws: Workspace, tmp_path: Path) -> None:
    """DuckDB reads big files in parallel chunks; reported lines still follow the file."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("opportunity_id,amount,created_at,status\n")
        for i in range(250_000):
            amount = "oops" if i in (3, 170_001, 249_999) else str(i)
            f.write(f"O{i},{amount},2024-01-01,open\n")
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path)
    assert refused(excinfo) == [
        "big.csv:5:amount: expected an amount, got 'oops'",
        "big.csv:170003:amount: expected an amount, got 'oops'",
        "big.csv:250001:amount: expected an amount, got 'oops'",
    ]


def test_sheet_and_encoding_only_where_they_apply(ws: Workspace, write, workbook: Path) -> None:
    path = write("o.csv", "opportunity_id,amount,created_at,status\n")
    with pytest.raises(ImportValidationError, match="--sheet applies to XLSX workbooks, not csv"):
        import_file(ws, "opportunities", path, sheet="Deals")
    with pytest.raises(ImportValidationError, match="--encoding applies to text files, not xlsx"):
        import_file(ws, "opportunities", workbook, encoding="latin-1")
