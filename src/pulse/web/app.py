"""``create_app(settings)``: the Pulse web dashboard as a FastAPI application.

Server-rendered pages (Jinja) with a JSON twin for each (``<page>.json``), one error
envelope, and access checked on the server for every route. Route modules live in
``pulse.web.routes``; optional ones (``report``, ``alerts``) are included when they exist, each
exposing a ``router`` (an :class:`fastapi.APIRouter`).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pulse import __version__
from pulse.web import errors
from pulse.web.config import WebSettings
from pulse.web.routes import admin, auth, clients, data, kpis, kpiset, meta, portfolio
from pulse.web.state import AppState
from pulse.web.users import MetaStore

STATIC_DIR = Path(__file__).parent / "static"
OPTIONAL_ROUTES = ("report", "alerts", "advise")

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


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response (a plain ASGI middleware: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.raw = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.raw if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _routers() -> list[APIRouter]:
    """The route modules' routers: the shipped ones, then the optional ones that exist."""
    routers = [m.router for m in (meta, auth, portfolio, clients, kpis, data, kpiset, admin)]
    for name in OPTIONAL_ROUTES:
        try:
            module = importlib.import_module(f"pulse.web.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"pulse.web.routes.{name}":
                continue
            raise
        routers.append(module.router)
    return routers


def _json_twins_first(router: APIRouter) -> None:
    """``/x/{name}.json`` must be tried before ``/x/{name}`` (which would also match it)."""
    router.routes.sort(key=lambda r: 0 if getattr(r, "path", "").endswith(".json") else 1)


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
    for router in _routers():
        _json_twins_first(router)
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    return app


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of ``app``, including those of included routers (the access walk).

    Older FastAPI copies included routes into ``app.routes``; newer versions keep the
    included router (with its ``original_router``). Both are walked.
    """
    found: list[APIRoute] = []

    def visit(routes: list[BaseRoute]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                found.append(route)
            inner = getattr(route, "original_router", None)
            if inner is not None:
                visit(list(inner.routes))

    visit(list(app.routes))
    return found
