"""Writing a demo company into a workspace: one transaction, logged, replaced on re-run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from pulse.demo import build_workspace, default_anchor, generate, workspace_name
from pulse.demo import write as demo_write
from pulse.workspace.store import list_workspaces, open_workspace

ANCHOR = date(2025, 6, 30)


def test_workspace_names_and_default_anchor() -> None:
    assert workspace_name("supply_chain_software") == "demo-supply-chain-software"
    assert workspace_name("b2b_saas") == "demo-b2b-saas"
    assert default_anchor(date(2025, 7, 15)) == date(2025, 6, 30)
    assert default_anchor(date(2024, 3, 1)) == date(2024, 2, 29)


def test_build_writes_what_generate_returns_and_logs_each_table(home: Path) -> None:
    ws = build_workspace("b2b_saas", home=home, opportunities=300, anchor=ANCHOR)
    assert ws.name == "demo-b2b-saas" and ws.settings.profile == "b2b_saas"
    expected = generate("b2b_saas", opportunities=300, anchor=ANCHOR)
    counts = ws.table_counts()
    assert counts == {name: t.num_rows for name, t in expected.items()}
    with ws.connection(read_only=True) as con:
        stored = con.execute("SELECT * FROM opportunities").to_arrow_table()
        assert (
            stored.column("amount").to_pylist()
            == expected["opportunities"].column("amount").to_pylist()
        )
        assert stored.column("created_at").equals(expected["opportunities"].column("created_at"))
    log = ws.import_log()
    filled = [name for name, n in counts.items() if n]
    assert sorted(row["table_name"] for row in log) == sorted(filled)
    assert {row["mode"] for row in log} == {"demo"}
    assert {row["file_name"] for row in log} == {f"demo:{name}" for name in filled}
    assert all(row["rows_inserted"] == counts[row["table_name"]] for row in log)
    assert ws.data_version() == 1
    assert [w.name for w in list_workspaces(home)] == ["demo-b2b-saas"]
    assert not (home / demo_write.STAGING).exists()


def test_rebuilding_replaces_rather_than_duplicates(home: Path) -> None:
    first = build_workspace("b2b_saas", home=home, opportunities=200, anchor=ANCHOR)
    before = first.table_counts()
    again = build_workspace("b2b_saas", home=home, opportunities=200, anchor=ANCHOR)
    assert again.table_counts() == before
    assert len(again.import_log()) == len([n for n in before.values() if n])
    smaller = build_workspace("b2b_saas", home=home, opportunities=100, seed=2, anchor=ANCHOR)
    assert smaller.table_counts()["opportunities"] == 100
    assert [w.name for w in list_workspaces(home)] == ["demo-b2b-saas"]


def test_a_failed_build_leaves_the_previous_demo_untouched(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_workspace("b2b_saas", home=home, opportunities=150, anchor=ANCHOR)
    before = open_workspace("demo-b2b-saas", home).table_counts()
    real = demo_write.iter_tables

    def broken(*args: object, **kwargs: object) -> Iterator[tuple[str, pa.Table]]:
        for i, piece in enumerate(real(*args, **kwargs)):  # type: ignore[arg-type]
            if i == 4:
                raise RuntimeError("disk on fire")
            yield piece

    monkeypatch.setattr(demo_write, "iter_tables", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_workspace("b2b_saas", home=home, opportunities=400, anchor=ANCHOR)
    assert open_workspace("demo-b2b-saas", home).table_counts() == before
    assert not (home / demo_write.STAGING).exists()


def test_large_runs_spool_through_parquet_in_one_transaction(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shrink the chunk so a small run takes the multi-chunk path.
    import pulse.demo.plan as plan

    monkeypatch.setattr(plan, "CHUNK_OPPORTUNITIES", 150)
    ws = build_workspace("martech", home=home, opportunities=400, anchor=ANCHOR)
    counts = ws.table_counts()
    assert counts["opportunities"] == 400
    with ws.connection(read_only=True) as con:
        ids = con.execute(
            "SELECT COUNT(DISTINCT opportunity_id), MAX(opportunity_id) FROM opportunities"
        ).fetchall()
    assert ids == [(400, "OPP-000400")]
    assert not (ws.path / "spool").exists()
    assert ws.data_version() == 1


def test_custom_name(home: Path) -> None:
    ws = build_workspace("services", home=home, name="contoso", opportunities=120, anchor=ANCHOR)
    assert ws.name == "contoso" and ws.settings.profile == "services"
    assert ws.table_counts()["delivery"] > 0


def test_staging_left_by_a_killed_run_is_cleared(home: Path) -> None:
    abandoned = home / demo_write.STAGING / "demo-iot.999999999" / "demo-iot"
    abandoned.mkdir(parents=True)
    (abandoned / "pulse.duckdb").write_bytes(b"half written")
    build_workspace("iot", home=home, opportunities=100, anchor=ANCHOR)
    assert not (home / demo_write.STAGING).exists()
    assert [w.name for w in list_workspaces(home)] == ["demo-iot"]
