"""``pulse demo``: build the demo workspaces, one per industry profile."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from pulse.cli.options import Home
from pulse.errors import PulseError


def demo(
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Build only this profile's demo (default: all six)."),
    ] = None,
    opportunities: Annotated[
        int, typer.Option("--opportunities", min=1, help="Opportunities per demo company.")
    ] = 2000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives the same data.")
    ] = 7,
    anchor: Annotated[
        str | None,
        typer.Option(
            "--anchor",
            help="Last day of the data, a month end (YYYY-MM-DD). Default: the end of last month.",
            show_default=False,
        ),
    ] = None,
    connected: Annotated[
        bool,
        typer.Option(
            "--connected",
            help="Build demo-connected instead: CRM data from the generator, product, "
            "accounting, call and support data from tool exports imported with account "
            "matching; then print the matching report and the scorecard.",
        ),
    ] = False,
    home: Home = None,
) -> None:
    """Create (or replace) deterministic demo workspaces named demo-<profile>."""
    from pulse.catalog.profiles import profile_paths
    from pulse.demo import PROFILE_IDS, build_workspace, default_anchor, workspace_name
    from pulse.demo.plan import DemoError
    from pulse.demo.profiles import get_shape

    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    try:
        end = date.fromisoformat(anchor) if anchor else default_anchor()
    except ValueError:
        raise DemoError(f"--anchor: expected a date YYYY-MM-DD, got '{anchor}'") from None
    if profile is not None:
        get_shape(profile)
    wanted = [profile] if profile else list(PROFILE_IDS)
    out.print(f"anchor {end.isoformat()} (data up to this day; pass --anchor to pin it)")
    if connected:
        from pulse.demo.connected.show import run_connected

        run_connected(out, profile, home=home, opportunities=opportunities, seed=seed, anchor=end)
        return
    files = profile_paths()
    built = 0
    for pid in wanted:
        if profile is None and pid not in files:
            err.print(f"skipped {pid}: no profile file {pid}.yml in the catalog yet")
            continue
        started = time.perf_counter()
        ws = build_workspace(
            pid,
            home=home,
            opportunities=opportunities,
            seed=seed,
            anchor=end,
            progress=err.is_terminal,
        )
        seconds = time.perf_counter() - started
        counts = {t: n for t, n in ws.table_counts().items() if n}
        out.print(f"{workspace_name(pid)}  profile {pid}, {seconds:.1f} s, {ws.path}")
        out.print("  " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
        built += 1
    if not built:
        raise PulseError(
            "no demo workspace was built", hint="the profile files are missing from the catalog"
        )


def register(app: typer.Typer) -> None:
    """Add ``pulse demo`` to the app."""
    app.command("demo")(demo)
