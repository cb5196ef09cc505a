"""The advise and playbook pages and their JSON twins (no browser).

One hand-checked company (martech, plg, $4M ARR, 10 days a month at $1,500 a day against a
$30,000-a-month VP of Sales with 25% benefits and $60,000 a year of equity):

- fractional CRO 10 × 1,500 = 15,000 a month, 180,000 a year;
- VP salary 30,000 (360,000 a year) + benefits 25% = 7,500 (90,000) + equity 60,000 / 12 =
  5,000 (60,000) = 42,500 a month, 510,000 a year; saving 27,500 a month, 330,000 a year;
- package 80% cash = 12,000 a month, 20% equity = 3,000 a month = 36,000 a year, one sixth per
  core KPI = 6,000 a year each;
- day 1 2026-01-05: days 1–30 end 2026-02-03, days 31–60 run 2026-02-04 to 2026-03-05, days
  61–90 2026-03-06 to 2026-04-04, the KPI set locks on 2026-04-04 (day 90).
"""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from pulse.cli import app as cli_app

FORM = {
    "industry": "martech",
    "arr": "4M",
    "customers": "120",
    "sales_team": "6",
    "cs_team": "4",
    "annual_churn": "12%",
    "motion": "plg",
    "has_crm": "yes",
    "start_date": "2026-01-05",
    "days_per_month": "10",
    "day_rate": "1500",
    "equity_pct": "20%",
    "benefits_load": "25%",
    "vp_monthly": "30000",
    "vp_equity": "60000",
}
CLI_ARGS = [
    "advise", "--industry", "martech", "--arr", "4M", "--customers", "120", "--sales-team", "6",
    "--cs-team", "4", "--annual-churn", "12%", "--motion", "plg", "--has-crm", "yes",
    "--start-date", "2026-01-05", "--days-per-month", "10", "--day-rate", "1500",
    "--equity-pct", "20%", "--benefits-load", "25%", "--vp-monthly", "30000",
    "--vp-equity", "60000", "--format", "json",
]  # fmt: skip
SEED_PROFILES = ("manufacturing", "supply_chain_software", "services", "martech", "iot")


def one(value: str) -> dict[str, str]:
    return {"low": value, "high": value}


def test_the_advise_twin_gives_the_hand_checked_cost(as_user: Any) -> None:
    client, _ = as_user("nora")  # a CRO with no clients: advice is not client data
    response = client.get("/advise.json", params=FORM)
    assert response.status_code == 200, response.text
    advice = response.json()["advice"]
    cost = advice["cost"]
    assert cost["fractional"]["monthly"] == one("15000.00")
    assert cost["fractional"]["annual"] == one("180000.00")
    assert cost["fractional"]["basis"] == "$1,500 a day × 10 days a month"
    assert cost["vp_salary"]["annual"] == one("360000.00")
    assert cost["vp_benefits"]["monthly"] == one("7500.00")
    assert cost["vp_equity"]["monthly"] == one("5000.00")
    assert cost["vp_total"]["monthly"] == one("42500.00")
    assert cost["vp_total"]["annual"] == one("510000.00")
    assert cost["saving"]["monthly"] == one("27500.00")
    assert cost["saving"]["annual"] == one("330000.00")
    assert cost["split"]["cash"]["monthly"] == one("12000.00")
    assert cost["split"]["equity"]["annual"] == one("36000.00")
    assert [m["annual_value"] for m in cost["split"]["milestones"]] == [one("6000.00")] * 6
    assert advice["readiness"]["recommendation"] == "fractional_cro"
    plan = advice["plan"]
    assert [(p["start"], p["end"]) for p in plan["phases"]] == [
        ("2026-01-05", "2026-02-03"),
        ("2026-02-04", "2026-03-05"),
        ("2026-03-06", "2026-04-04"),
    ]
    assert (plan["lock_day"], plan["lock_date"]) == (90, "2026-04-04")
    assert [k["id"] for k in advice["kpis"]["core"]] == [
        "pql_to_paid_rate",
        "nrr",
        "sales_velocity",
        "forecast_accuracy",
        "arr",
        "cac_payback_months",
    ]


def test_the_advise_twin_is_the_cli_json(as_user: Any) -> None:
    client, token = as_user("carol")
    result = CliRunner().invoke(cli_app, CLI_ARGS)
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.output)
    by_query = client.get("/advise.json", params=FORM).json()["advice"]
    posted = client.post("/advise.json", data={**FORM, "csrf_token": token})
    assert posted.status_code == 200, posted.text
    assert by_query == from_cli
    assert posted.json()["advice"] == from_cli


def test_the_advise_page_shows_the_advice(as_user: Any) -> None:
    client, token = as_user("vic")  # a client viewer may use it too
    page = client.get("/advise")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    assert "any logged-in user may use this page" in page.text
    assert '<a href="/advise">Advise</a>' in page.text and '<a href="/playbook">' in page.text
    response = client.post("/advise", data={**FORM, "csrf_token": token})
    assert response.status_code == 200
    html = response.text
    assert 'data-recommendation="fractional_cro"' in html
    assert "A fractional CRO fits: the company is in the fractional sweet spot." in html
    assert "<td>$15,000</td><td>$180,000</td>" in html
    assert "<td>$27,500</td><td>$330,000</td>" in html
    assert "Days 61–90 (2026-03-06 to 2026-04-04)" in html
    assert "Data infrastructure" in html and "Operations" in html  # not owned, with the owner
    # The footer's JSON link carries the facts.
    assert 'href="/advise.json?industry=martech&amp;arr=4M' in html


