"""``pulse kpi list|show|compute``: the catalog and computed values."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from pulse.catalog.models import Category, DerivedFormula, RatioFormula, SimpleFormula
from pulse.catalog.profiles import load_profile
from pulse.catalog.registry import load_catalog
from pulse.cli.engine_options import EngineOpt, SparkMasterOpt, make_computer
from pulse.cli.options import Home, WorkspaceName
from pulse.compile.planner import DIALECTS, Context, PeriodSpec, Planner, transpile
from pulse.compute import KPIResult
from pulse.engines.select import check_engine
from pulse.errors import PulseError
from pulse.format import format_value
from pulse.periods import parse_date, parse_period
from pulse.workspace.store import open_workspace

app = typer.Typer(help="The KPI catalog: list, show, compute.", no_args_is_help=True)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise PulseError(f"unknown format '{value}'", hint=f"valid formats: {', '.join(allowed)}")


@app.command("list")
def list_(
    category: Annotated[str | None, typer.Option(help="leading, lagging or health.")] = None,
    format: FormatOpt = "table",
) -> None:
    """List every KPI in the catalog."""
    _check_format(format, ("table", "json"))
    catalog = load_catalog()
    kpis = catalog.by_category(Category(category)) if category else catalog.public()
    if format == "json":
        typer.echo(
            json.dumps(
                [
                    k.model_dump(
                        mode="json",
                        include={
                            "id",
                            "name",
                            "category",
                            "owner",
                            "unit",
                            "direction",
                            "description",
                        },
                    )
                    for k in kpis
                ],
                indent=2,
            )
        )
        return
    table = Table("id", "name", "category", "owner", "unit", box=None)
    for k in kpis:
        table.add_row(k.id, k.name, k.category.value, k.owner.value, k.unit.value)
    Console(width=160).print(table)


def formula_text(kpi_id: str) -> str:
    """The formula as a person reads it."""
    f = load_catalog().get(kpi_id).formula
    if isinstance(f, SimpleFormula | DerivedFormula):
        return f.expr
    assert isinstance(f, RatioFormula)
    scale = f" × {f.scale:g}" if f.scale != 1 else ""
    return f"({f.numerator}) ÷ ({f.denominator}){scale}"


def sample_sql(kpi_id: str, dialect: str, profile_id: str = "b2b_saas") -> str:
    """Compiled SQL for one sample quarter (what ``kpi show --explain`` prints)."""
    profile = load_profile(profile_id)
    from pulse.compile.planner import normalise_stage

    order = {normalise_stage(s): i + 1 for i, s in enumerate(profile.stages)}
    ctx = Context(
        stage_map=tuple(
            (normalise_stage(s), p, order.get(normalise_stage(s), 0))
            for s, p in profile.stage_probabilities.items()
        ),
        today=date(2024, 7, 1),
    )
    period = parse_period("2024-Q2")
    sql = Planner(load_catalog()).plan(
        kpi_id, [PeriodSpec(period.label, period.start, period.end, period.start)], [], ctx
    )
    return transpile(sql, dialect, pretty=True)


@app.command("show")
def show(
    kpi_id: Annotated[str, typer.Argument(help="KPI id.")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Also print the compiled SQL.")
    ] = False,
    dialect: Annotated[
        str, typer.Option(help=f"SQL dialect for --explain: {', '.join(DIALECTS)}.")
    ] = "duckdb",
    format: FormatOpt = "table",
    engine: Annotated[
        str | None,
        typer.Option("--engine", help="Show the SQL this engine runs (same as --dialect)."),
    ] = None,
) -> None:
    """Show a KPI's definition, formula and (with --explain) its compiled SQL."""
    _check_format(format, ("table", "json"))
    if engine is not None:
        dialect = check_engine(engine)
    catalog = load_catalog()
    kpi = catalog.get(kpi_id)
    if format == "json":
        payload: dict[str, Any] = kpi.model_dump(mode="json")
        if explain:
            payload["sql"] = sample_sql(kpi_id, dialect)
        typer.echo(json.dumps(payload, indent=2))
        return
    console = Console(width=120)
    console.print(f"[bold]{kpi.name}[/bold] ({kpi.id})")
    console.print(kpi.description)
    rows = [
        ("category", kpi.category.value),
        ("owner", kpi.owner.value),
        ("unit", kpi.unit.value),
        ("direction", kpi.direction.value),
        ("cadence", kpi.cadence.value),
        ("formula", formula_text(kpi_id)),
        ("model", kpi.model or "—"),
        ("time dimension", kpi.time_dimension or "period_key (point in time)"),
        ("dimensions", ", ".join(kpi.dimensions) or "—"),
        (
            "needs",
            "; ".join(f"{t} ({', '.join(c)})" for t, c in kpi.needs.items()) or "its references",
        ),
        ("why", kpi.docs.why),
        ("conventions", kpi.docs.conventions or "—"),
        ("caveats", kpi.docs.caveats or "—"),
        ("seeds", ", ".join(kpi.docs.seeds) or "—"),
    ]
    for key, value in rows:
        console.print(f"[bold]{key:>15}[/bold]: {value}")
    if explain:
        console.print(f"\n[bold]Compiled SQL ({dialect}, sample period 2024-Q2):[/bold]")
        console.print(Syntax(sample_sql(kpi_id, dialect), "sql", word_wrap=True))


