"""Support and NPS presets (Zendesk, Delighted, Typeform) → health_signals per account per day."""

from __future__ import annotations

from datetime import date

import pytest

from pulse.ingest import import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows
from tests.ingest.tools.crm import SAMPLES, with_accounts

TICKETS = "SELECT account_id, observed_at, support_tickets FROM health_signals ORDER BY 1, 2"
NPS = "SELECT account_id, observed_at, nps FROM health_signals ORDER BY 1, 2"


@pytest.fixture
def crm(ws: Workspace) -> Workspace:
    return with_accounts(ws)


def test_zendesk_tickets_per_account_per_day(crm: Workspace) -> None:
    path = SAMPLES / "zendesk_tickets.csv"
    result = import_file(crm, "health_signals", path, mapping="zendesk_tickets")
    # the ticket with neither organisation nor requester domain is skipped; "Acme Corp" and
    # "ACME Corporation" are one account, so its two tickets of 1 March make one row
    assert (result.rows_read, result.skipped, result.combined, result.inserted) == (8, 1, 1, 6)
    assert rows(crm, TICKETS) == [
        ("001A", date(2024, 3, 1), 2),
        ("001A", date(2024, 3, 2), 1),  # 21:30 at -05:00 is 2 March in UTC
        ("001B", date(2024, 3, 1), 1),
        ("001C", date(2024, 3, 2), 1),  # no organisation: the requester's domain
        ("001D", date(2024, 3, 3), 1),  # "Umbrela Holdings": fuzzy
        ("Cyberdyne", date(2024, 3, 3), 1),  # unmatched, kept
    ]
    report = result.matches
    assert report is not None
    assert report.counts() == {"id": 0, "domain": 1, "name": 3, "fuzzy": 1, "unmatched": 1}
    assert report.lines()[1:] == [
        "  fuzzy: 'Umbrela Holdings' → 001D (score 0.97, 1 row)",
        "  unmatched: 'Cyberdyne' (1 row): kept as it is",
    ]


def test_zendesk_reimport_is_idempotent(crm: Workspace) -> None:
    path = SAMPLES / "zendesk_tickets.csv"
    import_file(crm, "health_signals", path, mapping="zendesk_tickets")
    again = import_file(crm, "health_signals", path, mapping="zendesk_tickets")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def test_nps_delighted_averaged_per_account_per_day(crm: Workspace) -> None:
    path = SAMPLES / "delighted_responses.json"
    result = import_file(crm, "health_signals", path, mapping="nps_delighted")
    # the CSAT response is not NPS; the one without e-mail or properties is skipped
    assert (result.rows_read, result.skipped, result.inserted) == (6, 1, 4)
    assert rows(crm, NPS) == [
        ("001A", date(2024, 3, 1), 7.5),  # (9 + 6) / 2, e-mail domains in any case
        ("001B", date(2024, 3, 2), 10.0),  # a person property holding the CRM id
        ("001C", date(2024, 3, 3), 0.0),  # webhook event, sub-domain e-mail
        ("someone@gmail.com", date(2024, 3, 3), 3.0),  # free mail: unmatched, kept
    ]
    assert result.matches is not None
    assert {m.raw: m.method for m in result.matches.matches} == {
        "ceo@acme.com": "domain",
        "Ops@ACME.com": "domain",
        "001B": "id",
        "jane@eu.initech.com": "domain",
        "someone@gmail.com": None,
    }


def test_nps_typeform_averaged_per_account_per_day(crm: Workspace) -> None:
    path = SAMPLES / "typeform_responses.json"
    result = import_file(crm, "health_signals", path, mapping="nps_typeform")
    assert (result.rows_read, result.inserted) == (4, 3)  # one response has no NPS answer
    assert rows(crm, NPS) == [
        ("001D", date(2024, 3, 4), 9.0),  # hidden account_id 8 and e-mail answer 10
        ("001E", date(2024, 3, 5), 4.0),  # hidden company name, opinion-scale question
        ("x@unknown.example", date(2024, 3, 6), 7.0),
    ]
