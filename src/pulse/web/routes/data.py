"""A client's data: tables, import log, data-quality findings, and uploads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pulse.errors import ImportValidationError
from pulse.ingest.mapping import available_presets
from pulse.web.dashboard import client_json
from pulse.web.data_page import overview, quality, refusal, upload
from pulse.web.deps import ClientDep, CsrfDep, EditableClientDep, PeriodDep, Viewer, ViewerDep
from pulse.web.errors import WebError
from pulse.web.picker import Picked
from pulse.web.state import Client
from pulse.web.templating import json_page, render

router = APIRouter(tags=["data"])


def data_payload(client: Client, picked: Picked, viewer: Viewer) -> dict[str, Any]:
    """The data page payload."""
    return {
        "client": client_json(client),
        **picked.period.to_json(),
        "picker": picked.to_json(),
        "data_version": client.data_version(),
        **overview(client),
        "quality": quality(client, picked.period),
        "can_upload": viewer.can_edit(client.name),
        "presets": available_presets(),
    }


@router.get("/clients/{name}/data.json", operation_id="data_page_json")
def data_page_json(client: ClientDep, picked: PeriodDep, viewer: ViewerDep) -> JSONResponse:
    """The data page's JSON twin."""
    return json_page(data_payload(client, picked, viewer))


@router.get("/clients/{name}/data", operation_id="data_page", response_class=HTMLResponse)
def data_page(
    request: Request,
    client: ClientDep,
    picked: PeriodDep,
    viewer: ViewerDep,
    imported: int | None = None,
) -> Response:
    """Upload files, see the import log and the data-quality findings."""
    page = data_payload(client, picked, viewer)
    page["imported"] = next((e for e in page["imports"] if e["import_id"] == imported), None)
    return render(request, "data.html", page, viewer=viewer)


TableForm = Annotated[str, Form(description="Canonical table, e.g. opportunities.")]
MappingForm = Annotated[str, Form(description="A shipped mapping preset (optional).")]
DateFormatForm = Annotated[str, Form(description="Date format tried first, e.g. DD/MM/YYYY.")]
ReplaceForm = Annotated[bool, Form(description="Swap the table whole instead of upserting.")]


def _run_upload(
    client: Client, table: str, file: UploadFile, mapping: str, date_format: str, replace: bool
) -> dict[str, Any]:
    if not file.filename:
        raise WebError(400, "choose a file to upload")
    return upload(
        client,
        table,
        file.filename,
        file.file,
        mapping=mapping or None,
        date_format=date_format or None,
        replace=replace,
    )


@router.post("/clients/{name}/data/upload.json", operation_id="data_upload_json")
def data_upload_json(
    client: EditableClientDep,
    _csrf: CsrfDep,
    table: TableForm,
    file: UploadFile,
    mapping: MappingForm = "",
    date_format: DateFormatForm = "",
    replace: ReplaceForm = False,
) -> JSONResponse:
    """Import a file (all rows or none); a refused file answers 422 with every bad row."""
    result = _run_upload(client, table, file, mapping, date_format, replace)
    return json_page({"import": result, "data_version": client.data_version()})


@router.post("/clients/{name}/data/upload", operation_id="data_upload")
def data_upload(
    request: Request,
    client: EditableClientDep,
    picked: PeriodDep,
    viewer: ViewerDep,
    _csrf: CsrfDep,
    table: TableForm,
    file: UploadFile,
    mapping: MappingForm = "",
    date_format: DateFormatForm = "",
    replace: ReplaceForm = False,
) -> Response:
    """Import a file from the form; show every bad row, or go back to the page on success."""
    try:
        result = _run_upload(client, table, file, mapping, date_format, replace)
    except ImportValidationError as exc:
        page = data_payload(client, picked, viewer)
        page.update({"refused": refusal(exc), "form": {"table": table, "mapping": mapping}})
        return render(request, "data.html", page, viewer=viewer, status=422)
    return RedirectResponse(
        f"/clients/{client.name}/data?period={picked.period.label}&imported={result['import_id']}",
        status_code=303,
    )
