"""Write a demo company into a workspace: one DuckDB transaction, swapped in whole.

The workspace is built in a staging folder under the home (``.demo-staging/``, which
``list_workspaces`` never sees), every generated piece is inserted straight from Arrow inside one
transaction, an ``_import_log`` row is appended per table (mode ``demo``, file name
``demo:<table>``) and the data version is bumped. Only after the commit does the new folder
replace the old workspace of the same name, so a failed or interrupted run leaves the previous
demo untouched, and a re-run replaces rather than duplicates.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pulse.config import resolve_home
from pulse.demo.calendar import previous_month_end
from pulse.demo.generator import Progress as Advance
from pulse.demo.generator import iter_tables, make_plan
from pulse.workspace.store import Workspace, create_workspace, open_workspace

STAGING = ".demo-staging"
DEFAULT_PROBABILITIES = (0.05, 0.15, 0.3, 0.5, 0.75, 0.9)


def workspace_name(profile_id: str) -> str:
    """The demo workspace name of a profile: ``demo-`` and the id with ``_`` as ``-``."""
    return "demo-" + profile_id.replace("_", "-")


def default_anchor(today: date | None = None) -> date:
    """The last day of the previous month, so the demo reads as current."""
    return previous_month_end(today or date.today())


@contextmanager
def _bar(enabled: bool, label: str, total: int) -> Iterator[Advance | None]:
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


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
    staging = root / STAGING / f"{name}.{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
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
    counts: dict[str, int] = {}
    with ws.connection() as con, _bar(progress, ws.name, opportunities) as advance:
        con.begin()
        try:
            for table, piece in iter_tables(
                profile_id, opportunities=opportunities, seed=seed, anchor=anchor, progress=advance
            ):
                con.register("_demo_piece", piece)
                cols = ", ".join(f'"{c}"' for c in piece.column_names)
                con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _demo_piece')
                con.unregister("_demo_piece")
                counts[table] = counts.get(table, 0) + piece.num_rows
            note = f"pulse demo: profile={profile_id} opportunities={opportunities} seed={seed} anchor={anchor.isoformat()}"
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


def _swap(new: Path, target: Path) -> None:
    """Move the finished workspace into place, replacing any previous one."""
    old = None
    if target.exists():
        old = new.parent / (target.name + ".old")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _tidy(staging_root: Path) -> None:
    with suppress(OSError):
        staging_root.rmdir()
