"""``pulse forecast NAME|snapshot|accuracy``: forecast a period, store it, measure accuracy."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from pulse.cli.engine_options import EngineOpt, SparkMasterOpt, make_computer
from pulse.cli.options import Home, WorkspaceName
from pulse.cli.pipeline import quarter_of
from pulse.errors import PulseError
from pulse.format import format_value
from pulse.periods import Period, parse_date, parse_period
from pulse.workspace.store import Workspace, open_workspace


class _DefaultShow(TyperGroup):
    """``pulse forecast NAME …`` is ``pulse forecast show NAME …``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # ctx: the click Context
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultShow,
    help="Forecast a period (stage-weighted, calibrated, P10/P50/P90), store snapshots, "
    "measure accuracy. `pulse forecast NAME --period P` is `pulse forecast show NAME …`.",
    no_args_is_help=True,
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", "-p", help="Period to forecast (default: the current quarter)."),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Forecast as the data stood on this date.")
]
SimulationsOpt = Annotated[int, typer.Option("--simulations", "-n", help="Monte Carlo runs.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same answer).")]
PriorOpt = Annotated[
    float,
    typer.Option(
        "--prior-strength", help="How many deals the stage map's probabilities are worth."
    ),
]


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise PulseError(f"unknown format '{value}'", hint=f"valid formats: {', '.join(allowed)}")


def _period(ws: Workspace, period: str | None, day: date) -> Period:
    fiscal = ws.settings.fiscal_year_start_month
    return parse_period(period, day, fiscal) if period else quarter_of(day, fiscal)


def _money(value: float, currency: str) -> str:
    return format_value(value, "currency", currency)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@app.command("show")
