"""``pulse pipeline changes|as-of``: the pipeline over time."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pulse.cli.engine_options import EngineOpt, SparkMasterOpt, make_computer
from pulse.cli.options import Home, WorkspaceName
from pulse.errors import PulseError
from pulse.format import format_value
from pulse.periods import Period, parse_date, parse_period
from pulse.pipeline.changes import DIMENSIONS, PipelineChanges, changes_detail, pipeline_changes
from pulse.pipeline.history import ASSUMPTIONS, pipeline_as_of
from pulse.workspace.store import open_workspace

app = typer.Typer(
    help="The pipeline over time: as of any date, and what changed.", no_args_is_help=True
)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise PulseError(f"unknown format '{value}'", hint=f"valid formats: {', '.join(allowed)}")


def quarter_of(day: date, fiscal_start_month: int) -> Period:
    """The (fiscal) quarter containing ``day``."""
    if fiscal_start_month == 1:
        return parse_period("this-quarter", day)
    fy = day.year + (1 if day.month >= fiscal_start_month else 0)
    q = (day.month - fiscal_start_month) % 12 // 3 + 1
    return parse_period(f"FY{fy}-Q{q}", day, fiscal_start_month)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def changes_csv(report: PipelineChanges) -> str:
    """One row per segment and line, opening and closing included."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    dim = report.by
    writer.writerow([*([dim] if dim else []), "line", "label", "value", "count", "opportunities"])
    for bridge in report.segments or [report.total]:
        seg = [bridge.segment.get(dim, "")] if dim else []
        writer.writerow(
            [
                *seg,
                "opening",
                "Opening",
                bridge.opening.value,
                bridge.opening.count,
                bridge.opening.count,
            ]
        )
        for line in bridge.lines:
            writer.writerow(
                [*seg, line.key, line.label, line.value, line.count, line.opportunities]
            )
        writer.writerow(
            [
                *seg,
                "closing",
                "Closing",
                bridge.closing.value,
                bridge.closing.count,
                bridge.closing.count,
            ]
        )
    return out.getvalue()


def detail_csv(rows: list[dict[str, Any]]) -> str:
    """The opportunities behind the lines."""
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


@app.command("changes")
def changes(
    name: WorkspaceName,
    from_: Annotated[str, typer.Option("--from", help="Opening date (YYYY-MM-DD).")],
    to: Annotated[str, typer.Option("--to", help="Closing date (YYYY-MM-DD).")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", help="Period the pipeline is due in (default: the quarter of --from)."
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help=f"Split by: {', '.join(DIMENSIONS)}.")
    ] = None,
    weighted: Annotated[
        bool, typer.Option("--weighted", help="Weigh each deal by its stage probability.")
    ] = False,
    detail: Annotated[
        bool, typer.Option("--detail", help="List the opportunities behind each line.")
    ] = False,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """What changed in the pipeline due in a period between two dates (opening + lines = closing)."""
    _check_format(format, ("table", "json", "csv"))
    ws = open_workspace(name, home)
    d1, d2 = parse_date(from_, "--from date"), parse_date(to, "--to date")
    fiscal = ws.settings.fiscal_year_start_month
    p = parse_period(period, d1, fiscal) if period else quarter_of(d1, fiscal)
    computer = make_computer(ws, engine, spark_master)
    try:
        report = pipeline_changes(computer, p, d1, d2, by=by, weighted=weighted)
        rows = changes_detail(computer, p, d1, d2, by=by, weighted=weighted) if detail else []
    finally:
        computer.close()
    if format == "json":
        payload = report.to_json()
        if detail:
            payload["detail"] = rows
        typer.echo(json.dumps(payload, indent=2, default=_json_default))
        return
    if format == "csv":
        typer.echo(detail_csv(rows) if detail else changes_csv(report), nl=False)
        return
    currency = ws.settings.currency
    console = Console(width=160)
    kind = "weighted pipeline" if weighted else "pipeline"
    console.print(
        f"[bold]{kind.capitalize()} due in {p.label}[/bold] ({p.start} to {p.end}): "
        f"{d1.isoformat()} → {d2.isoformat()}"
    )
    for bridge in [report.total, *report.segments]:
        title = ", ".join(f"{k}={v}" for k, v in bridge.segment.items()) or "all"
        table = Table(
            "line", "value", "count", "opportunities", title=title if report.by else None, box=None
        )
        table.add_row(
            "Opening",
            format_value(float(bridge.opening.value), "currency", currency),
            str(bridge.opening.count),
            "",
        )
        for line in bridge.lines:
            table.add_row(
                line.label,
                _signed(float(line.value), currency),
                f"{line.count:+d}" if line.count else "0",
                str(line.opportunities),
            )
        table.add_row(
            "[bold]Closing[/bold]",
            format_value(float(bridge.closing.value), "currency", currency),
            str(bridge.closing.count),
            "",
        )
        console.print(table)
        if bridge.slip_rate is not None:
            console.print(
                f"slip rate: {bridge.slip_rate:.1%} of the opening value "
                f"({bridge.slipped.count} of {bridge.opening.count} opportunities)"
            )
    if detail:
        table = Table(
            "line", "opportunity", "reason", "value", "stage", "amount", "close date", box=None
        )
        for row in rows:
            table.add_row(
                row["label"],
                str(row["opportunity_id"]),
                str(row["reason"]),
                _signed(float(row["value"]), currency),
                f"{row['stage_from'] or '—'} → {row['stage_to'] or '—'}",
                f"{_money(row['amount_from'], currency)} → {_money(row['amount_to'], currency)}",
                f"{row['close_date_from'] or '—'} → {row['close_date_to'] or '—'}",
            )
        console.print(table)


