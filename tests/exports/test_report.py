"""The board pack's content: golden values worked out by hand from tests/exports/sample.py."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pulse.exports.report import BoardPack, change_text, finding_id
from pulse.findings import Finding


def test_sections_hold_the_profile_kpis_core_first(pack: BoardPack) -> None:
    assert {s: [k.id for k in ks] for s, ks in pack.sections.items()} == {
        "leading": ["win_rate", "new_opportunities"],
        "lagging": ["bookings", "nrr"],
        "health": ["average_deal_size"],
    }
    assert [k.id for k in pack.kpis() if k.core] == ["win_rate", "bookings"]


def test_win_rate_value_status_trend_and_series(pack: BoardPack) -> None:
    win = next(k for k in pack.kpis() if k.id == "win_rate")
    # Q2: 1 won of 10 decided; Q1: 3 won of 4 decided; 2023-Q4: nothing decided.
    assert win.value == pytest.approx(0.10)
    assert (win.value_text, win.target_text) == ("10.0%", "25.0%")
    assert (win.status, win.status_label) == ("red", "✗ red")
    assert win.trend_text == "↓ worse than 2024-Q1 (75.0%)"
    assert win.trend_short == "↓ worse, was 75.0%"
    assert [(p.period, p.value, p.status) for p in win.series] == [
        ("2023-Q4", None, "missing_data"),
        ("2024-Q1", pytest.approx(0.75), "green"),
        ("2024-Q2", pytest.approx(0.10), "red"),
    ]


def test_explanation_of_the_last_change_adds_up(pack: BoardPack) -> None:
    win = next(k for k in pack.kpis() if k.id == "win_rate")
    # N0=3, D0=4, N1=1, D1=10: numerator ((1-3)/4 + (1-3)/10)/2 = -0.35,
    # denominator ((3/10-3/4) + (1/10-1/4))/2 = -0.30; together -0.65 = 0.10 - 0.75.
    assert win.explanation == (
        "Win rate fell from 75.0% to 10.0%: -35.0 pts from numerator, -30.0 pts from denominator."
    )
    assert [(p.name, round(p.contribution, 9), p.text) for p in win.parts] == [
        ("numerator", -0.35, "-35.0 pts"),
        ("denominator", -0.3, "-30.0 pts"),
    ]
    deal = next(k for k in pack.kpis() if k.id == "average_deal_size")
    # 6,000/3 = 2,000 → 7,000/1 = 7,000: denominator 4,333.33, numerator 666.67.
    assert deal.explanation == (
        "Average deal size rose from $2,000 to $7,000: +$4,333 from denominator, "
        "+$666.67 from numerator."
    )


def test_missing_data_is_a_status_with_what_to_load(pack: BoardPack) -> None:
    nrr = next(k for k in pack.kpis() if k.id == "nrr")
    assert (nrr.value, nrr.value_text, nrr.status_label) == (None, "—", "? missing data")
    assert nrr.note == "load table 'subscriptions' (account_id, start_date, amount, billing_period)"
    assert nrr.explanation is None


def test_findings_with_evidence_and_action(pack: BoardPack) -> None:
    red = [f for f in pack.findings if f.severity == "red"]
    assert [(f.id, f.title) for f in red] == [("win_rate_below_20:win_rate", "Win rate below 20%")]
    assert red[0].evidence == (
        "Win rate is 10.0% in 2024-Q2; the line is 20.0%: qualification or fit is broken."
    )
    # 20% of 10 decided deals is 2 wins; there is 1.
    assert red[0].action.endswith("at 10 decided deals, 1 more wins would reach 20%.")
    assert red[0].symbol == "✗"
    assert all(f.severity == "info" for f in pack.findings[1:])


def test_appendix_definitions_and_lineage(pack: BoardPack, sample_csv: Path) -> None:
    by_id = {d.id: d for d in pack.definitions}
    assert list(by_id) == ["win_rate", "bookings", "new_opportunities", "average_deal_size", "nrr"]
    assert by_id["win_rate"].formula == "(SUM(is_won)) ÷ (SUM(is_closed))"
    assert by_id["nrr"].needs == "subscriptions (account_id, start_date, amount, billing_period)"
    (row,) = pack.lineage
    assert (row.table, row.file, row.rows_read, row.rows_after) == (
        "opportunities",
        "crm-opportunities.csv",
        14,
        14,
    )
    assert row.sha256 == hashlib.sha256(sample_csv.read_bytes()).hexdigest()


def test_summary_counts(pack: BoardPack) -> None:
    assert pack.summary() == "5 KPIs: 1 ✗ red, 3 · no target, 1 ? missing data. 1 finding (1 red)."


def test_finding_id_ignores_numbers_but_keeps_the_subject() -> None:
    a = Finding("margin_falling", "gross_margin", "amber", "t", "e1", "a", {"segment": "SMB",
                "dimension": "segment", "change": -0.02})  # fmt: skip
    b = Finding("margin_falling", "gross_margin", "amber", "t", "e2", "a", {"segment": "SMB",
                "dimension": "segment", "change": -0.05})  # fmt: skip
    c = Finding("margin_falling", "gross_margin", "amber", "t", "e1", "a", {"segment": "Ent",
                "dimension": "segment", "change": -0.02})  # fmt: skip
    assert finding_id(a) == finding_id(b) != finding_id(c)
    assert finding_id(a).startswith("margin_falling:gross_margin:")
    plain = Finding("win_rate_below_20", "win_rate", "red", "t", "e", "a", {"value": 0.1})
    assert finding_id(plain) == "win_rate_below_20:win_rate"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [(-0.35, "percent", "-35.0 pts"), (1000.0, "currency", "+$1,000"), (-2.5, "ratio", "−2.50×")],
)
def test_change_text(value: float, unit: str, expected: str) -> None:
    assert change_text(value, unit, "USD") == expected


def test_json_form_is_complete(pack: BoardPack) -> None:
    data = pack.to_json()
    assert data["period"] == "2024-Q2"
    assert data["generated_at"] == "2024-07-15T09:30:00"
    assert [k["kpi"] for k in data["sections"]["leading"]] == ["win_rate", "new_opportunities"]
    assert data["sections"]["leading"][0]["explanation"]["parts"][0]["name"] == "numerator"
    assert data["appendix"]["lineage"][0]["file"] == "crm-opportunities.csv"
