"""The dashboard in a real browser: Debian's Chromium through Playwright, a real uvicorn server.

Log in, open the portfolio, open a client, change the period, open a KPI (the Plotly chart
draws), upload a file with bad rows and see each error, upload a good one and see the dashboard
change. Screenshots of the portfolio, the dashboard, the KPI page, the forecast and the refused
upload go to ``test-artifacts/``. Skips with a message when /usr/bin/chromium is absent (scripts/test.sh
installs it when it can).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pulse.web import WebSettings, create_app
from pulse.web.users import MetaStore
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BAD_CSV = (
    "opportunity_id,account_id,amount,created_at,close_date,status,closed_at\n"
    "web-1,acc-1,50000,2024-05-01,2024-06-14,won,2024-06-14\n"
    "web-2,acc-1,fifty,2024-05-01,2024-06-14,won,2024-06-14\n"
    "web-3,acc-1,50000,2024-05-01,2024-06-14,maybe,2024-06-14\n"
    "web-4,acc-1,50000,2024-05-32,2024-06-14,won,2024-06-14\n"
)
GOOD_CSV = "opportunity_id,account_id,amount,created_at,close_date,status,closed_at\n" + "".join(
    f"web-{i},acc-1,50000,2024-05-01,2024-06-14,won,2024-06-14\n" for i in range(1, 41)
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server on a free loopback port over two demo companies."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium: run scripts/test.sh as "
            "root (it installs it), or `apt-get install -y chromium`"
        )
    import uvicorn

    from pulse.demo import build_workspace

    home = tmp_path_factory.mktemp("browser-home")
    anchor = date(2024, 6, 30)
    build_workspace("b2b_saas", home=home, name="northwind", opportunities=1500, anchor=anchor)
    build_workspace("services", home=home, name="contoso", opportunities=600, anchor=anchor)
    settings = replace(WebSettings.from_home(home), today=date(2024, 7, 15))
    meta = MetaStore(settings.meta_path)
    meta.add_user("carol", PASSWORD, "cro")
    meta.grant("carol", "northwind", "cro")
    meta.grant("carol", "contoso", "cro")
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def page(server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium page with a fresh profile; console errors are collected on ``page.errors``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(120_000)  # first computations are slow on a busy machine
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors
        yield pg
        context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def win_rate_value(page: Any) -> str:
    text: str = page.locator('article[data-kpi="win_rate"] .value').inner_text()
    return text


def test_the_cro_journey(server: str, page: Any, tmp_path: Path) -> None:
    # Log in.
    page.goto(server + "/")
    assert page.url.startswith(server + "/login")
    page.fill("input[name=username]", "carol")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/portfolio")

    # The portfolio: both clients, core KPIs with status words.
    assert page.locator("article.client-row").count() == 2
    assert page.locator('article[data-client="northwind"]').is_visible()
    assert "Generic B2B SaaS" in page.inner_text('article[data-client="northwind"]')
    shot(page, "portfolio.png")

    # A client's dashboard.
    page.click('article[data-client="northwind"] h2 a')
    page.wait_for_url(re.compile(r".*/clients/northwind\?period=2024-06$"))
    assert page.locator("h2", has_text="Leading indicators").is_visible()
    assert page.locator("h2", has_text="Lagging indicators").is_visible()
    assert page.locator("section#health h2").is_visible()
    before = win_rate_value(page)
    assert before.endswith("%")
    badge = page.inner_text('article[data-kpi="win_rate"] .badge')
    assert " ".join(badge.split()) in {"✓ On track", "! Watch", "✗ Off track"}, badge
    shot(page, "dashboard.png")

    # Change the period: picking the kind submits (JavaScript) to the last complete quarter.
    page.select_option("select[data-kind]", "quarter")
    page.wait_for_url(re.compile(r".*kind=quarter.*"))
    assert "2024-Q2 (2024-04-01 to 2024-06-30)" in page.inner_text(".page-head .sub")
    page.select_option("select[data-period]", "2024-Q1")
    page.wait_for_url(re.compile(r".*period=2024-Q1.*"))
    assert "2024-Q1 (2024-01-01 to 2024-03-31)" in page.inner_text(".page-head .sub")

    # A KPI page: the Plotly chart draws from the plotly.js served by the app.
    page.click('article[data-kpi="win_rate"] a.name')
    page.wait_for_selector('#series-chart[data-drawn="true"]')
    assert page.locator("#series-chart .main-svg").count() >= 1
    assert page.locator("h2", has_text="Why it moved").is_visible()
    assert page.locator("h3", has_text="By owner id").is_visible()
    shot(page, "kpi.png")

    # The forecast of the month in progress, when pulse.forecast is installed.
    from pulse.web import extras

    if extras.forecast_available():
        page.goto(server + "/clients/northwind/forecast")
        assert page.locator(".card .name", has_text="P10 · P50 · P90").is_visible()
        assert "Bookings in 2024-07" in page.inner_text(".page-head .sub")
        shot(page, "forecast.png")

    # Upload a file with bad rows: every error is shown with file:line:column.
    page.goto(server + "/clients/northwind/data?period=2024-06")
    bad = tmp_path / "june-deals.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    page.select_option("select[name=table]", "opportunities")
    page.set_input_files("input[name=file]", str(bad))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors li").all_inner_texts()
    assert errors == [
        "june-deals.csv:3:amount expected an amount, got 'fifty'",
        "june-deals.csv:4:status expected one of open, won, lost, got 'maybe'",
        "june-deals.csv:5:created_at expected a date, got '2024-05-32'",
    ]
    shot(page, "upload-refused.png")

    # Upload a good one: it is logged and the dashboard changes.
    good = tmp_path / "june-wins.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    page.select_option("select[name=table]", "opportunities")
    page.set_input_files("input[name=file]", str(good))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("#import-result")
    assert "✓ Imported june-wins.csv into opportunities: 40 rows read, 40 inserted" in (
        page.inner_text("#import-result")
    )
    page.goto(server + "/clients/northwind?period=2024-06")
    after = win_rate_value(page)
    assert after != before, f"win rate stayed {before} after 40 more won deals"
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    # The refused upload answers 422 on purpose; nothing else may fail (scripts, CSP, files).
    unexpected = [e for e in page.errors if "status of 422" not in e]
    assert unexpected == [], unexpected
