"""Advice before data in the dashboard: the advise form and the playbook of each profile.

``/advise`` is the ``pulse advise`` form (the same parsers, the same :func:`advise`, the same
HTML sections as ``pulse advise --format html``); ``/advise.json`` is its twin (query
parameters named like the form fields). ``/playbook`` lists the profiles and
``/playbook/{profile}`` renders one playbook, its Mermaid flowchart drawn in the browser by the
mermaid.js the app serves from its static folder (no CDN); ``.json`` is the twin and
``.md`` / ``.html`` the same downloads as ``pulse playbook``.

Access: advice and playbooks are not client data (they come from the profiles and the KPI
catalog only, and nothing submitted is stored), so any logged-in user may use them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from pulse.advise import render_html, render_md
from pulse.advise.advice import advise
from pulse.advise.playbook import Playbook, build_playbook
from pulse.advise.serialize import to_data
from pulse.catalog.profiles import load_profile
from pulse.errors import Issue, PulseError
from pulse.web.advise_form import FIELD_NAMES, FIELDS, FormResult, form_schema, read_form
from pulse.web.advise_form import industries as profile_choices
from pulse.web.deps import CsrfDep, StateDep, ViewerDep
from pulse.web.errors import WebError
from pulse.web.templating import json_page, render

router = APIRouter(tags=["advise"])

ACCESS_NOTE = (
    "Advice is not client data: it is computed from the profiles and the KPI catalog only, "
    "nothing you enter is stored, and any logged-in user may use this page."
)
MERMAID_JS_URL = render_html.MERMAID_URL
PLAYBOOK_FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}


def _query_url(values: Mapping[str, str]) -> str:
    return "/advise.json" + (f"?{urlencode(values)}" if values else "")


def advise_payload(form: FormResult | None, today: date) -> dict[str, Any]:
    """The advise page: the form (fields, values, errors) and, when the form reads, the
    advice exactly as ``pulse advise --format json`` gives it."""
    payload: dict[str, Any] = {
        "access": ACCESS_NOTE,
        "fields": form_schema(),
        "values": form.values if form else {},
        "field_errors": form.errors if form else {},
        "advice": None,
    }
    if form is not None and form.ok and form.facts is not None:
        try:
            result = advise(form.facts, form.terms, today=today)
        except PulseError as exc:  # e.g. a profile that no longer loads
            payload["field_errors"] = {"industry": exc.message}
        else:
            payload["advice"] = to_data(result)
            payload["advice_html"] = render_html.advice_fragment(result)
            payload["json_url"] = _query_url(form.values)
    return payload


def _submitted(params: Mapping[str, Any]) -> FormResult | None:
    """The form read from ``params``, or None when no field was given at all."""
    if not any(isinstance(params.get(n), str) and params.get(n) for n in FIELD_NAMES):
        return None
    return read_form(params)


def _refused(payload: Mapping[str, Any]) -> WebError:
    errors: Mapping[str, str] = payload["field_errors"]
    issues = [Issue(message, None, None, name) for name, message in errors.items()]
    count = len(issues)
    return WebError(
        400, f"the company facts have {count} problem{'' if count == 1 else 's'}", issues
    )


def _advise_json(payload: dict[str, Any]) -> JSONResponse:
    if payload["field_errors"]:
        raise _refused(payload)
    payload.pop("advice_html", None)
    return json_page(payload)


def _advise_html(
    request: Request, payload: dict[str, Any], viewer: Any, status: int = 200
) -> HTMLResponse:
    extra = {"advice_html": Markup(payload.pop("advice_html", "")), "fields": FIELDS}
    if "json_url" in payload:
        extra["json_url"] = payload["json_url"]
    extra["industries"] = profile_choices()
    return render(request, "advise.html", payload, viewer=viewer, status=status, extra=extra)


@router.get("/advise.json", operation_id="advise_page_json")
def advise_page_json(request: Request, viewer: ViewerDep, state: StateDep) -> JSONResponse:
    """The advise page's twin: the form's fields; with query parameters named like the
    fields (``industry=martech&arr=4M…``), the advice as ``pulse advise --format json``."""
    return _advise_json(advise_payload(_submitted(request.query_params), state.today()))


@router.get("/advise", operation_id="advise_page", response_class=HTMLResponse)
def advise_page(request: Request, viewer: ViewerDep, state: StateDep) -> Response:
    """The advise form (and the advice, when the query carries the facts)."""
    payload = advise_payload(_submitted(request.query_params), state.today())
    status = 400 if payload["field_errors"] else 200
    return _advise_html(request, payload, viewer, status)


@router.post("/advise.json", operation_id="advise_submit_json")
async def advise_submit_json(
    request: Request, viewer: ViewerDep, state: StateDep, _csrf: CsrfDep
) -> JSONResponse:
    """The advice for the submitted form fields (error envelope naming each bad field)."""
    form = await request.form()
    return _advise_json(advise_payload(read_form(form), state.today()))


@router.post("/advise", operation_id="advise_submit", response_class=HTMLResponse)
async def advise_submit(
    request: Request, viewer: ViewerDep, state: StateDep, _csrf: CsrfDep
) -> Response:
    """The advice for the submitted form; a bad field is shown next to it (400)."""
    form = await request.form()
    payload = advise_payload(read_form(form), state.today())
    status = 400 if payload["field_errors"] else 200
    return _advise_html(request, payload, viewer, status)


def playbook_index_payload() -> dict[str, Any]:
    """Every profile with its playbook links."""
    out = []
    for p in profile_choices():
        profile = load_profile(p["id"])
        out.append(
            {
                **p,
                "description": profile.description,
                "url": f"/playbook/{p['id']}",
                "variants": sorted(profile.variants),
            }
        )
    return {"access": ACCESS_NOTE, "profiles": out}


@router.get("/playbook.json", operation_id="playbook_index_json")
def playbook_index_json(viewer: ViewerDep) -> JSONResponse:
    """The playbook index's twin."""
    return json_page(playbook_index_payload())


