"""The client dashboard and the portfolio rows built from it.

The dashboard is the KPI set's KPIs for one period in three sections (leading, lagging,
health — or the profile's own dashboard grouping where a seed prescribes one). Each card is
the scorecard line's JSON (the same shape as ``pulse scorecard --format json``) plus what a
page shows: the value and target in their unit, status symbol and word, the trend sentence,
the cadence and the previous period's status.
"""

from __future__ import annotations

from typing import Any

from pulse.catalog.models import Category
from pulse.compute import Computer
from pulse.errors import PulseError
from pulse.judge import Status, judge
from pulse.periods import Period
from pulse.scorecard import ScorecardLine, build_scorecard
from pulse.web.present import status_json, trend_json, value_text
from pulse.web.state import Client
from pulse.web.users import Review

SECTIONS = [c.value for c in Category]
NEED_ORDER = {"red": 0, "amber": 1, "missing_data": 2, "no_target": 3, "green": 4}


def card(line: ScorecardLine, client: Client) -> dict[str, Any]:
    """One KPI card."""
    r = line.result
    kpi = r.kpi
    currency = client.currency
    out = line.to_json()
    previous = r.period.previous()
    previous_status = (
        judge(r.trend.previous, r.threshold, kpi.direction).value
        if r.trend.previous is not None
        else None
    )
    for point in out["history"]:
        point["text"] = value_text(point["value"], kpi.unit, currency)
    out.update(
        {
            "cadence": client.profile.cadence.get(kpi.id, kpi.cadence).value,
            "value_text": value_text(r.value, kpi.unit, currency),
            "target_text": value_text(r.target, kpi.unit, currency)
            if r.target is not None
            else None,
            **{f"status_{k}": v for k, v in status_json(r.status).items() if k != "status"},
            "trend": trend_json(r.trend, kpi, currency, previous.label),
            "previous_status": previous_status,
            "description": kpi.description,
        }
    )
    return out


def _section_of(kpi_id: str, category: Category, client: Client) -> str:
    for section, ids in client.profile.dashboard.items():
        if kpi_id in ids:
            return section.value
    return category.value


def compute_dashboard(client: Client, computer: Computer, period: Period) -> dict[str, Any]:
    """Every card of the KPI set for ``period`` (uncached; see :func:`dashboard`)."""
    sections: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    unavailable: list[dict[str, Any]] = []
    history = client.state.settings.history
    for kpi_id in client.profile.kpis:
        if kpi_id not in computer.catalog.kpis:
            unavailable.append(
                {
                    "kpi": kpi_id,
                    "core": kpi_id in client.profile.core,
                    "reason": f"'{kpi_id}' is in the profile but not yet in the KPI catalog, "
                    "so it is not computed",
                }
            )
            continue
        try:
            card_lines = build_scorecard(computer, period, None, history, kpi_ids=[kpi_id]).lines()
        except PulseError as exc:
            kpi = computer.catalog.get(kpi_id)
            unavailable.append(
                {
                    "kpi": kpi_id,
                    "core": kpi_id in client.profile.core,
                    "reason": f"{kpi.name} could not be computed: {exc.message}",
                }
            )
            continue
        for line in card_lines:
            sections[_section_of(kpi_id, line.result.kpi.category, client)].append(
                card(line, client)
            )
    for cards in sections.values():
        cards.sort(key=lambda c: not c["core"])
    return {
        "client": client_json(client),
        **period.to_json(),
        "period_kind": period.kind,
        "data_version": client.data_version(),
        "kpi_set": client.kpi_set.to_json(),
        "sections": sections,
        "unavailable": unavailable,
    }


def client_json(client: Client) -> dict[str, Any]:
    """Who the client is."""
    ws = client.ws
    return {
        "name": ws.name,
        "profile": {"id": client.profile.id, "name": client.profile.name},
        "currency": ws.settings.currency,
        "fiscal_year_start_month": ws.settings.fiscal_year_start_month,
    }


def dashboard(client: Client, period: Period) -> dict[str, Any]:
    """The dashboard payload, computed once per data version."""

    def compute() -> dict[str, Any]:
        with client.computer() as computer:
            return compute_dashboard(client, computer, period)

    return client.cached("dashboard", (period.label, period.start), compute)


def cards(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every card of a dashboard payload, section by section."""
    return [c for section in SECTIONS for c in payload["sections"][section]]


def turned_red(payload: dict[str, Any], review: Review | None) -> list[dict[str, Any]]:
    """KPIs red now that were not red at the last review (or in the previous period)."""
    out = []
    for c in cards(payload):
        if c["status"] != Status.RED.value:
            continue
        if review is not None:
            before = review.statuses.get(c["kpi"])
            if before == Status.RED.value:
                continue
            since = f"review of {review.reviewed_at[:10]}"
        else:
            before = c["previous_status"]
            if before == Status.RED.value:
                continue
            since = f"previous period ({c['trend']['against']})"
        out.append(
            {"kpi": c["kpi"], "name": c["name"], "was": before, "since": since, "core": c["core"]}
        )
    return out


def portfolio_row(client: Client, payload: dict[str, Any], review: Review | None) -> dict[str, Any]:
    """One client on the portfolio: profile, core KPIs, counts and what turned red."""
    every = cards(payload)
    core = [c for c in every if c["core"]]
    counts = {s: sum(1 for c in every if c["status"] == s) for s in NEED_ORDER}
    red = turned_red(payload, review)
    core_red = sum(1 for c in core if c["status"] == Status.RED.value)
    return {
        "name": client.name,
        "profile": payload["client"]["profile"],
        "period": payload["period"],
        "core": [
            {
                "kpi": c["kpi"],
                "name": c["name"],
                "value_text": c["value_text"],
                "status": c["status"],
                "status_symbol": c["status_symbol"],
                "status_word": c["status_word"],
                "cadence": c["cadence"],
            }
            for c in core
        ],
        "counts": counts,
        "turned_red": red,
        "last_review": review.to_json() if review else None,
        "need": [len(red), core_red, counts["red"], counts["amber"], counts["missing_data"]],
    }


def sort_by_need(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clients needing attention first: newly red, red core KPIs, red, amber, missing."""
    return sorted(rows, key=lambda r: ([-n for n in r["need"]], r["name"]))
