"""Writing: upsert by key, idempotent re-imports, restatements in the log, replace, the log."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

from pulse.ingest import import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows, snapshot

SUBS = (
    "line_id,account_id,product,start_date,end_date,amount,billing_period\n"
    "L1,A1,Core,2024-01-01,,100,month\n"
    "L2,A1,Addon,2024-02-01,,20,month\n"
    "L3,A2,Core,2024-01-01,,300,year\n"
)


def test_reimporting_the_same_file_changes_nothing(ws: Workspace, write) -> None:
    path = write("subs.csv", SUBS)
    first = import_file(ws, "subscriptions", path)
    content = snapshot(ws)
    second = import_file(ws, "subscriptions", path)
    assert (first.inserted, first.updated, first.unchanged, first.rows_after) == (3, 0, 0, 3)
    assert (second.inserted, second.updated, second.unchanged, second.rows_after) == (0, 0, 3, 3)
    after = snapshot(ws)
    for table in content:
        if table not in ("_import_log", "_data_version"):
            assert after[table] == content[table], table
    assert first.sha256 == second.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_backdated_cancellation_is_logged_as_a_restatement(ws: Workspace, write) -> None:
    import_file(ws, "subscriptions", write("subs.csv", SUBS))
    restated = SUBS.replace("L2,A1,Addon,2024-02-01,,20", "L2,A1,Addon,2024-02-01,2024-03-01,20")
    restated += "L4,A3,Core,2024-04-01,,50,month\n"
    result = import_file(ws, "subscriptions", write("subs-v2.csv", restated))
    assert (result.inserted, result.updated, result.unchanged, result.rows_after) == (1, 1, 2, 4)
    log = ws.import_log()
    assert [(e["rows_inserted"], e["rows_updated"], e["rows_unchanged"]) for e in log] == [
        (3, 0, 0),
        (1, 1, 2),
    ]
    assert log[-1]["note"] == "1 existing row restated"
    assert rows(ws, "SELECT end_date FROM subscriptions WHERE line_id = 'L2'") == [
        (date(2024, 3, 1),)
    ]


def test_columns_the_file_lacks_keep_their_values(ws: Workspace, write) -> None:
    import_file(ws, "subscriptions", write("subs.csv", SUBS))
    partial = "line_id,account_id,start_date,amount,billing_period\nL1,A1,2024-01-01,110,month\n"
    result = import_file(ws, "subscriptions", write("p.csv", partial))
    assert (result.updated, result.rows_after) == (1, 3)
    assert rows(ws, "SELECT product, amount FROM subscriptions WHERE line_id = 'L1'") == [
        ("Core", Decimal("110"))
    ]


def test_replace_swaps_the_table(ws: Workspace, write) -> None:
    import_file(ws, "subscriptions", write("subs.csv", SUBS))
    new = (
        "line_id,account_id,start_date,amount,billing_period\n"
        "L1,A1,2024-01-01,100,month\n"  # product gone: differs, counts as updated
        "L9,A9,2024-05-01,9,month\n"
    )
    result = import_file(ws, "subscriptions", write("new.csv", new), replace=True)
    assert (result.mode, result.inserted, result.updated, result.removed, result.rows_after) == (
        "replace",
        1,
        1,
        2,
        2,
    )
    assert rows(ws, "SELECT line_id, product FROM subscriptions ORDER BY 1") == [
        ("L1", None),
        ("L9", None),
    ]
    entry = ws.import_log()[-1]
    assert (entry["mode"], entry["rows_after"]) == ("replace", 2)
    assert entry["note"] == "1 existing row restated; 2 rows removed by replace"


def test_null_safe_keys(ws: Workspace, write) -> None:
    quotas = (
        "rep_id,period_start,period_end,amount\n"
        ",2024-01-01,2024-03-31,1000\n"
        "R1,2024-01-01,2024-03-31,100\n"
    )
    import_file(ws, "quotas", write("q.csv", quotas))
    again = import_file(ws, "quotas", write("q.csv", quotas))
    assert (again.inserted, again.unchanged, again.rows_after) == (0, 2, 2)
    changed = import_file(ws, "quotas", write("q2.csv", quotas.replace(",1000", ",1500")))
    assert (changed.inserted, changed.updated, changed.rows_after) == (0, 1, 2)
    assert rows(ws, "SELECT rep_id, amount FROM quotas ORDER BY 1 NULLS FIRST") == [
        (None, Decimal("1500")),
        ("R1", Decimal("100")),
    ]


def test_import_log_and_data_version(ws: Workspace, write) -> None:
    assert ws.data_version() == 0
    path = write("subs.csv", SUBS)
    result = import_file(ws, "subscriptions", path)
    assert ws.data_version() == 1
    import_file(ws, "subscriptions", path)
    assert ws.data_version() == 2
    entry = ws.import_log()[0]
    assert isinstance(entry.pop("imported_at"), datetime)
    assert entry == {
        "import_id": 1,
        "table_name": "subscriptions",
        "file_name": "subs.csv",
        "sha256": result.sha256,
        "mapping": None,
        "mode": "upsert",
        "rows_read": 3,
        "rows_inserted": 3,
        "rows_updated": 0,
        "rows_unchanged": 0,
        "rows_after": 3,
        "note": None,
    }
    assert result.import_id == 1


def test_upsert_into_a_table_that_already_has_rows_from_another_file(ws: Workspace, write) -> None:
    import_file(ws, "subscriptions", write("a.csv", SUBS))
    more = "line_id,account_id,start_date,amount,billing_period\nL5,A5,2024-06-01,5,month\n"
    result = import_file(ws, "subscriptions", write("b.csv", more))
    assert (result.inserted, result.updated, result.unchanged, result.rows_after) == (1, 0, 0, 4)


def test_global_duckdb_settings_are_restored(ws: Workspace, write) -> None:
    """Another connection in the same process (the web app) shares the database instance."""
    query = (
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('memory_limit', 'preserve_insertion_order', 'TimeZone') ORDER BY 1"
    )
    with ws.connection() as other:
        before = other.execute(query).fetchall()
        import_file(ws, "subscriptions", write("subs.csv", SUBS))
        after = other.execute(query).fetchall()
        assert other.execute("SELECT count(*) FROM subscriptions").fetchall() == [(3,)]
    assert [name for name, _ in after] == [name for name, _ in before]
    assert dict(after)["preserve_insertion_order"] == dict(before)["preserve_insertion_order"]
    assert dict(after)["TimeZone"] == dict(before)["TimeZone"]
