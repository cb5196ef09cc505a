"""KPIs: one client's KPI page (series, segments, explanation, definition, data used), and the
catalog pages ``/kpis`` and ``/kpis/{id}`` (definitions only, no client data)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from pulse.catalog.models import KPI
from pulse.catalog.registry import load_catalog
from pulse.cli.kpi import formula_text, sample_sql
from pulse.web.dashboard import client_json
from pulse.web.deps import ClientDep, PeriodDep, ViewerDep
from pulse.web.errors import WebError
from pulse.web.kpi_page import kpi_page
from pulse.web.picker import Picked
from pulse.web.state import Client
from pulse.web.templating import fragment, json_page, render

router = APIRouter(tags=["kpis"])

ByQuery = Annotated[
    str | None, Query(description="Also split by this dimension (one the KPI declares).")
]


def get_kpi(client: Client, kpi_id: str) -> KPI:
    """A public KPI of the catalog (404 otherwise)."""
    kpi = client.state.catalog.kpis.get(kpi_id)
    if kpi is None or not kpi.public:
        raise WebError(404, f"no KPI '{kpi_id}' in the catalog")
    return kpi


def kpi_payload(client: Client, kpi_id: str, picked: Picked, by: str | None) -> dict[str, Any]:
    """The KPI page payload."""
    kpi = get_kpi(client, kpi_id)
    if by and by not in kpi.dimensions:
        raise WebError(
            400,
            f"KPI '{kpi.id}' cannot be split by '{by}'; dimensions: {', '.join(kpi.dimensions) or 'none'}",
        )
    page = dict(kpi_page(client, kpi, picked.period, by or None))
    page.update({"client": client_json(client), "picker": picked.to_json(), "by": by})
    return page


@router.get("/clients/{name}/kpis/{kpi_id}.json", operation_id="kpi_page_json")
def kpi_page_json(
    client: ClientDep, kpi_id: str, picked: PeriodDep, by: ByQuery = None
) -> JSONResponse:
    """The KPI page's JSON twin."""
    return json_page(kpi_payload(client, kpi_id, picked, by))


@router.get("/clients/{name}/kpis/{kpi_id}", operation_id="kpi_page", response_class=HTMLResponse)
def kpi_page_html(
    request: Request,
    client: ClientDep,
    kpi_id: str,
    picked: PeriodDep,
    viewer: ViewerDep,
    by: ByQuery = None,
) -> Response:
    """One KPI in depth."""
    page = kpi_payload(client, kpi_id, picked, by)
    body = fragment(client, "_kpi_body.html", (kpi_id, picked.period.label, by), page)
    return render(request, "kpi.html", page, viewer=viewer, extra={"fragment": body})


def catalog_payload() -> dict[str, Any]:
    """Every public KPI of the catalog, by category (no client data)."""
    catalog = load_catalog()
    return {
        "kpis": [
            {
                "id": k.id,
                "name": k.name,
                "category": k.category.value,
                "unit": k.unit.value,
                "owner": k.owner.value,
                "cadence": k.cadence.value,
                "description": k.description,
            }
            for k in catalog.public()
        ]
    }


def catalog_kpi_payload(kpi_id: str) -> dict[str, Any]:
    """One KPI's declaration with its formula and a sample compiled SQL (no client data)."""
    kpi = load_catalog().kpis.get(kpi_id)
    if kpi is None or not kpi.public:
        raise WebError(404, f"no KPI '{kpi_id}' in the catalog")
    return {
        "kpi": kpi.model_dump(mode="json"),
        "formula": formula_text(kpi.id),
        "sample_sql": sample_sql(kpi.id, "duckdb"),
    }


@router.get("/kpis.json", operation_id="catalog_json")
def catalog_json(viewer: ViewerDep) -> JSONResponse:
    """The catalog page's JSON twin."""
    return json_page(catalog_payload())


@router.get("/kpis", operation_id="catalog", response_class=HTMLResponse)
def catalog(request: Request, viewer: ViewerDep) -> Response:
    """The KPI catalog: every KPI Pulse computes."""
    return render(request, "catalog.html", catalog_payload(), viewer=viewer)


@router.get("/kpis/{kpi_id}.json", operation_id="catalog_kpi_json")
def catalog_kpi_json(kpi_id: str, viewer: ViewerDep) -> JSONResponse:
    """A catalog KPI's JSON twin."""
    return json_page(catalog_kpi_payload(kpi_id))


@router.get("/kpis/{kpi_id}", operation_id="catalog_kpi", response_class=HTMLResponse)
def catalog_kpi(request: Request, kpi_id: str, viewer: ViewerDep) -> Response:
    """One KPI's definition, formula and compiled SQL (a sample quarter)."""
    return render(request, "catalog_kpi.html", catalog_kpi_payload(kpi_id), viewer=viewer)
