"""``pulse advise``, ``pulse playbook`` and ``pulse profile derive`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.errors import PulseError

runner = CliRunner()
FACTS = [
    "--industry", "martech", "--arr", "4M", "--customers", "60", "--sales-team", "6",
    "--cs-team", "4", "--annual-churn", "12%", "--motion", "sales-led", "--has-crm", "no",
    "--start-date", "2026-01-05", "--days-per-month", "10", "--day-rate", "1800",
    "--equity-pct", "0.2",
]  # fmt: skip


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_advise_table() -> None:
    out = invoke("advise", *FACTS)
    lines = out.splitlines()
    assert lines[0] == "Fractional CRO advice: Martech (profile martech, variant sales_led)"
    assert (
        "Is a fractional CRO right? A fractional CRO fits: the company is in the fractional sweet spot."
        in out
    )
    assert "  ok Sweet spot: The fractional sweet spot. ARR of $4,000,000 is in the" in out
    assert "  !! CRM: Pipeline first. No CRM:" in out
    assert "90-day plan (day 1: 2026-01-05)" in out
    assert "  KPI set locked on 2026-04-04 (day 90)." in out
    assert " Fractional CRO                $18,000          $216,000" in out
    assert "  Package: 80% cash ($14,400 a month), 20% equity ($43,200 a year) vesting on:" in out


def test_advise_json_is_exact() -> None:
    data = json.loads(invoke("advise", *FACTS, "--format", "json"))
    assert data["readiness"]["recommendation"] == "fractional_cro"
    assert data["kpis"]["variant"] == "sales_led"
    assert data["kpis"]["core"][0]["id"] == "nrr"
    assert data["kpis"]["core"][0]["threshold"]["target"] == 1.2
    assert data["plan"]["lock_date"] == "2026-04-04"
    assert data["cost"]["fractional"]["monthly"] == {"low": "18000.00", "high": "18000.00"}
    assert data["facts"]["arr"] == "4000000"
    assert "profile" not in data["kpis"]


def test_advise_md_and_html_to_a_file(tmp_path: Path) -> None:
    md = tmp_path / "advice.md"
    result = runner.invoke(app, ["advise", *FACTS, "--format", "md", "--output", str(md)])
    assert result.exit_code == 0, result.output
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Fractional CRO advice: Martech\n")
    assert "## Cost: fractional CRO against a full-time VP of Sales" in text
    html = invoke("advise", *FACTS, "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert 'data-recommendation="fractional_cro"' in html


def test_advise_says_why_not() -> None:
    out = invoke(
        "advise", "--industry", "iot", "--arr", "400k", "--customers", "8", "--sales-team", "2"
    )
    assert "Is a fractional CRO right? Not yet: founder-led sales first." in out
    assert (
        "  NO Scale floor: Founder-led sales first. ARR of $400,000 is below about $500,000" in out
    )
    assert (
        "  NO Paying customers: Founder-led sales first. 8 paying customers is fewer than 10" in out
    )
    assert "  NO Sales team: A fractional VP of Sales rather than a CRO." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--industry", "martek"], "unknown profile 'martek'. Did you mean 'martech'?"),
        (["--industry", "martech", "--arr", "lots"], "--arr: 'lots' is not an amount"),
        (["--industry", "martech", "--annual-churn", "25"], "--annual-churn: 25 is above 1"),
        (["--industry", "martech", "--motion", "viral"], "--motion: unknown value 'viral'"),
        (
            ["--industry", "services", "--revenue-model", "project", "--motion", "plg"],
            None,
        ),
        (
            ["--industry", "martech", "--day-rate", "1000", "--retainer", "9000"],
            "--day-rate and --retainer were both given",
        ),
        (["--industry", "martech", "--format", "pdf"], "unknown format 'pdf'"),
    ],
)
def test_advise_errors(args: list[str], message: str | None) -> None:
    result = runner.invoke(app, ["advise", *args])
    if message is None:
        assert result.exit_code == 0, result.output
        assert (
            "note: --motion plg is not used: the Services business profile varies by revenue model."
            in result.output
        )
        return
    assert isinstance(result.exception, PulseError)
    assert result.exception.message == message


def test_playbook_md_and_html(tmp_path: Path) -> None:
    out = invoke("playbook", "manufacturing")
    assert out.startswith("# What KPIs should a fractional CRO own at a manufacturing company?\n")
    page = tmp_path / "playbook.html"
    result = runner.invoke(
        app, ["playbook", "services", "--format", "html", "--variant", "retainer", "-o", str(page)]
    )
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert '<pre class="mermaid">' in html and "<script>/*! mermaid 11." in html
    linked = invoke("playbook", "iot", "--format", "html", "--mermaid-src", "/m.js")
    assert '<script src="/m.js"></script>' in linked


def test_playbook_unknown_variant() -> None:
    result = runner.invoke(app, ["playbook", "services", "--variant", "retainr"])
    assert isinstance(result.exception, PulseError)
    assert result.exception.message == (
        "unknown variant of profile 'services' 'retainr'. Did you mean 'retainer'?"
    )


def test_profile_derive_prints_and_writes(tmp_path: Path) -> None:
    args = [
        "profile", "derive", "--name", "legal_tech", "--recurring-share", "0.6", "--motion",
        "plg", "--cycle-days", "90", "--hardware", "no", "--services-content", "0.3",
    ]  # fmt: skip
    out = invoke(*args)
    assert out.startswith("# Legal tech: a starting profile derived by `pulse profile derive`.")
    result = runner.invoke(app, [*args, "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "legal_tech.yml").is_file()
    validated = invoke("profile", "validate", "--dir", str(tmp_path), "legal_tech")
    assert validated.strip() == "legal_tech: ok"
    advice = invoke("advise", "--industry", "legal_tech", "--dir", str(tmp_path), "--motion", "plg")
    assert advice.startswith("Fractional CRO advice: Legal tech (profile legal_tech, variant plg)")
