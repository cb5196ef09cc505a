"""``import_file`` and ``import_records``: read, map, type, validate and write, all or nothing.

One import is one DuckDB transaction on the workspace database: the stage, the checks, the
write, the import-log row and the data-version bump commit together or not at all. A refused
file, an error or a killed process leaves the workspace exactly as it was. With account
matching (:mod:`pulse.ingest.matching`) the file's distinct account values are resolved first
and the match report is written in the same transaction; with a mapping's ``aggregate`` the
rows always go through the stage and are combined per key when written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pulse.errors import ImportValidationError, WorkspaceError
from pulse.ingest.coerce import NumberStyle, install_macros, sql_str
from pulse.ingest.dates import DAY_FIRST_HINT, MONTH_FIRST_HINT, to_strptime
from pulse.ingest.load import WriteCounts, log_import, write_rows
from pulse.ingest.mapping import TableMapping, load_mapping
from pulse.ingest.matching import (
    DEFAULT_THRESHOLD,
    MatchReport,
    drop_map,
    mapped_sql,
    match_in_workspace,
    store_report,
)
from pulse.ingest.normalizers import normalizer_context
from pulse.ingest.plan import Plan, make_plan
from pulse.ingest.progress import ImportProgress
from pulse.ingest.quirks import Imported, check_import
from pulse.ingest.readers import Source, detect_kind, open_source
from pulse.ingest.readers.delimited import translate_csv_error
from pulse.ingest.readers.records import open_records
from pulse.ingest.result import ImportRefused, ImportResult
from pulse.ingest.validate import Validator, quote
from pulse.tables import Table, get_table
from pulse.workspace.store import Workspace

Opener = Callable[[duckdb.DuckDBPyConnection, Path], Source]
MEMORY_LIMIT = "512MB"


class _FileHash(threading.Thread):
    """SHA-256 of a file, computed in the background while DuckDB reads it."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path = path
        self.digest = ""

    def run(self) -> None:
        h = hashlib.sha256()
        with self.path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
        self.digest = h.hexdigest()

    def result(self) -> str:
        self.join()
        return self.digest


def import_file(
    ws: Workspace,
    table: str,
    path: Path,
    *,
    mapping: str | Path | None = None,
    date_format: str | None = None,
    replace: bool = False,
    encoding: str | None = None,
    sheet: str | int | None = None,
    progress: bool = False,
    match_accounts: bool | None = None,
    match_threshold: float | None = None,
) -> ImportResult:
    """Import a CSV, XLSX, Parquet, JSON or JSON-lines file into a canonical table.

    ``mapping`` is a preset name or a YAML file; ``date_format`` (strptime, or a pattern such
    as ``DD/MM/YYYY``) is tried first for date columns; ``replace`` swaps the table whole;
    ``encoding`` is the text encoding (default UTF-8, with or without BOM); ``sheet`` picks an
    XLSX sheet by name or 1-based position. ``match_accounts`` (default: the mapping's
    ``match_accounts``) resolves ``account_id`` values against the accounts table, with fuzzy
    names accepted from ``match_threshold`` (see :mod:`pulse.ingest.matching`). Raises :class:`~pulse.ingest.result.ImportRefused`
    (an ``ImportValidationError``) listing every problem; nothing is written then.
    """
    canonical = get_table(table)
    path = Path(path)
    if not path.is_file():
        raise ImportValidationError(f"{path}: no such file")
    resolved = load_mapping(mapping, canonical) if mapping is not None else None
    kind = detect_kind(path, resolved.format if resolved else None)
    if sheet is not None and kind != "xlsx":
        raise ImportValidationError(f"{path.name}: --sheet applies to XLSX workbooks, not {kind}")
    if encoding is not None and kind not in ("csv", "json", "jsonl"):
        raise ImportValidationError(f"{path.name}: --encoding applies to text files, not {kind}")
    hasher = _FileHash(path)
    hasher.start()

    notes: list[str] = []

    def opener(con: duckdb.DuckDBPyConnection, temp_dir: Path) -> Source:
        # normalizers read the workspace's own settings (e.g. its event map) and leave notes
        with normalizer_context(ws.path) as context:
            source = open_source(
                con,
                path,
                kind=kind,
                encoding=encoding,
                sheet=sheet,
                records_key=resolved.records if resolved else None,
                normalizer=resolved.normalizer if resolved else None,
                temp_dir=temp_dir,
            )
        notes.extend(context.notes)
        return source

    matching = _matching(canonical, resolved, match_accounts, match_threshold)
    result = _run(
        ws,
        canonical,
        path.name,
        resolved,
        date_format,
        replace,
        progress,
        opener,
        hasher.result,
        matching,
    )
    if notes:
        result = dataclasses.replace(result, warnings=(*result.warnings, *notes))
    return result


