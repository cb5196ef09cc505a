"""``pulse workspace create|list|show|delete``."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pulse.cli.options import Home, WorkspaceName
from pulse.workspace.store import (
    create_workspace,
    delete_workspace,
    list_workspaces,
    open_workspace,
)

app = typer.Typer(help="Create, list, show and delete client workspaces.", no_args_is_help=True)


@app.command("create")
def create(
    name: WorkspaceName,
    profile: Annotated[str, typer.Option("--profile", help="Industry profile id.")],
    currency: Annotated[str, typer.Option(help="Reporting currency (ISO code).")] = "USD",
    fiscal_year_start_month: Annotated[
        int, typer.Option(min=1, max=12, help="First month of the fiscal year (1-12).")
    ] = 1,
    engagement_start: Annotated[
        str | None, typer.Option(help="Date the fractional CRO engagement started (YYYY-MM-DD).")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="Engine KPIs compute on: duckdb or spark.")
    ] = "duckdb",
    home: Home = None,
) -> None:
    """Create a workspace for one client company."""
    start = date.fromisoformat(engagement_start) if engagement_start else None
    ws = create_workspace(
        name, profile, home, currency, fiscal_year_start_month, start, engine=engine
    )
    typer.echo(f"created workspace '{ws.name}' ({ws.settings.profile}) at {ws.path}")


@app.command("list")
def list_(
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    home: Home = None,
) -> None:
    """List the workspaces under the home folder."""
    spaces = list_workspaces(home)
    if format == "json":
        typer.echo(json.dumps([ws.settings.model_dump(mode="json") for ws in spaces], indent=2))
        return
    table = Table("name", "profile", "currency", "fiscal year starts", box=None)
    for ws in spaces:
        s = ws.settings
        table.add_row(s.name, s.profile, s.currency, str(s.fiscal_year_start_month))
    Console().print(table)


@app.command("show")
def show(
    name: WorkspaceName,
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    home: Home = None,
) -> None:
    """Show a workspace's settings and table row counts."""
    ws = open_workspace(name, home)
    counts = ws.table_counts()
    if format == "json":
        payload = ws.settings.model_dump(mode="json") | {"path": str(ws.path), "tables": counts}
        typer.echo(json.dumps(payload, indent=2))
        return
    console = Console()
    for key, value in ws.settings.model_dump(mode="json").items():
        if value not in ({}, [], None):
            console.print(f"{key:>24}: {value}")
    console.print(f"{'path':>24}: {ws.path}")
    loaded = {t: n for t, n in counts.items() if n}
    console.print(
        f"{'tables loaded':>24}: "
        + (", ".join(f"{t} ({n:,})" for t, n in loaded.items()) or "none")
    )


@app.command("delete")
def delete(
    name: WorkspaceName,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    home: Home = None,
) -> None:
    """Delete a workspace and all its data."""
    open_workspace(name, home)
    if not yes:
        typer.confirm(f"Delete workspace '{name}' and all its data?", abort=True)
    delete_workspace(name, home)
    typer.echo(f"deleted workspace '{name}'")
