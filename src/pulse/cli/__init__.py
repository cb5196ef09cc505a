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
    # Each command-group module attaches itself; imported here so the modules stay independent.
    from pulse.cli import (
        advise,
        alerts,
        data,
        demo,
        findings,
        forecast,
        kpi,
        pipeline,
        profile,
        report,
        revenue,
        scorecard,
        serve,
        user,
        workspace,
    )

    app.add_typer(workspace.app, name="workspace")
    for module in (
        data,
        demo,
        kpi,
        profile,
        scorecard,
        revenue,
        pipeline,
        forecast,
        findings,
        advise,
        report,
        alerts,
        serve,
        user,
    ):
        module.register(app)


_register()


def main() -> None:
    """Entry point: run the app, print PulseErrors without a traceback, exit non-zero.

    Click's standalone mode handles usage errors and exit codes; only Pulse's own errors are
    caught here.
    """
    try:
        app()
    except PulseError as exc:
        typer.echo(f"error: {exc.render()}", err=True)
        if os.environ.get("PULSE_VERBOSE"):
            raise
        sys.exit(exc.exit_code)
