"""Small workspaces of subscription lines and one-call bridges for the revenue tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pulse.compute import Computer
from pulse.periods import parse_period
from pulse.revenue import Bridge, compute_bridge
from pulse.workspace.store import Workspace
from tests.kpis.harness import make_workspace

LINE = [
    "line_id",
    "account_id",
    "product",
    "stream",
    "start_date",
    "end_date",
    "amount",
    "billing_period",
]
TODAY = date(2025, 12, 31)


def line(
    line_id: str,
    account: str,
    start: str,
    end: str | None,
    amount: float | str,
    billing: str = "month",
    *,
    product: str = "core",
    stream: str = "software",
    **extra: Any,
) -> dict[str, Any]:
    """One subscription line as a row for ``load_rows``."""
    row = {
        "line_id": line_id,
        "account_id": account,
        "product": product,
        "stream": stream,
        "start_date": date.fromisoformat(start),
        "end_date": date.fromisoformat(end) if end else None,
        "amount": Decimal(str(amount)),
        "billing_period": billing,
    }
    row.update(extra)
    return row


def subscriptions_workspace(
    home: Path,
    lines: Sequence[Mapping[str, Any]],
    *,
    fx: Sequence[tuple[str, str, float]] = (),
    tables: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    name: str = "t",
    profile: str = "b2b_saas",
) -> Workspace:
    """A workspace holding ``lines`` (and exchange rates, and any other tables)."""
    data: dict[str, Any] = {"subscriptions": list(lines)}
    if fx:
        data["fx_rates"] = [
            {"currency": c, "date": date.fromisoformat(d), "rate_to_reporting": r} for c, d, r in fx
        ]
    data.update(tables or {})
    return make_workspace(home, data, profile=profile, name=name, settings=settings)


@contextmanager
def computing(ws: Workspace, today: date = TODAY) -> Iterator[Computer]:
    """A Computer on ``ws`` with a fixed today, closed afterwards."""
    comp = Computer(ws, today=today)
    try:
        yield comp
    finally:
        comp.close()


def bridge(ws: Workspace, period: str, stream: str | None = None, unit: str = "arr") -> Bridge:
    """The bridge of one period label."""
    with computing(ws) as comp:
        return compute_bridge(comp, parse_period(period, TODAY), stream, unit)


def kpi(ws: Workspace, kpi_id: str, period: str, by: Sequence[str] = ()) -> list[Any]:
    """``Computer.latest`` for one KPI and period label."""
    with computing(ws) as comp:
        return comp.latest(kpi_id, parse_period(period, TODAY), list(by))


def money(text: str) -> Decimal:
    """A Decimal amount written as text ("166.67")."""
    return Decimal(text)
