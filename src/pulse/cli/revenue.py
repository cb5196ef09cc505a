"""``pulse revenue bridge|movements|findings``: the exact recurring-revenue bridge and its detail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pulse.cli.engine_options import EngineOpt, SparkMasterOpt, make_computer
from pulse.cli.options import Home, WorkspaceName
from pulse.compute import Computer
from pulse.errors import PulseError
from pulse.periods import parse_date, parse_period
from pulse.revenue.bridge import UNITS, Bridge, CustomerBridge, compute_bridge, customer_bridges
from pulse.revenue.findings import subscription_findings
from pulse.revenue.movements import movements as list_movements
from pulse.workspace.store import open_workspace

app = typer.Typer(
    help="Recurring revenue: the ARR bridge, customer movements, data findings.",
    no_args_is_help=True,
)

PeriodOpt = Annotated[
    str, typer.Option("--period", "-p", help="Period label, e.g. 2024-Q2, 2024-06, rolling-12m.")
]
StreamOpt = Annotated[
    str | None,
    typer.Option("--stream", help="One revenue stream on its own (default: all streams blended)."),
]
UnitOpt = Annotated[str, typer.Option("--unit", help="arr or mrr.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="End the bridge at the last month end on or before this date."),
]
FORMATS = ("table", "json", "csv")


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    if value not in allowed:
        raise PulseError(f"unknown {what} '{value}'", hint=f"valid {what}s: {', '.join(allowed)}")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


@contextmanager
def _computer(
    name: str, home: Path | None, engine: str | None, spark_master: str | None
) -> Iterator[Computer]:
    ws = open_workspace(name, home)
    computer = make_computer(ws, engine, spark_master)
    try:
        yield computer
    finally:
        computer.close()


def _bridge_table(bridge: Bridge, workspace: str, currency: str) -> None:
    console = Console(width=120)
    scope = f"stream {bridge.stream}" if bridge.stream else "all streams"
    p = bridge.period
    console.print(
        f"[bold]{bridge.unit.upper()} bridge[/bold] · {workspace} · {p.label} "
        f"({p.start.isoformat()} to {p.end.isoformat()}) · {scope} · {currency}"
    )
    counts = {
        "new": bridge.counts.get("new"),
        "reactivation": bridge.counts.get("reactivation"),
        "expansion": bridge.counts.get("expansion"),
        "contraction": bridge.counts.get("contraction"),
        "churn": bridge.counts.get("churn"),
    }
    table = Table("", "line", "amount", "movements", box=None)
    for sign, label, amount in bridge.lines():
        moves = counts.get(label)
        table.add_row(sign, label, _money(amount), "" if moves is None else str(moves))
    console.print(table)
    console.print(f"net new {bridge.unit.upper()} (fx excluded): {_money(bridge.net_new)}")
    if bridge.balances:
        console.print(
            "balances to the cent: start + new + expansion + reactivation − contraction − churn + fx = end"
        )
    else:
        console.print(f"[red]does not balance: off by {_money(bridge.difference)}[/red]")


def _customers_table(rows: list[CustomerBridge]) -> None:
    table = Table(
        "account", "segment", "start", "new", "expansion", "reactivation", "contraction", "churn", "fx", "end",
        box=None,
    )  # fmt: skip
    for c in rows:
        table.add_row(
            c.account_id, c.segment, _money(c.start), _money(c.new), _money(c.expansion),
            _money(c.reactivation), _money(c.contraction), _money(c.churn), _money(c.fx), _money(c.end),
        )  # fmt: skip
    Console(width=180).print(table)


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@app.command("bridge")
def bridge(
    name: WorkspaceName,
    period: PeriodOpt,
    stream: StreamOpt = None,
    unit: UnitOpt = "arr",
    detail: Annotated[
        bool, typer.Option("--detail", help="Also list each customer's bridge.")
    ] = False,
    as_of: AsOfOpt = None,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Start + new + expansion + reactivation − contraction − churn + fx = end, exact to the cent."""
    _check(format, FORMATS, "format")
    _check(unit, UNITS, "unit")
    with _computer(name, home, engine, spark_master) as computer:
        as_of_date = parse_date(as_of, "as-of date") if as_of else None
        p = parse_period(period, as_of_date, computer.workspace.settings.fiscal_year_start_month)
        result = compute_bridge(computer, p, stream, unit, as_of_date)
        customers = customer_bridges(computer, p, stream, unit, as_of_date) if detail else []
        currency = computer.workspace.settings.currency
    if format == "json":
        payload: dict[str, object] = {"workspace": name, "currency": currency, **result.to_json()}
        if detail:
            payload["customers"] = [c.to_json() for c in customers]
        typer.echo(json.dumps(payload, indent=2))
    elif format == "csv":
        if detail:
            header = [
                "account_id",
                "segment",
                "start",
                "new",
                "expansion",
                "reactivation",
                "contraction",
                "churn",
                "fx",
                "end",
            ]
            rows: list[list[object]] = [
                [c.account_id, c.segment, c.start, c.new, c.expansion, c.reactivation, c.contraction, c.churn, c.fx, c.end]
                for c in customers
            ]  # fmt: skip
        else:
            header = ["period", "stream", "unit", "line", "amount"]
            rows = [
                [result.period.label, result.stream or "all", unit, label.split(" ")[0], amount]
                for _, label, amount in result.lines()
            ]
        typer.echo(_csv(header, rows), nl=False)
    else:
        _bridge_table(result, name, currency)
        if detail:
            _customers_table(customers)
    if not result.balances:
        raise typer.Exit(1)


