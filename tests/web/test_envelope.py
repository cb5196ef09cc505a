"""One JSON error envelope, pinned: {"ok": false, "error", "errors", "status"}; stable ids."""

from __future__ import annotations

import io
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pulse.web.app import api_routes

ENVELOPE_KEYS = ["ok", "error", "errors", "status"]


def test_not_found_envelope(as_user: Any) -> None:
    client, _ = as_user("carol")
    response = client.get("/clients/nope.json")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "no client 'nope' that you can see",
        "errors": [],
        "status": 404,
    }
    assert list(response.json()) == ENVELOPE_KEYS


def test_not_logged_in_envelope(app: FastAPI) -> None:
    response = TestClient(app).get("/portfolio.json")
    assert response.status_code == 401
    assert response.json() == {
        "ok": False,
        "error": "log in first: this page needs a logged-in user",
        "errors": [],
        "status": 401,
    }


def test_forbidden_envelope(as_user: Any) -> None:
    client, _ = as_user("carol")
    response = client.get("/admin/users.json")
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "error": "only an admin can manage users",
        "errors": [],
        "status": 403,
    }


def test_refused_import_envelope_lists_every_bad_row(fresh_app: FastAPI, as_user: Any) -> None:
    client, token = as_user("carol", fresh_app)
    csv = b"opportunity_id,amount,created_at,status\no1,100,2024-01-05,open\no2,abc,2024-13-05,won\no3,50,2024-01-05,maybe\n"
    response = client.post(
        "/clients/acme/data/upload.json",
        data={"table": "opportunities"},
        files={"file": ("bad.csv", io.BytesIO(csv), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 422
    body = response.json()
    assert list(body) == ENVELOPE_KEYS
    assert body["ok"] is False and body["status"] == 422
    assert body["error"] == (
        "bad.csv: 3 problems found; nothing was imported\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )
    assert body["errors"] == [
        {
            "message": "expected an amount, got 'abc'",
            "file": "bad.csv",
            "line": 3,
            "column": "amount",
        },
        {
            "message": "expected a date, got '2024-13-05'",
            "file": "bad.csv",
            "line": 3,
            "column": "created_at",
        },
        {
            "message": "expected one of open, won, lost, got 'maybe'",
            "file": "bad.csv",
            "line": 4,
            "column": "status",
        },
    ]


def test_validation_error_envelope(as_user: Any) -> None:
    client, token = as_user("carol")
    response = client.post(
        "/clients/acme/data/upload.json", data={}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 422
    body = response.json()
    assert list(body) == ENVELOPE_KEYS
    assert body["error"] == "invalid request"
    assert {e["column"] for e in body["errors"]} == {"body.table", "body.file"}


def test_html_errors_are_pages(as_user: Any) -> None:
    client, _ = as_user("carol")
    response = client.get("/clients/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no client &#39;nope&#39; that you can see" in response.text


def test_operation_ids_are_stable(app: FastAPI) -> None:
    ids = sorted(r.operation_id or "" for r in api_routes(app))
    assert ids == sorted(
        [
            "admin_grant",
            "admin_revoke",
            "admin_user_add",
            "admin_user_remove",
            "admin_users",
            "admin_users_json",
            "advise_page",
            "advise_page_json",
            "advise_submit",
            "advise_submit_json",
            "catalog",
            "catalog_json",
            "catalog_kpi",
            "catalog_kpi_json",
            "client_dashboard",
            "client_dashboard_json",
            "client_report",
            "client_review",
            "data_page",
            "data_page_json",
            "data_upload",
            "data_upload_json",
            "findings_page",
            "findings_page_json",
            "forecast_page",
            "forecast_page_json",
            "health",
            "home",
            "kpi_page",
            "kpi_page_json",
            "kpi_set_change",
            "kpi_set_change_json",
            "kpi_set_page",
            "kpi_set_page_json",
            "login",
            "login_form",
            "logout",
            "playbook_download",
            "playbook_index",
            "playbook_index_json",
            "playbook_page",
            "playbook_page_json",
            "plotly_js",
            "portfolio",
            "portfolio_json",
            "session",
            "version",
        ]
    )
    schema = TestClient(app).get("/-/openapi.json").json()
    in_schema = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert "client_dashboard_json" in in_schema and "kpi_page_json" in in_schema


def test_security_headers(app: FastAPI) -> None:
    response = TestClient(app).get("/login")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
