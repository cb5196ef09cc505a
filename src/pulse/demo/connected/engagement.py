"""Sales engagement: SDR-booked meetings and the coaching log as Outreach API v2 (JSON:API) pages.

The demo's outbound meetings (booked by SDRs) are Outreach ``meeting`` resources, held with a
prospect of an account; a qualified one carries the disposition ``Qualified``, an unqualified
one ``Not a Fit``. Around them are the records a real export also holds: meetings the prospect
did not show up to and dials nobody answered (both skipped by the ``outreach_meetings``
preset). The coaching log is there too: a deal review is an internal meeting titled "Deal
review: …", a ride-along a call tagged ``ride-along`` with the customer — which the
``outreach_meetings`` preset also counts as a meeting, as Outreach would.

Accounts are Outreach's own, synced from the CRM: every fourth carries the CRM id as its
``customId``, the others only their name and web domain (matched by domain).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.calls import SDR_SOURCE
from pulse.demo.connected.exports import Export, iso_local, write_json

PAGE_SIZE = 500
DISPOSITIONS = {"3": "Qualified", "5": "Not a Fit", "9": "No Answer"}
PURPOSES = {"1": "Discovery", "2": "Coaching"}


class _Book:
    """The resources a page refers to, collected for ``included``."""

    def __init__(self, book: AccountBook, reps: pa.Table):
        self.book = book
        self.users: dict[str, dict[str, Any]] = {}
        self.prospects: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.account_ids: dict[str, str] = {}
        self.rep_names = dict(
            zip(reps.column("rep_id").to_pylist(), reps.column("name").to_pylist(), strict=True)
        )

    def user(self, rep: str) -> dict[str, Any]:
        uid = str(100 + int("".join(ch for ch in rep if ch.isdigit()) or 0))
        if uid not in self.users:
            first, _, last = str(self.rep_names.get(rep, rep)).partition(" ")
            self.users[uid] = {
                "type": "user",
                "id": uid,
                "attributes": {
                    "firstName": first,
                    "lastName": last,
                    "email": f"{first}.{last}@pulse-demo.example".lower().replace(" ", ""),
                },
            }
        return {"data": {"type": "user", "id": uid}}

    def prospect(self, account: str, n: int) -> dict[str, Any]:
        if account not in self.account_ids:
            aid = str(3000 + len(self.account_ids))
            self.account_ids[account] = aid
            synced = len(self.account_ids) % 4 == 1
            self.accounts[aid] = {
                "type": "account",
                "id": aid,
                "attributes": {
                    "name": self.book.name(account),
                    "domain": self.book.domain(account),
                    "customId": account if synced else None,
                },
            }
        name, email = self.book.person(account, n)
        pid = f"{self.account_ids[account]}{n % 3}"
        if pid not in self.prospects:
            first, _, last = name.partition(" ")
            self.prospects[pid] = {
                "type": "prospect",
                "id": pid,
                "attributes": {"firstName": first, "lastName": last, "emails": [email]},
                "relationships": {
                    "account": {"data": {"type": "account", "id": self.account_ids[account]}}
                },
            }
        return {"data": {"type": "prospect", "id": pid}}

    def included(self) -> list[dict[str, Any]]:
        fixed = [
            {"type": "callDisposition", "id": k, "attributes": {"name": v}}
            for k, v in DISPOSITIONS.items()
        ] + [
            {"type": "callPurpose", "id": k, "attributes": {"name": v}} for k, v in PURPOSES.items()
        ]
        return [
            *self.users.values(),
            *self.prospects.values(),
            *self.accounts.values(),
            *fixed,
        ]


def _meeting(
    rid: int, day: date, minute: int, owner: dict[str, Any], attrs: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "meeting",
        "id": str(rid),
        "attributes": {
            "startTime": iso_local(day, minute),
            "endTime": iso_local(day, minute + 30),
            **attrs,
        },
        "relationships": {"owner": owner},
    }


def outreach_activities(
    meetings: pa.Table, coaching: pa.Table, reps: pa.Table, book: AccountBook, folder: Path
) -> list[Export]:
    """Write ``outreach_activities.json``: meetings, calls and the coaching log, paged."""
    refs = _Book(book, reps)
    data: list[dict[str, Any]] = []
    last_account: dict[str, str] = {}
    for i, m in enumerate(meetings.to_pylist()):
        if m["source"] != SDR_SOURCE:
            continue
        rep, account, day = m["rep_id"], m["account_id"], m["held_at"]
        last_account[rep] = account
        owner = refs.user(rep)
        prospect = refs.prospect(account, i)
        qualified = bool(m["is_qualified"])
        attrs = {
            "title": f"{book.name(account)} intro call",
            "outcome": "Completed",
            "disposition": "Qualified" if qualified else "Not a Fit",
            "tags": ["sdr"],
        }
        record = _meeting(5000 + i, day, 9 * 60 + (i * 47) % 420, owner, attrs)
        record["relationships"]["prospect"] = prospect
        data.append(record)
        if i % 5 == 0:  # the dial before it, unanswered
            data.append(
                {
                    "type": "call",
                    "id": str(90_000 + i),
                    "attributes": {
                        "direction": "outbound",
                        "outcome": "Not Answered",
                        "dialedAt": iso_local(day, 8 * 60),
                        "answeredAt": None,
                        "completedAt": iso_local(day, 8 * 60 + 1),
                        "tags": [],
                    },
                    "relationships": {
                        "user": owner,
                        "prospect": prospect,
                        "callDisposition": {"data": {"type": "callDisposition", "id": "9"}},
                    },
                }
            )
        if i % 7 == 0:  # a second meeting the prospect did not show up to
            no_show = {**attrs, "outcome": "No Show", "disposition": None}
            record = _meeting(70_000 + i, day, 17 * 60, owner, no_show)
            record["relationships"]["prospect"] = prospect
            data.append(record)
    for j, c in enumerate(coaching.to_pylist()):
        rep, day = c["rep_id"], c["held_at"]
        owner = refs.user(rep)
        if c["kind"] == "deal_review":
            attrs = {"title": "Deal review: Q-end pipeline", "outcome": "Completed", "tags": []}
            data.append(_meeting(80_000 + j, day, 16 * 60, owner, attrs))
            continue
        account = last_account.get(rep) or meetings.column("account_id")[0].as_py()
        data.append(
            {
                "type": "call",
                "id": str(60_000 + j),
                "attributes": {
                    "direction": "outbound",
                    "outcome": "Answered",
                    "dialedAt": iso_local(day, 10 * 60),
                    "answeredAt": iso_local(day, 10 * 60 + 1),
                    "completedAt": iso_local(day, 10 * 60 + 40),
                    "tags": ["ride-along"],
                    "note": "Manager ride-along",
                },
                "relationships": {
                    "user": owner,
                    "prospect": refs.prospect(account, j),
                    "callPurpose": {"data": {"type": "callPurpose", "id": "2"}},
                },
            }
        )
    included = refs.included()
    pages = [
        {
            "data": data[k : k + PAGE_SIZE],
            "included": included,
            "links": {"next": None if k + PAGE_SIZE >= len(data) else f"page[offset]={k}"},
        }
        for k in range(0, max(1, len(data)), PAGE_SIZE)
    ]
    path = write_json(folder / "outreach_activities.json", pages)
    return [
        Export("Outreach", path, "meetings", "outreach_meetings"),
        Export("Outreach", path, "coaching", "outreach_coaching", match_accounts=False),
    ]
