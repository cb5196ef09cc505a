"""All or nothing: failures and a killed process leave the workspace exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import pulse.ingest.importer as importer
from pulse.ingest import ImportRefused, import_file
from pulse.workspace.store import Workspace, open_workspace
from tests.ingest.conftest import rows, snapshot

REPO = Path(__file__).resolve().parents[2]
SUBS = (
    "line_id,account_id,product,start_date,end_date,amount,billing_period\n"
    "L1,A1,Core,2024-01-01,,100,month\n"
    "L2,A1,Addon,2024-02-01,,20,month\n"
)


def test_refused_upsert_leaves_content_unchanged(ws: Workspace, write) -> None:
    import_file(ws, "subscriptions", write("subs.csv", SUBS))
    before = snapshot(ws)
    bad = (
        SUBS.replace("L2,A1,Addon,2024-02-01,,20", "L2,A1,Addon,2024-02-01,,twenty")
        + "L3,A2,X,2024-01-01,,1,month\n"
    )
    with pytest.raises(ImportRefused):
        import_file(ws, "subscriptions", write("bad.csv", bad))
    assert snapshot(ws) == before
    assert ws.table_counts()["subscriptions"] == 2


def test_an_error_after_writing_rolls_everything_back(
    ws: Workspace, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(ws, "subscriptions", write("subs.csv", SUBS))
    before = snapshot(ws)

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(importer, "log_import", boom)
    changed = SUBS.replace(",,100,", ",2024-06-01,100,") + "L3,A2,X,2024-01-01,,1,month\n"
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_file(ws, "subscriptions", write("v2.csv", changed))
    assert snapshot(ws) == before
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_file(ws, "subscriptions", write("v2.csv", changed), replace=True)
    assert snapshot(ws) == before


def test_workspace_in_use_by_another_process(ws: Workspace, write) -> None:
    path = write("subs.csv", SUBS)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys,time; c=duckdb.connect({str(ws.db_path)!r}); print('x', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "x"
        with pytest.raises(Exception, match="workspace 'acme' is in use by another process"):
            import_file(ws, "subscriptions", path)
    finally:
        holder.kill()
        holder.wait()


CHILD = """
import sys
from pathlib import Path
from pulse.ingest import import_file
from pulse.workspace.store import open_workspace
ws = open_workspace("acme", sys.argv[1])
print("ready", flush=True)
import_file(ws, "opportunities", Path(sys.argv[2]))
print("done", flush=True)
"""


def _big_csv(path: Path, n: int) -> None:
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'OPP-' || lpad(i::VARCHAR, 9, '0') AS opportunity_id,
                         'ACC-' || (i % 50000)::VARCHAR AS account_id,
                         'REP-' || (i % 300)::VARCHAR AS owner_id,
                         ((i * 37) % 100000)::VARCHAR || '.50' AS amount,
                         (DATE '2023-01-01' + (i % 365)::INTEGER)::VARCHAR AS created_at,
                         (DATE '2024-01-01' + (i % 365)::INTEGER)::VARCHAR AS close_date,
                         'Negotiation' AS stage,
                         ['open', 'won', 'lost'][1 + i % 3] AS status
                  FROM range({n}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()


def test_killing_an_import_midway_leaves_the_workspace_as_it_was(
    ws: Workspace, write, home: Path, tmp_path: Path
) -> None:
    import_file(ws, "subscriptions", write("subs.csv", SUBS))
    before = snapshot(ws)
    big = tmp_path / "big.csv"
    _big_csv(big, 1_000_000)
    db_size = ws.db_path.stat().st_size
    wal = ws.db_path.with_name(ws.db_path.name + ".wal")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 120
        # wait until DuckDB is writing rows into the database file, then kill it
        while ws.db_path.stat().st_size == db_size and not wal.exists():
            assert child.poll() is None, (
                "the import ended before it could be killed; use a bigger file"
            )
            assert time.monotonic() < deadline
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    reopened = open_workspace("acme", home)
    assert snapshot(reopened) == before
    assert rows(reopened, "SELECT count(*) FROM opportunities") == [(0,)]
    # the workspace still works: the same import now completes
    small = tmp_path / "small.csv"
    _big_csv(small, 1000)
    assert import_file(reopened, "opportunities", small).rows_after == 1000
