"""The pages and their JSON twins, with values computed by hand from tests/web/conftest.py."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import TODAY


def card(page: dict[str, Any], kpi: str) -> dict[str, Any]:
    """The dashboard card of ``kpi``."""
    found = [c for cards in page["sections"].values() for c in cards if c["kpi"] == kpi]
    assert len(found) == 1, f"{kpi} not on the dashboard"
    return found[0]


def test_dashboard_json_card_has_value_target_status_trend_and_cadence(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme.json").json()
    assert page["ok"] is True
    assert page["period"] == "2024-06"  # the last complete month before 2024-07-15
    win = card(page, "win_rate")
    # June: 3 won, 1 lost → 75%; May: 1 won, 3 lost → 25%.
    assert win["value"] == 0.75
    assert win["value_text"] == "75.0%"
    assert win["target_text"] == "25.0%"
    assert (win["status"], win["status_symbol"], win["status_word"]) == ("green", "✓", "On track")
    assert win["trend"]["text"] == "↑ +50.0 pts vs 2024-05 (25.0%), better"
    assert win["cadence"] == "weekly"
    assert win["core"] is True
    assert [h["value"] for h in win["history"]][-2:] == [0.25, 0.75]
    assert win in page["sections"]["leading"]


def test_dashboard_says_what_to_load_instead_of_a_number(as_user: Any) -> None:
    client, _ = as_user("carol")
    nrr = card(client.get("/clients/acme.json").json(), "nrr")
    assert nrr["value"] is None and nrr["value_text"] == "—"
    assert (nrr["status"], nrr["status_symbol"], nrr["status_word"]) == (
        "missing_data",
        "?",
        "Missing data",
    )
    assert nrr["missing"].startswith("load table 'subscriptions'")
    assert nrr in client.get("/clients/acme.json").json()["sections"]["lagging"]


def test_dashboard_html_shows_status_by_symbol_and_word(as_user: Any) -> None:
    client, _ = as_user("carol")
    html = client.get("/clients/acme").text
    assert "Leading indicators" in html and "Lagging indicators" in html and "Health" in html
    assert '<span class="sym" aria-hidden="true">✓</span> On track' in html
    assert '<span class="sym" aria-hidden="true">?</span> Missing data' in html
    assert "↑ +50.0 pts vs 2024-05 (25.0%), better" in html
    assert '<svg class="spark"' in html
    assert 'href="/clients/acme.json"' in html


def test_period_picker_quarter_and_explicit_period(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme.json?kind=quarter").json()
    assert page["period"] == "2024-Q2"
    # Q2: won 1 (May) + 3 (June), lost 3 (May) + 1 (June) → 50%.
    assert card(page, "win_rate")["value"] == 0.5
    assert page["picker"]["kind"] == "quarter"
    assert page["picker"]["options"][0] == {
        "value": "2024-Q3",
        "label": "2024-Q3 (to date)",
        "selected": False,
    }
    explicit = client.get("/clients/acme.json?period=2024-05").json()
    assert card(explicit, "win_rate")["value"] == 0.25
    weekly = client.get("/clients/acme.json?kind=week").json()
    assert weekly["period"] == "2024-W28"  # 2024-07-08..14, the last full week before 07-15


def test_a_kind_change_without_javascript_wins_over_the_old_period(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme.json?kind=quarter&period=2024-05").json()
    assert page["period"] == "2024-Q2"


def test_bad_period_is_a_400_envelope(as_user: Any) -> None:
    client, _ = as_user("carol")
    response = client.get("/clients/acme.json?period=2024-13")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid month 2024-13: expected 01-12"


def test_portfolio_sorts_by_need_and_shows_what_turned_red(as_user: Any) -> None:
    client, _ = as_user("admin")
    page = client.get("/portfolio.json").json()
    names = [c["name"] for c in page["clients"]]
    assert names[0] == "globex"  # win rate turned red: 50% in May, 10% in June
    globex = page["clients"][0]
    assert globex["turned_red"] == [
        {
            "kpi": "win_rate",
            "name": "Win rate",
            "was": "green",
            "since": "previous period (2024-05)",
            "core": True,
        }
    ]
    assert globex["profile"] == {"id": "b2b_saas", "name": "Generic B2B SaaS"}
    core = {k["kpi"]: k for k in globex["core"]}
    assert core["win_rate"]["value_text"] == "10.0%"
    assert core["win_rate"]["status_word"] == "Off track"
    assert set(names) == {"acme", "globex", "initech"}
    html = client.get("/portfolio").text
    assert "✗ Turned red" in html


def test_portfolio_lists_only_granted_clients(as_user: Any) -> None:
    client, _ = as_user("carol")
    names = [c["name"] for c in client.get("/portfolio.json").json()["clients"]]
    assert sorted(names) == ["acme", "initech"]


def test_client_viewer_home_is_their_dashboard(as_user: Any) -> None:
    client, _ = as_user("vic")
    response = client.get("/", follow_redirects=False)
    assert response.headers["location"] == "/clients/acme"


def test_kpi_page_series_segments_explanation_definition_and_data(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme/kpis/win_rate.json?period=2024-06").json()
    assert page["kpi"]["name"] == "Win rate"
    assert len(page["series"]) == 12  # the period and the eleven before it
    assert [p["value"] for p in page["series"]][-2:] == [0.25, 0.75]
    assert page["current"]["value_text"] == "75.0%"
    by_owner = next(s for s in page["segments"] if s["dimension"] == "owner_id")
    assert by_owner["required"] is True
    # r1: zq-1, zq-2 won → 100%; r2: zq-3 won, zq-4 lost → 50%.
    assert {r["segment"]: r["value_text"] for r in by_owner["rows"]} == {
        "r1": "100.0%",
        "r2": "50.0%",
    }
    e = page["explanation"]
    # Ratio split: N 1 → 3, D 4 → 4: numerator part +0.5, denominator part 0.
    assert e["sentence"] == "Win rate rose from 25.0% to 75.0%: +50.0 pts from numerator."
    assert [(p["name"], p["contribution_text"]) for p in e["parts"]] == [
        ("numerator", "+50.0 pts"),
        ("denominator", "+0.0 pts"),
    ]
    d = page["definition"]
    assert d["formula"] == "(SUM(is_won)) ÷ (SUM(is_closed))"
    assert "SELECT" in d["sql"] and "opportunit" in d["sql"]
    assert {"table": "opportunities", "columns": ["status", "closed_at"], "rows": 8} in page[
        "data"
    ]["tables"]
    assert page["data"]["imports"] == []  # rows were inserted by the test, not imported


def test_kpi_page_html_has_the_chart_and_sql(as_user: Any) -> None:
    client, _ = as_user("carol")
    html = client.get("/clients/acme/kpis/win_rate?period=2024-06").text
    assert '<script src="/-/plotly.min.js' in html
    assert 'id="series-data"' in html
    assert "Why it moved" in html and "Win rate rose from 25.0% to 75.0%" in html
    assert "Compiled SQL" in html


def test_kpi_page_split_by_a_chosen_dimension_and_errors(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme/kpis/sales_cycle_days.json?period=2024-06&by=owner_id").json()
    owner = next(s for s in page["segments"] if s["dimension"] == "owner_id")
    assert owner["required"] is False
    unknown = client.get("/clients/acme/kpis/win_rte.json")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "no KPI 'win_rte' in the catalog"
    bad = client.get("/clients/acme/kpis/win_rate.json?by=colour")
    assert bad.status_code == 400
    assert bad.json()["error"].startswith("KPI 'win_rate' cannot be split by 'colour'")


def test_data_page_lists_tables_log_and_quality(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme/data.json").json()
    tables = {t["table"]: t["rows"] for t in page["tables"]}
    assert tables["opportunities"] == 8 and tables["accounts"] == 2
    q = page["quality"]
    assert q["kpi"] == "data_quality_score"
    assert q["value"] == 1.0 and q["findings"] == []
    assert page["can_upload"] is True


def test_findings_section_appears_when_the_module_exists(as_user: Any) -> None:
    from pulse.web import extras

    client, _ = as_user("bob")
    page = client.get("/clients/globex.json").json()
    if not extras.findings_available():
        assert page["findings"] is None
        assert client.get("/clients/globex/findings.json").status_code == 404
        return
    rules = [f["rule"] for f in page["findings"]["findings"]]
    assert "win_rate_below_20" in rules or any("win" in r for r in rules)
    assert client.get("/clients/globex/findings.json").json()["ok"] is True


def test_meta_routes(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/-/health").json() == {"ok": True, "status": "healthy"}
    version = client.get("/-/version").json()
    assert version["ok"] is True and version["pulse"]
    js = client.get("/-/plotly.min.js")
    assert js.status_code == 200
    assert js.headers["content-type"].startswith("application/javascript")
    assert len(js.content) > 1_000_000


def test_today_is_pinned_for_the_site(app: FastAPI) -> None:
    assert app.state.pulse.today() == TODAY


def test_forecast_section_is_of_the_period_in_progress(as_user: Any) -> None:
    from pulse.web import extras

    client, _ = as_user("carol")
    page = client.get("/clients/acme.json").json()
    if not extras.forecast_available():
        assert page["forecast"] is None
        assert client.get("/clients/acme/forecast.json").status_code == 404
        return
    assert page["forecast"]["period"] == "2024-07"  # the month in progress on 2024-07-15
    assert set(page["forecast"]["text"]) >= {"p10", "p50", "p90", "stage_weighted"}
    explicit = client.get("/clients/acme/forecast.json?period=2024-06").json()
    assert explicit["forecast"]["period"] == "2024-06"
    assert "Forecast of 2024-07 (in progress)" in client.get("/clients/acme").text


def test_catalog_pages_show_definitions(as_user: Any) -> None:
    client, _ = as_user("vic")
    catalog = client.get("/kpis.json").json()
    assert any(k["id"] == "win_rate" for k in catalog["kpis"])
    kpi = client.get("/kpis/win_rate.json").json()
    assert kpi["formula"] == "(SUM(is_won)) ÷ (SUM(is_closed))"
    assert "SELECT" in kpi["sample_sql"]
    assert client.get("/kpis/win_rte.json").status_code == 404
    assert "Win rate" in client.get("/kpis").text