def import_records(
    ws: Workspace,
    table: str,
    records: pa.Table | list[dict[str, Any]],
    *,
    source_name: str,
    mapping: str | Path | None = None,
    date_format: str | None = None,
    replace: bool = False,
    progress: bool = False,
    match_accounts: bool | None = None,
    match_threshold: float | None = None,
) -> ImportResult:
    """Import already-parsed records (an Arrow table or a list of dicts) like a file.

    Values go through the same mapping, typing and validation as a file's cells; issues name
    ``source_name`` and the record's position (1 = first record) as the line.
    """
    canonical = get_table(table)
    resolved = load_mapping(mapping, canonical) if mapping is not None else None
    digest = _records_hash(records)

    def opener(con: duckdb.DuckDBPyConnection, temp_dir: Path) -> Source:
        return open_records(con, records, source_name)

    matching = _matching(canonical, resolved, match_accounts, match_threshold)
    return _run(
        ws,
        canonical,
        source_name,
        resolved,
        date_format,
        replace,
        progress,
        opener,
        lambda: digest,
        matching,
    )


@dataclass(frozen=True)
class _Matching:
    """Account matching asked for: the threshold (None: the default)."""

    threshold: float | None


def _matching(
    table: Table, mapping: TableMapping | None, flag: bool | None, threshold: float | None
) -> _Matching | None:
    on = flag if flag is not None else bool(mapping and mapping.match_accounts)
    if not on:
        return None
    if "account_id" not in table.column_names or table.name == "accounts":
        raise ImportValidationError(
            f"account matching applies to tables with an account_id column, not '{table.name}'",
            hint="drop --match-accounts (or match_accounts in the mapping)",
        )
    if threshold is not None and not 0 < threshold <= 1:
        raise ImportValidationError(
            f"invalid match threshold {threshold}: expected a number above 0 and at most 1"
        )
    if threshold is None and mapping is not None:
        threshold = mapping.match_threshold
    return _Matching(threshold)


def _records_hash(records: pa.Table | list[dict[str, Any]]) -> str:
    if isinstance(records, list):
        data = json.dumps(records, sort_keys=True, default=str).encode()
        return hashlib.sha256(data).hexdigest()
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, records.schema) as writer:
        writer.write_table(records)
    return hashlib.sha256(sink.getvalue()).hexdigest()


