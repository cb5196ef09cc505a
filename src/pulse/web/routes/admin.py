"""User management for admins: users, roles and grants (the web face of ``pulse user``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pulse.errors import PulseError, unknown
from pulse.web.deps import AdminDep, CsrfDep, StateDep, Viewer
from pulse.web.errors import WebError
from pulse.web.state import AppState
from pulse.web.templating import json_page, render
from pulse.web.users import Role

router = APIRouter(tags=["admin"])


def users_payload(state: AppState) -> dict[str, Any]:
    """Every user with their grants, and the workspaces that can be granted."""
    grants = state.meta.grants()
    return {
        "users": [
            {
                **u.to_json(),
                "grants": [g.to_json() for g in grants if g.username == u.username],
            }
            for u in state.meta.users()
        ],
        "workspaces": state.workspace_names(),
        "roles": [r.value for r in Role],
    }


@router.get("/admin/users.json", operation_id="admin_users_json")
def admin_users_json(viewer: AdminDep, state: StateDep) -> JSONResponse:
    """The users page's JSON twin."""
    return json_page(users_payload(state))


@router.get("/admin/users", operation_id="admin_users", response_class=HTMLResponse)
def admin_users(request: Request, viewer: AdminDep, state: StateDep) -> Response:
    """Users, roles and grants."""
    return render(request, "admin_users.html", users_payload(state), viewer=viewer)


def _redo(request: Request, state: AppState, viewer: Viewer, exc: PulseError) -> Response:
    page = users_payload(state)
    page["error"] = exc.message + (f" ({exc.hint})" if exc.hint else "")
    return render(request, "admin_users.html", page, viewer=viewer, status=400)


@router.post("/admin/users", operation_id="admin_user_add")
def admin_user_add(
    request: Request,
    viewer: AdminDep,
    state: StateDep,
    _csrf: CsrfDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
) -> Response:
    """Add a user."""
    try:
        state.meta.add_user(username.strip().lower(), password, role)
    except PulseError as exc:
        return _redo(request, state, viewer, exc)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/remove", operation_id="admin_user_remove")
def admin_user_remove(
    request: Request, username: str, viewer: AdminDep, state: StateDep, _csrf: CsrfDep
) -> Response:
    """Remove a user (not yourself)."""
    if username == viewer.username:
        raise WebError(400, "you cannot remove yourself")
    try:
        state.meta.remove_user(username)
    except PulseError as exc:
        return _redo(request, state, viewer, exc)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/grants", operation_id="admin_grant")
def admin_grant(
    request: Request,
    viewer: AdminDep,
    state: StateDep,
    _csrf: CsrfDep,
    username: Annotated[str, Form()],
    workspace: Annotated[str, Form()],
    role: Annotated[str, Form()],
) -> Response:
    """Grant a user access to a workspace."""
    try:
        if workspace not in state.workspace_names():
            raise unknown("workspace", workspace, state.workspace_names())
        state.meta.grant(username, workspace, role)
    except PulseError as exc:
        return _redo(request, state, viewer, exc)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/grants/revoke", operation_id="admin_revoke")
def admin_revoke(
    request: Request,
    viewer: AdminDep,
    state: StateDep,
    _csrf: CsrfDep,
    username: Annotated[str, Form()],
    workspace: Annotated[str, Form()],
) -> Response:
    """Take a grant away."""
    try:
        state.meta.revoke(username, workspace)
    except PulseError as exc:
        return _redo(request, state, viewer, exc)
    return RedirectResponse("/admin/users", status_code=303)
