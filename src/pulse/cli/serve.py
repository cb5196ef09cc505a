"""``pulse serve``: run the web dashboard over the workspaces in the home folder."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from pulse.cli.options import Home
from pulse.errors import PulseError


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    ssl_certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM); serves https and Secure cookies.")
    ] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option(help="Always mark cookies Secure (behind a TLS-terminating proxy)."),
    ] = False,
    home: Home = None,
) -> None:
    """Serve the dashboard: the portfolio, each client's dashboard, KPI, data and KPI-set pages."""
    try:
        import uvicorn

        from pulse.catalog.registry import load_catalog
        from pulse.web import WebSettings, create_app
    except ImportError as exc:  # pragma: no cover - the web extra is part of the lock file
        raise PulseError(
            f"the web dashboard needs its extra: {exc}", hint="pip install 'pulse[web]'"
        ) from exc
    if (ssl_certfile is None) != (ssl_keyfile is None):
        raise PulseError("give both --ssl-certfile and --ssl-keyfile, or neither")
    settings = WebSettings.from_home(home)
    if secure_cookies:
        settings = replace(settings, secure_cookies=True)
    load_catalog()  # validate and cache the catalog before the first request
    app = create_app(settings)
    state = app.state.pulse
    names = state.workspace_names()
    scheme = "https" if ssl_certfile else "http"
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"Pulse is serving {len(names)} workspace{'s' if len(names) != 1 else ''} "
        f"from {settings.home} at {scheme}://{shown}:{port}/"
    )
    if not state.meta.users():
        typer.echo(
            "no users yet: create one with `pulse user add NAME --role admin`, then log in",
            err=True,
        )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    )


def register(app: typer.Typer) -> None:
    """Attach ``pulse serve``."""
    app.command("serve")(serve)
