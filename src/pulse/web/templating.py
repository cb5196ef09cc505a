"""Jinja templates: one page per route, rendered from the same payload as its JSON twin."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from pulse import __version__
from pulse.errors import Issue
from pulse.web.auth import CSRF_FIELD
from pulse.web.extras import findings_available, forecast_available
from pulse.web.present import STATUS_WORDS, sparkline
from pulse.web.state import Client

TEMPLATES_DIR = Path(__file__).parent / "templates"
NO_STORE = {"Cache-Control": "no-store"}

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(
    sparkline=sparkline,
    status_words=STATUS_WORDS,
    version=__version__,
    csrf_field=CSRF_FIELD,
    findings_available=findings_available,
    forecast_available=forecast_available,
)


def fragment(
    client: Client, template: str, parts: tuple[Hashable, ...], page: Mapping[str, Any]
) -> Markup:
    """A partial rendered from ``page`` alone, cached with the results (per data version).

    Only for partials without viewer-specific content (no user name, CSRF token or rights).
    """

    def render_once() -> Markup:
        return Markup(templates.env.get_template(template).render(page=page))

    return client.cached(f"html:{template}", parts, render_once)


def json_twin_url(request: Request) -> str:
    """The URL of the page's JSON twin: the path plus ``.json``, same query."""
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}.json{query}"


def render(
    request: Request,
    template: str,
    page: Mapping[str, Any],
    *,
    viewer: Any = None,
    status: int = 200,
    extra: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """Render ``template`` with ``page`` (the JSON twin's payload) and the viewer."""
    context = {
        "page": page,
        "viewer": viewer,
        "csrf_token": viewer.session.csrf_token if viewer is not None else "",
        "json_url": json_twin_url(request),
        **(extra or {}),
    }
    return templates.TemplateResponse(
        request, template, context, status_code=status, headers=NO_STORE
    )


def json_page(page: Mapping[str, Any], status: int = 200) -> JSONResponse:
    """A JSON twin: ``{"ok": true, ...payload}``."""
    return JSONResponse({"ok": True, **page}, status_code=status, headers=NO_STORE)


def error_page(
    request: Request,
    status: int,
    error: str,
    issues: Sequence[Issue],
    headers: Mapping[str, str],
) -> HTMLResponse:
    """The HTML face of the error envelope."""
    context = {
        "page": {"status": status, "error": error, "errors": [str(i) for i in issues]},
        "viewer": None,
        "csrf_token": "",
        "json_url": None,
    }
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=dict(headers)
    )
