"""The CRM accounts that the accounting and support samples are matched against."""

from __future__ import annotations

from pathlib import Path

from pulse.ingest import import_records
from pulse.workspace.store import Workspace

SAMPLES = Path(__file__).parent / "samples"

CRM_ACCOUNTS = [
    {"account_id": "001A", "name": "Acme Corporation", "domain": "acme.com"},
    {"account_id": "001B", "name": "Globex GmbH", "domain": "https://www.globex.de"},
    {"account_id": "001C", "name": "Initech, Inc.", "domain": "initech.com"},
    {"account_id": "001D", "name": "Umbrella Holdings", "domain": "umbrella.io"},
    {"account_id": "001E", "name": "Stark Industries", "domain": "starkindustries.com"},
    {"account_id": "001F", "name": "Wayne Enterprises LLC", "domain": "wayne.com"},
]


def with_accounts(ws: Workspace) -> Workspace:
    """``ws`` with the CRM accounts imported."""
    import_records(ws, "accounts", CRM_ACCOUNTS, source_name="crm_accounts")
    return ws
