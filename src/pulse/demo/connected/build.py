"""Build the connected demo: CRM tables from the generator, everything else from tool exports.

1. Generate a b2b_saas company (:func:`pulse.demo.generate`).
2. Create the workspace and load the CRM and billing-system tables (:data:`CRM_TABLES`) as
   they were generated.
3. Write the product, accounting, call, forecast, engagement and support data as the files each
   vendor exports (``<workspace>/exports/``), naming accounts the way each tool does.
4. Import those files with the shipped presets and account matching, exactly as
   ``pulse data import NAME TABLE FILE --mapping PRESET`` would.

A file whose preset is not shipped yet is written but not imported
(:attr:`ConnectedDemo.not_imported`); a table no imported file fills is then loaded from the
generator instead and said so (:attr:`ConnectedDemo.native`), so the KPIs still compute.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from pulse.config import resolve_home
from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.exports import Export
from pulse.demo.connected.tools import write_exports
from pulse.demo.generator import generate, make_plan
from pulse.demo.write import DEFAULT_PROBABILITIES, STAGING, default_anchor
from pulse.ingest import ImportResult, import_file, import_records
from pulse.ingest.matching import MatchReport
from pulse.workspace.store import Workspace, create_workspace, open_workspace

PROFILE = "b2b_saas"
NAME = "demo-connected"
EXPORTS_DIR = "exports"
# what the CRM (and the billing system behind subscriptions) holds: loaded as generated
CRM_TABLES = (
    "accounts",
    "reps",
    "opportunities",
    "stage_history",
    "quotas",
    "subscriptions",
    "leads",
    "quotes",
    "fx_rates",
)
# what the other tools hold: written as their exports and imported through the presets
TOOL_TABLES = (
    "signups",
    "health_signals",
    "value_events",
    "meetings",
    "forecasts",
    "invoices",
    "spend",
    "coaching",
)


@dataclass
class Imported:
    """One tool file imported into one table."""

    export: Export
    result: ImportResult

    @property
    def report(self) -> MatchReport | None:
        """The account-matching report of this import."""
        return self.result.matches


@dataclass
class ConnectedDemo:
    """What :func:`build_connected` did."""

    workspace: Workspace
    anchor: date
    imports: list[Imported] = field(default_factory=list)
    native: dict[str, str] = field(default_factory=dict)  # table → why it was loaded natively
    not_imported: list[Export] = field(default_factory=list)  # written; preset not shipped

    @property
    def exports_dir(self) -> Path:
        """The folder holding the tool files."""
        return self.workspace.path / EXPORTS_DIR

    def moved_to(self, workspace: Workspace) -> ConnectedDemo:
        """The same demo, its workspace (and its files) now at ``workspace.path``."""
        folder = workspace.path / EXPORTS_DIR

        def move(e: Export) -> Export:
            return dataclasses.replace(e, path=folder / e.path.name)

        return ConnectedDemo(
            workspace,
            self.anchor,
            [Imported(move(i.export), i.result) for i in self.imports],
            dict(self.native),
            [move(e) for e in self.not_imported],
        )

    def reports(self) -> list[tuple[Export, MatchReport]]:
        """The account-matching report of every import that matched accounts."""
        return [(i.export, i.report) for i in self.imports if i.report is not None]


def build_connected(
    *,
    home: Path | str | None = None,
    name: str = NAME,
    opportunities: int = 2000,
    seed: int = 7,
    anchor: date | None = None,
    progress: bool = False,
) -> ConnectedDemo:
    """Create (or replace) the connected demo workspace ``name`` (see the module docstring).

    Like ``pulse demo``, the workspace is built in a staging folder and swapped in whole when
    every import has succeeded: a failed run leaves the previous one untouched.
    """
    anchor = anchor or default_anchor()
    plan = make_plan(PROFILE, opportunities, seed, anchor)  # fail fast on bad input
    tables = generate(PROFILE, opportunities=opportunities, seed=seed, anchor=anchor)
    root = resolve_home(home)
    staging = root / STAGING / f"{name}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        ws = create_workspace(name, PROFILE, staging)
        demo = _fill(ws, plan.stages, tables, anchor, progress)
        _swap(staging / name, root / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        with suppress(OSError):
            (root / STAGING).rmdir()
    return demo.moved_to(open_workspace(name, root))


def _fill(
    ws: Workspace,
    stages: tuple[str, ...],
    tables: dict[str, pa.Table],
    anchor: date,
    progress: bool,
) -> ConnectedDemo:
    """Load the CRM tables, write the tool files, import them (see the module docstring)."""
    from pulse.catalog.profiles import load_profile

    if not load_profile(PROFILE).stages:
        ws.settings.stage_order = list(stages)
        probs = DEFAULT_PROBABILITIES[-len(stages) :]
        ws.settings.stage_probabilities = dict(zip(stages, probs, strict=False))
        ws.save_settings()
    demo = ConnectedDemo(ws, anchor)
    for table in CRM_TABLES:
        _load_native(ws, table, tables[table], "crm")
    book = AccountBook.from_table(tables["accounts"])
    filled: set[str] = set()
    for export in write_exports(tables, book, ws.path / EXPORTS_DIR, ws.path):
        if not export.shipped:
            demo.not_imported.append(export)
            continue
        result = import_file(
            ws,
            export.table,
            export.path,
            mapping=export.preset,
            match_accounts=True if export.match_accounts else None,
            progress=progress,
        )
        demo.imports.append(Imported(export, result))
        filled.add(export.table)
    for table in TOOL_TABLES:
        if table not in filled:
            missing = [e.preset for e in demo.not_imported if e.table == table]
            why = f"preset {', '.join(missing)} not shipped yet" if missing else "no tool file"
            demo.native[table] = why
            _load_native(ws, table, tables[table], "generator")
    return demo


def _swap(new: Path, target: Path) -> None:
    """Move the finished workspace into place, replacing any previous one."""
    old = new.parent / (target.name + ".old")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _load_native(ws: Workspace, table: str, data: pa.Table, origin: str) -> None:
    if data.num_rows:
        import_records(ws, table, data, source_name=f"{origin}:{table}")
