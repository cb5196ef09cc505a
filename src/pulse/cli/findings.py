"""``pulse findings``: every diagnostic rule, with evidence and the action."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from pulse.cli.engine_options import EngineOpt, SparkMasterOpt, make_computer
from pulse.cli.options import Home, WorkspaceName
from pulse.errors import PulseError
from pulse.findings import evaluate
from pulse.periods import parse_date, parse_period
from pulse.workspace.store import open_workspace

SYMBOL = {"red": "✗ red", "amber": "! amber", "info": "? info"}


def findings(
    name: WorkspaceName,
    period: Annotated[
        str, typer.Option("--period", "-p", help="Period label, e.g. 2024-Q2.")
    ] = "this-quarter",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate as the data stood on this date.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Evaluate the diagnostic rules (coverage < 3×, win rate < 20%, …) with evidence and actions."""
    if format not in ("table", "json"):
        raise PulseError(f"unknown format '{format}'", hint="valid formats: table, json")
    ws = open_workspace(name, home)
    as_of_date = parse_date(as_of, "as-of date") if as_of else None
    p = parse_period(period, as_of_date, ws.settings.fiscal_year_start_month)
    computer = make_computer(ws, engine, spark_master)
    try:
        found = evaluate(computer, p, as_of_date)
    finally:
        computer.close()
    if format == "json":
        typer.echo(json.dumps([f.to_json() for f in found], indent=2, default=str))
        return
    console = Console(width=140)
    console.print(f"[bold]{ws.name}[/bold] — findings for {p.label}")
    if not found:
        console.print("No rule tripped.")
    for f in found:
        console.print(f"\n{SYMBOL[f.severity]}  [bold]{f.title}[/bold]")
        console.print(f"   evidence: {f.evidence}")
        console.print(f"   action:   {f.action}")


def register(app: typer.Typer) -> None:
    """Attach ``pulse findings``."""
    app.command("findings")(findings)