@contextmanager
def _connection(ws: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = ws.connect()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WorkspaceError(
                f"workspace '{ws.name}' is in use by another process",
                hint="stop the other pulse command (e.g. pulse serve) and import again",
            ) from exc
        raise
    try:
        yield con
    finally:
        con.close()


@contextmanager
def _global_settings(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> Iterator[None]:
    """Apply DuckDB settings for the import and put the old ones back afterwards.

    These settings are global to the database instance, which other connections in the same
    process share (the web app imports uploads in-process), so they must not leak.
    """
    names = ", ".join(sql_str(n) for n in values)
    old = dict(
        con.execute(f"SELECT name, value FROM duckdb_settings() WHERE name IN ({names})").fetchall()
    )
    for name, value in values.items():
        con.execute(f"SET {name} = {sql_str(value)}")
    try:
        yield
    finally:
        for name in values:
            if name in old:
                # best effort: the import itself is already committed or rolled back
                with contextlib.suppress(duckdb.Error):
                    con.execute(f"SET {name} = {sql_str(str(old[name]))}")


def _check_format(con: duckdb.DuckDBPyConnection, fmt: str, where: str) -> str:
    strptime = to_strptime(fmt)
    problem = None
    if "%" not in strptime:
        problem = "no date fields"
    else:
        try:
            con.execute(f"SELECT try_strptime('', {sql_str(strptime)})").fetchall()
        except duckdb.Error as exc:
            problem = str(exc).split(": ", 1)[-1]
    if problem:
        raise ImportValidationError(
            f"invalid {where} '{fmt}': {problem}",
            hint=f"use a strptime format such as {DAY_FIRST_HINT} or a pattern such as DD/MM/YYYY",
        )
    return strptime


def _run(
    ws: Workspace,
    table: Table,
    label: str,
    mapping: TableMapping | None,
    date_format: str | None,
    replace: bool,
    progress: bool,
    opener: Opener,
    sha256: Callable[[], str],
    matching: _Matching | None = None,
) -> ImportResult:
    temp_dir = ws.path / ".tmp"
    settings = {
        "TimeZone": "UTC",
        # bounded memory: past this DuckDB spills the stage, joins and sorts to disk (its
        # temp_directory, by default pulse.duckdb.tmp in the workspace folder)
        "memory_limit": MEMORY_LIMIT,
        # row order in a table means nothing; unordered inserts run in parallel
        "preserve_insertion_order": "false",
    }
    with _connection(ws) as con, _global_settings(con, settings):
        con.execute("SET enable_progress_bar_print = false")  # ours, or none at all
        install_macros(con)
        flag_format = _check_format(con, date_format, "--date-format") if date_format else None
        file_format = None
        if mapping and mapping.date_format:
            file_format = _check_format(con, mapping.date_format, "date_format")
        source = opener(con, temp_dir)
        try:
            plan = make_plan(table, source.headers, mapping, source.label)
            if plan.issues:
                raise ImportRefused(
                    f"{label}: the columns do not fit table '{table.name}'; nothing was imported",
                    plan.issues,
                    len(plan.issues),
                    hint="rename the columns in the file or map them with --mapping "
                    "(see docs/reference/import-format.md)",
                )
            report = _match_accounts(con, table, plan, source, matching) if matching else None
            for i, pc in enumerate(plan.columns):
                if pc.date_format:
                    fmt = _check_format(con, pc.date_format, f"date_format of {pc.column.name}")
                    plan.columns[i] = dataclasses.replace(pc, date_format=fmt)
            validator = Validator(
                table,
                plan,
                source,
                NumberStyle(mapping.decimal if mapping else "."),
                flag_format or file_format,
                mapping.aggregate if mapping else None,
            )
            with ImportProgress(con, progress) as bar:
                job = _Job(
                    con,
                    bar,
                    table,
                    label,
                    mapping,
                    plan,
                    validator,
                    source,
                    replace,
                    sha256,
                    report,
                )
                con.execute("BEGIN TRANSACTION")
                try:
                    result = job.fast()
                    if result is None:
                        con.execute("ROLLBACK")
                        con.execute("BEGIN TRANSACTION")
                        result = job.staged()
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            # after the commit: findings are warnings and never undo or block the import
            return job.with_findings(result)
        finally:
            drop_map(con)
            source.close()


def _match_accounts(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    plan: Plan,
    source: Source,
    matching: _Matching,
) -> MatchReport:
    """Resolve the file's account_id values and route that column through the matches."""
    for i, pc in enumerate(plan.columns):
        if pc.column.name == "account_id":
            report = match_in_workspace(
                con,
                table.name,
                pc.text_sql,
                source.relation(False),
                plan.where_sql,
                matching.threshold,
            )
            plan.columns[i] = dataclasses.replace(pc, text_sql=mapped_sql(pc.text_sql))
            return report
    threshold = DEFAULT_THRESHOLD if matching.threshold is None else matching.threshold
    return MatchReport(table.name, (), _count_accounts(con), threshold)


def _count_accounts(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM accounts").fetchall()[0][0])


@dataclass
class _Job:
    """One import inside its transaction: the fast path, the staged path, the log."""

    con: duckdb.DuckDBPyConnection
    bar: ImportProgress
    table: Table
    label: str
    mapping: TableMapping | None
    plan: Plan
    validator: Validator
    source: Source
    replace: bool
    sha256: Callable[[], str]
    matches: MatchReport | None = None
    written: str | None = None  # SQL of the rows written; None: the whole table (fast path)

    def fast(self) -> ImportResult | None:
        """Into an empty table, type and insert in one streaming pass; None: use the stage.

        Returns None (the caller rolls back) on any bad row, any date whose day/month order
        the file has not yet shown, a duplicate key or a reading error: the staged path then
        finds and reports every problem. Memory stays flat: rows stream into the table.
        """
        con, table = self.con, self.table
        if self.validator.aggregate:
            return None  # rows are combined from the stage
        if con.execute(f"SELECT count(*) FROM {quote(table.name)}").fetchall()[0][0]:
            return None
        try:
            with self.bar.phase(f"importing {self.label}"):
                inserted = self.validator.fast_insert(con)
                if self.validator.target_has_duplicates(con):
                    return None
        except duckdb.Error:
            return None
        return self.finish(WriteCounts(inserted, 0, 0, 0, inserted), inserted)

    def staged(self) -> ImportResult:
        """Stage, check, and either report every problem or write (upsert or replace)."""
        con, validator, label = self.con, self.validator, self.label
        with self.bar.phase(f"reading {label}"):
            try:
                validator.stage(con)
            except duckdb.Error as exc:
                csv_error = self.source.kind == "csv"
                translated = translate_csv_error(exc, label) if csv_error else None
                if translated is not None:
                    raise translated from exc
                raise
        with self.bar.phase("checking"):
            checks = validator.check(con)
            if not checks.ok:
                found = validator.issues(con)
                plural = "s" if found.total != 1 else ""
                hint = (
                    f"pass --date-format {DAY_FIRST_HINT} (day first) or --date-format "
                    f"{MONTH_FIRST_HINT} (month first)"
                    if found.date_problem
                    else "fix these rows (or map their values with --mapping) and import again"
                )
                summary = ""
                if found.total > 50:  # more than are printed: say where they are
                    parts = [f"{column} {n:,}" for column, n in found.by_column[:5]]
                    summary = (
                        " (" + ", ".join(parts) + ("" if len(found.by_column) <= 5 else ", …") + ")"
                    )
                raise ImportRefused(
                    f"{label}: {found.total:,} problem{plural} found{summary}; nothing was imported",
                    found.issues,
                    found.total,
                    hint=hint,
                )
        with self.bar.phase(f"writing {self.table.name}"):
            provided = [pc.column.name for pc in self.plan.columns]
            new_rows = validator.final_select()
            counts = write_rows(con, self.table, new_rows, provided, self.replace)
        self.written = f"({new_rows})"
        return self.finish(counts, checks.rows)

    def with_findings(self, result: ImportResult) -> ImportResult:
        """The result with the data's quirks (:mod:`pulse.ingest.quirks`) added to its warnings."""
        provided = tuple(pc.column.name for pc in self.plan.columns)
        imported = Imported(self.table, self.written, provided, self.source, self.plan)
        findings = check_import(self.con, imported, result.import_id)
        if not findings:
            return result
        return dataclasses.replace(result, warnings=(*result.warnings, *findings))

    def finish(self, counts: WriteCounts, rows: int) -> ImportResult:
        """Count rows the mapping skipped, append the import-log row, build the result."""
        skipped = 0
        if self.plan.where_sql:
            relation = self.source.relation(False)
            everything = self.con.execute(f"SELECT count(*) FROM {relation}").fetchall()
            skipped = int(everything[0][0]) - rows
        mode = "replace" if self.replace else "upsert"
        mapping = self.mapping.name if self.mapping else None
        combined = rows - (counts.inserted + counts.updated + counts.unchanged)
        digest = self.sha256()
        import_id = log_import(
            self.con,
            table=self.table.name,
            file_name=self.label,
            sha256=digest,
            mapping=mapping,
            mode=mode,
            rows_read=rows + skipped,
            counts=counts,
            note=_note(counts, skipped, self.replace, combined, self.plan.skips_unmapped),
        )
        matches = None
        if self.matches is not None:
            matches = dataclasses.replace(self.matches, import_id=import_id)
            store_report(self.con, import_id, matches)
        return ImportResult(
            table=self.table.name,
            file=self.label,
            sha256=digest,
            rows_read=rows + skipped,
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            rows_after=counts.rows_after,
            removed=counts.removed,
            skipped=skipped,
            mode=mode,
            mapping=mapping,
            import_id=import_id,
            warnings=tuple(self.plan.warnings),
            ignored_columns=tuple(self.plan.ignored),
            matches=matches,
            combined=combined,
        )


def _note(
    counts: WriteCounts, skipped: int, replace: bool, combined: int = 0, unmapped: bool = False
) -> str | None:
    parts = []
    if combined:
        parts.append(
            f"{combined} row{'s' if combined != 1 else ''} combined by the mapping's aggregate"
        )
    if counts.updated:
        parts.append(f"{counts.updated} existing row{'s' if counts.updated != 1 else ''} restated")
    if replace and counts.removed:
        parts.append(f"{counts.removed} row{'s' if counts.removed != 1 else ''} removed by replace")
    if skipped:
        why = "where or unmapped values" if unmapped else "where"
        parts.append(f"{skipped} row{'s' if skipped != 1 else ''} skipped by the mapping's {why}")
    return "; ".join(parts) or None