@app.command("movements")
def movements(
    name: WorkspaceName,
    period: PeriodOpt,
    customer: Annotated[
        str | None, typer.Option("--customer", help="One customer (account id).")
    ] = None,
    stream: StreamOpt = None,
    unit: UnitOpt = "arr",
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Each customer's movement at every month end in the period (new, expansion, churn …)."""
    _check(format, FORMATS, "format")
    _check(unit, UNITS, "unit")
    with _computer(name, home, engine, spark_master) as computer:
        p = parse_period(period, None, computer.workspace.settings.fiscal_year_start_month)
        rows = list_movements(computer, p, customer, stream, unit)
    if format == "json":
        typer.echo(json.dumps([m.to_json() for m in rows], indent=2))
        return
    header = ["month_end", "account_id", "scope", "movement", "start", "amount", "fx", "end"]
    if format == "csv":
        body = [
            [m.month_end, m.account_id, m.scope, m.movement, m.start, m.amount, m.fx, m.end]
            for m in rows
        ]
        typer.echo(_csv(header, body), nl=False)
        return
    table = Table(*header, box=None)
    for m in rows:
        table.add_row(
            m.month_end.isoformat(), m.account_id, m.scope, m.movement,
            _money(m.start), _money(m.amount), _money(m.fx), _money(m.end),
        )  # fmt: skip
    console = Console(width=160)
    console.print(table)
    if not rows:
        console.print(f"no movements in {p.label}")


@app.command("findings")
def findings(
    name: WorkspaceName,
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Contradictions in the subscriptions and what each does to recurring revenue."""
    _check(format, ("table", "json"), "format")
    with _computer(name, home, engine, spark_master) as computer:
        found = subscription_findings(computer)
    if format == "json":
        typer.echo(json.dumps([f.to_json() for f in found], indent=2))
        return
    table = Table("severity", "kind", "account", "line", "detail", box=None)
    for f in found:
        table.add_row(f.severity, f.kind, f.account_id or "", f.line_id or "", f.detail)
    console = Console(width=180)
    console.print(table)
    console.print(f"{len(found)} finding(s)")


def register(root: typer.Typer) -> None:
    """Attach ``pulse revenue``."""
    root.add_typer(app, name="revenue")
