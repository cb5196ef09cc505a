"""Support and NPS: the demo's tickets as a Zendesk ticket export, its NPS as Delighted responses.

Zendesk: each monthly ``support_tickets`` count of the generated ``health_signals`` becomes that
many tickets created in the days before the observation, in the CSV layout of Zendesk's ticket
export. Tickets name the customer by ``Organization`` (a company name, as Zendesk keeps it) and
the requester's e-mail address. Two companies' requesters were never put in an organisation
(``-``: matched by the requester's domain), and one organisation is a company the CRM does not
know.

Delighted: the NPS answer of each account at every quarter end, as the JSON of
``GET /v1/survey_responses.json?expand[]=person`` (``created_at`` in Unix seconds, the person
expanded with the e-mail address that names the account).
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.exports import Export, epoch_seconds, write_json

ZENDESK_COLUMNS = (
    "Summation column",
    "Id",
    "Requester",
    "Requester id",
    "Requester external id",
    "Requester email",
    "Requester domain",
    "Submitter",
    "Assignee",
    "Group",
    "Subject",
    "Tags",
    "Status",
    "Priority",
    "Via",
    "Ticket type",
    "Created at",
    "Updated at",
    "Organization",
    "Solved at",
    "Satisfaction Score",
)
_SUBJECTS = (
    "Cannot export dashboard to PDF",
    "SSO login loop",
    "Invoice address change",
    "API rate limit questions",
    "Data source sync failing",
    "How do I add a teammate?",
)
_AGENTS = ("Maya Chen", "Tom Ruiz", "Ines Duarte")


def zendesk_tickets(health: pa.Table, book: AccountBook, folder: Path) -> Export:
    """Write ``zendesk_tickets.csv``: one row per ticket, oldest first."""
    rows: list[dict[str, Any]] = []
    for obs in health.to_pylist():
        for k in range(int(obs["support_tickets"] or 0)):
            created = obs["observed_at"] - timedelta(days=3 * k)
            rows.append(_ticket(book, obs["account_id"], created, k))
    rows.sort(key=lambda r: (r["Created at"], r["Requester email"]))
    for n, row in enumerate(rows, start=1):
        row["Id"] = 10_000 + n
    path = folder / "zendesk_tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=ZENDESK_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return Export("Zendesk", path, "health_signals", "zendesk_tickets")


def _ticket(book: AccountBook, account: str, created: date, k: int) -> dict[str, Any]:
    person, email = book.person(account, k)
    seed = sum(map(ord, account)) + k + created.toordinal()
    open_ticket = seed % 11 == 0
    solved = created + timedelta(days=seed % 4)
    stamp = f"{created.isoformat()} {8 + seed % 9:02d}:{seed % 60:02d}:00 +0000"
    return {
        "Summation column": "",
        "Id": 0,
        "Requester": person,
        "Requester id": 360_000_000 + seed,
        "Requester external id": "-",
        "Requester email": email,
        "Requester domain": email.split("@")[1],
        "Submitter": person,
        "Assignee": _AGENTS[seed % len(_AGENTS)],
        "Group": "Support",
        "Subject": _SUBJECTS[seed % len(_SUBJECTS)],
        "Tags": "product;priority_normal" if seed % 2 else "billing",
        "Status": "open" if open_ticket else "closed",
        "Priority": "high" if seed % 7 == 0 else "normal",
        "Via": "Email" if seed % 3 else "Web form",
        "Ticket type": "incident" if seed % 5 == 0 else "question",
        "Created at": stamp,
        "Updated at": stamp if open_ticket else f"{solved.isoformat()} 17:00:00 +0000",
        "Organization": book.name(account) if account not in book.no_org else "-",
        "Solved at": "-" if open_ticket else f"{solved.isoformat()} 16:30:00 +0000",
        "Satisfaction Score": "Good, I'm satisfied" if seed % 4 else "Not Offered",
    }


def delighted_responses(health: pa.Table, book: AccountBook, folder: Path) -> Export:
    """Write ``delighted_responses.json``: one NPS answer per account and quarter end."""
    out: list[dict[str, Any]] = []
    for obs in health.to_pylist():
        day: date = obs["observed_at"]
        if obs["nps"] is None or day.month % 3:
            continue
        n = len(out) + 1
        name, email = book.person(obs["account_id"], n)
        when = epoch_seconds(day, 15 * 3600 + (n * 97) % 7200)
        out.append(
            {
                "id": str(7_000_000 + n),
                "person": {
                    "id": str(4_000_000 + n),
                    "email": email,
                    "name": name,
                    "created_at": when - 86_400 * 30,
                },
                "survey_type": "nps",
                "score": round(float(obs["nps"])),
                "comment": None,
                "permalink": f"https://delighted.com/r/{7_000_000 + n}",
                "created_at": when,
                "updated_at": when,
                "person_properties": None,
                "notes": [],
                "tags": [],
                "additional_answers": [],
            }
        )
    path = write_json(folder / "delighted_responses.json", out)
    return Export("Delighted", path, "health_signals", "nps_delighted")
