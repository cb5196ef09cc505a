"""Markdown, HTML, CSV and JSON packs, and the format registry."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest

from pulse.errors import PulseError
from pulse.exports import FORMATS, get_format, render
from pulse.exports.report import BoardPack


def test_markdown_reads_well(pack: BoardPack) -> None:
    md = render(pack, "md").decode("utf-8")
    lines = md.splitlines()
    assert lines[0] == "# Board pack — acme — 2024-Q2"
    for heading in (
        "## Scorecard",
        "### Leading indicators",
        "### Lagging indicators",
        "### Health",
        "## KPIs",
        "### Win rate ★",
        "## Findings and actions",
        "### ✗ red — Win rate below 20%",
        "## Appendix A — Definitions",
        "### Conventions",
        "## Appendix B — Data lineage",
    ):
        assert heading in lines, heading
    assert (
        "| ★ | Win rate | 10.0% | 25.0% | ✗ red | ↓ worse than 2024-Q1 (75.0%) | weekly |" in lines
    )
    assert "| Period | 2023-Q4 | 2024-Q1 | 2024-Q2 |" in lines
    assert "| Value | — | 75.0% | 10.0% |" in lines
    assert (
        "**Why it moved:** Win rate fell from 75.0% to 10.0%: -35.0 pts from numerator, "
        "-30.0 pts from denominator." in lines
    )
    assert (
        "_Note: load table 'subscriptions' (account_id, start_date, amount, billing_period)_"
        in lines
    )
    assert (
        "**Summary:** 5 KPIs: 1 ✗ red, 3 · no target, 1 ? missing data. 1 finding (1 red)." in lines
    )
    assert any(line.startswith("| 1 | ") and "crm-opportunities.csv" in line for line in lines)


def test_markdown_cells_escape_pipes(pack: BoardPack) -> None:
    entry = dataclasses.replace(pack.sections["leading"][0], name="A | B")
    odd = dataclasses.replace(pack, sections={**pack.sections, "leading": [entry]})
    md = render(odd, "md").decode("utf-8")
    assert "| ★ | A \\| B | 10.0% |" in md


def test_html_is_self_contained_and_escaped(pack: BoardPack) -> None:
    entry = dataclasses.replace(pack.sections["leading"][0], name="<script>alert(1)</script>")
    odd = dataclasses.replace(pack, sections={**pack.sections, "leading": [entry]})
    html = render(odd, "html").decode("utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") == 2 * len(odd.kpis())  # a chart and a sparkline each
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


def test_csv_rows_and_neutralised_text(pack: BoardPack) -> None:
    data = render(pack, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    win = [r for r in rows if r["kpi"] == "win_rate"]
    assert [(r["period"], r["value"], r["status"], r["is_current"]) for r in win] == [
        ("2023-Q4", "", "missing_data", "no"),
        ("2024-Q1", "0.75", "green", "no"),
        ("2024-Q2", "0.1", "red", "yes"),
    ]
    entry = dataclasses.replace(pack.sections["leading"][0], name="=1+1")
    odd = dataclasses.replace(pack, sections={"leading": [entry]})
    rows = list(csv.DictReader(io.StringIO(render(odd, "csv").decode("utf-8-sig"))))
    assert {r["name"] for r in rows} == {"'=1+1"}


def test_json_round_trips(pack: BoardPack) -> None:
    data = json.loads(render(pack, "json"))
    assert data["workspace"] == "acme"
    assert data["summary"].startswith("5 KPIs")
    assert data["findings"][0]["id"] == "win_rate_below_20:win_rate"


def test_registry() -> None:
    assert list(FORMATS) == ["pdf", "xlsx", "md", "html", "csv", "json"]
    assert get_format(".PDF").media_type == "application/pdf"
    assert get_format("xlsx").filename("acme", "2024-Q2") == "acme-board-pack-2024-Q2.xlsx"
    assert get_format("md").filename("acme", "2024-01-01..2024-03-31") == (
        "acme-board-pack-2024-01-01..2024-03-31.md"
    )
    with pytest.raises(PulseError) as info:
        get_format("pfd")
    assert info.value.message == "unknown report format 'pfd'. Did you mean 'pdf'?"
    assert info.value.hint == "valid report formats: csv, html, json, md, pdf, xlsx"
