"""The portfolio: every client the user may see, sorted by need (the CRO's home)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pulse.errors import PulseError
from pulse.web.dashboard import dashboard, portfolio_row, sort_by_need
from pulse.web.deps import StateDep, Viewer, ViewerDep
from pulse.web.picker import pick
from pulse.web.state import AppState
from pulse.web.templating import json_page, render

router = APIRouter(tags=["portfolio"])

PeriodQuery = Annotated[
    str | None, Query(description="Period label, e.g. 2024-06 (default: last complete month).")
]
KindQuery = Annotated[str | None, Query(description="week, month, quarter, fiscal_quarter, …")]


def portfolio_payload(
    state: AppState, viewer: Viewer, period: str | None, kind: str | None
) -> dict[str, Any]:
    """Every visible client with its core KPIs for the period, neediest first."""
    rows: list[dict[str, Any]] = []
    problems: list[dict[str, str]] = []
    picked = None
    for name in viewer.visible(state.workspace_names()):
        client = state.client(name)
        picked = pick(period, kind, state.today(), client.ws.settings.fiscal_year_start_month)
        try:
            payload = dashboard(client, picked.period)
        except PulseError as exc:
            problems.append({"name": name, "error": exc.message})
            continue
        rows.append(portfolio_row(client, payload, state.meta.last_review(name)))
    if picked is None:
        picked = pick(period, kind, state.today())
    return {
        "user": viewer.user.to_json(),
        **picked.period.to_json(),
        "period_kind": picked.kind,
        "picker": picked.to_json(),
        "clients": sort_by_need(rows),
        "problems": problems,
    }


@router.get("/", operation_id="home", include_in_schema=False)
def home(viewer: ViewerDep, state: StateDep) -> RedirectResponse:
    """The portfolio, or a client viewer's own dashboard."""
    visible = viewer.visible(state.workspace_names())
    if not viewer.is_admin and len(visible) == 1 and viewer.grants.get(visible[0]) != "cro":
        return RedirectResponse(f"/clients/{visible[0]}", status_code=303)
    return RedirectResponse("/portfolio", status_code=303)


@router.get("/portfolio", operation_id="portfolio", response_class=HTMLResponse)
def portfolio(
    request: Request,
    viewer: ViewerDep,
    state: StateDep,
    period: PeriodQuery = None,
    kind: KindQuery = None,
) -> Response:
    """The portfolio page."""
    return render(
        request, "portfolio.html", portfolio_payload(state, viewer, period, kind), viewer=viewer
    )


@router.get("/portfolio.json", operation_id="portfolio_json")
def portfolio_json(
    viewer: ViewerDep, state: StateDep, period: PeriodQuery = None, kind: KindQuery = None
) -> JSONResponse:
    """The portfolio's JSON twin."""
    return json_page(portfolio_payload(state, viewer, period, kind))
