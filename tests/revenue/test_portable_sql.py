"""The recurring-revenue models use only portable SQL and run the same on Spark.

DuckDB-only constructs (FILTER, QUALIFY, list functions, a WITH inside a model) are refused; the
month spine's GENERATE_SERIES/UNNEST must become Spark's SEQUENCE/EXPLODE through sqlglot.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from pulse.catalog.registry import load_catalog
from pulse.compute import Computer
from pulse.engines.spark import SparkEngine, spark_available
from pulse.periods import parse_period
from pulse.revenue import compute_bridge
from tests.revenue.helpers import TODAY, line, subscriptions_workspace

REVENUE_MODELS = (
    "subscription_lines", "month_ends", "fx_month_rates", "line_months", "customer_mrr",
    "multi_stream_accounts", "line_changes", "stream_levels", "scope_levels", "scope_movements",
    "mrr_movements",
    "customer_movements", "revenue_period_bounds", "snapshot_months", "month_end_snapshots",
    "bound_snapshots", "bridge_movement_rows", "bridge_rows", "bridge_snapshot_totals",
    "bridge_sums", "customer_bridge",
    "bridge_retention",
    "period_arr", "retention_pairs", "retention_cohort", "retention_totals", "customer_churn",
    "trailing_movements",
    "customer_first_products", "expansion_events", "module_arr", "client_activity",
    "client_revenue_share", "subscription_findings",
)  # fmt: skip
NOT_PORTABLE = (exp.Filter, exp.Qualify, exp.With, exp.List, exp.Array, exp.Lambda, exp.ArrayAgg)


@pytest.mark.parametrize("name", REVENUE_MODELS)
def test_model_is_portable_and_transpiles_to_spark(name: str) -> None:
    model = load_catalog().model(name)
    tree = sqlglot.parse_one(model.sql, read="duckdb")
    found = sorted({type(n).__name__ for n in tree.walk() if isinstance(n, NOT_PORTABLE)})
    assert not found, f"{name} uses {found}"
    spark = sqlglot.transpile(model.sql, read="duckdb", write="spark")[0]
    assert spark
    if "GENERATE_SERIES" in model.sql:
        assert "EXPLODE(SEQUENCE(" in spark, name


def test_every_revenue_kpi_compiles_for_spark() -> None:
    catalog = load_catalog()
    ids = [k for k, v in catalog.kpis.items() if v.model in REVENUE_MODELS]
    assert len(ids) >= 17
    from pulse.cli.kpi import sample_sql

    for kpi_id in ids:
        assert "FILTER (WHERE" not in sample_sql(kpi_id, "spark").upper(), kpi_id


@pytest.mark.spark
@pytest.mark.skipif(not spark_available(), reason="pyspark or Java is not installed")
def test_bridge_is_identical_on_spark(tmp_path: Path) -> None:
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("a", "c1", "2024-01-01", None, 1200, "year"),
            line("b", "c1", "2024-02-10", "2024-05-01", 100, stream="service"),
            line("c", "c2", "2024-01-15", "2024-03-01", 45.5, "week", currency="EUR"),
            line("d", "c2", "2024-05-01", None, 45.5, "week", currency="EUR"),
        ],
        fx=[("EUR", "2024-01-01", 1.1), ("EUR", "2024-02-01", 1.2345)],
    )
    period = parse_period("2024-01-01..2024-06-30", TODAY)
    duck = Computer(ws, today=TODAY)
    spark = Computer(ws, today=TODAY, engine=SparkEngine.for_workspace(ws, "local[1]"))
    try:
        for stream in (None, "software", "service", "cross_stream"):
            expected = compute_bridge(duck, period, stream)
            got = compute_bridge(spark, period, stream)
            assert got == expected, stream
            assert got.balances
    finally:
        duck.close()
        spark.close()


@pytest.mark.spark
@pytest.mark.skipif(not spark_available(), reason="pyspark or Java is not installed")
def test_churn_and_retention_over_24_months_are_identical_on_spark(tmp_path: Path) -> None:
    # 24 monthly periods, as the scorecard asks, with Spark's adaptive execution on as it is by
    # default (the tests' conftest turns it off for speed): the periods are a UNION of 24 rows,
    # and a semi-join over them in the per-customer models made it fail to deserialize the union.
    # Those models are keyed by period through the models they read and no longer read periods.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("a", "c1", "2023-06-01", None, 1200, "year"),
            line("b", "c2", "2023-09-15", "2025-03-01", 100),
            line("c", "c3", "2024-02-01", "2024-11-01", 50),
            line("d", "c3", "2025-01-10", None, 80, stream="service"),
            line("e", "c4", "2024-07-01", None, 300, "quarter"),
        ],
    )
    periods = parse_period("2025-12").series(24)
    duck = Computer(ws, today=TODAY)
    engine = SparkEngine.for_workspace(ws, "local[1]")
    adaptive = engine.session.conf.get("spark.sql.adaptive.enabled")
    engine.session.conf.set("spark.sql.adaptive.enabled", "true")
    spark = Computer(ws, today=TODAY, engine=engine)
    try:
        for kpi in ("logo_churn_rate", "nrr", "grr"):
            expected = duck.rows(kpi, periods, [])
            got = spark.rows(kpi, periods, [])
            assert len(expected) == 24 and len(got) == 24, kpi
            for want, row in zip(expected, got, strict=True):
                assert row.keys() == want.keys(), kpi
                for column, value in want.items():
                    if isinstance(value, (int, float, Decimal)):
                        assert float(row[column]) == pytest.approx(float(value), rel=1e-9)
                    else:
                        assert row[column] == value, (kpi, column)
    finally:
        engine.session.conf.set("spark.sql.adaptive.enabled", adaptive)
        duck.close()
        spark.close()