def test_the_empty_form_twin_lists_the_fields(as_user: Any) -> None:
    client, _ = as_user("nora")
    page = client.get("/advise.json").json()
    assert page["advice"] is None and page["field_errors"] == {}
    names = [f["name"] for f in page["fields"]]
    assert names == [
        "industry", "arr", "revenue", "customers", "sales_team", "cs_team", "annual_churn",
        "motion", "revenue_model", "manufacturing", "has_crm", "start_date", "days_per_month",
        "day_rate", "retainer", "equity_pct", "benefits_load", "vp_monthly", "vp_equity",
    ]  # fmt: skip
    industry = page["fields"][0]
    assert set(SEED_PROFILES) <= set(industry["choices"]) and industry["required"]


def test_bad_input_is_shown_next_to_its_field(as_user: Any) -> None:
    client, token = as_user("carol")
    bad = {**FORM, "arr": "lots", "customers": "-3", "annual_churn": "150", "retainer": "9000"}
    response = client.post("/advise", data={**bad, "csrf_token": token})
    assert response.status_code == 400
    html = response.text
    assert (
        '<small class="field-error" id="e-arr">✗ &#39;lots&#39; is not an amount '
        "(write dollars as 2500000, 2.5M, 500k or $1,200,000)</small>"
    ) in html
    assert "✗ &#39;-3&#39; is not a whole number of 0 or more (write e.g. 12)" in html
    assert "✗ 150 is above 1 (shares are fractions: 0.25 means 25%; did you mean 1.5?)" in html
    assert 'value="lots"' in html  # what was typed stays in the form
    assert "The company facts have 3 problems" in html


def test_conflicting_terms_name_both_fields(as_user: Any) -> None:
    client, token = as_user("carol")
    response = client.post("/advise.json", data={**FORM, "retainer": "9000", "csrf_token": token})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "the company facts have 1 problem"
    assert body["errors"] == [
        {
            "message": "Day rate and Retainer were both given (price the fractional CRO one way: "
            "a day rate or a monthly retainer)",
            "file": None,
            "line": None,
            "column": "day_rate",
        }
    ]


def test_the_advise_form_needs_csrf_and_a_login(as_user: Any, app: Any) -> None:
    from fastapi.testclient import TestClient

    client, _ = as_user("carol")
    refused = client.post("/advise", data=FORM)
    assert refused.status_code == 403
    assert "invalid or missing CSRF token" in refused.text
    anonymous = TestClient(app)
    assert anonymous.get("/advise.json", params=FORM).status_code == 401
    assert anonymous.get("/playbook/martech.json").status_code == 401


def test_the_playbook_index_links_every_profile(as_user: Any) -> None:
    client, _ = as_user("nora")
    index = client.get("/playbook.json").json()
    ids = [p["id"] for p in index["profiles"]]
    assert set(SEED_PROFILES) <= set(ids)
    page = client.get("/playbook").text
    for profile in SEED_PROFILES:
        assert f'href="/playbook/{profile}"' in page


def test_a_playbook_page_draws_mermaid_from_the_served_file(as_user: Any) -> None:
    client, _ = as_user("nora")
    response = client.get("/playbook/iot")
    assert response.status_code == 200
    html = response.text
    assert '<script src="/static/vendor/mermaid.min.js" defer></script>' in html
    assert '<script src="/static/playbook.js' in html
    assert "cdn" not in html.lower() and "https://" not in html.split("<main>")[0]
    assert '<pre class="mermaid">\nflowchart' in html
    assert "What KPIs should a fractional CRO own at an IoT company?" in html
    served = client.get("/static/vendor/mermaid.min.js")
    assert served.status_code == 200 and served.text.startswith("/*! mermaid 11.17.2 |")


def test_the_playbook_twins(as_user: Any) -> None:
    client, _ = as_user("nora")
    page = client.get("/playbook/martech.json", params={"variant": "sales_led"}).json()
    playbook = page["playbook"]
    assert playbook["profile_id"] == "martech" and playbook["variant"] == "sales_led"
    assert playbook["flowchart"].startswith("flowchart")
    assert page["variants"] == ["plg", "sales_led", "hybrid"]
    assert page["links"]["markdown"] == "/playbook/martech.md?variant=sales_led"
    md = client.get("/playbook/iot.md")
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# What KPIs should a fractional CRO own at an IoT company?")
    assert "```mermaid\nflowchart" in md.text
    assert md.headers["content-disposition"] == 'attachment; filename="playbook-iot.md"'
    standalone = client.get("/playbook/iot.html").text
    assert standalone.startswith("<!DOCTYPE html>") and "mermaid.initialize" in standalone


def test_unknown_profiles_formats_and_variants(as_user: Any) -> None:
    client, _ = as_user("nora")
    missing = client.get("/playbook/fintech.json")
    assert missing.status_code == 404
    assert missing.json()["error"].startswith("no profile 'fintech'; known profiles: b2b_saas, iot")
    assert client.get("/playbook/iot.pdf").status_code == 404
    bad = client.get("/playbook/iot.json", params={"variant": "plg"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "profile 'iot' has no variant 'plg'; valid: none"


def test_the_dashboard_has_a_board_pack_control(as_user: Any) -> None:
    client, _ = as_user("carol")
    html = client.get("/clients/acme", params={"period": "2024-06"}).text
    assert '<p class="board-pack" id="board-pack"><strong>Board pack</strong> for 2024-06:' in html
    for fmt in ("pdf", "xlsx", "md"):
        assert f'href="/clients/acme/report.{fmt}?period=2024-06" download' in html
    md = client.get("/clients/acme/report.md", params={"period": "2024-06"})
    assert md.status_code == 200 and "acme" in md.text
