"""margin_declines: product lines and segments whose gross margin fell quarter over quarter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulse.margin import margin_declines, quarter_of
from pulse.periods import parse_period
from tests.kpis.harness import computer, make_workspace

# Q1 → Q2 2024, margin = (amount − cost) ÷ amount:
#   Pumps  (SMB)        1000/600 → 40%   1000/700 → 30%   fell 10 points
#   Valves (Enterprise) 1000/800 → 20%   1000/500 → 50%   rose
#   Seals  (SMB)         200/100 → 50%    200/100 → 50%   flat
#   Gears  (Enterprise)        —          100/10  → 90%   new in Q2: nothing to compare
#   SMB        (1000 − 600 + 200 − 100) / 1200 = 41.67% → (1000 − 700 + 200 − 100) / 1200 = 33.33%
#   Enterprise 200 / 1000 = 20% → (500 + 90) / 1100 = 53.6%
INVOICES = {
    "columns": ["invoice_id", "account_id", "issued_at", "amount", "cost", "product_line"],
    "rows": [
        ["p1", "a1", "2024-02-10", 1000, 600, "Pumps"],
        ["p2", "a1", "2024-05-10", 1000, 700, "Pumps"],
        ["v1", "a2", "2024-03-31", 1000, 800, "Valves"],
        ["v2", "a2", "2024-04-01", 1000, 500, "Valves"],
        ["s1", "a1", "2024-01-05", 200, 100, "Seals"],
        ["s2", "a1", "2024-06-30", 200, 100, "Seals"],
        ["g2", "a2", "2024-06-01", 100, 10, "Gears"],
    ],
}
ACCOUNTS = {"columns": ["account_id", "segment"], "rows": [["a1", "SMB"], ["a2", "Enterprise"]]}


def _declines(tmp_path: Path, period: str, **kwargs: Any) -> list[dict[str, Any]]:
    ws = make_workspace(tmp_path, {"accounts": ACCOUNTS, "invoices": INVOICES})
    comp = computer(ws)
    try:
        return margin_declines(comp, parse_period(period), **kwargs)
    finally:
        comp.close()


def test_flags_the_line_and_segment_whose_margin_fell(tmp_path: Path) -> None:
    found = _declines(tmp_path, "2024-Q2")
    assert [(f["dimension"], f["segment"]) for f in found] == [
        ("product_line", "Pumps"),
        ("segment", "SMB"),
    ]
    pumps, smb = found
    assert pumps["period"] == "2024-Q2"
    assert pumps["previous_period"] == "2024-Q1"
    assert pumps["margin"] == pytest.approx(0.3)
    assert pumps["previous_margin"] == pytest.approx(0.4)
    assert pumps["change"] == pytest.approx(-0.1)
    assert pumps["revenue"] == 1000
    assert pumps["gross_profit"] == 300
    assert pumps["previous_gross_profit"] == 400
    assert pumps["message"] == (
        "Gross margin of product line Pumps fell from 40.0% in 2024-Q1 to 30.0% in 2024-Q2 (-10.0 points)."
    )
    assert smb["margin"] == pytest.approx(400 / 1200)
    assert smb["previous_margin"] == pytest.approx(500 / 1200)
    assert smb["message"] == (
        "Gross margin of customer segment SMB fell from 41.7% in 2024-Q1 to 33.3% in 2024-Q2 (-8.3 points)."
    )


def test_a_line_that_rose_held_or_is_new_is_not_flagged(tmp_path: Path) -> None:
    segments = {f["segment"] for f in _declines(tmp_path, "2024-Q2")}
    assert not segments & {"Valves", "Seals", "Gears", "Enterprise"}


def test_a_month_is_judged_on_its_quarter(tmp_path: Path) -> None:
    found = _declines(tmp_path, "2024-05")
    assert [(f["segment"], f["period"]) for f in found] == [
        ("Pumps", "2024-Q2"),
        ("SMB", "2024-Q2"),
    ]


def test_min_drop_ignores_small_falls(tmp_path: Path) -> None:
    found = _declines(tmp_path, "2024-Q2", min_drop=0.09)
    assert [f["segment"] for f in found] == ["Pumps"]


def test_no_invoices_no_findings(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {"accounts": ACCOUNTS})
    comp = computer(ws)
    try:
        assert margin_declines(comp, parse_period("2024-Q2")) == []
    finally:
        comp.close()


def test_quarter_of_follows_the_fiscal_year() -> None:
    assert quarter_of(parse_period("2024-05")).label == "2024-Q2"
    fiscal = quarter_of(parse_period("2024-05"), fiscal_start_month=2)
    assert (fiscal.start.isoformat(), fiscal.end.isoformat(), fiscal.label) == (
        "2024-05-01",
        "2024-07-31",
        "FY2025-Q2",
    )
    q = parse_period("2024-Q3")
    assert quarter_of(q) is q
