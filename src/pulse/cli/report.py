"""``pulse report``: the board pack (PDF, Excel, Markdown, HTML, CSV or JSON) for one period."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pulse.cli.options import Home, WorkspaceName
from pulse.exports import FORMATS, get_format, render_report
from pulse.periods import parse_date, parse_period
from pulse.workspace.store import open_workspace


def report(
    name: WorkspaceName,
    period: Annotated[
        str, typer.Option("--period", "-p", help="Period label, e.g. 2024-Q2 or last-quarter.")
    ] = "last-quarter",
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "pdf",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write ('-' for standard output). Default: NAME-board-pack-PERIOD.EXT "
            "in the current folder.",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Compute as the data stood on this date.")
    ] = None,
    history: Annotated[
        int, typer.Option(min=1, max=24, help="Periods in each KPI's trend, this one included.")
    ] = 6,
    home: Home = None,
) -> None:
    """Write the board pack: scorecard, each KPI's trend and last change, findings, appendix."""
    chosen = get_format(format)
    ws = open_workspace(name, home)
    as_of_date = parse_date(as_of, "as-of date") if as_of else None
    p = parse_period(period, as_of_date, ws.settings.fiscal_year_start_month)
    data = render_report(ws, p, chosen.name, as_of=as_of_date, history=history)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = output or Path(chosen.filename(ws.name, p.label))
    path.write_bytes(data)
    typer.echo(f"wrote {path} ({len(data):,} bytes, {chosen.description})")


def register(app: typer.Typer) -> None:
    """Attach ``pulse report``."""
    app.command("report")(report)
