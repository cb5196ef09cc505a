"""A client's KPI set: choose core and supporting KPIs; locked after the 90-day ramp."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pulse.web.dashboard import client_json
from pulse.web.deps import ClientDep, CsrfDep, EditableClientDep, Viewer, ViewerDep
from pulse.web.kpisets import KPISetError, change_kpi_set
from pulse.web.state import Client
from pulse.web.templating import json_page, render

router = APIRouter(tags=["kpi-set"])

CHOICES = ("core", "supporting", "off")


def kpiset_payload(client: Client, viewer: Viewer) -> dict[str, Any]:
    """The KPI set in force, the choices, and the history of changes."""
    state = client.kpi_set
    catalog = client.state.catalog
    profile = client.base_profile
    choices = []
    for kpi_id in profile.kpis:
        kpi = catalog.kpis.get(kpi_id)
        choices.append(
            {
                "kpi": kpi_id,
                "name": kpi.name if kpi else kpi_id,
                "category": kpi.category.value if kpi else None,
                "in_catalog": kpi is not None,
                "profile_role": "core" if kpi_id in profile.core else "supporting",
                "choice": "core"
                if kpi_id in state.core
                else "supporting"
                if kpi_id in state.supporting
                else "off",
            }
        )
    history = [v.to_json() for v in client.state.meta.kpi_set_history(client.name)]
    return {
        "client": client_json(client),
        "profile": {"id": profile.id, "name": profile.name, "max_core": profile.max_core},
        **state.to_json(),
        "choices": choices,
        "history": history,
        "can_edit": viewer.can_edit(client.name),
    }


@router.get("/clients/{name}/kpi-set.json", operation_id="kpi_set_page_json")
def kpi_set_page_json(client: ClientDep, viewer: ViewerDep) -> JSONResponse:
    """The KPI set page's JSON twin."""
    return json_page(kpiset_payload(client, viewer))


@router.get("/clients/{name}/kpi-set", operation_id="kpi_set_page", response_class=HTMLResponse)
def kpi_set_page(request: Request, client: ClientDep, viewer: ViewerDep) -> Response:
    """Choose the KPI set; see its versions."""
    return render(request, "kpiset.html", kpiset_payload(client, viewer), viewer=viewer)


async def _submitted(request: Request) -> tuple[list[str], list[str], str]:
    form = await request.form()
    core: list[str] = []
    supporting: list[str] = []
    for key, value in form.multi_items():
        if not key.startswith("kpi:") or not isinstance(value, str):
            continue
        if value == "core":
            core.append(key[4:])
        elif value == "supporting":
            supporting.append(key[4:])
    reason = form.get("reason")
    return core, supporting, reason if isinstance(reason, str) else ""


@router.post("/clients/{name}/kpi-set.json", operation_id="kpi_set_change_json")
async def kpi_set_change_json(
    request: Request, client: EditableClientDep, viewer: ViewerDep, _csrf: CsrfDep
) -> JSONResponse:
    """Change the KPI set (form fields ``kpi:<id>`` = core|supporting|off, ``reason``)."""
    core, supporting, reason = await _submitted(request)
    version = change_kpi_set(
        client.kpi_set, client.state.meta, client.name, core, supporting, viewer.username, reason
    )
    return json_page({"kpi_set": version.to_json()})


@router.post("/clients/{name}/kpi-set", operation_id="kpi_set_change")
async def kpi_set_change(
    request: Request, client: EditableClientDep, viewer: ViewerDep, _csrf: CsrfDep
) -> Response:
    """Change the KPI set from the form; a refusal shows the page with the reason."""
    core, supporting, reason = await _submitted(request)
    try:
        change_kpi_set(
            client.kpi_set,
            client.state.meta,
            client.name,
            core,
            supporting,
            viewer.username,
            reason,
        )
    except KPISetError as exc:
        page = kpiset_payload(client, viewer)
        page["error"] = exc.message + (f" ({exc.hint})" if exc.hint else "")
        page["submitted"] = {"core": core, "supporting": supporting, "reason": reason}
        return render(request, "kpiset.html", page, viewer=viewer, status=400)
    return RedirectResponse(f"/clients/{client.name}/kpi-set", status_code=303)
