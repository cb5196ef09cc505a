"""Snapshots land in the forecasts table (upsert, import log, data version, imported rows kept);
accuracy reproduces the worked example and splits by team and rep."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pulse.errors import PulseError
from pulse.forecast.accuracy import accuracy_report
from pulse.forecast.revenue import forecast_period
from pulse.forecast.snapshots import SnapshotRow, snapshot_rows, store_snapshot
from pulse.periods import parse_period
from tests.forecast.test_forecast import DATA
from tests.kpis.harness import computer, make_workspace

Q2 = parse_period("2024-Q2")
Q3 = parse_period("2024-Q3")
IMPORTED = {
    "columns": ["snapshot_at", "period_start", "scope", "period_end", "amount", "category"],
    "rows": [["2024-07-01 00:00:00", "2024-07-01", "company", "2024-09-30", 123456, "commit"]],
}


def test_snapshot_upserts_logs_and_keeps_imported_rows(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {**DATA, "forecasts": IMPORTED})
    comp = computer(ws)
    try:
        f = forecast_period(comp, Q3, date(2024, 7, 1), simulations=2_000, seed=3, scopes=True)
    finally:
        comp.close()
    taken = datetime(2024, 6, 30, 18, 0)
    rows = snapshot_rows(f, taken)
    assert rows[0].scope == "company" and {r.category for r in rows} == {"pulse_p50"}
    assert rows[0].amount == Decimal(str(f.range.p50)).quantize(Decimal("0.01"))
    version = ws.data_version()
    first = store_snapshot(ws, rows, "test")
    assert (first.inserted, first.updated, first.unchanged) == (len(rows), 0, 0)
    assert first.rows_after == len(rows) + 1
    assert ws.data_version() == version + 1
    log = ws.import_log()[-1]
    assert (log["mode"], log["table_name"], log["rows_inserted"], log["note"]) == (
        "snapshot",
        "forecasts",
        len(rows),
        "test",
    )
    again = store_snapshot(ws, rows)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(rows))
    changed = [
        SnapshotRow(r.snapshot_at, r.period_start, r.period_end, r.scope, r.amount + 1)
        for r in rows[:1]
    ]
    assert store_snapshot(ws, changed).updated == 1
    with ws.connection(read_only=True) as con:
        imported = con.execute(
            "SELECT amount, category FROM forecasts WHERE category = 'commit'"
        ).fetchall()
    assert imported == [(Decimal("123456.0000"), "commit")]


def test_a_snapshot_never_overwrites_an_imported_forecast(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {**DATA, "forecasts": IMPORTED})
    log_before = len(ws.import_log())
    clash = SnapshotRow(datetime(2024, 7, 1), Q3.start, Q3.end, "company", Decimal(1))
    with pytest.raises(PulseError) as err:
        store_snapshot(ws, [clash])
    assert "already stored with category 'commit'" in err.value.message
    assert len(ws.import_log()) == log_before  # rolled back
    with ws.connection(read_only=True) as con:
        assert con.execute("SELECT COUNT(*) FROM forecasts").fetchall()[0][0] == 1


ACCURACY = {
    "reps": {"columns": ["rep_id", "team"], "rows": [["r1", "East"], ["r2", "West"]]},
    "opportunities": {
        "columns": [
            "opportunity_id",
            "owner_id",
            "amount",
            "created_at",
            "close_date",
            "status",
            "closed_at",
        ],
        "rows": [
            ["a", "r1", 25000, "2024-01-10", "2024-05-10", "won", "2024-05-10"],
            ["b", "r2", 15000, "2024-01-10", "2024-06-20", "won", "2024-06-20"],
        ],
    },
    "forecasts": {
        "columns": ["snapshot_at", "period_start", "scope", "period_end", "amount", "category"],
        "rows": [
            ["2024-03-31 17:00:00", "2024-04-01", "company", "2024-06-30", 50000, "pulse_p50"],
            ["2024-04-10 09:00:00", "2024-04-01", "company", "2024-06-30", 41000, "commit"],
            ["2024-03-28 09:00:00", "2024-04-01", "rep:r1", "2024-06-30", 30000, "commit"],
            ["2024-03-28 09:00:00", "2024-04-01", "rep:r2", "2024-06-30", 15000, "commit"],
            ["2024-03-28 09:00:00", "2024-04-01", "team:East", "2024-06-30", 30000, "commit"],
        ],
    },
}


def test_worked_example_and_scopes(tmp_path: Path) -> None:
    comp = computer(make_workspace(tmp_path, ACCURACY, profile="manufacturing"))
    try:
        company = accuracy_report(comp, Q2, "company")
        reps = accuracy_report(comp, Q2, "rep")
        teams = accuracy_report(comp, Q2, "team")
        later_lock = accuracy_report(comp, Q2, "company", lock_days=14)
        kpi = comp.latest("forecast_accuracy", Q2)[0]
    finally:
        comp.close()
    (c,) = company.scopes
    # forecast 50,000, actual 40,000: error 25%, accuracy 75%
    assert (float(c.forecast), float(c.actual)) == (50_000.0, 40_000.0)
    assert (c.accuracy, c.wape, c.bias) == (
        pytest.approx(0.75),
        pytest.approx(0.25),
        pytest.approx(0.25),
    )
    assert c.periods[0].variance == pytest.approx(0.25)
    assert c.status.value == "red"  # manufacturing: within ±15%
    assert kpi.value == pytest.approx(c.accuracy) and kpi.status.value == "red"
    assert {s.scope: s.accuracy for s in reps.scopes} == {
        "rep:r1": pytest.approx(0.8),
        "rep:r2": 1.0,
    }
    assert {s.scope: s.bias for s in reps.scopes} == {"rep:r1": pytest.approx(0.2), "rep:r2": 0.0}
    assert [(s.scope, s.accuracy) for s in teams.scopes] == [("team:East", pytest.approx(0.8))]
    # locked two weeks into the quarter: the 41,000 commit counts, 1 − 1,000 ÷ 40,000
    assert later_lock.scopes[0].accuracy == pytest.approx(0.975)
    assert later_lock.scopes[0].status.value == "green"
