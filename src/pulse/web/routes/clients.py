"""A client's one-page dashboard, its review button, and the findings and forecast pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pulse.web import extras
from pulse.web.dashboard import cards, dashboard, turned_red
from pulse.web.deps import ClientDep, CsrfDep, EditableClientDep, PeriodDep, Viewer, ViewerDep
from pulse.web.errors import WebError
from pulse.web.picker import Picked, current_period
from pulse.web.state import Client
from pulse.web.templating import fragment, json_page, render

router = APIRouter(tags=["clients"])

FINDINGS_SHOWN = 5


def dashboard_payload(client: Client, picked: Picked, viewer: Viewer) -> dict[str, Any]:
    """The dashboard with the picker, what turned red, and the optional sections."""
    payload = dict(dashboard(client, picked.period))
    review = client.state.meta.last_review(client.name)
    today = client.state.today()
    fiscal = client.ws.settings.fiscal_year_start_month
    found = extras.findings(client, picked.period)
    forecast = extras.forecast(client, current_period(picked.kind, today, fiscal))
    payload.update(
        {
            "picker": picked.to_json(),
            "can_edit": viewer.can_edit(client.name),
            "last_review": review.to_json() if review else None,
            "turned_red": turned_red(payload, review),
            "findings": found,
            "forecast": forecast,
        }
    )
    return payload


@router.get("/clients/{name}.json", operation_id="client_dashboard_json")
def client_dashboard_json(client: ClientDep, picked: PeriodDep, viewer: ViewerDep) -> JSONResponse:
    """The dashboard's JSON twin."""
    return json_page(dashboard_payload(client, picked, viewer))


@router.get("/clients/{name}", operation_id="client_dashboard", response_class=HTMLResponse)
def client_dashboard(
    request: Request, client: ClientDep, picked: PeriodDep, viewer: ViewerDep
) -> Response:
    """The client's one-page dashboard: leading, lagging and health KPIs."""
    page = dashboard_payload(client, picked, viewer)
    cards = fragment(client, "_sections.html", (picked.period.label, picked.period.start), page)
    return render(
        request,
        "dashboard.html",
        page,
        viewer=viewer,
        extra={"findings_shown": FINDINGS_SHOWN, "fragment": cards},
    )


@router.post("/clients/{name}/review", operation_id="client_review")
def client_review(
    client: EditableClientDep, picked: PeriodDep, viewer: ViewerDep, _csrf: CsrfDep
) -> RedirectResponse:
    """Record a review: later, the portfolio shows what turned red since."""
    payload = dashboard(client, picked.period)
    statuses = {c["kpi"]: c["status"] for c in cards(payload)}
    client.state.meta.add_review(client.name, viewer.username, picked.period.label, statuses)
    return RedirectResponse(f"/clients/{client.name}?period={picked.period.label}", status_code=303)


def findings_payload(client: Client, picked: Picked) -> dict[str, Any]:
    """The findings page payload (404 when the findings module is absent)."""
    found = extras.findings(client, picked.period)
    if found is None:
        raise WebError(404, "findings are not available in this installation")
    return {"client": {"name": client.name}, "picker": picked.to_json(), **found}


@router.get("/clients/{name}/findings.json", operation_id="findings_page_json")
def findings_page_json(client: ClientDep, picked: PeriodDep) -> JSONResponse:
    """The findings page's JSON twin."""
    return json_page(findings_payload(client, picked))


@router.get("/clients/{name}/findings", operation_id="findings_page", response_class=HTMLResponse)
def findings_page(
    request: Request, client: ClientDep, picked: PeriodDep, viewer: ViewerDep
) -> Response:
    """Findings and actions: the seeds' diagnostic rules on this client's numbers."""
    return render(request, "findings.html", findings_payload(client, picked), viewer=viewer)


def forecast_payload(client: Client, picked: Picked, explicit: bool) -> dict[str, Any]:
    """The forecast page payload (404 when the forecast module is absent).

    Without a ``period`` parameter the forecast is of the period in progress.
    """
    if not explicit:
        period = current_period(
            picked.kind, client.state.today(), client.ws.settings.fiscal_year_start_month
        )
        picked = Picked(period, picked.kind, picked.options)
    found = extras.forecast(client, picked.period)
    if found is None:
        raise WebError(404, "the forecast is not available in this installation")
    return {"client": {"name": client.name}, "picker": picked.to_json(), **found}


@router.get("/clients/{name}/forecast.json", operation_id="forecast_page_json")
def forecast_page_json(
    client: ClientDep, picked: PeriodDep, period: str | None = None
) -> JSONResponse:
    """The forecast page's JSON twin."""
    return json_page(forecast_payload(client, picked, bool(period)))


@router.get("/clients/{name}/forecast", operation_id="forecast_page", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    client: ClientDep,
    picked: PeriodDep,
    viewer: ViewerDep,
    period: str | None = None,
) -> Response:
    """The period's bookings forecast: P10/P50/P90, stage-weighted and calibrated."""
    page = forecast_payload(client, picked, bool(period))
    return render(request, "forecast.html", page, viewer=viewer)
