"""Product analytics: the demo's sign-ups, usage and first value as a Mixpanel raw event export.

One JSON-lines file as ``GET https://data.mixpanel.com/api/2.0/export`` returns it:
``{"event": …, "properties": {"time": <unix s>, "distinct_id": …, "$insert_id": …, …}}``.
Each sign-up milestone of the generated ``signups`` table is one event, each ``first_value``
value event one event, and each monthly usage observation becomes that many product events
(scaled down so the file stays small) on the observation day. Accounts are named by the group
key ``company_id`` holding the CRM id, except a few whose product never sent it: their events
carry only the user's ``$email``, so the account is matched by e-mail domain. A few events of
free-mail users name no company at all (the import leaves them out and says so).

The workspace's ``event_map.yml`` (written here too) names the product's milestone events and
says which events count as usage.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.exports import Export, epoch_seconds, write_jsonl

EVENT_MAP = """\
# Which of this product's Mixpanel events mean which milestone (pulse.ingest.event_map).
# The demo product uses names Pulse knows by default; list yours here when they differ.
events:
  signed_up: Signed Up
  activated: Activated
  pql: Became PQL
  paid: Subscription Started
  upgraded: Plan Upgraded
  first_value: First Value Reached
account_keys: [company_id]      # the Group Analytics key holding the CRM account id
usage:
  only: [Report Viewed, Dashboard Shared, Data Source Connected]
"""
MILESTONES = {
    "signed_up_at": "Signed Up",
    "activated_at": "Activated",
    "pql_at": "Became PQL",
    "paid_at": "Subscription Started",
    "upgraded_at": "Plan Upgraded",
}
FIRST_VALUE = "First Value Reached"
USAGE_EVENTS = ("Report Viewed", "Dashboard Shared", "Data Source Connected")
MAX_USAGE_EVENTS = 40_000
USAGE_EVENTS_PER_OBSERVATION = 8  # on average, before the cap
FREE_MAIL_EVENTS = 5


def usage_scale(health: pa.Table) -> float:
    """Usage units per written event: about 8 events per observation, 40,000 at most."""
    cap = min(MAX_USAGE_EVENTS, USAGE_EVENTS_PER_OBSERVATION * max(1, int(health.num_rows)))
    total = float(sum(u for u in health.column("usage").to_pylist() if u))
    return max(1.0, total / cap)


def events_per_observation(usage: float | None, scale: float) -> int:
    """Events written for one monthly usage observation."""
    if not usage or usage <= 0:
        return 0
    return max(1, round(usage / scale))


class _Writer:
    def __init__(self, book: AccountBook, email_only: set[str]):
        self.book = book
        self.email_only = email_only
        self.events: list[dict[str, Any]] = []

    def add(self, name: str, day: date, account: str, n: int, user: int) -> None:
        email = self.book.email(account, user)
        properties: dict[str, Any] = {
            "time": epoch_seconds(day, 8 * 3600 + (n * 613) % (10 * 3600)),
            "distinct_id": email,
            "$insert_id": f"{account}-{day.isoformat()}-{len(self.events):07d}",
            "mp_processing_time_ms": epoch_seconds(day, 12 * 3600) * 1000,
            "mp_lib": "web",
        }
        if account in self.email_only:
            properties["$email"] = email
        else:
            properties["company_id"] = account
        self.events.append({"event": name, "properties": properties})


def email_only_accounts(book: AccountBook, signups: pa.Table) -> list[str]:
    """Sign-ups whose events carry only the user's e-mail (matched by domain)."""
    return book.plantable(signups.column("account_id").to_pylist(), 3, skip=1)


def mixpanel_events(
    tables: dict[str, pa.Table], book: AccountBook, folder: Path, workspace: Path
) -> list[Export]:
    """Write ``mixpanel_events.jsonl`` and the workspace's ``event_map.yml``."""
    signups = tables["signups"]
    writer = _Writer(book, set(email_only_accounts(book, signups)))
    for row in signups.to_pylist():
        for column, event in MILESTONES.items():
            if row[column] is not None:
                writer.add(event, row[column], row["account_id"], 0, 0)
    for row in tables["value_events"].to_pylist():
        if row["kind"] == "first_value":
            writer.add(FIRST_VALUE, row["occurred_at"], row["account_id"], 1, 1)
    health = tables["health_signals"]
    scale = usage_scale(health)
    for row in health.to_pylist():
        for k in range(events_per_observation(row["usage"], scale)):
            name = USAGE_EVENTS[k % len(USAGE_EVENTS)]
            writer.add(name, row["observed_at"], row["account_id"], k, 2 + k % 4)
    day = health.column("observed_at")[0].as_py() if health.num_rows else date(2024, 1, 1)
    for k in range(FREE_MAIL_EVENTS):  # people who signed up with a private address
        email = f"someone{k}@gmail.com"
        writer.events.append(
            {
                "event": USAGE_EVENTS[0],
                "properties": {
                    "time": epoch_seconds(day, 3600 * (9 + k)),
                    "distinct_id": email,
                    "$insert_id": f"freemail-{k}",
                    "$email": email,
                },
            }
        )
    writer.events.sort(key=lambda e: (e["properties"]["time"], e["properties"]["$insert_id"]))
    path = write_jsonl(folder / "mixpanel_events.jsonl", writer.events)
    (workspace / "event_map.yml").write_text(EVENT_MAP, encoding="utf-8")
    return [
        Export("Mixpanel", path, "signups", "mixpanel_signups"),
        Export("Mixpanel", path, "health_signals", "mixpanel_usage"),
        Export("Mixpanel", path, "value_events", "mixpanel_value_events"),
    ]
