"""``pulse data import|tables|log|matches|event-map``: get files into a workspace and see what is there."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
import yaml
from rich.console import Console
from rich.table import Table

from pulse.cli.options import Home, WorkspaceName
from pulse.errors import PulseError
from pulse.ingest import ImportResult, import_file
from pulse.ingest.event_map import (
    DEFAULT_ACCOUNT_KEYS,
    DEFAULT_EMAIL_KEYS,
    DEFAULT_EVENTS,
    DEFAULT_USAGE_IGNORE,
    EVENT_MAP_FILE,
    load_event_map,
)
from pulse.ingest.matching import load_report
from pulse.workspace.store import open_workspace

app = typer.Typer(help="Import files and inspect a workspace's data.", no_args_is_help=True)

P = ParamSpec("P")
R = TypeVar("R")
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]


def reported(func: Callable[P, R]) -> Callable[P, R]:
    """Print a PulseError as ``error: …`` (issues one per line) and exit with status 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except PulseError as exc:
            typer.echo(f"error: {exc.render()}", err=True)
            # SystemExit, not typer.Exit: main() runs the app with standalone_mode=False,
            # where click turns typer.Exit into a return value that main() does not use.
            raise SystemExit(exc.exit_code) from None

    return wrapper


def _check_format(value: str) -> None:
    if value not in ("table", "json"):
        raise PulseError(f"unknown format '{value}'", hint="valid formats: table, json")


def summary(result: ImportResult) -> str:
    """One line saying what an import did."""
    parts = [
        f"{result.rows_read:,} rows read",
        f"{result.inserted:,} inserted",
        f"{result.updated:,} updated (restated)",
        f"{result.unchanged:,} unchanged",
    ]
    if result.removed:
        parts.append(f"{result.removed:,} removed")
    if result.skipped:
        parts.append(f"{result.skipped:,} skipped by the mapping")
    if result.combined:
        parts.append(f"{result.combined:,} combined by the mapping's aggregate")
    verb = "replaced" if result.mode == "replace" else "imported"
    return (
        f"{verb} {result.table} from {result.file}: {', '.join(parts)}; "
        f"{result.rows_after:,} rows in {result.table} now"
    )


@app.command("import")
@reported
def import_(
    name: WorkspaceName,
    table: Annotated[str, typer.Argument(help="Canonical table, e.g. opportunities.")],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, Parquet, JSON or JSON-lines file.")],
    mapping: Annotated[
        str | None,
        typer.Option("--mapping", "-m", help="Shipped preset name or a mapping YAML file."),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(help="Date format tried first, e.g. %d/%m/%Y or DD/MM/YYYY."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Swap the table whole instead of upserting.")
    ] = False,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding (default UTF-8), e.g. latin-1.")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="XLSX sheet: a name, or a position (1 = first).")
    ] = None,
    match_accounts: Annotated[
        bool | None,
        typer.Option(
            "--match-accounts/--no-match-accounts",
            help="Resolve account_id values (names, domains, e-mails) against the accounts "
            "table (default: the mapping's match_accounts).",
            show_default=False,
        ),
    ] = None,
    match_threshold: Annotated[
        float | None,
        typer.Option(help="Lowest fuzzy name score accepted by --match-accounts (default 0.85)."),
    ] = None,
    home: Home = None,
) -> None:
    """Import a file into a canonical table: all rows or none."""
    ws = open_workspace(name, home)
    result = import_file(
        ws,
        table,
        file,
        mapping=mapping,
        date_format=date_format,
        replace=replace,
        encoding=encoding,
        sheet=sheet,
        progress=True,
        match_accounts=match_accounts,
        match_threshold=match_threshold,
    )
    typer.echo(summary(result))
    if result.matches is not None:
        for line in result.matches.lines():
            typer.echo(line)
    for warning in result.warnings:
        typer.echo(f"note: {warning}")
    if result.ignored_columns:
        typer.echo(f"note: columns not imported: {', '.join(result.ignored_columns)}")


@app.command("tables")
@reported
def tables(name: WorkspaceName, format: FormatOpt = "table", home: Home = None) -> None:
    """Every canonical table with its row count."""
    _check_format(format)
    counts = open_workspace(name, home).table_counts()
    if format == "json":
        typer.echo(json.dumps([{"table": t, "rows": n} for t, n in counts.items()], indent=2))
        return
    out = Table("table", "rows", box=None)
    for t, n in counts.items():
        out.add_row(t, f"{n:,}")
    Console().print(out)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@app.command("log")
