"""The ``pulse`` command: one Typer app, one module per command group."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from pulse import __version__
from pulse.errors import PulseError

app = typer.Typer(
    name="pulse",
    help="Pulse: the revenue KPI system a fractional CRO runs a company on.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pulse {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Pulse: the revenue KPI system a fractional CRO runs a company on."""


def _register() -> None:
    # Imported here so each group module stays independent of the others.
    from pulse.cli import workspace

    app.add_typer(workspace.app, name="workspace")
    for module_name in (
        "data",
        "demo",
        "kpi",
        "profile",
        "scorecard",
        "advise",
        "pipeline",
        "revenue",
        "forecast",
        "findings",
        "report",
        "serve",
        "user",
        "alerts",
    ):
        try:
            module = __import__(f"pulse.cli.{module_name}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name == f"pulse.cli.{module_name}":
                continue
            raise
        module.register(app)


_register()


def main() -> None:
    """Entry point: run the app, print PulseErrors without a traceback, exit non-zero."""
    try:
        app(standalone_mode=False)
    except PulseError as exc:
        typer.echo(f"error: {exc.render()}", err=True)
        if os.environ.get("PULSE_VERBOSE"):
            raise
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", None)
        if code is None:
            code = getattr(exc, "code", 0)
        sys.exit(code or 0)