def _money(value: Any, currency: str) -> str:
    return "—" if value is None else format_value(float(value), "currency", currency)


def _signed(value: float, currency: str) -> str:
    if value == 0:
        return "0"
    text = format_value(abs(value), "currency", currency)
    return ("+" if value > 0 else "−") + text


@app.command("as-of")
def as_of(
    name: WorkspaceName,
    on: Annotated[str, typer.Option("--date", "-d", help="The date (YYYY-MM-DD).")],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            "-p",
            help="Period for the due-in-period total (default: the quarter of --date).",
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the open opportunities.")] = False,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """The open pipeline as it stood on a date (stage history when present)."""
    _check_format(format, ("table", "json"))
    ws = open_workspace(name, home)
    day = parse_date(on, "--date")
    fiscal = ws.settings.fiscal_year_start_month
    p = parse_period(period, day, fiscal) if period else quarter_of(day, fiscal)
    computer = make_computer(ws, engine, spark_master)
    try:
        result = pipeline_as_of(computer, day, p, with_rows=list_)
    finally:
        computer.close()
    if format == "json":
        typer.echo(json.dumps(result.to_json(), indent=2, default=_json_default))
        return
    currency = ws.settings.currency
    console = Console(width=160)
    console.print(
        f"[bold]Open pipeline as of {day.isoformat()}[/bold]: {result.open_count} opportunities, {_money(result.open_value, currency)}"
    )
    console.print(
        f"due in {p.label}: {result.due_count} opportunities, {_money(result.due_value, currency)} "
        f"(weighted {_money(result.due_weighted, currency)})"
    )
    for source, count in result.sources.items():
        console.print(f"  {count} from {source}: {ASSUMPTIONS[source]}")
    if list_:
        table = Table("opportunity", "owner", "stage", "amount", "close date", "source", box=None)
        for row in result.rows:
            table.add_row(
                str(row["opportunity_id"]),
                str(row["owner_id"] or "—"),
                str(row["stage"] or "—"),
                _money(row["amount"], currency),
                str(row["close_date"] or "—"),
                str(row["state_source"]),
            )
        console.print(table)


def register(root: typer.Typer) -> None:
    """Attach ``pulse pipeline``."""
    root.add_typer(app, name="pipeline")
