"""Data findings for recurring revenue: contradictions in the subscriptions, and churn records
(from a CRM or a churn-events export) that disagree with what the subscriptions say.

Nothing here raises on bad data: every problem becomes a :class:`Finding` a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pulse.compute import Computer
from pulse.periods import month
from pulse.revenue.queries import model_rows, period_spec

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One data problem: its kind, how bad it is, where, and what it means for the numbers."""

    kind: str
    severity: str
    detail: str
    account_id: str | None = None
    line_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON shape."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "account_id": self.account_id,
            "line_id": self.line_id,
            "detail": self.detail,
        }

    def __str__(self) -> str:
        where = " ".join(
            p
            for p in (
                f"line {self.line_id}" if self.line_id else "",
                f"account {self.account_id}" if self.account_id else "",
            )
            if p
        )
        return (
            f"{self.severity}: {self.kind}: {where}: {self.detail}"
            if where
            else f"{self.severity}: {self.kind}: {self.detail}"
        )


def _spec(computer: Computer) -> list[Any]:
    today = computer.today
    return [period_spec(month(today.year, today.month))]


def subscription_findings(computer: Computer) -> list[Finding]:
    """Every contradiction in ``subscriptions`` that changes or explains recurring revenue.

    From the ``subscription_findings`` model (lines ending before they start, unknown billing
    periods, negative amounts, lines netting below zero, missing exchange rates …), plus lines in
    a currency other than the workspace's with no exchange rate at all (counted at face value).
    Sorted by severity, kind, account and line.
    """
    rows = model_rows(computer, "subscription_findings", _spec(computer))
    found = [
        Finding(
            kind=str(r["kind"]),
            severity=str(r["severity"]),
            detail=str(r["detail"]),
            account_id=None if r["account_id"] is None else str(r["account_id"]),
            line_id=None if r["line_id"] is None else str(r["line_id"]),
        )
        for r in rows
    ]
    currency = computer.workspace.settings.currency
    missing = computer.engine.execute(
        "SELECT s.currency, COUNT(*) AS lines FROM subscriptions AS s "
        "LEFT JOIN (SELECT DISTINCT currency FROM fx_rates) AS f ON f.currency = s.currency "
        "WHERE s.currency IS NOT NULL AND f.currency IS NULL AND COALESCE(s.is_trial, FALSE) = FALSE "
        "GROUP BY s.currency ORDER BY s.currency"
    ).to_pylist()
    for r in missing:
        if str(r["currency"]).upper() == currency.upper():
            continue
        found.append(
            Finding(
                kind="fx_rates_missing",
                severity="warning",
                detail=(
                    f"{r['lines']} line(s) in {r['currency']} but fx_rates has no {r['currency']} rate: "
                    f"counted at face value as {currency}; load fx_rates for {r['currency']}"
                ),
            )
        )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(
        found, key=lambda f: (order.get(f.severity, 9), f.kind, f.account_id or "", f.line_id or "")
    )


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


def reconcile_churn(computer: Computer, events: Iterable[tuple[str, date]]) -> list[Finding]:
    """Compare churn records (account, date) with the churn the subscriptions show.

    - ``churn_event_unknown_account``: the account has no subscription lines at all;
    - ``churn_event_still_paying``: the account still has recurring revenue at the month end
      after the event's month (the event did not end its revenue);
    - ``churn_without_event``: the subscriptions show the customer churning (ARR to 0) with no
      event in that month, the month before or the month after.
    """
    event_list = [(str(a), d) for a, d in events]
    paying: set[tuple[str, int]] = set()
    for r in model_rows(computer, "customer_mrr", _spec(computer)):
        paying.add((str(r["account_id"]), int(r["month_index"])))
    known = {a for a, _ in paying}
    lines = computer.engine.execute("SELECT DISTINCT account_id FROM subscriptions").to_pylist()
    with_lines = {str(r["account_id"]) for r in lines}
    spine = model_rows(computer, "month_ends", _spec(computer))
    last_index = max((int(r["month_index"]) for r in spine), default=-1)
    found: list[Finding] = []
    for account, day in sorted(event_list):
        if account not in with_lines:
            found.append(
                Finding(
                    "churn_event_unknown_account",
                    "warning",
                    f"churn event on {day.isoformat()} for an account with no subscription lines",
                    account_id=account,
                )
            )
            continue
        after = _index(day) + 1
        if after <= last_index and (account, after) in paying:
            found.append(
                Finding(
                    "churn_event_still_paying",
                    "warning",
                    f"churn event on {day.isoformat()} but the account still has recurring revenue "
                    f"at the next month end: its subscriptions say it did not churn then",
                    account_id=account,
                )
            )
    event_months = {(a, _index(d)) for a, d in event_list}
    churns = model_rows(
        computer,
        "customer_movements",
        _spec(computer),
        "movement = 'churn'",
        "account_id, month_index",
    )
    for r in churns:
        account, idx = str(r["account_id"]), int(r["month_index"])
        if account in known and not any((account, idx + k) in event_months for k in (-1, 0, 1)):
            found.append(
                Finding(
                    "churn_without_event",
                    "info",
                    f"recurring revenue went to 0 at {r['month_end'].isoformat()} with no churn event within a month",
                    account_id=account,
                )
            )
    return found
