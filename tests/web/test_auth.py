"""Logging in and out: argon2 hashes, cookie flags, CSRF, rate limit, redirects."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pulse.web import WebSettings, create_app
from pulse.web.auth import LoginLimiter
from pulse.web.users import MetaError, MetaStore
from tests.web.conftest import PASSWORD, csrf_from


def _post_login(client: TestClient, username: str, password: str, **extra: str) -> Any:
    token = csrf_from(client.get("/login").text)
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data, follow_redirects=False)


def test_passwords_are_stored_as_argon2id_hashes(site: WebSettings) -> None:
    with sqlite3.connect(site.meta_path) as con:
        hashes = [row[0] for row in con.execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_session_cookie_is_httponly_and_samesite_lax(app: FastAPI) -> None:
    client = TestClient(app)
    response = _post_login(client, "carol", PASSWORD)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "pulse_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http


def test_session_cookie_is_secure_over_tls(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    response = _post_login(client, "carol", PASSWORD)
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_wrong_password_and_unknown_user_get_the_same_answer(app: FastAPI) -> None:
    client = TestClient(app)
    wrong = _post_login(client, "carol", "not-the-password")
    nobody = _post_login(client, "mallory", "not-the-password")
    assert wrong.status_code == nobody.status_code == 401
    assert "wrong user name or password" in wrong.text
    assert "wrong user name or password" in nobody.text
    assert "pulse_session" not in wrong.headers.get("set-cookie", "")


def test_login_form_needs_its_csrf_cookie(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.post(
        "/login",
        data={"username": "carol", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_login_is_rate_limited_per_user_name(tmp_path: Path) -> None:
    settings = replace(WebSettings.from_home(tmp_path), login_attempts=3)
    app = create_app(settings)
    app.state.pulse.meta.add_user("carol", PASSWORD, "cro")
    client = TestClient(app)
    for _ in range(3):
        assert _post_login(client, "carol", "guess-guess").status_code == 401
    locked = _post_login(client, "carol", PASSWORD)  # even the right password now waits
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert "too many failed logins: try again in" in locked.text


def test_limiter_window_slides() -> None:
    now = [0.0]
    limiter = LoginLimiter(2, 60, clock=lambda: now[0])
    limiter.failed("user:x")
    limiter.failed("user:x")
    assert limiter.retry_after("user:x") == 60
    now[0] = 30
    assert limiter.retry_after("user:x") == 30
    now[0] = 61
    assert limiter.retry_after("user:x") == 0
    limiter.failed("user:x")
    limiter.succeeded("user:x")
    assert limiter.retry_after("user:x") == 0


def test_posts_need_the_session_csrf_token(as_user: Any) -> None:
    client, token = as_user("carol")
    refused = client.post("/clients/acme/review", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert refused.text.count("invalid or missing CSRF token") == 1
    missing = client.post("/logout")
    assert missing.status_code == 403
    accepted = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert accepted.status_code == 303


def test_logout_ends_the_session(as_user: Any) -> None:
    client, token = as_user("carol")
    client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
    response = client.get("/portfolio.json")
    assert response.status_code == 401


def test_pages_redirect_to_login_and_back(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.get("/clients/acme?period=2024-06", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fclients%2Facme%3Fperiod%3D2024-06"
    back = _post_login(client, "carol", PASSWORD, next="/clients/acme?period=2024-06")
    assert back.headers["location"] == "/clients/acme?period=2024-06"


def test_login_never_redirects_off_site(app: FastAPI) -> None:
    client = TestClient(app)
    response = _post_login(client, "carol", PASSWORD, next="//evil.example/")
    assert response.headers["location"] == "/"


def test_expired_sessions_are_refused(tmp_path: Path) -> None:
    meta = MetaStore(tmp_path / "meta.sqlite3")
    meta.add_user("carol", PASSWORD, "cro")
    token, _ = meta.create_session("carol", hours=-1)
    assert meta.session(token) is None
    live, _ = meta.create_session("carol", hours=1)
    assert meta.session(live) is not None


def test_user_rules(tmp_path: Path) -> None:
    meta = MetaStore(tmp_path / "meta.sqlite3")
    with pytest.raises(MetaError, match="password too short: at least 8 characters"):
        meta.add_user("carol", "short", "cro")
    with pytest.raises(MetaError, match="invalid user name 'Carol Smith'"):
        meta.add_user("Carol Smith", PASSWORD, "cro")
    meta.add_user("vic", PASSWORD, "client_viewer")
    meta.grant("vic", "acme", "client_viewer")
    with pytest.raises(MetaError, match="a client viewer sees only their own company"):
        meta.grant("vic", "globex", "client_viewer")
    with pytest.raises(MetaError, match="can only be granted the client_viewer role"):
        meta.grant("vic", "acme", "cro")


def test_session_endpoint_gives_scripts_the_csrf_token(as_user: Any) -> None:
    client, token = as_user("vic")
    info = client.get("/-/session").json()
    assert info == {
        "ok": True,
        "user": info["user"],
        "grants": {"acme": "client_viewer"},
        "csrf_token": token,
    }
