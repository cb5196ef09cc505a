"""Log in and out.

The login form is protected by a double-submit cookie (there is no session yet); failed
attempts are counted per user name and per address and locked out after the configured number
(429 with ``Retry-After``). The session cookie is HttpOnly, SameSite=Lax, and Secure when the
request came over TLS (or the settings force it).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from pulse.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    new_token,
    same_token,
    verify_password,
)
from pulse.web.deps import CsrfDep, OptionalViewerDep, StateDep, ViewerDep
from pulse.web.errors import WebError
from pulse.web.state import AppState
from pulse.web.templating import render

router = APIRouter(tags=["auth"])


def secure(request: Request, state: AppState) -> bool:
    """Whether cookies get the Secure flag."""
    forced = state.settings.secure_cookies
    return forced if forced is not None else request.url.scheme == "https"


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _form(
    request: Request,
    state: AppState,
    next_url: str,
    *,
    error: str | None = None,
    status: int = 200,
    username: str = "",
) -> Response:
    token = new_token()
    response = render(
        request,
        "login.html",
        {"next": next_url, "error": error, "username": username},
        status=status,
        extra={"login_csrf": token},
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=secure(request, state),
        path="/login",
    )
    return response


@router.get("/login", operation_id="login_form")
def login_form(
    request: Request, state: StateDep, viewer: OptionalViewerDep, next: str | None = None
) -> Response:
    """The login page (or straight on, when already logged in)."""
    if viewer is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, state, safe_next(next))


@router.post("/login", operation_id="login")
def login(
    request: Request,
    state: StateDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password and start a session."""
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise WebError(403, "invalid or missing CSRF token: reload the login page and try again")
    assert state.limiter is not None
    username = username.strip().lower()
    address = request.client.host if request.client else "unknown"
    keys = (f"user:{username}", f"ip:{address}")
    wait = state.limiter.retry_after(*keys)
    if wait > 0:
        seconds = math.ceil(wait)
        response = _form(
            request,
            state,
            safe_next(next),
            error=f"too many failed logins: try again in {seconds} seconds",
            status=429,
            username=username,
        )
        response.headers["Retry-After"] = str(seconds)
        return response
    if not verify_password(state.meta.password_hash(username), password):
        state.limiter.failed(*keys)
        return _form(
            request,
            state,
            safe_next(next),
            error="wrong user name or password",
            status=401,
            username=username,
        )
    state.limiter.succeeded(keys[0])
    token, _session = state.meta.create_session(username, state.settings.session_hours)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(state.settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=secure(request, state),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", operation_id="logout")
def logout(request: Request, state: StateDep, viewer: ViewerDep, _csrf: CsrfDep) -> Response:
    """End the session."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        state.meta.end_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/-/session", operation_id="session")
def session_info(viewer: ViewerDep) -> dict[str, Any]:
    """Who is logged in, what they may see, and the CSRF token scripts send as X-CSRF-Token.

    Only same-origin pages can read it (no CORS), like the token in every form.
    """
    return {
        "ok": True,
        "user": viewer.user.to_json(),
        "grants": {name: role.value for name, role in viewer.grants.items()},
        "csrf_token": viewer.session.csrf_token,
    }
