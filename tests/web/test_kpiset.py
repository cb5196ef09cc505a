"""The KPI set: free during the 90-day ramp, then locked; a later change needs a reason."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pulse.catalog.profiles import load_profile
from tests.web.test_pages import card


def choices(core: list[str], supporting: list[str]) -> dict[str, str]:
    """Form fields for a KPI set (every other profile KPI is off)."""
    out = {}
    for kpi in load_profile("b2b_saas").kpis:
        out[f"kpi:{kpi}"] = "core" if kpi in core else "supporting" if kpi in supporting else "off"
    return out


def test_kpi_set_page_during_the_ramp(as_user: Any) -> None:
    client, _ = as_user("carol")
    page = client.get("/clients/acme/kpi-set.json").json()
    # engagement 2024-06-01 + 90 days = 2024-08-30; today is 2024-07-15.
    assert (page["locked"], page["lock_date"], page["days_left"]) == (False, "2024-08-30", 46)
    assert page["version"] == 1 and page["history"] == []
    assert page["core"] == load_profile("b2b_saas").core
    assert page["engagement_start_source"] == "workspace setting engagement_start"
    html = client.get("/clients/acme/kpi-set").text
    assert "Free to change for 46 more days (until 2024-08-30" in html


def test_ramp_change_keeps_version_1_and_changes_the_dashboard(
    fresh_app: FastAPI, as_user: Any
) -> None:
    client, token = as_user("carol", fresh_app)
    form = {**choices(["win_rate", "nrr"], ["sales_cycle_days"]), "csrf_token": token}
    response = client.post("/clients/acme/kpi-set", data=form, follow_redirects=False)
    assert response.status_code == 303
    page = client.get("/clients/acme/kpi-set.json").json()
    assert (page["version"], page["core"], page["supporting"]) == (
        1,
        ["nrr", "win_rate"],
        ["sales_cycle_days"],
    )
    [change] = page["history"]
    assert (change["changed_by"], change["during_ramp"]) == ("carol", True)
    assert change["reason"] == "changed during the 90-day ramp"
    dashboard = client.get("/clients/acme.json").json()
    kpis = sorted(c["kpi"] for cards in dashboard["sections"].values() for c in cards)
    assert kpis == ["nrr", "sales_cycle_days", "win_rate"]
    assert card(dashboard, "sales_cycle_days")["core"] is False


def test_locked_set_needs_a_reason_and_makes_a_new_version(
    fresh_app: FastAPI, as_user: Any
) -> None:
    client, token = as_user("bob", fresh_app)
    page = client.get("/clients/globex/kpi-set.json").json()
    assert page["locked"] is True and page["lock_date"] == "2024-03-31"
    form = {**choices(["win_rate"], ["nrr"]), "csrf_token": token}
    refused = client.post("/clients/globex/kpi-set", data=form)
    assert refused.status_code == 400
    assert "the KPI set is locked since 2024-03-31 (90 days after the engagement start)" in (
        refused.text
    )
    assert client.get("/clients/globex/kpi-set.json").json()["history"] == []
    form["reason"] = "Board asked to focus on win rate"
    accepted = client.post("/clients/globex/kpi-set.json", data=form)
    assert accepted.status_code == 200
    assert accepted.json()["kpi_set"]["version"] == 2
    after = client.get("/clients/globex/kpi-set.json").json()
    assert after["version"] == 2
    assert after["history"][0]["reason"] == "Board asked to focus on win rate"
    assert after["history"][0]["during_ramp"] is False


def test_kpi_set_rules(fresh_app: FastAPI, as_user: Any) -> None:
    client, token = as_user("carol", fresh_app)
    headers = {"X-CSRF-Token": token}
    too_many = choices(load_profile("b2b_saas").kpis[:7], [])
    response = client.post("/clients/acme/kpi-set.json", data=too_many, headers=headers)
    assert response.status_code == 400
    assert response.json()["error"] == ("7 core KPIs chosen; profile 'b2b_saas' allows at most 6")
    none = client.post("/clients/acme/kpi-set.json", data=choices([], ["nrr"]), headers=headers)
    assert none.json()["error"] == "choose at least one core KPI"
    outside = client.post(
        "/clients/acme/kpi-set.json",
        data={**choices(["nrr"], []), "kpi:bookings": "core"},
        headers=headers,
    )
    assert outside.json()["error"].startswith("not in profile 'b2b_saas': bookings")
    same = choices(load_profile("b2b_saas").core, load_profile("b2b_saas").supporting)
    unchanged = client.post("/clients/acme/kpi-set.json", data=same, headers=headers)
    assert unchanged.json()["error"] == "nothing changed: the KPI set is already this one"
