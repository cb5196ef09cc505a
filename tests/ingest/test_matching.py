"""Account matching at import: id → domain → normalised name → fuzzy name, nothing dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.errors import ImportValidationError, MappingError
from pulse.ingest import import_file, import_records
from pulse.ingest.mapping import load_mapping
from pulse.ingest.matching import (
    match_values,
    normalize_name,
    registrable_host,
    similarity,
)
from pulse.tables import get_table
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows, snapshot

ACCOUNTS = [
    {"account_id": "001A", "name": "Acme Corporation", "domain": "acme.com"},
    {"account_id": "001B", "name": "Globex GmbH", "domain": "https://www.globex.de/"},
    {"account_id": "001C", "name": "Initech, Inc.", "domain": "initech.co.uk"},
    {"account_id": "001D", "name": "Umbrella Holdings", "domain": "umbrella.io"},
    # two accounts with one domain and two with one normalised name: ties
    {"account_id": "001E", "name": "Stark Industries", "domain": "stark.com"},
    {"account_id": "001F", "name": "Stark Labs", "domain": "stark.com"},
    {"account_id": "001G", "name": "Wayne Enterprises LLC", "domain": None},
    {"account_id": "001H", "name": "Wayne Enterprises Ltd", "domain": None},
]

TICKETS = """account_id,observed_at,support_tickets
001A,2024-03-01,1
jane@support.acme.com,2024-03-02,2
https://www.globex.de/contact,2024-03-02,1
www.initech.co.uk,2024-03-03,1
INITECH LTD.,2024-03-04,3
Umbrela Holdings,2024-03-04,2
stark.com,2024-03-05,1
"Wayne Enterprises, Inc.",2024-03-05,1
Cyberdyne Systems,2024-03-06,4
Cyberdyne Systems,2024-03-07,1
"""


@pytest.fixture
def accounts(ws: Workspace) -> Workspace:
    import_records(ws, "accounts", ACCOUNTS, source_name="accounts")
    return ws


def test_normalize_name_strips_case_punctuation_and_legal_suffixes() -> None:
    assert normalize_name("ACME Corp.") == "acme"
    assert normalize_name("Acme, Inc.") == "acme"
    assert normalize_name("Acmé GmbH") == "acme"
    assert normalize_name("Acme Co., Ltd.") == "acme"
    assert normalize_name("The Acme Company L.L.C.") == "acme"
    assert normalize_name("Inc.") == "inc"  # never emptied
    assert normalize_name("AT&T") == "at t"


def test_registrable_host_of_domains_urls_and_emails() -> None:
    assert registrable_host("https://www.Acme.com/pricing") == "acme.com"
    assert registrable_host("jane@eu.acme.co.uk") == "acme.co.uk"
    assert registrable_host("www.acme.com:8080") == "acme.com"
    assert registrable_host("app.acme.io/login") == "acme.io"
    assert registrable_host("Acme Inc.") is None
    assert registrable_host("10.0.0.1") is None
    assert registrable_host("v1.2") is None


def test_similarity_ignores_word_order() -> None:
    assert similarity("holdings umbrella", "umbrella holdings") == 1.0
    assert similarity("umbrela holdings", "umbrella holdings") == pytest.approx(32 / 33)
    assert similarity("", "acme") == 0.0


def test_each_method_ties_and_unmatched(accounts: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("tickets.csv", TICKETS)
    result = import_file(accounts, "health_signals", path, match_accounts=True)
    assert result.inserted == 10
    report = result.matches
    assert report is not None and report.accounts == 8
    got = {m.raw: (m.account_id, m.method, m.score, m.rows, m.candidates) for m in report.matches}
    assert got == {
        "001A": ("001A", "id", 1.0, 1, ()),
        "jane@support.acme.com": ("001A", "domain", 1.0, 1, ()),
        "https://www.globex.de/contact": ("001B", "domain", 1.0, 1, ()),
        "www.initech.co.uk": ("001C", "domain", 1.0, 1, ()),
        "INITECH LTD.": ("001C", "name", 1.0, 1, ()),
        "Umbrela Holdings": ("001D", "fuzzy", round(32 / 33, 4), 1, ()),
        # ties: kept as they are, with the candidates listed
        "stark.com": (None, None, 1.0, 1, ("001E", "001F")),
        "Wayne Enterprises, Inc.": (None, None, 1.0, 1, ("001G", "001H")),
        "Cyberdyne Systems": (None, None, None, 2, ()),
    }
    assert report.counts() == {"id": 1, "domain": 3, "name": 1, "fuzzy": 1, "unmatched": 3}
    # unmatched rows are kept with their raw value
    assert rows(accounts, "SELECT account_id, observed_at::VARCHAR FROM health_signals ORDER BY 2, 1") == [
        ("001A", "2024-03-01"),
        ("001A", "2024-03-02"),
        ("001B", "2024-03-02"),
        ("001C", "2024-03-03"),
        ("001C", "2024-03-04"),
        ("001D", "2024-03-04"),
        ("Wayne Enterprises, Inc.", "2024-03-05"),
        ("stark.com", "2024-03-05"),
        ("Cyberdyne Systems", "2024-03-06"),
        ("Cyberdyne Systems", "2024-03-07"),
    ]  # fmt: skip
    assert report.lines() == [
        "accounts matched: 6 of 9 values (6 of 10 rows): id 1, domain 3, name 1, fuzzy 1; "
        "3 unmatched",
        "  fuzzy: 'Umbrela Holdings' → 001D (score 0.97, 1 row)",
        "  unmatched: 'Cyberdyne Systems' (2 rows): kept as it is",
        "  ambiguous: 'Wayne Enterprises, Inc.' (1 row): kept; could be 001G, 001H",
        "  ambiguous: 'stark.com' (1 row): kept; could be 001E, 001F",
    ]
    stored = rows(
        accounts,
        "SELECT import_id, table_name, raw_value, account_id, method, rows, candidates "
        "FROM _account_matches WHERE raw_value IN ('stark.com', '001A') ORDER BY raw_value",
    )
    assert stored == [
        (2, "health_signals", "001A", "001A", "id", 1, None),
        (2, "health_signals", "stark.com", None, None, 1, "001E, 001F"),
    ]


def test_fuzzy_threshold_boundary() -> None:
    accounts = [("001D", "Umbrella Holdings", None)]
    score = similarity(normalize_name("Umbrela Holdings"), "umbrella holdings")
    at = match_values([("Umbrela Holdings", 1)], accounts, table="t", threshold=score)
    above = match_values([("Umbrela Holdings", 1)], accounts, table="t", threshold=score + 0.001)
    assert at.matches[0].method == "fuzzy" and at.matches[0].account_id == "001D"
    assert above.matches[0].method is None and above.matches[0].account_id is None


def test_fuzzy_tie_is_ambiguous() -> None:
    accounts = [("1", "Acme North", None), ("2", "Acme South", None)]
    report = match_values([("Acme Nouth", 3)], accounts, table="t", threshold=0.8)
    assert report.matches[0].account_id is None
    assert report.matches[0].candidates == ("1", "2")


def test_empty_accounts_table_matches_nothing(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("t.csv", "account_id,observed_at,nps\nacme.com,2024-01-01,9\n")
    result = import_file(ws, "health_signals", path, match_accounts=True)
    assert result.matches is not None and result.matches.accounts == 0
    assert result.matches.lines() == [
        "accounts matched: none, the accounts table is empty; 1 value (1 rows) kept as they are "
        "(import accounts first, then import this file again)"
    ]
    assert rows(ws, "SELECT account_id FROM health_signals") == [("acme.com",)]


def test_reimport_is_idempotent(accounts: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("tickets.csv", TICKETS)
    import_file(accounts, "health_signals", path, match_accounts=True)
    before = snapshot(accounts)["health_signals"]
    again = import_file(accounts, "health_signals", path, match_accounts=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 10)
    assert snapshot(accounts)["health_signals"] == before
    assert rows(accounts, "SELECT count(DISTINCT import_id) FROM _account_matches") == [(2,)]


def test_refused_import_stores_no_report(accounts: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("t.csv", "account_id,observed_at,nps\nacme.com,2024-01-01,nine\n")
    with pytest.raises(ImportValidationError):
        import_file(accounts, "health_signals", path, match_accounts=True)
    assert rows(
        accounts, "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_account_matches'"
    ) == [(0,)]


def test_mapping_key_turns_matching_on(accounts: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    mapping = write(
        "m.yml",
        "table: health_signals\nmatch_accounts: {threshold: 0.99}\n"
        "columns:\n  account_id: Organization\n",
    )
    path = write(
        "t.csv", "Organization,observed_at\nACME corp,2024-01-01\nUmbrela Holdings,2024-01-01\n"
    )
    result = import_file(accounts, "health_signals", path, mapping=mapping)
    assert result.matches is not None and result.matches.threshold == 0.99
    assert rows(accounts, "SELECT account_id FROM health_signals ORDER BY 1") == [
        ("001A",),
        ("Umbrela Holdings",),  # 0.97 is below the mapping's threshold
    ]
    # the flag overrides the mapping
    assert (
        import_file(accounts, "health_signals", path, mapping=mapping, match_accounts=False).matches
        is None
    )


def test_mapping_key_errors(write) -> None:  # type: ignore[no-untyped-def]
    table = get_table("health_signals")
    bad = write("m.yml", "match_accounts: {threshold: 2}\n")
    with pytest.raises(MappingError) as err:
        load_mapping(bad, table)
    assert (
        "match_accounts.threshold: expected a number between 0 and 1, got 2" in err.value.render()
    )
    assert load_mapping(write("ok.yml", "match_accounts: true\n"), table).match_accounts


def test_matching_needs_an_account_id_column(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write(
        "s.csv", "period_start,period_end,category,amount\n2024-01-01,2024-01-31,sales,1\n"
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "spend", path, match_accounts=True)
    assert err.value.message == (
        "account matching applies to tables with an account_id column, not 'spend'"
    )


def test_cli_prints_report_and_matches_command(accounts: Workspace, write, home: Path) -> None:  # type: ignore[no-untyped-def]
    path = write("tickets.csv", TICKETS)
    runner = CliRunner()
    out = runner.invoke(
        app,
        ["data", "import", "acme", "health_signals", str(path), "--match-accounts",
         "--home", str(home)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "accounts matched: 6 of 9 values" in out.output
    assert "  fuzzy: 'Umbrela Holdings' → 001D (score 0.97, 1 row)" in out.output
    shown = runner.invoke(app, ["data", "matches", "acme", "--format", "json", "--home", str(home)])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["import_id"] == 2 and data["table"] == "health_signals"
    assert data["counts"] == {"id": 1, "domain": 3, "name": 1, "fuzzy": 1, "unmatched": 3}
    table = runner.invoke(app, ["data", "matches", "acme", "--home", str(home)])
    assert table.exit_code == 0 and "Cyberdyne Systems" in table.output


def test_matches_command_without_matching(ws: Workspace, home: Path) -> None:
    out = CliRunner().invoke(app, ["data", "matches", "acme", "--home", str(home)])
    assert out.exit_code == 1
    assert "error: no account matches recorded for any import in workspace 'acme'" in out.output
