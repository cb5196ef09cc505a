"""One test per edge case the recurring-revenue conventions name (docs/concepts/recurring-revenue.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.ingest import import_file
from pulse.periods import parse_period
from pulse.revenue import compute_bridge, movements, subscription_findings
from pulse.workspace.store import create_workspace
from tests.revenue.helpers import (
    TODAY,
    bridge,
    computing,
    kpi,
    line,
    money,
    subscriptions_workspace,
)


def test_trial_then_paid_is_new_when_the_first_paid_line_starts(tmp_path: Path) -> None:
    # A trial (even one with an amount) never counts; the customer is new in March, when its
    # first paid line starts, not in January and not as a reactivation or an expansion.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("t", "c1", "2024-01-01", "2024-03-01", 100, is_trial=True),
            line("p", "c1", "2024-03-01", None, 100),
        ],
    )
    assert bridge(ws, "2024-01").end == 0
    assert bridge(ws, "2024-02").end == 0
    march = bridge(ws, "2024-03")
    assert (march.new, march.reactivation, march.expansion) == (money("1200.00"), 0, 0)
    assert kpi(ws, "new_customers", "2024-Q1")[0].value == 1
    with computing(ws) as comp:
        kinds = [f.kind for f in subscription_findings(comp)]
    assert kinds == ["paid_trial"]


def test_36_month_prepaid_contract_counts_one_36th_a_month(tmp_path: Path) -> None:
    # 36,000 billed once for 36 months (billing_period "36"): 1,000 of MRR every month from
    # January 2024 to December 2026, then churn in January 2027.
    ws = subscriptions_workspace(
        tmp_path, [line("p", "c1", "2024-01-01", "2027-01-01", 36000, "36")]
    )
    assert bridge(ws, "2024-01", unit="mrr").new == money("1000.00")
    assert bridge(ws, "2024-01").end == money("12000.00")
    assert bridge(ws, "2026-12", unit="mrr").end == money("1000.00")
    jan27 = bridge(ws, "2027-01", unit="mrr")
    assert (jan27.churn, jan27.end) == (money("1000.00"), 0)


def test_weekly_plan_is_amount_times_52_over_12(tmp_path: Path) -> None:
    # A week is 12/52 of a month: 100 a week = 100 × 52 ÷ 12 = 433.33 of MRR, 5,200 of ARR.
    ws = subscriptions_workspace(tmp_path, [line("w", "c1", "2024-01-01", None, 100, "week")])
    assert bridge(ws, "2024-01", unit="mrr").end == money("433.33")
    assert bridge(ws, "2024-01").end == money("5200.00")


@pytest.mark.parametrize(
    ("amount", "billing"),
    [
        (6000, "year"),  # the seats' annual rate
        (3000, "6"),  # or the prorated invoice for the six co-termed months
    ],
)
def test_co_termed_seats_added_mid_year(tmp_path: Path, amount: int, billing: str) -> None:
    # A 12,000 annual plan; seats added 2024-07-01, co-termed to end with it on 2025-01-01.
    # Either way the seats are 500 of MRR: expansion 500 in July, and in January 2025 one churn
    # of the whole 1,500.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("plan", "c1", "2024-01-01", "2025-01-01", 12000, "year"),
            line("seats", "c1", "2024-07-01", "2025-01-01", amount, billing, product="seats"),
        ],
    )
    july = bridge(ws, "2024-07", unit="mrr")
    assert (july.expansion, july.end) == (money("500.00"), money("1500.00"))
    jan = bridge(ws, "2025-01", unit="mrr")
    assert (jan.churn, jan.contraction, jan.counts["churn"]) == (money("1500.00"), 0, 1)


def test_start_and_cancel_in_the_same_month_never_appears(tmp_path: Path) -> None:
    # Active on day d when start_date <= d < end_date, measured at month ends: a line from
    # 5 to 28 March is never active at a month end, so it is in no snapshot and no movement.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("x", "c1", "2024-03-05", "2024-03-28", 500),
            line("keep", "c2", "2024-01-01", None, 10),
        ],
    )
    march = bridge(ws, "2024-03")
    assert (march.new, march.churn, march.end) == (0, 0, money("120.00"))
    with computing(ws) as comp:
        assert movements(comp, parse_period("2024", TODAY), customer="c1") == []
        findings = subscription_findings(comp)
    assert [(f.kind, f.line_id) for f in findings] == [("same_month", "x")]
    assert kpi(ws, "new_customers", "2024-03")[0].value == 0


def test_downgrade_of_one_line_while_another_stays_is_contraction(tmp_path: Path) -> None:
    # Core 100 stays; the add-on goes from 50 to 20 on 2024-05-01: contraction 30, no churn.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("core", "c1", "2024-01-01", None, 100),
            line("addon50", "c1", "2024-01-01", "2024-05-01", 50, product="addon"),
            line("addon20", "c1", "2024-05-01", None, 20, product="addon"),
        ],
    )
    may = bridge(ws, "2024-05", unit="mrr")
    assert (may.contraction, may.churn, may.end) == (money("30.00"), 0, money("120.00"))
    assert may.counts["contraction"] == 1


def test_return_after_churn_is_reactivation(tmp_path: Path) -> None:
    # Paid January to March, nothing at the April, May and June month ends, back in July.
    lines = [
        line("a", "c1", "2024-01-01", "2024-04-01", 100),
        line("b", "c1", "2024-07-01", None, 150),
    ]
    ws = subscriptions_workspace(tmp_path, lines)
    july = bridge(ws, "2024-07", unit="mrr")
    assert (july.reactivation, july.new, july.expansion) == (money("150.00"), 0, 0)
    assert bridge(ws, "2024-04", unit="mrr").churn == money("100.00")
    # With a two-month reactivation window, three months away makes it new again.
    short = subscriptions_workspace(
        tmp_path / "w", lines, settings={"reactivation_window_months": 2}
    )
    july = bridge(short, "2024-07", unit="mrr")
    assert (july.new, july.reactivation) == (money("150.00"), 0)


def test_a_line_with_no_end_date_runs_on(tmp_path: Path) -> None:
    # No end date = ongoing: counted at every month end, today's and later ones too.
    ws = subscriptions_workspace(tmp_path, [line("a", "c1", "2024-01-01", None, 100)])
    assert bridge(ws, "2025-12").end == money("1200.00")
    future = bridge(ws, "2026-Q2")  # past the data and today: still there, nothing moves
    assert (future.start, future.end, future.churn) == (money("1200.00"), money("1200.00"), 0)
    assert kpi(ws, "arr", "2027-01")[0].value == pytest.approx(1200)


def test_backdated_cancellation_imported_later_restates_history(tmp_path: Path) -> None:
    # The first import has c1 running; a later import of the same line with an end date of
    # 2024-02-15 (a cancellation entered after the fact) restates February: churn appears there
    # and every later month end loses c1. The import log records the restatement.
    ws = create_workspace("acme", "b2b_saas", tmp_path)
    header = "line_id,account_id,product,stream,start_date,end_date,amount,billing_period\n"
    first = tmp_path / "subscriptions-march.csv"
    first.write_text(
        header
        + "L1,c1,core,software,2024-01-01,,100,month\n"
        + "L2,c2,core,software,2024-01-01,,100,month\n",
        encoding="utf-8",
    )
    later = tmp_path / "subscriptions-april.csv"
    later.write_text(
        header
        + "L1,c1,core,software,2024-01-01,2024-02-15,100,month\n"
        + "L2,c2,core,software,2024-01-01,,100,month\n",
        encoding="utf-8",
    )
    import_file(ws, "subscriptions", first)
    before = bridge(ws, "2024-Q1")
    assert (before.churn, before.end) == (0, money("2400.00"))
    result = import_file(ws, "subscriptions", later)
    assert (result.updated, result.unchanged) == (1, 1)
    after_feb = bridge(ws, "2024-02")
    assert (after_feb.churn, after_feb.end) == (money("1200.00"), money("1200.00"))
    after = bridge(ws, "2024-Q1")
    assert (after.churn, after.end) == (money("1200.00"), money("1200.00"))
    assert after.balances
    log = ws.import_log()
    assert [(r["file_name"], r["rows_updated"], r["note"]) for r in log] == [
        ("subscriptions-march.csv", 0, None),
        ("subscriptions-april.csv", 1, "1 existing row restated"),
    ]


def test_exchange_rate_changes_are_the_fx_line_never_expansion(tmp_path: Path) -> None:
    # c1 pays EUR 100 a month throughout; the rate moves 1.10 → 1.20 on 2024-02-01: its ARR goes
    # 1,320 → 1,440 and the 120 is fx. c2 starts in February in EUR: new at February's rate.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("e1", "c1", "2024-01-01", None, 100, currency="EUR"),
            line("e2", "c2", "2024-02-10", None, 50, currency="EUR"),
        ],
        fx=[("EUR", "2024-01-01", 1.10), ("EUR", "2024-02-01", 1.20)],
    )
    feb = bridge(ws, "2024-02")
    assert (feb.start, feb.fx, feb.expansion, feb.contraction, feb.new, feb.end) == (
        money("1320.00"), money("120.00"), 0, 0, money("720.00"), money("2160.00"),
    )  # fmt: skip
    assert feb.balances
    assert feb.net_new == money("720.00")


def test_a_currency_without_rates_counts_at_face_value_and_is_reported(tmp_path: Path) -> None:
    ws = subscriptions_workspace(
        tmp_path, [line("g", "c1", "2024-01-01", None, 100, currency="GBP")]
    )
    assert bridge(ws, "2024-01").end == money("1200.00")
    with computing(ws) as comp:
        (finding,) = subscription_findings(comp)
    assert finding.kind == "fx_rates_missing"
    assert finding.detail == (
        "1 line(s) in GBP but fx_rates has no GBP rate: counted at face value as USD; "
        "load fx_rates for GBP"
    )


def test_streams_add_up_to_the_blended_bridge(tmp_path: Path) -> None:
    # c1 moves from software to service; c2 drops maintenance. Each stream's own bridge plus the
    # cross_stream reclassification equals the blended bridge, line by line.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("s1", "c1", "2024-01-01", "2024-03-01", 100),
            line("s2", "c1", "2024-03-01", None, 100, stream="service"),
            line("s3", "c2", "2024-01-01", None, 200),
            line("s4", "c2", "2024-01-01", "2024-03-15", 50, stream="maintenance"),
        ],
    )
    blended = bridge(ws, "2024-Q1")
    parts = [
        bridge(ws, "2024-Q1", stream=s)
        for s in ("software", "service", "maintenance", "cross_stream")
    ]
    for name in ("start", "new", "expansion", "reactivation", "contraction", "churn", "fx", "end"):
        assert sum(getattr(p, name) for p in parts) == getattr(blended, name), name
    assert all(p.balances for p in parts)
    assert blended.churn == 0  # nobody left: c2 contracted, c1 only changed stream


def test_a_customer_netting_below_zero_counts_as_zero_and_is_reported(tmp_path: Path) -> None:
    # A credit line larger than the charge in the same stream: ARR never goes negative.
    ws = subscriptions_workspace(
        tmp_path,
        [
            line("charge", "c1", "2024-01-01", "2024-03-01", 100),
            line("credit", "c1", "2024-02-01", "2024-03-01", -150, product="credit"),
            line("other", "c2", "2024-01-01", None, 10),
        ],
    )
    feb = bridge(ws, "2024-02")
    assert (feb.churn, feb.end) == (money("1200.00"), money("120.00"))
    with computing(ws) as comp:
        kinds = sorted(f.kind for f in subscription_findings(comp))
        b = compute_bridge(comp, parse_period("2024-Q1", TODAY))
    assert kinds == ["negative_amount", "net_negative_month"]
    assert b.balances
