"""The data page: the tables, the import log, data-quality findings, and uploads.

An upload goes through :func:`pulse.ingest.import_file`, exactly as ``pulse data import``:
the same mapping, typing and validation, all or nothing. A refused file raises
:class:`~pulse.errors.ImportValidationError` listing every bad row as ``file:line:column``.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from pulse.cli.data import summary
from pulse.errors import ImportValidationError, PulseError, unknown
from pulse.ingest import import_file
from pulse.ingest.mapping import available_presets
from pulse.periods import Period
from pulse.tables import TABLES
from pulse.web.present import jsonable, status_json, value_text
from pulse.web.state import Client

QUALITY_KPI = "data_quality_score"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def overview(client: Client) -> dict[str, Any]:
    """Tables with row counts and the import log (newest first), once per data version."""

    def compute() -> dict[str, Any]:
        with client.reading():
            counts = client.ws.table_counts()
            log = client.ws.import_log()
        return {
            "tables": [
                {"table": name, "rows": counts.get(name, 0), "description": table.description}
                for name, table in TABLES.items()
            ],
            "imports": [jsonable(e) for e in reversed(log)],
        }

    return client.cached("data", (), compute)


def quality(client: Client, period: Period) -> dict[str, Any]:
    """The data-quality score for ``period`` and the findings behind it."""

    def compute() -> dict[str, Any]:
        with client.computer() as computer:
            kpi = computer.catalog.get(QUALITY_KPI)
            out: dict[str, Any] = {"kpi": kpi.id, "name": kpi.name, **period.to_json()}
            try:
                result = computer.latest(kpi.id, period)[0]
            except PulseError as exc:
                return {**out, "error": exc.message, "findings": []}
            out.update(
                {
                    "value": result.value,
                    "value_text": value_text(result.value, kpi.unit, client.currency),
                    **status_json(result.status),
                    "missing": result.missing,
                    "components": jsonable(result.components),
                    "findings": [],
                }
            )
            if result.value is not None:
                try:
                    out["findings"] = jsonable(computer.detail(kpi.id, period))
                except PulseError as exc:
                    out["error"] = exc.message
            return out

    return client.cached("quality", (period.label, period.start), compute)


def safe_file_name(name: str | None) -> str:
    """The uploaded file's own name, reduced to safe characters (issues quote it)."""
    base = Path(name or "").name.strip()
    cleaned = SAFE_NAME.sub("_", base).strip("._")
    return cleaned or "upload.csv"


class UploadTooLargeError(PulseError):
    """The uploaded file is larger than the server accepts."""


def save_upload(stream: BinaryIO, folder: Path, name: str, max_bytes: int) -> Path:
    """Copy an upload into ``folder/name``, refusing more than ``max_bytes``."""
    target = folder / name
    written = 0
    with target.open("wb") as out:
        while chunk := stream.read(1 << 20):
            written += len(chunk)
            if written > max_bytes:
                raise UploadTooLargeError(
                    f"{name}: the file is larger than {max_bytes // (1024 * 1024)} MB",
                    hint="import it with: pulse data import NAME TABLE FILE",
                )
            out.write(chunk)
    return target


def upload(
    client: Client,
    table: str,
    file_name: str | None,
    stream: BinaryIO,
    *,
    mapping: str | None = None,
    date_format: str | None = None,
    replace: bool = False,
) -> dict[str, Any]:
    """Import an uploaded file into ``table``; raises ImportValidationError when refused."""
    if table not in TABLES:
        raise unknown("table", table, TABLES)
    if mapping and mapping not in available_presets():
        raise unknown("mapping preset", mapping, available_presets())
    name = safe_file_name(file_name)
    with tempfile.TemporaryDirectory(prefix="pulse-upload-") as tmp:
        path = save_upload(stream, Path(tmp), name, client.state.settings.max_upload_bytes)
        with client.state.locks.writing(client.ws):
            result = import_file(
                client.ws,
                table,
                path,
                mapping=mapping or None,
                date_format=date_format or None,
                replace=replace,
            )
    return {
        "table": result.table,
        "file": result.file,
        "import_id": result.import_id,
        "mode": result.mode,
        "rows_read": result.rows_read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "skipped": result.skipped,
        "rows_after": result.rows_after,
        "warnings": list(result.warnings),
        "ignored_columns": list(result.ignored_columns),
        "summary": summary(result),
    }


def refusal(exc: ImportValidationError) -> dict[str, Any]:
    """A refused import for the page: the message, every issue, the total and the hint."""
    total = getattr(exc, "total", len(exc.issues))
    return {
        "message": exc.message,
        "issues": [issue_json(i) for i in exc.issues],
        "total": total,
        "more": max(0, total - len(exc.issues)),
        "hint": exc.hint,
    }


def issue_json(issue: Any) -> dict[str, Any]:
    """One issue as ``{message, file, line, column, where, text}``."""
    where = ":".join(str(p) for p in (issue.file, issue.line, issue.column) if p not in (None, ""))
    return {
        "message": issue.message,
        "file": issue.file,
        "line": issue.line,
        "column": issue.column,
        "where": where,
        "text": str(issue),
    }
