"""Shared models: computed once per batch into a temporary table, same numbers as one by one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pulse.catalog.registry import load_catalog
from pulse.compile.planner import Context, PeriodSpec, Planner
from pulse.compile.sharing import Statement, aggregates, model_key, share_models
from pulse.compute import RESULTS, Computer
from pulse.engines.duckdb import DuckDBEngine
from pulse.periods import parse_period
from pulse.scorecard import build_scorecard
from tests.kpis.harness import load_rows, make_workspace

Q2 = PeriodSpec("2024-Q2", date(2024, 4, 1), date(2024, 6, 30), date(2024, 6, 30))
Q2_START = PeriodSpec("2024-Q2", date(2024, 4, 1), date(2024, 6, 30), date(2024, 4, 1))

OPPORTUNITIES = {
    "columns": [
        "opportunity_id", "owner_id", "amount", "created_at", "close_date", "status",
        "closed_at", "stage",
    ],
    "rows": [
        ["o1", "r1", 100, "2024-01-10", "2024-04-10", "won", "2024-04-10", "closed won"],
        ["o2", "r1", 300, "2024-02-01", "2024-05-01", "lost", "2024-05-01", "closed lost"],
        ["o3", "r2", 500, "2024-03-01", "2024-06-15", "won", "2024-06-12", "closed won"],
        ["o4", "r2", 700, "2024-03-15", "2024-06-20", "open", None, "proposal"],
    ],
}  # fmt: skip


def test_an_aggregating_model_read_by_two_kpis_is_shared() -> None:
    planner = Planner(load_catalog())
    # NRR and GRR both add up the retention cohort's totals: one table, the cohort inside it
    both = share_models(planner, [Statement("nrr", (Q2,)), Statement("grr", (Q2,))], Context())
    assert "retention_totals" in both[0]
    assert both[0]["retention_totals"] is both[1]["retention_totals"]
    assert "retention_cohort" not in both[0]
    # read once (by nrr alone) it stays inline
    alone = share_models(planner, [Statement("nrr", (Q2,))], Context())
    assert "retention_totals" not in alone[0]


def test_a_row_by_row_model_stays_inline() -> None:
    # opportunity_facts only projects and joins: inline, each query reads the columns it needs.
    planner = Planner(load_catalog())
    both = share_models(
        planner, [Statement("win_rate", (Q2,)), Statement("average_deal_size", (Q2,))], Context()
    )
    assert both == [{}, {}]


def test_period_models_are_shared_only_between_the_same_periods() -> None:
    catalog = load_catalog()
    assert model_key(catalog, "month_end_snapshots", (Q2,)) == ("month_end_snapshots", (Q2,))
    assert model_key(catalog, "stage_history_as_of", (Q2,)) == ("stage_history_as_of", (Q2,))
    assert model_key(catalog, "mrr_movements", (Q2,)) == ("mrr_movements", None)
    planner = Planner(catalog)
    same = share_models(
        planner, [Statement("arr_bridge", (Q2,)), Statement("net_new_arr", (Q2,))], Context()
    )
    other = share_models(
        planner, [Statement("arr_bridge", (Q2,)), Statement("net_new_arr", (Q2_START,))], Context()
    )
    assert same[0]["bridge_snapshot_totals"] is same[1]["bridge_snapshot_totals"]
    assert "bridge_snapshot_totals" not in other[0]  # read once for each set of periods
    # a model that does not read the periods is shared whatever they are
    assert other[0]["mrr_movements"] is other[1]["mrr_movements"]


def test_range_models_are_shared_between_periods_spanning_the_same_days() -> None:
    # Coverage reads the pipeline as of each period's start, sales velocity as of its end: the
    # states in force differ, the spans they are picked from do not.
    catalog = load_catalog()
    days = ("range", (date(2024, 4, 1), date(2024, 6, 30)))
    assert model_key(catalog, "open_candidate_spans", (Q2,)) == ("open_candidate_spans", days)
    assert model_key(catalog, "open_candidate_spans", (Q2_START,)) == ("open_candidate_spans", days)
    later = PeriodSpec("2024-Q2", date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 15))
    assert model_key(catalog, "open_candidate_spans", (later,))[1] != days  # as of after the end
    planner = Planner(catalog)
    statements = [
        Statement("pipeline_coverage", (Q2_START,)),
        Statement("weighted_pipeline_coverage", (Q2_START,)),
        Statement("sales_velocity", (Q2,)),
    ]
    coverage, weighted, velocity = share_models(planner, statements, Context())
    spans = coverage["open_candidate_spans"]
    assert weighted["open_candidate_spans"] is spans and velocity["open_candidate_spans"] is spans
    assert "periods AS (" not in spans.sql and "period_range AS (" in spans.sql
    # the states at each as-of date: one table for the two coverages, inline for velocity
    assert weighted["open_candidate_states"] is coverage["open_candidate_states"]
    assert "open_candidate_states" not in velocity
    assert spans.table in coverage["open_candidate_states"].reads


def test_a_range_join_counts_as_work_worth_sharing() -> None:
    assert aggregates("SELECT * FROM a JOIN b ON a.d >= b.lo AND a.d <= b.hi")
    assert not aggregates("SELECT * FROM a JOIN b ON a.k = b.k AND a.d >= b.lo")
    assert not aggregates("SELECT * FROM a CROSS JOIN b")


def test_generating_rows_counts_as_work_worth_sharing() -> None:
    assert aggregates("SELECT a.k, UNNEST(GENERATE_SERIES(a.lo, a.hi)) AS m FROM a")
    assert not aggregates("SELECT a.k, a.lo + 1 AS m FROM a")


def test_a_model_read_only_inside_one_statement_stays_a_cte() -> None:
    # dq_similar_keys joins dq_name_key_signatures with itself and dq_duplicate_accounts reads
    # dq_similar_keys twice, all inside the one data_quality_score statement: DuckDB computes a
    # CTE read twice once, so a table would only add the write.
    planner = Planner(load_catalog())
    alone = share_models(planner, [Statement("data_quality_score", (Q2,))], Context())[0]
    assert alone == {}
    # scope_movements is read three times, only inside mrr_movements, which only
    # bridge_movement_rows reads: shared by two KPIs, bridge_movement_rows is one table and
    # mrr_movements and scope_movements CTEs inside it.
    both = share_models(
        planner, [Statement("arr_bridge", (Q2,)), Statement("net_new_arr", (Q2,))], Context()
    )
    assert "bridge_movement_rows" in both[0]
    assert "mrr_movements" not in both[0]
    assert "scope_movements" not in both[0]
    assert "scope_levels" not in both[0]


def test_a_model_read_by_two_computations_is_shared() -> None:
    # stream_levels is read by the bridge's movements (inside bridge_movement_rows' table) and
    # by the month-end snapshots (inside the snapshot totals' table): two computations, one
    # table. The movement rows (a row per movement and period month: UNNEST) are one table too.
    planner = Planner(load_catalog())
    both = share_models(
        planner, [Statement("arr_bridge", (Q2,)), Statement("net_new_arr", (Q2,))], Context()
    )
    assert both[0]["stream_levels"] is both[1]["stream_levels"]
    assert both[0]["bridge_movement_rows"] is both[1]["bridge_movement_rows"]
    assert both[0]["stream_levels"].table in both[0]["bridge_movement_rows"].reads


def _values(results: list[Any]) -> list[tuple[str, Any, Any]]:
    return [(r.period.label, r.value, r.components) for r in results]


def test_batch_equals_one_by_one(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {"opportunities": OPPORTUNITIES})
    kpis = ["win_rate", "average_deal_size", "bookings", "sales_cycle_days", "pipeline_coverage"]
    period = parse_period("2024-Q2")
    RESULTS.clear()
    batch = Computer(ws, today=date(2024, 12, 31))
    together = batch.compute_many(kpis, period, history=1)
    batch.close()
    for kpi in kpis:
        plain = Computer(ws, today=date(2024, 12, 31), engine=DuckDBEngine(ws.db_path))
        plain._sharing = lambda: False  # type: ignore[method-assign]
        RESULTS.clear()
        assert _values(together[kpi]) == _values(plain.compute(kpi, period)), kpi
        plain.close()
    assert together["win_rate"][-1].value == pytest.approx(2 / 3)


def _record_statements(computer: Computer) -> list[str]:
    """Every statement ``computer`` sends its engine from now on (alone, or in a batch)."""
    executed: list[str] = []
    engine: Any = computer.engine
    execute, run_many = engine.execute, engine.run_many

    def one(sql: str) -> Any:
        executed.append(sql)
        return execute(sql)

    def many(tables: Any, queries: Any) -> Any:
        executed.extend([sql for _, sql, _ in tables] + [sql for sql, _ in queries])
        return run_many(tables, queries)

    engine.execute, engine.run_many = one, many
    return executed


def test_results_are_cached_per_data_version(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {"opportunities": OPPORTUNITIES})
    period = parse_period("2024-Q2")
    RESULTS.clear()
    first = Computer(ws, today=date(2024, 12, 31))
    assert first.latest("bookings", period)[0].value == 600
    first.close()

    second = Computer(ws, today=date(2024, 12, 31))
    executed = _record_statements(second)
    assert second.latest("bookings", period)[0].value == 600
    assert executed == []  # served from the cache
    second.close()

    new = {"columns": OPPORTUNITIES["columns"], "rows": [
        ["o5", "r1", 1000, "2024-04-01", "2024-05-05", "won", "2024-05-05", "closed won"],
    ]}  # fmt: skip
    load_rows(ws, {"opportunities": new})  # bumps the data version
    third = Computer(ws, today=date(2024, 12, 31))
    assert third.latest("bookings", period)[0].value == 1600
    third.close()


def test_cached_rows_are_each_readers_own(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {"opportunities": OPPORTUNITIES})
    periods = [parse_period("2024-Q2")]
    RESULTS.clear()
    computer = Computer(ws, today=date(2024, 12, 31))
    first = computer.rows("bookings", periods, [])
    assert first[0]["value"] == 600
    first[0]["value"] = -1  # a reader changing its rows changes nobody else's
    executed = _record_statements(computer)
    again = computer.rows("bookings", periods, [])
    assert executed == []  # served from the cache
    assert again[0]["value"] == 600
    assert again[0] is not first[0]
    assert computer.latest("bookings", periods[0])[0].value == 600
    computer.close()


def test_scorecard_batch_matches_kpi_by_kpi(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {"opportunities": OPPORTUNITIES})
    period = parse_period("2024-Q2")
    RESULTS.clear()
    computer = Computer(ws, today=date(2024, 12, 31))
    card = build_scorecard(computer, period, history=1)
    computer.close()
    RESULTS.clear()
    for line in card.lines():
        plain = Computer(ws, today=date(2024, 12, 31))
        plain._sharing = lambda: False  # type: ignore[method-assign]
        alone = plain.compute(line.result.kpi.id, period, history=1)
        plain.close()
        assert _values(line.history) == _values(alone), line.result.kpi.id
