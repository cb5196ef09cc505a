"""Build tiny workspaces from rows written in a test, and run KPI value cases on them."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pulse.compute import Computer
from pulse.engines.spark import SparkEngine, spark_available
from pulse.tables import get_table
from pulse.workspace.store import Workspace, create_workspace

CASES_DIR = Path(__file__).parent / "cases"


def load_rows(ws: Workspace, tables: Mapping[str, Any]) -> None:
    """Insert rows into canonical tables.

    Each table is either a list of dicts, or ``{"columns": [...], "rows": [[...], ...]}``.
    """
    with ws.connection() as con:
        for name, spec in tables.items():
            table = get_table(name)
            if isinstance(spec, dict):
                columns = list(spec["columns"])
                rows = [dict(zip(columns, r, strict=True)) for r in spec["rows"]]
            else:
                rows = list(spec)
                columns = []
                for r in rows:
                    columns += [c for c in r if c not in columns]
            for c in columns:
                table.column(c)
            if not rows:
                continue
            col_sql = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            con.executemany(
                f'INSERT INTO "{name}" ({col_sql}) VALUES ({marks})',
                [[r.get(c) for c in columns] for r in rows],
            )
        con.execute("UPDATE _data_version SET version = version + 1")


def make_workspace(
    home: Path,
    tables: Mapping[str, Any],
    profile: str = "b2b_saas",
    name: str = "t",
    settings: Mapping[str, Any] | None = None,
) -> Workspace:
    """A workspace named ``name`` holding exactly ``tables``."""
    ws = create_workspace(name, profile, home)
    if settings:
        ws.settings = ws.settings.model_copy(update=dict(settings))
        ws.save_settings()
    load_rows(ws, tables)
    return ws


def _engines() -> tuple[str, ...]:
    if os.environ.get("PULSE_TEST_ENGINES"):
        return tuple(os.environ["PULSE_TEST_ENGINES"].split(","))
    return ("duckdb", "spark") if spark_available() else ("duckdb",)


ENGINES = _engines()


def computer(ws: Workspace, today: date | None = None, engine: str = "duckdb") -> Computer:
    """A Computer with a fixed 'today' on the named engine (Spark runs in local mode)."""
    if engine == "spark":
        return Computer(
            ws, today=today or date(2024, 12, 31), engine=SparkEngine.for_workspace(ws, "local[1]")
        )
    return Computer(ws, today=today or date(2024, 12, 31))


def case_files() -> Sequence[Path]:
    """Every KPI value case file."""
    return sorted(CASES_DIR.glob("*.yml"))


def load_case(path: Path) -> dict[str, Any]:
    """One case file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data
