"""Request dependencies: who is asking, which client, which period — checked on the server.

Every route that shows a client's data takes :data:`ClientDep`, which answers 404 unless the
logged-in user may see that workspace (the same answer whether it exists or not, so names do
not leak). Routes that change a client take :data:`EditableClientDep` (403 for a read-only
viewer). Every POST takes :data:`CsrfDep`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from pulse.web.auth import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, same_token
from pulse.web.errors import NotAuthenticatedError, WebError
from pulse.web.picker import Picked, pick
from pulse.web.state import AppState, Client
from pulse.web.users import Role, Session, User
from pulse.workspace.store import NAME_RE


def get_state(request: Request) -> AppState:
    """The app's shared state."""
    state: AppState = request.app.state.pulse
    return state


StateDep = Annotated[AppState, Depends(get_state)]


@dataclass
class Viewer:
    """The logged-in user, their session and the workspaces they may see."""

    user: User
    session: Session
    grants: dict[str, Role] = field(default_factory=dict)

    @property
    def username(self) -> str:
        """The user's name."""
        return self.user.username

    @property
    def is_admin(self) -> bool:
        """Whether the user manages users (and sees every client)."""
        return self.user.is_admin

    def can_view(self, workspace: str) -> bool:
        """Whether the user may see ``workspace``."""
        return self.is_admin or workspace in self.grants

    def can_edit(self, workspace: str) -> bool:
        """Whether the user may change ``workspace`` (upload, KPI set, reviews)."""
        return self.is_admin or self.grants.get(workspace) == Role.CRO

    def visible(self, names: list[str]) -> list[str]:
        """The workspaces of ``names`` the user may see."""
        return [n for n in names if self.can_view(n)]


def current_viewer(request: Request, state: StateDep) -> Viewer | None:
    """The logged-in user, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = state.meta.signed_in(token)
    if found is None:
        return None
    session, user, grants = found
    return Viewer(user, session, {g.workspace: g.role for g in grants})


OptionalViewerDep = Annotated[Viewer | None, Depends(current_viewer)]


def require_viewer(viewer: OptionalViewerDep) -> Viewer:
    """The logged-in user, or a redirect to the login page (401 for JSON)."""
    if viewer is None:
        raise NotAuthenticatedError()
    return viewer


ViewerDep = Annotated[Viewer, Depends(require_viewer)]


def require_admin(viewer: ViewerDep) -> Viewer:
    """The logged-in admin (403 for anyone else)."""
    if not viewer.is_admin:
        raise WebError(403, "only an admin can manage users")
    return viewer


AdminDep = Annotated[Viewer, Depends(require_admin)]


def not_found(name: str) -> WebError:
    """The one answer for a client that does not exist or is not visible."""
    return WebError(404, f"no client '{name}' that you can see")


def get_client(
    name: Annotated[str, Path(description="Workspace (client company) name.")],
    viewer: ViewerDep,
    state: StateDep,
) -> Client:
    """The client named in the path, if the user may see it (404 otherwise)."""
    if not NAME_RE.match(name) or not viewer.can_view(name):
        raise not_found(name)
    if not state.has_workspace(name):
        raise not_found(name)
    return state.client(name)


ClientDep = Annotated[Client, Depends(get_client)]


def get_editable_client(client: ClientDep, viewer: ViewerDep) -> Client:
    """The client, if the user may change it (403 for a read-only viewer)."""
    if not viewer.can_edit(client.name):
        raise WebError(403, f"you can view '{client.name}' but not change it")
    return client


EditableClientDep = Annotated[Client, Depends(get_editable_client)]


async def check_csrf(request: Request, viewer: ViewerDep) -> None:
    """Refuse a POST whose CSRF token (form field or header) is not the session's."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not same_token(viewer.session.csrf_token, given):
        raise WebError(403, "invalid or missing CSRF token: reload the page and try again")


CsrfDep = Annotated[None, Depends(check_csrf)]


def get_period(
    client: ClientDep,
    state: StateDep,
    period: Annotated[
        str | None, Query(description="Period label, e.g. 2024-06, 2024-Q2, FY2025-Q1, 2024-W27.")
    ] = None,
    kind: Annotated[
        str | None,
        Query(description="week, month, quarter, fiscal_quarter or fiscal_year."),
    ] = None,
) -> Picked:
    """The period a client page shows (default: the last complete month)."""
    return pick(period, kind, state.today(), client.ws.settings.fiscal_year_start_month)


PeriodDep = Annotated[Picked, Depends(get_period)]
