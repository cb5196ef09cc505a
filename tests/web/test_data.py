"""Uploads through the data page: every bad row shown, a good file changes the dashboard."""

from __future__ import annotations

import io
from typing import Any

from fastapi import FastAPI

from tests.web.test_pages import card

BAD = (
    b"opportunity_id,account_id,amount,created_at,close_date,status,closed_at\n"
    b"zq-9,za1,1000,2024-04-01,2024-06-25,won,2024-06-25\n"
    b"zq-10,za1,lots,2024-04-01,2024-06-25,won,2024-06-25\n"
    b"zq-11,za1,1000,2024-04-01,2024-06-25,maybe,2024-06-31\n"
)
GOOD = (
    b"opportunity_id,account_id,amount,created_at,close_date,status,closed_at\n"
    b"zq-9,za1,1000,2024-04-01,2024-06-25,lost,2024-06-25\n"
    b"zq-10,za1,1000,2024-04-01,2024-06-26,lost,2024-06-26\n"
)


def _upload(client: Any, token: str, name: str, content: bytes) -> Any:
    return client.post(
        "/clients/acme/data/upload?period=2024-06",
        data={"table": "opportunities", "csrf_token": token},
        files={"file": (name, io.BytesIO(content), "text/csv")},
        follow_redirects=False,
    )


def test_bad_file_shows_every_bad_row_and_writes_nothing(fresh_app: FastAPI, as_user: Any) -> None:
    client, token = as_user("carol", fresh_app)
    before = client.get("/clients/acme/data.json").json()["data_version"]
    response = _upload(client, token, "june deals.csv", BAD)
    assert response.status_code == 422
    html = response.text
    assert "june_deals.csv: 3 problems found; nothing was imported" in html
    assert "<code>june_deals.csv:3:amount</code> expected an amount, got &#39;lots&#39;" in html
    assert "<code>june_deals.csv:4:status</code> expected one of open, won, lost" in html
    assert "<code>june_deals.csv:4:closed_at</code>" in html
    assert client.get("/clients/acme/data.json").json()["data_version"] == before


def test_good_file_is_logged_and_changes_the_dashboard(fresh_app: FastAPI, as_user: Any) -> None:
    client, token = as_user("carol", fresh_app)
    assert card(client.get("/clients/acme.json").json(), "win_rate")["value"] == 0.75
    response = _upload(client, token, "june.csv", GOOD)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/clients/acme/data?period=2024-06&imported=")
    page = client.get(response.headers["location"]).text
    assert "✓ Imported june.csv into opportunities: 2 rows read, 2 inserted" in page
    log = client.get("/clients/acme/data.json").json()["imports"]
    assert log[0]["file_name"] == "june.csv" and log[0]["rows_inserted"] == 2
    # June: 3 won of 6 closed now.
    assert card(client.get("/clients/acme.json").json(), "win_rate")["value"] == 0.5


def test_upload_json_twin_reports_the_import(fresh_app: FastAPI, as_user: Any) -> None:
    client, token = as_user("carol", fresh_app)
    response = client.post(
        "/clients/acme/data/upload.json",
        data={"table": "opportunities"},
        files={"file": ("june.csv", io.BytesIO(GOOD), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200
    result = response.json()["import"]
    assert (result["table"], result["inserted"], result["rows_after"]) == ("opportunities", 2, 10)
    assert result["summary"].startswith("imported opportunities from june.csv: 2 rows read")


def test_unknown_table_is_refused_with_a_did_you_mean(fresh_app: FastAPI, as_user: Any) -> None:
    client, token = as_user("carol", fresh_app)
    response = client.post(
        "/clients/acme/data/upload.json",
        data={"table": "oportunities"},
        files={"file": ("x.csv", io.BytesIO(GOOD), "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith(
        "unknown table 'oportunities'. Did you mean 'opportunities'?"
    )
