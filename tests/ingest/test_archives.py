"""Compressed files: .gz and .zip holding CSV, JSON or JSON lines, members read in order."""

from __future__ import annotations

import gzip
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

HEADER = "invoice_id,issued_at,amount\n"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _invoices(ws: Workspace) -> list[tuple[object, ...]]:
    return rows(ws, "SELECT invoice_id, issued_at, amount FROM invoices ORDER BY 1")


def test_gzipped_csv(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "invoices.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "I1,2024-01-05,10.50\n").encode()))
    result = import_file(ws, "invoices", path)
    assert (result.file, result.inserted) == ("invoices.csv.gz", 1)
    assert _invoices(ws) == [("I1", date(2024, 1, 5), Decimal("10.5"))]


def test_gzipped_json_lines_named_json(ws: Workspace, tmp_path: Path) -> None:
    # Mixpanel's raw export: JSON lines, gzipped, often saved as .json.gz
    lines = [
        {"invoice_id": "I1", "issued_at": "2024-01-05", "amount": 1},
        {"invoice_id": "I2", "issued_at": "2024-01-06", "amount": 2},
    ]
    path = tmp_path / "export.json.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(x) for x in lines).encode()))
    import_file(ws, "invoices", path)
    assert [r[0] for r in _invoices(ws)] == ["I1", "I2"]


def test_zip_of_csv_members_in_order_header_once(ws: Workspace, tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "invoices.zip",
        {
            "jan.csv": (HEADER + "I1,2024-01-05,1\nI2,2024-01-09,2").encode(),  # no final newline
            "__MACOSX/._feb.csv": b"junk",
            "feb.csv": ("\ufeff" + HEADER + "I3,2024-02-01,3\n").encode(),  # BOM
        },
    )
    result = import_file(ws, "invoices", path)
    assert result.inserted == 3
    assert [r[0] for r in _invoices(ws)] == ["I1", "I2", "I3"]


def test_zip_line_numbers_count_through_members(ws: Workspace, tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "invoices.zip",
        {"a.csv": (HEADER + "I1,2024-01-05,1\n").encode(), "b.csv": (HEADER + "I2,x,2\n").encode()},
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", path)
    assert [str(i) for i in err.value.issues] == [
        "invoices.zip:3:issued_at: expected a date, got 'x'"
    ]


def test_zip_of_gzipped_json_lines_amplitude_style(ws: Workspace, tmp_path: Path) -> None:
    def member(*ids: str) -> bytes:
        body = "\n".join(
            json.dumps({"invoice_id": i, "issued_at": "2024-01-05", "amount": "5"}) for i in ids
        )
        return gzip.compress(body.encode())

    path = _zip(
        tmp_path / "amplitude.zip",
        {
            "123/123_2024-01-05_0#0.json.gz": member("A1", "A2"),
            "123/123_2024-01-05_1#0.json.gz": member("A3"),
        },
    )
    assert import_file(ws, "invoices", path).inserted == 3


def test_zip_of_json_arrays_concatenated(ws: Workspace, tmp_path: Path) -> None:
    doc = [{"invoice_id": "J1", "issued_at": "2024-01-05", "amount": 1}]
    doc2 = [{"invoice_id": "J2", "issued_at": "2024-01-06", "amount": 2}]
    path = _zip(
        tmp_path / "pages.zip",
        {"p1.json": json.dumps(doc, indent=2).encode(), "p2.json": json.dumps(doc2).encode()},
    )
    import_file(ws, "invoices", path)
    assert [r[0] for r in _invoices(ws)] == ["J1", "J2"]


def test_zip_of_one_json_document_with_records_key(ws: Workspace, tmp_path: Path, write) -> None:  # type: ignore[no-untyped-def]
    doc = {"QueryResponse": {"Invoice": [{"Id": "9", "TxnDate": "2024-03-01", "TotalAmt": 7}]}}
    path = _zip(tmp_path / "qbo.zip", {"invoices.json": json.dumps(doc, indent=1).encode()})
    mapping = write(
        "m.yml",
        "records: QueryResponse.Invoice\ncolumns: {invoice_id: Id, issued_at: TxnDate, amount: TotalAmt}\n",
    )
    import_file(ws, "invoices", path, mapping=mapping)
    assert _invoices(ws) == [("9", date(2024, 3, 1), Decimal("7"))]


def test_zip_errors(ws: Workspace, tmp_path: Path) -> None:
    mixed = _zip(
        tmp_path / "mixed.zip",
        {"a.csv": HEADER.encode(), "b.csv": b"id,when,amount\n1,2024-01-01,1\n"},
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", mixed)
    assert err.value.message == "mixed.zip: b.csv has other columns than a.csv"

    objects = _zip(tmp_path / "objs.zip", {"a.json": b'{\n"a": 1}', "b.json": b'{\n"a": 2}'})
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", objects)
    assert err.value.message.startswith("objs.zip: a.json is not a JSON array")

    empty = _zip(tmp_path / "empty.zip", {"__MACOSX/._x": b""})
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", empty)
    assert err.value.message == "empty.zip: the zip file holds no files"

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", broken)
    assert err.value.message == "broken.zip: not a valid zip file"

    bad_gz = tmp_path / "bad.csv.gz"
    bad_gz.write_bytes(b"not gzip")
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", bad_gz)
    assert err.value.message.startswith("bad.csv.gz: cannot decompress")

    xlsx = _zip(tmp_path / "book.zip", {"book.xlsx": b"PK"})
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "invoices", xlsx)
    assert err.value.message == "book.zip: cannot tell the file type (it holds book.xlsx)"
    assert not list((ws.path / ".tmp").glob("archive-*"))  # temporary files removed
