"""CSV (and other delimited text) through DuckDB's parallel CSV reader, every column as text.

The delimiter is sniffed here, from the header and the first rows (comma, semicolon, tab or
pipe), and then given to DuckDB explicitly with ``quote='"'``, ``escape='"'``, ``skip=0`` and
strict mode, so a ragged row is an error rather than a silently different reading. UTF-8 is
read with or without a BOM; CRLF and LF line ends both work; quoted fields may contain the
delimiter, doubled quotes and line breaks. ``latin-1`` is read natively; any other Python
codec (``cp1252``, ``utf-16``, …) is first transcoded, streaming, to a temporary UTF-8 copy.

Line numbers: the header is line 1. The fast path reads records without numbering them; when
a file is refused, the rows are numbered in file order (``row_number() OVER ()`` with
insertion order preserved) and, if the file holds quoted line breaks or blank lines (so that
records and physical lines differ), each reported record is mapped to the physical line on
which it *starts* by re-reading the file with Python's ``csv`` module.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

from pulse.errors import ImportValidationError, Issue, PulseError
from pulse.ingest.coerce import sql_str
from pulse.ingest.readers import Source

CANDIDATES = (",", ";", "\t", "|")
SAMPLE_BYTES = 1 << 20
NATIVE = {"utf-8": "utf-8", "iso8859-1": "latin-1"}


def _codec(encoding: str | None, label: str) -> tuple[str, str | None]:
    """Return (python codec name, DuckDB encoding or None when a transcode is needed)."""
    name = encoding or "utf-8"
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise ImportValidationError(
            f"{label}: unknown encoding '{name}'",
            hint="for example: utf-8, latin-1, cp1252, utf-16",
        ) from None
    if canonical in ("utf-8", "utf-8-sig"):
        return "utf-8-sig", "utf-8"
    return canonical, NATIVE.get(canonical)


def _transcode(path: Path, codec: str, target: Path, label: str) -> None:
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    line = 1
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(SAMPLE_BYTES):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise ImportValidationError(
                    f"{label}:{line}: not valid {codec}", hint="check --encoding"
                ) from exc
            line += text.count("\n")
            dst.write(text)
        dst.write(decoder.decode(b"", final=True))


def _sample(path: Path, codec: str) -> str:
    with path.open("rb") as f:
        raw = f.read(SAMPLE_BYTES)
    text = raw.decode(codec, errors="replace")
    if len(raw) == SAMPLE_BYTES:  # drop the last, probably cut, line
        cut = max(text.rfind("\n"), 0)
        text = text[:cut]
    return text.lstrip("\ufeff")


def sniff_delimiter(sample: str) -> str:
    """The candidate delimiter that splits the header and first rows most consistently."""
    best, best_score = ",", (-1, -1)
    for delim in CANDIDATES:
        try:
            rows = [
                row
                for _, row in zip(
                    range(50), csv.reader(io.StringIO(sample), delimiter=delim), strict=False
                )
                if row
            ]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width)
        score = (consistent, width)
        if width > 1 and score > best_score:
            best, best_score = delim, score
    return best


def _header(sample: str, delim: str, label: str) -> tuple[list[str], int]:
    reader = csv.reader(io.StringIO(sample), delimiter=delim)
    try:
        first = next(reader)
    except StopIteration:
        raise ImportValidationError(
            f"{label}: the file is empty", hint="expected a header row"
        ) from None
    if not any(cell.strip() for cell in first):
        raise ImportValidationError(
            f"{label}: the first line is empty", [Issue("expected a header row", label, 1)]
        )
    return [cell.strip() for cell in first], reader.line_num


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COUNTS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def translate_csv_error(exc: duckdb.Error, label: str) -> PulseError | None:
    """Turn a DuckDB CSV reading error into an import error with the line, or None."""
    text = str(exc)
    if "CSV Error" not in text and "Invalid unicode" not in text:
        return None
    m = _LINE.search(text)
    line = int(m.group(1)) if m else None
    counts = _COUNTS.search(text)
    if "Invalid unicode" in text:
        return ImportValidationError(
            f"{label}: the file is not UTF-8",
            [Issue("expected UTF-8 text", label, line)],
            hint="pass the file's encoding, e.g. --encoding latin-1 (or cp1252)",
        )
    if counts:
        issue = Issue(
            f"expected {counts.group(1)} fields like the header, got {counts.group(2)}", label, line
        )
        return ImportValidationError(f"{label}: a row does not match the header", [issue])
    if "unterminated quote" in text:
        return ImportValidationError(
            f"{label}: a quoted field is never closed",
            [Issue("expected a closing '\"'", label, line)],
        )
    first = text.splitlines()[0] if text else "unknown error"
    return ImportValidationError(
        f"{label}: cannot read the file as CSV", [Issue(first, label, line)]
    )


def open_csv(
    con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None, temp_dir: Path
) -> Source:
    """Open a delimited text file (see the module docstring)."""
    label = path.name
    if path.stat().st_size == 0:
        raise ImportValidationError(f"{label}: the file is empty", hint="expected a header row")
    codec, native = _codec(encoding, label)
    cleanups: list[Callable[[], object]] = []
    read_path, read_codec = path, codec
    if native is None:
        temp_dir.mkdir(parents=True, exist_ok=True)
        read_path = temp_dir / f"transcoded-{uuid.uuid4().hex}.csv"
        cleanups.append(lambda: read_path.unlink(missing_ok=True))
        try:
            _transcode(path, codec, read_path, label)
        except BaseException:
            read_path.unlink(missing_ok=True)
            raise
        native, read_codec = "utf-8", "utf-8-sig"
    sample = _sample(read_path, read_codec)
    delim = sniff_delimiter(sample)
    headers, header_lines = _header(sample, delim, label)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    scan = (
        f"read_csv({sql_str(str(read_path))}, auto_detect=false, header=true, skip=0, "
        f"delim={sql_str(delim)}, quote='\"', escape='\"', strict_mode=true, "
        f"encoding={sql_str(native)}, compression='none', columns={columns})"
    )

    def relation(with_lines: bool) -> str:
        if with_lines:
            return f"(SELECT row_number() OVER () + {header_lines} AS __line, * FROM {scan})"
        return scan

    def remap(lines: set[int]) -> dict[int, int]:
        return _physical_lines(con, scan, read_path, read_codec, delim, header_lines, lines)

    return Source("csv", label, headers, relation, remap, cleanups)


def _count_newlines(path: Path) -> tuple[int, bool]:
    count, last = 0, b""
    with path.open("rb") as f:
        while chunk := f.read(SAMPLE_BYTES):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count, last == b"\n"


def _physical_lines(
    con: duckdb.DuckDBPyConnection,
    scan: str,
    path: Path,
    codec: str,
    delim: str,
    header_lines: int,
    lines: set[int],
) -> dict[int, int]:
    records = int(con.execute(f"SELECT count(*) FROM {scan}").fetchall()[0][0])
    newlines, ends_with_newline = _count_newlines(path)
    physical = newlines + (0 if ends_with_newline else 1)
    if physical == records + header_lines:
        return {n: n for n in lines}
    wanted = sorted(lines)
    out: dict[int, int] = {}
    record_line = header_lines  # the record-based number of the last record read
    with path.open("r", encoding=codec, newline="") as f:
        reader = csv.reader(f, delimiter=delim)
        start = 1
        for i, row in enumerate(reader):
            begin, start = start, reader.line_num + 1
            if i == 0 or not row:
                continue
            record_line += 1
            if record_line in lines:
                out[record_line] = begin
                if len(out) == len(wanted):
                    break
    for n in wanted:
        out.setdefault(n, n)
    return out
