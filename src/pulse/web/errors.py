"""One error envelope for every JSON response, and an error page for browsers.

Every failure a JSON client sees has exactly this shape (pinned by a test)::

    {"ok": false, "error": "<one line, then the hint>", "errors": [<issues>], "status": 404}

where each issue is ``{"message", "file", "line", "column"}``. Browsers get the same content
as a page; a browser that is not logged in is sent to the login page instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pulse.errors import ImportValidationError, Issue, PulseError

log = logging.getLogger("pulse.web")


class NotAuthenticatedError(Exception):
    """The request needs a logged-in user."""


class WebError(Exception):
    """An error with an HTTP status, a message and optional issues."""

    def __init__(self, status: int, message: str, issues: Sequence[Issue] = ()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.issues = list(issues)


def issue_json(issue: Issue) -> dict[str, Any]:
    """One issue of the envelope."""
    return {
        "message": issue.message,
        "file": issue.file,
        "line": issue.line,
        "column": issue.column,
    }


def envelope(status: int, error: str, issues: Sequence[Issue] = ()) -> dict[str, Any]:
    """The error envelope."""
    return {
        "ok": False,
        "error": error,
        "errors": [issue_json(i) for i in issues],
        "status": status,
    }


def wants_json(request: Request) -> bool:
    """JSON for ``.json`` twins, ``/-/`` routes and clients that ask for JSON."""
    path = request.url.path
    if path.endswith(".json") or path.startswith("/-/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def pulse_error_status(exc: PulseError) -> int:
    """The HTTP status of a PulseError raised while serving a request."""
    if isinstance(exc, ImportValidationError):
        return 422
    return 400


def _message(exc: PulseError) -> str:
    return f"{exc.message}\nhint: {exc.hint}" if exc.hint else exc.message


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the envelope or the error page."""

    def respond(
        request: Request, status: int, error: str, issues: Sequence[Issue] = ()
    ) -> Response:
        headers = {"Cache-Control": "no-store"}
        if wants_json(request):
            return JSONResponse(envelope(status, error, issues), status, headers=headers)
        from pulse.web.templating import error_page

        return error_page(request, status, error, issues, headers)

    @app.exception_handler(NotAuthenticatedError)
    async def not_authenticated(request: Request, exc: NotAuthenticatedError) -> Response:
        if wants_json(request):
            return respond(request, 401, "log in first: this page needs a logged-in user")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        return respond(request, exc.status, exc.message, exc.issues)

    @app.exception_handler(PulseError)
    async def pulse_error(request: Request, exc: PulseError) -> Response:
        return respond(request, pulse_error_status(exc), _message(exc), exc.issues)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        response = respond(request, exc.status_code, detail)
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        issues = [
            Issue(
                str(e.get("msg", "invalid")), None, None, ".".join(str(p) for p in e.get("loc", ()))
            )
            for e in exc.errors()
        ]
        return respond(request, 422, "invalid request", issues)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error serving %s", request.url.path)
        return respond(request, 500, "internal error: the server could not complete the request")
