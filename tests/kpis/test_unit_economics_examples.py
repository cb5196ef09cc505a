"""The published unit-economics examples, reproduced exactly through the real engine.

- CAC 200, ARPU 50, gross margin 75% → CAC payback 200 ÷ (50 × 0.75) = 5.33 months;
- previous-quarter sales and marketing spend 400,000 and net new MRR 30,000 (net new ARR
  360,000) → magic number 0.9 (ARR is already annual: no second ×4).

Each example is built from canonical rows (spend, subscriptions, invoices) in a DuckDB workspace
and computed by :class:`pulse.compute.Computer` on every engine under test (DuckDB, and Spark in
local mode when pyspark is installed), so the models, the helpers and the formulas are all
exercised.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.periods import parse_period
from tests.kpis.harness import ENGINES, computer, make_workspace

Q2 = parse_period("2024-Q2")
ENGINE_PARAMS = [
    pytest.param(e, id=e, marks=[pytest.mark.spark] if e == "spark" else []) for e in ENGINES
]


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_cac_payback_published_example(tmp_path: Path, engine: str) -> None:
    # Two new customers in Q2 at 50 a month each (ARPU 50) for 400 of Q2 spend (CAC 200);
    # Q2 invoices: revenue 1,000, direct cost 250 → gross margin 75%.
    tables = {
        "spend": {
            "columns": ["period_start", "period_end", "category", "channel", "amount"],
            "rows": [
                ["2024-04-01", "2024-06-30", "sales", "", 300],
                ["2024-04-01", "2024-06-30", "marketing", "events", 100],
            ],
        },
        "subscriptions": {
            "columns": ["line_id", "account_id", "start_date", "amount", "billing_period"],
            "rows": [
                ["l1", "c1", "2024-04-15", 50, "month"],
                ["l2", "c2", "2024-05-01", 600, "year"],  # 600 a year = 50 a month
            ],
        },
        "invoices": {
            "columns": ["invoice_id", "account_id", "issued_at", "amount", "cost"],
            "rows": [
                ["i1", "c1", "2024-04-15", 400, 100],
                ["i2", "c2", "2024-05-01", 600, 150],
            ],
        },
    }
    ws = make_workspace(tmp_path, tables)
    comp = computer(ws, engine=engine)
    try:
        [cac] = comp.latest("cac", Q2)
        assert cac.value == 200.0
        assert cac.components == {"sm_spend": 400.0, "new_customers": 2.0}

        [payback] = comp.latest("cac_payback_months", Q2)
        assert payback.components == {
            "cac": 200.0,
            "new_customer_mrr": 100.0,
            "new_customers": 2.0,
            "gross_margin": 0.75,
        }
        assert payback.value == 200 / (50 * 0.75)
        assert payback.value == pytest.approx(5.333333333333333, rel=1e-15)
        assert round(payback.value, 2) == 5.33
        assert payback.kpi.unit.value == "months"
    finally:
        comp.close()


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
def test_magic_number_published_example(tmp_path: Path, engine: str) -> None:
    # Q1 spend 250,000 sales + 150,000 marketing = 400,000; Q2 spend must not count.
    # Q2: three customers start at 10,000 MRR each → net new MRR 30,000 = net new ARR 360,000.
    tables = {
        "spend": {
            "columns": ["period_start", "period_end", "category", "channel", "amount"],
            "rows": [
                ["2024-01-01", "2024-03-31", "sales", "", 250000],
                ["2024-01-01", "2024-03-31", "marketing", "", 150000],
                ["2024-04-01", "2024-06-30", "sales", "", 999999],  # Q2's own spend
            ],
        },
        "subscriptions": {
            "columns": ["line_id", "account_id", "start_date", "amount", "billing_period"],
            "rows": [
                ["l1", "c1", "2024-04-15", 10000, "month"],
                ["l2", "c2", "2024-05-01", 30000, "quarter"],  # 10,000 a month
                ["l3", "c3", "2024-06-10", 120000, "year"],  # 10,000 a month
            ],
        },
    }
    ws = make_workspace(tmp_path, tables)
    comp = computer(ws, engine=engine)
    try:
        [net_new_mrr] = comp.latest("net_new_mrr", Q2)
        assert net_new_mrr.value == 30000.0

        [magic] = comp.latest("magic_number", Q2)
        assert magic.components["net_new_arr"] == 360000.0
        assert magic.components["sm_spend_previous_period"] == 400000.0
        assert magic.value == 360000 / 400000
        assert magic.value == pytest.approx(0.9, rel=1e-15)
    finally:
        comp.close()
