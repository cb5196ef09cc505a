"""Readers: every supported file becomes a DuckDB relation of text columns ``c0, c1, …``.

A :class:`Source` knows the file's original headers (position ``i`` is column ``c{i}``) and
gives SQL for the relation, with or without a ``__line`` column. Line numbers follow the
file: for CSV and XLSX the header is line 1 and the first data row is line 2; for JSON lines
it is the physical line; for a JSON array, Parquet and in-memory records it is the record's
position (1 = first record). A ``.gz`` or ``.zip`` holding CSV, JSON or JSON-lines files is
decompressed first (:mod:`pulse.ingest.readers.archive`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pulse.errors import ImportValidationError

KINDS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@dataclass
class Source:
    """A readable source: headers, and SQL for its rows as text columns."""

    kind: str
    label: str
    headers: list[str]
    relation_sql: Callable[[bool], str]
    remap_lines: Callable[[set[int]], dict[int, int]] | None = None
    cleanups: list[Callable[[], object]] = field(default_factory=list)

    def relation(self, with_lines: bool = False) -> str:
        """SQL (usable after FROM) yielding ``c0…`` and, if asked, ``__line``."""
        return self.relation_sql(with_lines)

    def physical_lines(self, lines: set[int]) -> dict[int, int]:
        """Map record-based line numbers to lines in the file (identity when they agree)."""
        if self.remap_lines is None:
            return {n: n for n in lines}
        return self.remap_lines(lines)

    def close(self) -> None:
        """Release views and temporary files."""
        for cleanup in reversed(self.cleanups):
            cleanup()
        self.cleanups.clear()


def detect_kind(path: Path, forced: str | None) -> str:
    """The reader for a file: the mapping's ``format`` or the file suffix."""
    if path.suffix.lower() in (".gz", ".zip"):
        from pulse.ingest.readers.archive import archive_kind

        return archive_kind(path, forced)
    if forced:
        return forced
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise ImportValidationError(
            f"{path.name}: cannot tell the file type from '{path.suffix or '(no suffix)'}'",
            hint="use .csv, .xlsx, .parquet, .json or .jsonl (or .gz / .zip of those), "
            "or set `format:` in a mapping",
        )
    return kind


def open_source(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    kind: str,
    encoding: str | None,
    sheet: str | int | None,
    records_key: str | None,
    normalizer: str | None,
    temp_dir: Path,
) -> Source:
    """Open ``path`` as a :class:`Source` registered on ``con``."""
    if path.suffix.lower() in (".gz", ".zip"):
        from pulse.ingest.readers.archive import cleanup, extract

        extracted = extract(path, kind, temp_dir)
        try:
            source = _open_plain(
                con, extracted, kind, encoding, sheet, records_key, normalizer, temp_dir
            )
        except BaseException:
            cleanup(extracted)
            raise
        source.cleanups.insert(0, lambda: cleanup(extracted))
        return source
    return _open_plain(con, path, kind, encoding, sheet, records_key, normalizer, temp_dir)


def _open_plain(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    encoding: str | None,
    sheet: str | int | None,
    records_key: str | None,
    normalizer: str | None,
    temp_dir: Path,
) -> Source:
    if kind == "csv":
        from pulse.ingest.readers.delimited import open_csv

        return open_csv(con, path, encoding, temp_dir)
    if kind == "xlsx":
        from pulse.ingest.readers.excel import open_xlsx

        return open_xlsx(con, path, sheet)
    if kind == "parquet":
        from pulse.ingest.readers.columnar import open_parquet

        return open_parquet(con, path)
    if kind in ("json", "jsonl"):
        from pulse.ingest.readers.records import open_json

        return open_json(con, path, kind, encoding, records_key, normalizer)
    raise ImportValidationError(f"{path.name}: unsupported format '{kind}'")  # pragma: no cover
