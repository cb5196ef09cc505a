"""Fixtures for import tests: a fresh workspace, file writers and a content snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulse.tables import TABLES
from pulse.workspace.store import Workspace, create_workspace


@pytest.fixture
def ws(home: Path) -> Workspace:
    """An empty workspace in a temporary home."""
    return create_workspace("acme", "b2b_saas", home)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a file into the test's folder: text (UTF-8, newlines as given) or bytes."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return _write


def snapshot(ws: Workspace) -> dict[str, Any]:
    """Every row of every table (canonical and bookkeeping), sorted: the workspace's content."""
    out: dict[str, Any] = {}
    with ws.connection(read_only=True) as con:
        for name in [*TABLES, "_import_log", "_data_version"]:
            out[name] = con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()
    return out


def rows(ws: Workspace, sql: str) -> list[tuple[Any, ...]]:
    """Run a read-only query on the workspace."""
    with ws.connection(read_only=True) as con:
        return con.execute(sql).fetchall()
