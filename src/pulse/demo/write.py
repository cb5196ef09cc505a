"""Write a demo company into a workspace: one DuckDB transaction, swapped in whole.

The workspace is built in a staging folder under the home (``.demo-staging/``, which
``list_workspaces`` never sees). Every table is inserted inside one transaction, straight from
Arrow (or, past one chunk, through a Parquet spool that keeps memory flat), an ``_import_log``
row is appended per table (mode ``demo``, file name ``demo:<table>``) and the data version is
bumped. Only after the commit does the new folder
replace the old workspace of the same name, so a failed or interrupted run leaves the previous
demo untouched, and a re-run replaces rather than duplicates.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pulse.config import resolve_home
from pulse.demo.calendar import previous_month_end
from pulse.demo.generator import iter_tables, make_plan
from pulse.tables import TABLES
from pulse.workspace.store import Workspace, create_workspace, open_workspace

STAGING = ".demo-staging"
MEMORY_LIMIT = "1GB"  # DuckDB's share while writing; the generator holds one chunk
Piece = tuple[str, pa.Table]
DEFAULT_PROBABILITIES = (0.05, 0.15, 0.3, 0.5, 0.75, 0.9)


def workspace_name(profile_id: str) -> str:
    """The demo workspace name of a profile: ``demo-`` and the id with ``_`` as ``-``."""
    return "demo-" + profile_id.replace("_", "-")


def default_anchor(today: date | None = None) -> date:
    """The last day of the previous month, so the demo reads as current."""
    return previous_month_end(today or date.today())


class _Bar:
    """Progress on stderr: opportunities generated, then tables written. Silent when disabled."""

    def __init__(self, progress: Progress | None, label: str, total: int):
        self._progress = progress
        self._label = label
        self._task = progress.add_task(f"{label}: generating", total=total) if progress else None

    def advance(self, n: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)

    def phase(self, what: str, total: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.reset(self._task, total=total, description=f"{self._label}: {what}")


@contextmanager
def _bar(enabled: bool, label: str, total: int) -> Iterator[_Bar]:
    if not enabled:
        yield _Bar(None, label, total)
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield _Bar(progress, label, total)


def build_workspace(
    profile_id: str,
    *,
    home: Path | str | None = None,
    name: str | None = None,
    opportunities: int = 2000,
    seed: int = 7,
    anchor: date | None = None,
    progress: bool = False,
) -> Workspace:
    """Create (or replace) the demo workspace of ``profile_id`` and fill every table it has."""
    anchor = anchor or default_anchor()
    plan = make_plan(profile_id, opportunities, seed, anchor)  # fail fast on bad input
    name = name or workspace_name(profile_id)
    root = resolve_home(home)
    _clear_abandoned(root / STAGING, name)
    staging = root / STAGING / f"{name}.{os.getpid()}"
    try:
        ws = create_workspace(name, profile_id, staging)
        from pulse.catalog.profiles import load_profile

        if not load_profile(profile_id).stages:
            ws.settings.stage_order = list(plan.stages)
            probs = DEFAULT_PROBABILITIES[-len(plan.stages) :]
            ws.settings.stage_probabilities = dict(zip(plan.stages, probs, strict=False))
            ws.save_settings()
        _fill(ws, profile_id, opportunities, seed, anchor, progress)
        _swap(staging / name, root / name)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        _tidy(root / STAGING)
    return open_workspace(name, root)


def _fill(
    ws: Workspace, profile_id: str, opportunities: int, seed: int, anchor: date, progress: bool
) -> None:
    """Generate and insert everything in one transaction.

    One chunk goes straight from Arrow into DuckDB. Larger runs spool each table to a Parquet
    file in the staging folder first and insert those inside the transaction: DuckDB keeps a
    transaction's appends in memory, the Parquet spool keeps memory flat at any size.
    """
    single = len(make_plan(profile_id, opportunities, seed, anchor).chunks) == 1
    with ws.connection() as con, _bar(progress, ws.name, opportunities) as bar:
        # Generation runs in a thread on one core; DuckDB writes with the others.
        con.execute(f"SET threads = {max(1, (os.cpu_count() or 2) - 1)}")
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        pieces = _ahead(
            iter_tables(
                profile_id,
                opportunities=opportunities,
                seed=seed,
                anchor=anchor,
                progress=bar.advance,
            )
        )
        spool = ws.path / "spool"
        con.begin()
        try:
            counts = _insert(con, pieces) if single else _spool_and_insert(con, pieces, spool, bar)
            note = (
                f"pulse demo: profile={profile_id} opportunities={opportunities} seed={seed} "
                f"anchor={anchor.isoformat()}"
            )
            now = datetime.now(UTC).replace(tzinfo=None)
            first_id = int(
                con.execute("SELECT COALESCE(MAX(import_id), 0) FROM _import_log").fetchall()[0][0]
            )
            for i, (table, rows) in enumerate(counts.items(), start=1):
                digest = hashlib.sha256(f"{note} table={table}".encode()).hexdigest()
                con.execute(
                    "INSERT INTO _import_log VALUES (?, ?, ?, ?, ?, NULL, 'demo', ?, ?, 0, 0, ?, ?)",
                    [first_id + i, now, table, f"demo:{table}", digest, rows, rows, rows, note],
                )
            con.execute("UPDATE _data_version SET version = version + 1")
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            shutil.rmtree(spool, ignore_errors=True)


def _columns(table: str) -> str:
    return ", ".join(f'"{c}"' for c in TABLES[table].column_names)


def _insert(con: duckdb.DuckDBPyConnection, pieces: Iterator[Piece]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, piece in pieces:
        con.register("_demo_piece", piece)
        cols = _columns(table)
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _demo_piece')
        con.unregister("_demo_piece")
        counts[table] = counts.get(table, 0) + piece.num_rows
    return counts


def _spool_and_insert(
    con: duckdb.DuckDBPyConnection, pieces: Iterator[Piece], spool: Path, bar: _Bar
) -> dict[str, int]:
    spool.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    writers: dict[str, pq.ParquetWriter] = {}
    try:
        for table, piece in pieces:
            if table not in writers:
                writers[table] = pq.ParquetWriter(spool / f"{table}.parquet", piece.schema)
            writers[table].write_table(piece)
            counts[table] = counts.get(table, 0) + piece.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    bar.phase("writing tables", len(writers))
    for table in writers:
        cols = _columns(table)
        path = str(spool / f"{table}.parquet")
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM read_parquet(?)', [path])
        bar.advance(1)
    return counts


def _ahead(pieces: Iterator[Piece], depth: int = 2) -> Iterator[Piece]:
    """Yield ``pieces`` produced by a background thread, at most ``depth`` ahead of the reader.

    Generating (numpy, pyarrow) and inserting (DuckDB) both release the GIL, so the two overlap.
    An error in the thread is re-raised here; leaving early stops the thread.
    """
    box: queue.Queue[tuple[str, Piece | BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Piece | BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                box.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for piece in pieces:
                if not put(("piece", piece)):
                    return
            put(("done", None))
        except BaseException as exc:
            put(("error", exc))

    thread = threading.Thread(target=work, name="pulse-demo-generator", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "done":
                return
            if isinstance(value, BaseException):
                raise value
            assert value is not None
            yield value
    finally:
        stop.set()
        thread.join()


def _swap(new: Path, target: Path) -> None:
    """Move the finished workspace into place, replacing any previous one."""
    old = None
    if target.exists():
        old = new.parent / (target.name + ".old")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _clear_abandoned(staging_root: Path, name: str) -> None:
    """Remove staging folders of ``name`` left by runs that were killed."""
    for folder in staging_root.glob(f"{name}.*"):
        pid = folder.name.rsplit(".", 1)[-1]
        if not pid.isdigit() or int(pid) == os.getpid() or not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tidy(staging_root: Path) -> None:
    with suppress(OSError):
        staging_root.rmdir()
