"""A small site for the web tests: three clients, five users, and a logged-in client helper.

- ``acme`` (b2b_saas): win rate 25% in 2024-05 and 75% in 2024-06; engagement started
  2024-06-01, so its KPI set is still in the 90-day ramp on "today" (2024-07-15).
- ``globex`` (b2b_saas): win rate 50% in 2024-05 and 10% in 2024-06 (red: turned red);
  engagement started 2024-01-01, so its KPI set is locked.
- ``initech`` (services): no data at all.

Users (password ``correct-horse-battery``): ``admin``; ``carol``, CRO of acme and initech;
``bob``, CRO of globex; ``vic``, client viewer of acme; ``nora``, a CRO with no clients.
Every value that appears only in one client's data (account names, opportunity ids) is a marker
the access test looks for.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

with warnings.catch_warnings():  # starlette's notice about httpx2; the test client still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from pulse.web import WebSettings, create_app
from pulse.web.users import MetaStore
from tests.kpis.harness import make_workspace

TODAY = date(2024, 7, 15)
PASSWORD = "correct-horse-battery"
OPP_COLUMNS = [
    "opportunity_id",
    "account_id",
    "owner_id",
    "amount",
    "created_at",
    "close_date",
    "status",
    "closed_at",
    "stage",
]


def opp(oid: str, account: str, owner: str, status: str, closed: str) -> list[Any]:
    """One closed opportunity of 1,000 created on 2024-04-01."""
    return [oid, account, owner, 1000, "2024-04-01", closed, status, closed, "proposal"]


ACME = {
    "accounts": {
        "columns": ["account_id", "name", "created_at"],
        "rows": [["za1", "Zebulon Widgets", "2024-01-01"], ["za2", "Quaxel Corp", "2024-01-01"]],
    },
    "opportunities": {
        "columns": OPP_COLUMNS,
        "rows": [
            opp("zq-1", "za1", "r1", "won", "2024-06-05"),
            opp("zq-2", "za1", "r1", "won", "2024-06-10"),
            opp("zq-3", "za2", "r2", "won", "2024-06-20"),
            opp("zq-4", "za2", "r2", "lost", "2024-06-12"),
            opp("zq-5", "za1", "r1", "won", "2024-05-10"),
            opp("zq-6", "za1", "r2", "lost", "2024-05-11"),
            opp("zq-7", "za2", "r2", "lost", "2024-05-12"),
            opp("zq-8", "za2", "r2", "lost", "2024-05-13"),
        ],
    },
}
GLOBEX = {
    "accounts": {
        "columns": ["account_id", "name", "created_at"],
        "rows": [["ga1", "Globex Umbrella Holdings", "2024-01-01"]],
    },
    "opportunities": {
        "columns": OPP_COLUMNS,
        "rows": [
            opp("gx-1", "ga1", "g1", "won", "2024-05-03"),
            opp("gx-2", "ga1", "g1", "won", "2024-05-04"),
            opp("gx-3", "ga1", "g1", "lost", "2024-05-05"),
            opp("gx-4", "ga1", "g1", "lost", "2024-05-06"),
            opp("gx-5", "ga1", "g1", "won", "2024-06-03"),
            *[opp(f"gx-{i}", "ga1", "g1", "lost", "2024-06-04") for i in range(6, 15)],
        ],
    },
}
MARKERS = {
    "acme": ["Zebulon", "Quaxel", "zq-"],
    "globex": ["Globex Umbrella", "gx-"],
    "initech": [],
}
USERS = {
    "admin": ("admin", []),
    "carol": ("cro", [("acme", "cro"), ("initech", "cro")]),
    "bob": ("cro", [("globex", "cro")]),
    "vic": ("client_viewer", [("acme", "client_viewer")]),
    "nora": ("cro", []),
}


def build_site(home: Path) -> WebSettings:
    """Create the three workspaces and the users under ``home``."""
    make_workspace(home, ACME, name="acme", settings={"engagement_start": date(2024, 6, 1)})
    make_workspace(home, GLOBEX, name="globex", settings={"engagement_start": date(2024, 1, 1)})
    make_workspace(home, {}, name="initech", profile="services")
    settings = replace(WebSettings.from_home(home), today=TODAY)
    meta = MetaStore(settings.meta_path)
    for name, (role, grants) in USERS.items():
        meta.add_user(name, PASSWORD, role)
        for workspace, grant_role in grants:
            meta.grant(name, workspace, grant_role)
    return settings


def csrf_from(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log ``client`` in; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return session_csrf(client)


def session_csrf(client: TestClient) -> str:
    """The logged-in session's CSRF token."""
    token: str = client.get("/-/session").json()["csrf_token"]
    return token


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> WebSettings:
    """A read-mostly site shared by a module's tests."""
    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def app(site: WebSettings) -> FastAPI:
    """The app over the shared site."""
    return create_app(site)


@pytest.fixture
def fresh_app(tmp_path: Path) -> FastAPI:
    """An app over a site of its own (for tests that change data)."""
    return create_app(build_site(tmp_path / "home"))


@pytest.fixture
def as_user(app: FastAPI) -> Iterator[Any]:
    """``as_user(name)`` → a TestClient logged in as ``name`` (and its CSRF token)."""
    clients: list[TestClient] = []

    def make(name: str, target: FastAPI | None = None) -> tuple[TestClient, str]:
        client = TestClient(target or app)
        clients.append(client)
        return client, login(client, name)

    yield make
    for c in clients:
        c.close()