@reported
def log(name: WorkspaceName, format: FormatOpt = "table", home: Home = None) -> None:
    """Every import into the workspace, oldest first."""
    _check_format(format)
    entries = open_workspace(name, home).import_log()
    if format == "json":
        rows = [{k: _jsonable(v) for k, v in e.items()} for e in entries]
        typer.echo(json.dumps(rows, indent=2))
        return
    if not entries:
        typer.echo("no imports yet")
        return
    out = Table(
        "id", "imported at (UTC)", "table", "file", "mode", "read", "inserted", "updated",
        "unchanged", "rows after", "sha256", "note", box=None,
    )  # fmt: skip
    for e in entries:
        out.add_row(
            str(e["import_id"]),
            e["imported_at"].isoformat(sep=" ", timespec="seconds"),
            e["table_name"],
            e["file_name"],
            e["mode"],
            f"{e['rows_read']:,}",
            f"{e['rows_inserted']:,}",
            f"{e['rows_updated']:,}",
            f"{e['rows_unchanged']:,}",
            f"{e['rows_after']:,}",
            e["sha256"][:12],
            e["note"] or "",
        )
    Console(width=200).print(out)


@app.command("matches")
@reported
def matches(
    name: WorkspaceName,
    import_id: Annotated[
        int | None,
        typer.Option("--import", help="Import id (see pulse data log); default: the latest."),
    ] = None,
    format: FormatOpt = "table",
    home: Home = None,
) -> None:
    """How an import matched account names, domains and e-mails to accounts."""
    _check_format(format)
    with open_workspace(name, home).connection(read_only=True) as con:
        report = load_report(con, import_id)
    if report is None:
        which = f"import {import_id}" if import_id is not None else "any import"
        raise PulseError(
            f"no account matches recorded for {which} in workspace '{name}'",
            hint="import with --match-accounts or a mapping with match_accounts: true",
        )
    if format == "json":
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    typer.echo(f"import {report.import_id} into {report.table}")
    for line in report.lines():
        typer.echo(line)
    if not report.matches:
        return
    out = Table("value", "account_id", "method", "score", "rows", "note", box=None)
    for m in report.matches:
        note = f"ambiguous: {', '.join(m.candidates)}" if m.candidates else ""
        score = f"{m.score:.2f}" if m.score is not None else ""
        out.add_row(m.raw, m.account_id or "", m.method or "none", score, f"{m.rows:,}", note)
    Console(width=200).print(out)


def _default_event_map_yaml() -> str:
    doc = {
        "events": {kind: list(names) for kind, names in DEFAULT_EVENTS.items()},
        "account_keys": list(DEFAULT_ACCOUNT_KEYS),
        "email_keys": list(DEFAULT_EMAIL_KEYS),
        "usage": {"ignore": list(DEFAULT_USAGE_IGNORE)},
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@app.command("event-map")
@reported
def event_map(
    name: WorkspaceName,
    set_file: Annotated[
        Path | None,
        typer.Option("--set", help="Check this YAML event map and make it the workspace's."),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Go back to the shipped defaults.")
    ] = False,
    home: Home = None,
) -> None:
    """Which product events mean sign-up, activation, PQL, paid, upgrade and first value.

    Shows the workspace's event map (its own event_map.yml, else the shipped defaults, as
    YAML you can copy and edit); --set checks a file and installs it; --reset removes it.
    """
    ws = open_workspace(name, home)
    target = ws.path / EVENT_MAP_FILE
    if set_file is not None and reset:
        raise PulseError("--set and --reset cannot be used together")
    if reset:
        target.unlink(missing_ok=True)
        typer.echo(f"event map of '{name}': the shipped defaults")
        return
    if set_file is not None:
        if not set_file.is_file():
            raise PulseError(f"{set_file}: no such file")
        load_event_map(set_file)  # refuses a bad map with file and line, before anything changes
        shutil.copyfile(set_file, target)
        typer.echo(
            f"event map of '{name}' set from {set_file}; re-import the event exports to apply it"
        )
        return
    if target.is_file():
        typer.echo(f"# {target}")
        typer.echo(target.read_text(encoding="utf-8"), nl=False)
    else:
        typer.echo(f"# shipped defaults (no {EVENT_MAP_FILE} in the workspace)")
        typer.echo(_default_event_map_yaml(), nl=False)


def register(root: typer.Typer) -> None:
    """Attach ``pulse data``."""
    root.add_typer(app, name="data")
