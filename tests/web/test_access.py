"""The access walk: every route and every JSON twin, as users who must not see the target.

Routes are enumerated from ``app.routes``, so a route added later is walked too; a new route
without a ``{name}`` (workspace) parameter must be classified below or the test fails. For
each user without access, every request to another client's routes must answer 404 or 403,
carry none of that client's data (markers from its rows), and change nothing.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pulse.web.app import api_routes
from pulse.workspace.store import open_workspace
from tests.web.conftest import MARKERS, login

# Routes without a workspace in the path: who may call them.
PUBLIC = {"health", "version", "plotly_js", "login_form", "login", "openapi"}
SIGNED_IN = {
    "home",
    "portfolio",
    "portfolio_json",
    "logout",
    "session",
    "catalog",
    "catalog_json",
    "catalog_kpi",
    "catalog_kpi_json",
    # Advice and playbooks come from the profiles and the catalog, not from any client's data.
    "advise_page",
    "advise_page_json",
    "advise_submit",
    "advise_submit_json",
    "playbook_index",
    "playbook_index_json",
    "playbook_page",
    "playbook_page_json",
    "playbook_download",
}
ADMIN_ONLY = {
    "admin_users",
    "admin_users_json",
    "admin_user_add",
    "admin_user_remove",
    "admin_grant",
    "admin_revoke",
}
# (user, workspace they must not see)
OUTSIDERS = [("nora", "acme"), ("bob", "acme"), ("vic", "globex"), ("carol", "globex")]


def walk(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path template, operation id) of every route, including the OpenAPI document."""
    out = []
    for route in api_routes(app):
        for method in sorted(route.methods - {"HEAD"}):
            out.append((method, route.path, route.operation_id or route.name))
    out.append(("GET", app.openapi_url or "/-/openapi.json", "openapi"))
    return out


def fill(path: str, workspace: str) -> str:
    return (
        path.replace("{name}", workspace)
        .replace("{kpi_id}", "win_rate")
        .replace("{username}", "carol")
    )


def request(client: TestClient, method: str, url: str, token: str) -> Any:
    headers = {"X-CSRF-Token": token}
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    data = {
        "csrf_token": token,
        "table": "opportunities",
        "kpi:win_rate": "off",
        "kpi:nrr": "core",
        "reason": "walk",
        "username": "carol",
        "workspace": "acme",
        "password": "a-long-password",
        "role": "cro",
    }
    files = {"file": ("opps.csv", io.BytesIO(b"opportunity_id,status\nx,won\n"), "text/csv")}
    return client.request(
        method, url, data=data, files=files, headers=headers, follow_redirects=False
    )


def test_every_route_is_classified(app: FastAPI) -> None:
    unclassified = [
        op
        for _, path, op in walk(app)
        if "{name}" not in path and op not in PUBLIC | SIGNED_IN | ADMIN_ONLY
    ]
    assert unclassified == [], "classify these routes in tests/web/test_access.py"


def test_every_page_has_a_json_twin(app: FastAPI) -> None:
    paths = {path for method, path, _ in walk(app) if method == "GET"}
    pages = {p for p in paths if not p.endswith(".json") and not p.startswith("/-/")}
    pages -= {"/", "/login"}
    # Downloads in a chosen format (the board pack) include report.json themselves.
    pages -= {p for p in pages if p.endswith(".{fmt}")}
    assert "/kpis" in pages and "/clients/{name}" in pages
    assert sorted(p for p in pages if f"{p}.json" not in paths) == []


@pytest.mark.parametrize(("user", "target"), OUTSIDERS)
def test_no_route_shows_or_changes_another_clients_data(
    app: FastAPI, user: str, target: str
) -> None:
    ws = open_workspace(target, app.state.pulse.settings.home)
    version_before = ws.data_version()
    meta = app.state.pulse.meta
    kpi_sets_before = meta.kpi_set_history(target)
    reviews_before = meta.last_review(target)
    client = TestClient(app)
    token = login(client, user)
    walked = 0
    for method, path, op in walk(app):
        if op in ("logout", "login"):
            continue
        url = fill(path, target)
        response = request(client, method, url, token)
        body = response.text
        for marker in MARKERS[target]:
            assert marker not in body, f"{method} {url} ({op}) leaks {marker!r} to {user}"
        if "{name}" in path:
            walked += 1
            assert response.status_code in (403, 404), (
                f"{method} {url} ({op}) answered {response.status_code} to {user}"
            )
            if url.endswith(".json"):
                assert set(response.json()) == {"ok", "error", "errors", "status"}
        elif op in ADMIN_ONLY:
            assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
        elif op in ("portfolio_json",):
            names = [c["name"] for c in response.json()["clients"]]
            assert target not in names
        elif op == "portfolio":
            assert f'data-client="{target}"' not in body
    assert walked >= 15
    assert ws.data_version() == version_before
    assert meta.kpi_set_history(target) == kpi_sets_before
    assert meta.last_review(target) == reviews_before


def test_a_client_viewer_reads_but_does_not_change_their_own_company(app: FastAPI) -> None:
    client = TestClient(app)
    token = login(client, "vic")
    assert client.get("/clients/acme.json").status_code == 200
    assert client.get("/clients/acme/kpis/win_rate.json").status_code == 200
    for method, path, _ in walk(app):
        if method != "POST" or "{name}" not in path:
            continue
        response = request(client, method, fill(path, "acme"), token)
        assert response.status_code == 403, f"{path} answered {response.status_code}"
        assert "but not change it" in response.text
    assert client.get("/admin/users.json").status_code == 403


def test_nobody_logged_in_gets_nothing(app: FastAPI) -> None:
    client = TestClient(app)
    for method, path, op in walk(app):
        if op in PUBLIC:
            continue
        url = fill(path, "acme")
        response = request(client, method, url, "")
        if url.endswith(".json") or url.startswith("/-/"):
            assert response.status_code == 401, f"{method} {url}: {response.status_code}"
            assert json.loads(response.text)["status"] == 401
        else:
            assert response.status_code in (303, 401), f"{method} {url}: {response.status_code}"
        for marker in MARKERS["acme"]:
            assert marker not in response.text


def test_admin_sees_every_client(as_user: Any) -> None:
    client, _ = as_user("admin")
    for name in ("acme", "globex", "initech"):
        assert client.get(f"/clients/{name}.json").status_code == 200
