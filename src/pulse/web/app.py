"""``create_app(settings)``: the Pulse web dashboard as a FastAPI application.

Server-rendered pages (Jinja) with a JSON twin for each (``<page>.json``), one error
envelope, and access checked on the server for every route. Route modules live in
``pulse.web.routes``; optional ones (``report``, ``alerts``) are included when they exist, each
exposing a ``router`` (an :class:`fastapi.APIRouter`).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from pulse import __version__
from pulse.web import errors
from pulse.web.config import WebSettings
from pulse.web.routes import admin, auth, clients, data, kpis, kpiset, meta, portfolio
from pulse.web.state import AppState
from pulse.web.users import MetaStore

STATIC_DIR = Path(__file__).parent / "static"
OPTIONAL_ROUTES = ("report", "alerts")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # plotly.js adds inline <style> elements, hence 'unsafe-inline' for styles only.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
}


def _optional_routers(app: FastAPI) -> None:
    for name in OPTIONAL_ROUTES:
        try:
            module = importlib.import_module(f"pulse.web.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"pulse.web.routes.{name}":
                continue
            raise
        app.include_router(module.router)


def _json_twins_first(app: FastAPI) -> None:
    """``/x/{name}.json`` must be tried before ``/x/{name}`` (which would also match it)."""
    routes = app.router.routes
    routes.sort(key=lambda r: 0 if getattr(r, "path", "").endswith(".json") else 1)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app for ``settings`` (default: the workspaces under ``PULSE_HOME``)."""
    settings = settings or WebSettings.from_home()
    app = FastAPI(
        title="Pulse",
        version=__version__,
        description="The revenue KPI system a fractional CRO runs a company on.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/-/openapi.json",
    )
    app.state.pulse = AppState(settings, MetaStore(settings.meta_path))
    errors.install(app)
    for module in (meta, auth, portfolio, clients, kpis, data, kpiset, admin):
        app.include_router(module.router)
    _optional_routers(app)
    _json_twins_first(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    return app


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of ``app`` (the access test walks these)."""
    return [r for r in app.routes if isinstance(r, APIRoute)]
