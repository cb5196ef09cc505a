"""JSON, JSON lines and already-parsed records, as a registered Arrow table of text columns.

A JSON file is either an array of objects, or an object holding the array under a key
(``records: data.items`` in a mapping; without it, a ``data`` list — Stripe's list objects —
or the only list of objects in the document is used). JSON lines hold one object per line.
A mapping's ``normalizer`` receives the parsed document instead and returns the records.
Nested objects are flattened to dotted keys (``price.recurring.interval``); lists are kept
as JSON text. Line numbers: the physical line for JSON lines, the record's position
(1 = first) otherwise.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pulse.errors import ImportValidationError, Issue
from pulse.ingest.normalizers import get_normalizer, is_streaming
from pulse.ingest.readers import Source
from pulse.ingest.readers.columnar import quote_ident
from pulse.ingest.readers.excel import cell_text


def flatten(record: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str | None]]:
    """Yield ``(dotted key, text)`` for every leaf of a (nested) record."""
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, name + ".")
        elif isinstance(value, list):
            yield name, json.dumps(value, default=str)
        else:
            yield name, cell_text(value)


def records_table(
    records: Iterable[Any], label: str, lines: list[int] | None = None
) -> tuple[list[str], pa.Table]:
    """Headers and an Arrow table (``c0…``, ``__line``) for a sequence of dict records."""
    index: dict[str, int] = {}
    columns: list[list[str | None]] = []
    count = 0
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            line = lines[n] if lines else n + 1
            raise ImportValidationError(
                f"{label}: record {n + 1} is not an object",
                [Issue(f"expected a JSON object, got {type(record).__name__}", label, line)],
            )
        for key, text in flatten(record):
            i = index.get(key)
            if i is None:
                i = index[key] = len(columns)
                columns.append([None] * count)
            columns[i].append(text)
        count += 1
        for col in columns:
            if len(col) < count:
                col.append(None)
    line_numbers = lines if lines is not None else list(range(1, count + 1))
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    names = [f"c{i}" for i in range(len(columns))]
    table = pa.Table.from_arrays(
        [*arrays, pa.array(line_numbers, type=pa.int64())], names=[*names, "__line"]
    )
    return list(index), table


def _register(
    con: duckdb.DuckDBPyConnection, kind: str, label: str, headers: list[str], table: pa.Table
) -> Source:
    view = f"__pulse_records_{uuid.uuid4().hex}"
    con.register(view, table)
    names = [f"c{i}" for i in range(len(headers))]

    def relation(with_lines: bool) -> str:
        cols = names + (["__line"] if with_lines else [])
        return f"(SELECT {', '.join(cols) or 'NULL AS __none'} FROM {view})"

    return Source(kind, label, headers, relation, None, [lambda: con.unregister(view)])


def _find_records(document: Any, key: str | None, label: str) -> Any:
    if key:
        node = document
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ImportValidationError(
                    f"{label}: no '{key}' in the document", hint="check `records:` in the mapping"
                )
            node = node[part]
        return node
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        if isinstance(document.get("data"), list):
            return document["data"]
        lists = [
            k for k, v in document.items() if isinstance(v, list) and v and isinstance(v[0], dict)
        ]
        if len(lists) == 1:
            return document[lists[0]]
        found = (
            f"lists under {', '.join(repr(k) for k in lists)}" if lists else "no list of objects"
        )
        raise ImportValidationError(
            f"{label}: cannot tell where the records are ({found})",
            hint="name the key in a mapping: `records: KEY`",
        )
    raise ImportValidationError(f"{label}: expected a JSON array or object")


def _stream_lines(path: Path, codec: str, label: str) -> Iterator[Any]:
    """Parse a JSON-lines file lazily, refusing it (with every bad line) at the end if any is bad."""
    issues: list[Issue] = []
    try:
        with path.open(encoding=codec) as f:
            for number, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError as exc:
                    issues.append(
                        Issue(
                            f"expected a JSON object, got invalid JSON ({exc.msg})", label, number
                        )
                    )
                    continue
                if not issues:
                    yield record
    except UnicodeDecodeError as exc:
        raise ImportValidationError(f"{label}: not valid {codec}", hint="check --encoding") from exc
    if issues:
        raise ImportValidationError(f"{label}: invalid JSON lines", issues)


def open_json(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    encoding: str | None,
    records_key: str | None,
    normalizer: str | None,
) -> Source:
    """Open a JSON or JSON-lines file (see the module docstring)."""
    label = path.name
    codec = encoding or "utf-8-sig"
    lines: list[int] | None = None
    if kind == "jsonl" and normalizer and is_streaming(normalizer):
        # events are fed one line at a time: memory stays flat in the file's size
        streamed = list(get_normalizer(normalizer)(_stream_lines(path, codec, label)))
        headers, table = records_table(streamed, label)
        return _register(con, kind, label, headers, table)
    try:
        text = path.read_text(encoding=codec)
    except UnicodeDecodeError as exc:
        raise ImportValidationError(f"{label}: not valid {codec}", hint="check --encoding") from exc
    if kind == "jsonl":
        document: Any = []
        lines = []
        issues = []
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                document.append(json.loads(raw))
                lines.append(number)
            except json.JSONDecodeError as exc:
                issues.append(
                    Issue(f"expected a JSON object, got invalid JSON ({exc.msg})", label, number)
                )
        if issues:
            raise ImportValidationError(f"{label}: invalid JSON lines", issues)
    else:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportValidationError(
                f"{label}: invalid JSON", [Issue(exc.msg, label, exc.lineno, f"column {exc.colno}")]
            ) from exc
    if normalizer:
        records: Any = list(get_normalizer(normalizer)(document))
        lines = None
    elif kind == "jsonl":
        records = document
    else:
        records = _find_records(document, records_key, label)
    if not isinstance(records, list):
        raise ImportValidationError(f"{label}: expected a list of records")
    headers, table = records_table(records, label, lines)
    return _register(con, kind, label, headers, table)


def open_records(
    con: duckdb.DuckDBPyConnection, records: pa.Table | list[dict[str, Any]], label: str
) -> Source:
    """Already-parsed records: an Arrow table (columns cast to text) or a list of dicts."""
    if isinstance(records, list):
        headers, table = records_table(records, label)
        return _register(con, "records", label, headers, table)
    view = f"__pulse_arrow_{uuid.uuid4().hex}"
    headers = list(records.column_names)
    lined = records.append_column(
        "__pulse_line", pa.array(range(1, records.num_rows + 1), type=pa.int64())
    )
    con.register(view, lined)
    casts = [f"CAST({quote_ident(h)} AS VARCHAR) AS c{i}" for i, h in enumerate(headers)]

    def relation(with_lines: bool) -> str:
        cols = casts + (["__pulse_line AS __line"] if with_lines else [])
        return f"(SELECT {', '.join(cols) or 'NULL AS __none'} FROM {view})"

    return Source("records", label, headers, relation, None, [lambda: con.unregister(view)])
