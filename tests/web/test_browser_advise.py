"""The board pack, the playbooks and the advise form in a real browser (Debian's Chromium).

Export the PDF from the dashboard's Board pack control and read it back with pypdf; open the
playbook of each of the five seed industries and check that the vendored mermaid.js (served
by the app, no CDN) drew the flowchart; fill the advise form, see a bad field refused next to
it, then see the verdict and the cost. Screenshots of a playbook and of the advice go to
``test-artifacts/``. Skips with a message when /usr/bin/chromium is absent.
"""

from __future__ import annotations

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
from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _free_port, shot

pytestmark = pytest.mark.browser

SEED_PROFILES = ("manufacturing", "supply_chain_software", "services", "martech", "iot")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server on a free loopback port over one small demo company."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium: run scripts/test.sh as "
            "root (it installs it), or `apt-get install -y chromium`"
        )
    import uvicorn

    from pulse.demo import build_workspace

    home = tmp_path_factory.mktemp("browser-advise-home")
    build_workspace(
        "b2b_saas", home=home, name="fabrikam", opportunities=400, anchor=date(2024, 6, 30)
    )
    settings = replace(WebSettings.from_home(home), today=date(2024, 7, 15))
    meta = MetaStore(settings.meta_path)
    meta.add_user("carol", PASSWORD, "cro")
    meta.grant("carol", "fabrikam", "cro")
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
    """A logged-in Chromium page; console errors are collected on ``page.errors``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-advise-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(120_000)
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors  # type: ignore[attr-defined]
        pg.goto(server + "/login")
        pg.fill("input[name=username]", "carol")
        pg.fill("input[name=password]", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url(server + "/portfolio")
        yield pg
        context.close()


def test_export_the_board_pack_pdf_from_the_dashboard(
    server: str, page: Any, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    page.goto(server + "/clients/fabrikam?period=2024-06")
    control = page.locator("#board-pack")
    assert control.is_visible()
    assert " ".join(control.inner_text().split()) == "Board pack for 2024-06: PDF · XLSX · Markdown"
    with page.expect_download() as info:
        control.locator("a", has_text="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(str(saved)).pages)
    assert "fabrikam" in text
    assert "Win rate" in text and "Pipeline coverage" in text
    assert page.errors == []


@pytest.mark.parametrize("profile", SEED_PROFILES)
def test_each_seed_playbook_draws_its_flowchart(server: str, page: Any, profile: str) -> None:
    page.errors.clear()
    page.goto(f"{server}/playbook/{profile}")
    page.wait_for_selector("pre.mermaid[data-drawn]")
    chart = page.locator("pre.mermaid")
    assert chart.get_attribute("data-drawn") == "true", page.errors
    assert chart.locator("svg").count() == 1
    svg_text = chart.inner_text()
    assert "Syntax error" not in svg_text and "Parse error" not in svg_text
    # The labels are in the drawing: the CRO node and the founder who hires them.
    assert "Fractional CRO" in svg_text
    assert chart.locator("svg g.node").count() >= 6
    assert (
        page.locator("h1").first.inner_text().startswith("What KPIs should a fractional CRO own at")
    )
    # mermaid.js came from the app itself, never from a CDN.
    sources = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert f"{server}/static/vendor/mermaid.min.js" in sources
    assert all(s.startswith(server) for s in sources), sources
    assert page.errors == []
    if profile == "martech":
        shot(page, "playbook.png")
        chart.screenshot(path=str(ARTIFACTS / "playbook-flowchart.png"))


def test_fill_the_advise_form(server: str, page: Any) -> None:
    page.errors.clear()
    page.goto(server + "/portfolio")
    page.click("header.top nav a[href='/advise']")
    page.wait_for_url(server + "/advise")
    assert "any logged-in user may use this page" in page.inner_text("#access-note")
    page.select_option("select[name=industry]", "martech")
    page.fill("input[name=arr]", "lots")
    page.fill("input[name=customers]", "120")
    page.click("form.advise-form button[type=submit]")
    page.wait_for_selector("#e-arr")
    assert page.inner_text("#e-arr").startswith("✗ 'lots' is not an amount")
    field = page.locator('.field[data-field="arr"]')
    assert field.locator("#e-arr").is_visible() and field.locator("input").input_value() == "lots"

    page.fill("input[name=arr]", "4M")
    page.fill("input[name=sales_team]", "6")
    page.fill("input[name=cs_team]", "4")
    page.fill("input[name=annual_churn]", "12%")
    page.select_option("select[name=motion]", "plg")
    page.select_option("select[name=has_crm]", "yes")
    page.fill("input[name=start_date]", "2026-01-05")
    page.fill("input[name=days_per_month]", "10")
    page.fill("input[name=day_rate]", "1500")
    page.fill("input[name=vp_monthly]", "30000")
    page.click("form.advise-form button[type=submit]")
    page.wait_for_selector("#advice .recommendation")
    verdict = page.inner_text("#advice .recommendation")
    assert verdict == "A fractional CRO fits: the company is in the fractional sweet spot."
    cost = page.locator("#advice table", has_text="Saving with a fractional CRO")
    row = cost.locator("tr", has_text="$1,500 a day × 10 days a month").inner_text()
    assert row.split("\t")[:3] == ["Fractional CRO", "$15,000", "$180,000"]
    assert page.locator("#e-arr").count() == 0
    shot(page, "advise.png")
    # The refused form answered 400 on purpose; nothing else may fail.
    unexpected = [e for e in page.errors if "status of 400" not in e]
    assert unexpected == [], unexpected
