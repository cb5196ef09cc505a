"""The progress bar: drawn on a terminal, silent otherwise."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

import pulse.ingest.importer as importer
from pulse.ingest import import_file
from pulse.ingest.progress import ImportProgress
from pulse.workspace.store import Workspace


def test_progress_is_quiet_when_not_a_terminal(ws: Workspace) -> None:
    out = io.StringIO()
    with ws.connection() as con, ImportProgress(con, True, Console(file=out)) as bar:
        assert not bar.enabled
        with bar.phase("reading"):
            con.execute("SELECT count(*) FROM range(1000)").fetchall()
    assert out.getvalue() == ""


def test_progress_draws_on_a_terminal(ws: Workspace, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    monkeypatch.setattr(
        importer, "ImportProgress", lambda con, enabled: ImportProgress(con, enabled, console)
    )
    path = tmp_path / "o.csv"
    path.write_text(
        "opportunity_id,amount,created_at,status\n"
        + "".join(f"O{i},{i},2024-01-01,open\n" for i in range(20_000)),
        encoding="utf-8",
    )
    result = import_file(ws, "opportunities", path, progress=True)
    assert result.inserted == 20_000
    assert "importing o.csv" in out.getvalue()