@router.get("/playbook", operation_id="playbook_index", response_class=HTMLResponse)
def playbook_index(request: Request, viewer: ViewerDep) -> Response:
    """One playbook per profile."""
    return render(request, "playbook_index.html", playbook_index_payload(), viewer=viewer)


ProfileParam = Annotated[str, Path(description="Profile id, e.g. martech, services, iot.")]
VariantParam = Annotated[
    str | None, Query(description="Apply a variant, e.g. plg, retainer, discrete.")
]


def _playbook(profile_id: str, variant: str | None) -> Playbook:
    """The playbook of a shipped profile (404 for an unknown one, 400 for a bad variant)."""
    known = [p["id"] for p in profile_choices()]
    if profile_id not in known:
        raise WebError(404, f"no profile '{profile_id}'; known profiles: {', '.join(known)}")
    profile = load_profile(profile_id)
    if variant and variant not in profile.variants:
        valid = ", ".join(sorted(profile.variants)) or "none"
        raise WebError(400, f"profile '{profile_id}' has no variant '{variant}'; valid: {valid}")
    return build_playbook(profile, variant or None)


def playbook_payload(playbook: Playbook) -> dict[str, Any]:
    """A playbook page: the playbook as ``pulse playbook`` builds it, and its links."""
    query = f"?variant={playbook.variant}" if playbook.variant else ""
    base = f"/playbook/{playbook.profile_id}"
    return {
        "access": ACCESS_NOTE,
        "playbook": to_data(playbook),
        "variants": [v.name for v in playbook.variants],
        "links": {
            "page": base + query,
            "json": f"{base}.json{query}",
            "markdown": f"{base}.md{query}",
            "html": f"{base}.html{query}",
        },
        "mermaid_js": MERMAID_JS_URL,
    }


@router.get("/playbook/{profile}.json", operation_id="playbook_page_json")
def playbook_page_json(
    viewer: ViewerDep, profile: ProfileParam, variant: VariantParam = None
) -> JSONResponse:
    """The playbook page's twin (the playbook as data, the Mermaid text included)."""
    return json_page(playbook_payload(_playbook(profile, variant)))


@router.get("/playbook/{profile}.{fmt}", operation_id="playbook_download")
def playbook_download(
    viewer: ViewerDep,
    profile: ProfileParam,
    fmt: Annotated[str, Path(description="md or html (a standalone page, mermaid.js inlined).")],
    variant: VariantParam = None,
) -> Response:
    """``pulse playbook PROFILE --format md|html`` as a download."""
    if fmt not in PLAYBOOK_FORMATS:
        raise WebError(404, f"unknown playbook format '{fmt}'; valid formats: md, html, json")
    playbook = _playbook(profile, variant)
    if fmt == "md":
        text = render_md.render_playbook(playbook)
    else:
        text = render_html.render_playbook(playbook, inline_mermaid=True)
    suffix = f"-{playbook.variant}" if playbook.variant else ""
    return Response(
        text,
        media_type=PLAYBOOK_FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="playbook-{profile}{suffix}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/playbook/{profile}", operation_id="playbook_page", response_class=HTMLResponse)
def playbook_page(
    request: Request,
    viewer: ViewerDep,
    profile: ProfileParam,
    variant: VariantParam = None,
) -> Response:
    """The playbook of a profile, its ownership flowchart drawn by the served mermaid.js."""
    playbook = _playbook(profile, variant)
    extra = {"playbook_html": Markup(render_html.playbook_fragment(playbook))}
    return render(request, "playbook.html", playbook_payload(playbook), viewer=viewer, extra=extra)