def show(
    name: WorkspaceName,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    simulations: SimulationsOpt = 10_000,
    seed: SeedOpt = 0,
    prior_strength: PriorOpt = 20.0,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Forecast a period's bookings: stage-weighted, calibrated and P10/P50/P90."""
    from pulse.forecast.revenue import forecast_period

    _check_format(format, ("table", "json"))
    if simulations < 1:
        raise PulseError(f"--simulations must be at least 1, got {simulations}")
    ws = open_workspace(name, home)
    day = parse_date(as_of, "as-of date") if as_of else None
    computer = make_computer(ws, engine, spark_master)
    try:
        p = _period(ws, period, day or computer.today)
        result = forecast_period(
            computer, p, day, simulations=simulations, seed=seed, prior_strength=prior_strength
        )
    finally:
        computer.close()
    currency = ws.settings.currency
    if format == "json":
        typer.echo(json.dumps(result.to_json(currency), indent=2))
        return
    console = Console(width=140)
    console.print(f"[bold]Forecast of {p.label}[/bold] ({p.start} to {p.end}) as of {result.as_of}")
    r = result.range
    summary = Table(box=None, show_header=False)
    summary.add_row(
        "already won", f"{_money(float(result.won.total), currency)} ({result.won.count} deals)"
    )
    summary.add_row(
        "open, due in the period",
        f"{_money(float(result.deals.total), currency)} ({len(result.deals)} deals)",
    )
    summary.add_row("stage-weighted", _money(result.stage_weighted, currency))
    summary.add_row("calibrated", _money(result.calibrated, currency))
    summary.add_row(
        "P10 / P50 / P90",
        f"{_money(r.p10, currency)} / [bold]{_money(r.p50, currency)}[/bold] / {_money(r.p90, currency)}",
    )
    console.print(summary)
    cal = Table("stage", "map", "deals reached", "won", "observed", "calibrated", box=None)
    for rate in [*result.calibration.stages, result.calibration.other]:
        cal.add_row(
            rate.stage,
            _pct(rate.prior),
            str(rate.deals),
            str(rate.wins),
            _pct(rate.observed),
            _pct(rate.calibrated),
        )
    console.print(cal)
    console.print("[bold]Assumptions[/bold]")
    for i, text in enumerate(result.assumptions(currency), start=1):
        console.print(f"{i}. {text}")


@app.command("snapshot")
def snapshot(
    name: WorkspaceName,
    period: PeriodOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Snapshot as of a past date (stored as taken that day)."),
    ] = None,
    simulations: SimulationsOpt = 10_000,
    seed: SeedOpt = 0,
    scopes: Annotated[
        bool, typer.Option("--scopes/--company-only", help="Also store each team and rep.")
    ] = True,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Store the forecast's P50 in the workspace's forecasts table (category pulse_p50)."""
    from pulse.forecast.revenue import forecast_period
    from pulse.forecast.snapshots import snapshot_rows, snapshot_time, store_snapshot

    _check_format(format, ("table", "json"))
    ws = open_workspace(name, home)
    day = parse_date(as_of, "as-of date") if as_of else None
    computer = make_computer(ws, engine, spark_master)
    try:
        p = _period(ws, period, day or computer.today)
        result = forecast_period(
            computer, p, day, simulations=simulations, seed=seed, scopes=scopes
        )
    finally:
        computer.close()
    taken = snapshot_time(day)
    note = (
        f"P50 of {simulations:,} simulations (seed {seed}) for {p.label} as of "
        f"{result.as_of.isoformat()}" + (" (backfilled)" if day else "")
    )
    stored = store_snapshot(ws, snapshot_rows(result, taken), note)
    if format == "json":
        typer.echo(json.dumps(stored.to_json(), indent=2))
        return
    currency = ws.settings.currency
    typer.echo(
        f"stored {len(stored.rows)} forecast row(s) for {p.label} taken at {taken.isoformat(sep=' ')} "
        f"(import {stored.import_id}: {stored.inserted} inserted, {stored.updated} updated, "
        f"{stored.unchanged} unchanged)"
    )
    for row in stored.rows[:20]:
        typer.echo(f"  {row.scope}: {_money(float(row.amount), currency)}")
    if len(stored.rows) > 20:
        typer.echo(f"  … and {len(stored.rows) - 20} more")


def _window(text: str, day: date, fiscal: int) -> Period:
    if re.fullmatch(r"\d+[dm]", text.strip()):
        return parse_period(f"rolling-{text.strip()}", day, fiscal)
    return parse_period(text, day, fiscal)


@app.command("accuracy")
def accuracy(
    name: WorkspaceName,
    window: Annotated[
        str, typer.Option("--window", "-w", help="90d, 12m, or a period label (2024-Q2).")
    ] = "90d",
    scope: Annotated[str, typer.Option("--scope", help="company, team or rep.")] = "company",
    lock_days: Annotated[
        int,
        typer.Option("--lock-days", help="Lock each forecast N days after its period starts."),
    ] = 0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="End of a rolling window (default: today).")
    ] = None,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Forecast accuracy, WAPE and bias on locked snapshots, by company, team or rep."""
    from pulse.forecast.accuracy import accuracy_report

    _check_format(format, ("table", "json"))
    ws = open_workspace(name, home)
    day = parse_date(as_of, "as-of date") if as_of else None
    computer = make_computer(ws, engine, spark_master)
    try:
        w = _window(window, day or computer.today, ws.settings.fiscal_year_start_month)
        report = accuracy_report(computer, w, scope, lock_days)
    finally:
        computer.close()
    if format == "json":
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    currency = ws.settings.currency
    console = Console(width=140)
    lock = f", locked {lock_days:+d} days from each period's start" if lock_days else ""
    console.print(f"[bold]Forecast accuracy by {scope}[/bold], {w.start} to {w.end}{lock}")
    if not report.scopes:
        console.print(
            "no locked forecast ended in the window (snapshots are taken with "
            "`pulse forecast snapshot`, or imported into the forecasts table)"
        )
        return
    table = Table(
        "scope", "accuracy", "WAPE", "bias", "forecast", "actual", "periods", "status", box=None
    )
    for s in report.scopes:
        table.add_row(
            s.scope,
            _pct(s.accuracy),
            _pct(s.wape),
            "—" if s.bias is None else f"{s.bias:+.1%}",
            _money(float(s.forecast), currency),
            _money(float(s.actual), currency),
            str(len(s.periods)),
            f"{s.status.symbol} {s.status.value}",
        )
    console.print(table)


def register(root: typer.Typer) -> None:
    """Attach ``pulse forecast``."""
    root.add_typer(app, name="forecast")