def results_to_csv(results: list[KPIResult]) -> str:
    """CSV with one row per result; segment dimensions become columns."""
    dims: list[str] = []
    for r in results:
        for d in r.segment:
            if d not in dims:
                dims.append(d)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "kpi",
            "period",
            "period_start",
            "period_end",
            *dims,
            "value",
            "unit",
            "status",
            "target",
            "trend",
        ]
    )
    for r in results:
        writer.writerow([
            r.kpi.id, r.period.label, r.period.start, r.period.end,
            *(r.segment.get(d, "") for d in dims),
            "" if r.value is None else r.value, r.kpi.unit.value, r.status.value,
            "" if r.target is None else r.target, r.trend.direction,
        ])  # fmt: skip
    return out.getvalue()


@app.command("compute")
def compute(
    name: WorkspaceName,
    kpi_ids: Annotated[list[str], typer.Argument(help="One or more KPI ids.")],
    period: Annotated[
        str, typer.Option("--period", "-p", help="Period label, e.g. 2024-Q2, 2024-06, FY2025.")
    ],
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Split by a dimension (repeatable).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Compute as the data stood on this date.")
    ] = None,
    format: FormatOpt = "table",
    explain: Annotated[
        bool, typer.Option("--explain", help="Print the compiled SQL instead.")
    ] = False,
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Compute KPIs for a workspace, a period and optional segments."""
    _check_format(format, ("table", "json", "csv"))
    ws = open_workspace(name, home)
    as_of_date = parse_date(as_of, "as-of date") if as_of else None
    p = parse_period(period, as_of_date, ws.settings.fiscal_year_start_month)
    computer = make_computer(ws, engine, spark_master)
    try:
        if explain:
            for kpi_id in kpi_ids:
                typer.echo(
                    f"-- {kpi_id}\n{transpile(computer.sql(kpi_id, [p.previous(), p], list(by or []), as_of_date), 'duckdb', pretty=True)}\n"
                )
            return
        results: list[KPIResult] = []
        for kpi_id in kpi_ids:
            results.extend(computer.latest(kpi_id, p, list(by or []), as_of_date))
    finally:
        computer.close()
    if format == "json":
        typer.echo(json.dumps([r.to_json() for r in results], indent=2, default=str))
    elif format == "csv":
        typer.echo(results_to_csv(results), nl=False)
    else:
        table = Table("kpi", "period", "segment", "value", "target", "status", "trend", box=None)
        for r in results:
            seg = ", ".join(f"{k}={v}" for k, v in r.segment.items()) or "all"
            value = (
                format_value(r.value, r.kpi.unit, ws.settings.currency)
                if r.value is not None
                else "—"
            )
            target = (
                format_value(r.target, r.kpi.unit, ws.settings.currency)
                if r.target is not None
                else "—"
            )
            status = f"{r.status.symbol} {r.status.value}"
            table.add_row(r.kpi.id, r.period.label, seg, value, target, status, r.trend.arrow or "")
        Console(width=160).print(table)
        for r in results:
            if r.status.value == "missing_data" and r.missing:
                Console(width=160).print(f"{r.kpi.id}: missing data — {r.missing}")


@app.command("explain")
def explain(
    name: WorkspaceName,
    kpi_id: Annotated[str, typer.Argument(help="KPI id.")],
    from_: Annotated[str, typer.Option("--from", help="The earlier period.")],
    to: Annotated[str, typer.Option("--to", help="The later period.")],
    by: Annotated[
        list[str] | None, typer.Option("--by", help="Split by a dimension (rate and mix effects).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As-of date for the later period.")
    ] = None,
    top: Annotated[
        int,
        typer.Option("--top", min=1, help="Customers named per bridge line (ARR, NRR, GRR)."),
    ] = 5,
    format: FormatOpt = "table",
    engine: EngineOpt = None,
    spark_master: SparkMasterOpt = None,
    home: Home = None,
) -> None:
    """Why did a KPI move? Split its change between two periods into parts that add up."""
    from pulse.explain import Explainer

    _check_format(format, ("table", "json"))
    ws = open_workspace(name, home)
    fiscal = ws.settings.fiscal_year_start_month
    as_of_date = parse_date(as_of, "as-of date") if as_of else None
    after = parse_period(to, as_of_date, fiscal)
    before = parse_period(from_, as_of_date, fiscal)
    computer = make_computer(ws, engine, spark_master)
    try:
        result = Explainer(computer).explain(
            kpi_id, before, after, list(by or []), as_of_date, top=top
        )
    finally:
        computer.close()
    if format == "json":
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
        return
    console = Console(width=140)
    console.print(result.sentence)
    console.print(f"[dim]method: {result.method}[/dim]")
    # bridge explanations (ARR, NRR, GRR) name the customers behind each line
    named = any(part.detail.get("customers_text") for part in result.parts)
    table = Table("part", "contribution", *(["customers"] if named else []), box=None)
    unit = result.kpi.unit
    for part in result.parts:
        shown = (
            f"{part.contribution * 100:+.2f} pts"
            if unit.value == "percent"
            else f"{part.contribution:+,.4f}"
        )
        who = [str(part.detail.get("customers_text") or "")] if named else []
        table.add_row(part.name, shown, *who)
    total = result.change or 0.0
    table.add_row(
        "[bold]total change[/bold]",
        f"{total * 100:+.2f} pts" if unit.value == "percent" else f"{total:+,.4f}",
        *([""] if named else []),
    )
    console.print(table)


def register(root: typer.Typer) -> None:
    """Attach ``pulse kpi``."""
    root.add_typer(app, name="kpi")
