"""``pulse scorecard``: the profile's KPIs for one period, grouped leading / lagging / health."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pulse.cli.engine_options import EngineOpt, SparkMasterOpt, make_computer
from pulse.cli.options import Home, WorkspaceName
from pulse.errors import PulseError
from pulse.format import format_value
from pulse.periods import parse_date, parse_period
from pulse.scorecard import Scorecard, build_scorecard
from pulse.workspace.store import open_workspace


def render_markdown(card: Scorecard, currency: str) -> str:
    """The scorecard as a Markdown document."""
    out = [f"# Scorecard — {card.workspace} ({card.profile}), {card.period.label}", ""]
    for category, lines in card.sections.items():
        if not lines:
            continue
        out += [
            f"## {category.value.title()}",
            "",
            "| KPI | Value | Target | Status | Trend |",
            "|---|---|---|---|---|",
        ]
        for line in lines:
            r = line.result
            name = f"**{r.kpi.name}**" if line.core else r.kpi.name
            value = format_value(r.value, r.kpi.unit, currency) if r.value is not None else "—"
            target = format_value(r.target, r.kpi.unit, currency) if r.target is not None else "—"
            out.append(
                f"| {name} | {value} | {target} | {r.status.symbol} {r.status.value} | {r.trend.arrow} {r.trend.assessment if r.trend.assessment != 'unknown' else ''} |"
            )
        out.append("")
    missing = [line.result for line in card.lines() if line.result.missing]
    if missing:
        out += ["## Missing data", ""]
        out += [f"- {r.kpi.name}: {r.missing}" for r in missing]
        out.append("")
    return "\n".join(out)


def scorecard(
    name: WorkspaceName,
    period: Annotated[
        str, typer.Option("--period", "-p", help="Period label, e.g. 2024-Q2 or last-quarter.")
    ] = "last-quarter",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Compute as the data stood on this date.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or md.")] = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Show the scorecard: the profile's core and supporting KPIs with status and trend."""
    if format not in ("table", "json", "md"):
        raise PulseError(f"unknown format '{format}'", hint="valid formats: table, json, md")
    ws = open_workspace(name, home)
    as_of_date = parse_date(as_of, "as-of date") if as_of else None
    p = parse_period(period, as_of_date, ws.settings.fiscal_year_start_month)
    computer = make_computer(ws, engine, spark_master)
    try:
        card = build_scorecard(computer, p, as_of_date, history=1)
    finally:
        computer.close()
    currency = ws.settings.currency
    if format == "json":
        typer.echo(json.dumps(card.to_json(), indent=2, default=str))
        return
    if format == "md":
        typer.echo(render_markdown(card, currency))
        return
    console = Console(width=140)
    console.print(
        f"[bold]{ws.name}[/bold] — profile {card.profile} — {p.label} ({p.start} to {p.end})"
    )
    for category, lines in card.sections.items():
        if not lines:
            continue
        table = Table(
            "",
            "KPI",
            "value",
            "target",
            "status",
            "trend",
            title=category.value.upper(),
            title_justify="left",
            box=None,
        )
        for line in lines:
            r = line.result
            value = format_value(r.value, r.kpi.unit, currency) if r.value is not None else "—"
            target = format_value(r.target, r.kpi.unit, currency) if r.target is not None else "—"
            table.add_row(
                "★" if line.core else "",
                r.kpi.name,
                value,
                target,
                f"{r.status.symbol} {r.status.value}",
                f"{r.trend.arrow} {r.trend.assessment}" if r.trend.direction != "unknown" else "",
            )
        console.print(table)
    for line in card.lines():
        if line.result.missing and line.result.value is None:
            console.print(f"[dim]{line.result.kpi.name}: {line.result.missing}[/dim]")
    console.print("★ core KPI · status: ✓ green, ! amber, ✗ red, · no target, ? missing data")


def register(app: typer.Typer) -> None:
    """Attach ``pulse scorecard``."""
    app.command("scorecard")(scorecard)
