"""Import-time findings (:mod:`pulse.ingest.quirks`) on tiny hand-made files.

Every message is asserted exactly; the rows are always imported as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import pulse.ingest.quirks as quirks
from pulse.cli import app
from pulse.ingest import import_file, import_records
from pulse.ingest.quirks import dimension_columns
from pulse.tables import get_table
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

Write = Callable[[str, str], Path]
HINT = "spelled differently; map one to the other with a value map in the mapping file"


def _log_notes(ws: Workspace) -> list[str | None]:
    return [e["note"] for e in ws.import_log()]


def test_dimension_columns_are_the_categorical_text_columns() -> None:
    names = {t: [c.name for c in dimension_columns(get_table(t))] for t in ("accounts", "opportunities", "subscriptions")}  # fmt: skip
    assert names == {
        "accounts": ["segment", "region", "industry"],
        "opportunities": [
            "product_line",
            "region",
            "segment",
            "source",
            "currency",
            "stage",
            "pricing_model",
        ],
        "subscriptions": ["product", "billing_period", "currency"],
    }


def test_no_findings_on_a_clean_file(ws: Workspace, write: Write) -> None:
    path = write(
        "opps.csv",
        "opportunity_id,amount,list_amount,created_at,closed_at,status,product_line,stage\n"
        "A,100,,2024-01-02,2024-02-01,won,Core,Stage 1\n"
        "B,200,250,2024-01-03,,open,Analytics,Stage 2\n"
        "C,300,300,2024-01-04,2024-01-04,lost,Analytics,Stage 3\n",
    )
    result = import_file(ws, "opportunities", path)
    assert result.warnings == ()
    assert _log_notes(ws) == [None]


def test_spelling_variants_in_one_file(ws: Workspace, write: Write) -> None:
    path = write(
        "opps.csv",
        "opportunity_id,name,amount,created_at,status,product_line,region,stage,segment\n"
        "A,Acme Corp,1,2024-01-02,open,GTX Pro,EMEA,Stage 1,SMB\n"
        "B,ACME corp,1,2024-01-02,open,GTX Pro,EMEA,Stage 2,SMBs\n"
        "C,Other,1,2024-01-02,open,GTXPro,emea,Stage 2,SMB\n"
        "D,Other,1,2024-01-02,open,gtx-pro,emea ,Stage 10,SMB\n",
    )
    result = import_file(ws, "opportunities", path)
    # names and ids are not categories; 'Stage 1' / 'Stage 2' differ only in digits and
    # 'SMB' / 'SMBs' are too short for the one-edit rule: none of those is reported
    assert result.warnings == (
        f"opportunities.product_line: 'GTXPro' (1 row) looks like 'GTX Pro' (2 rows) {HINT}",
        f"opportunities.product_line: 'gtx-pro' (1 row) looks like 'GTX Pro' (2 rows) {HINT}",
        f"opportunities.region: 'emea' (2 rows) looks like 'EMEA' (2 rows) {HINT}",
    )
    # imported as they are, and the findings are in the import log's note
    assert rows(ws, "SELECT product_line, count(*) FROM opportunities GROUP BY 1 ORDER BY 1") == [
        ("GTX Pro", 2),
        ("GTXPro", 1),
        ("gtx-pro", 1),
    ]
    assert _log_notes(ws) == ["; ".join(result.warnings)]


def test_one_edit_apart_from_six_characters(ws: Workspace, write: Write) -> None:
    path = write(
        "accounts.csv",
        "account_id,industry,segment\n"
        "1,technology,Enterprise\n2,technology,Entreprise\n3,technolgy,Enterprise\n"
        "4,Finance,Mid\n5,Finanse,Mid\n6,retail,Mod\n7,retail,Mid\n",
    )
    result = import_file(ws, "accounts", path)
    # 'Mid' / 'Mod' are one edit apart too, but shorter than 6 characters: not reported
    assert result.warnings == (
        f"accounts.segment: 'Entreprise' (1 row) looks like 'Enterprise' (2 rows) {HINT}",
        f"accounts.industry: 'technolgy' (1 row) looks like 'technology' (2 rows) {HINT}",
        f"accounts.industry: 'Finanse' (1 row) looks like 'Finance' (1 row) {HINT}",
    )
    assert rows(ws, "SELECT count(*) FROM accounts") == [(7,)]


def test_spelling_variants_against_earlier_imports(ws: Workspace, write: Write) -> None:
    first = write("a.csv", "account_id,industry\n1,Technology\n2,Technology\n3,Retail\n")
    assert import_file(ws, "accounts", first).warnings == ()
    second = write("b.csv", "account_id,industry\n4,technolgy\n5,Retail\n")
    result = import_file(ws, "accounts", second)  # the staged (upsert) path
    assert result.warnings == (
        f"accounts.industry: 'technolgy' (1 row) looks like 'Technology' (2 rows) {HINT}",
    )
    # a later file bringing neither value does not repeat the finding
    third = write("c.csv", "account_id,industry\n6,Retail\n")
    assert import_file(ws, "accounts", third).warnings == ()
    # restating the row with the usual spelling leaves nothing to report
    fixed = write("d.csv", "account_id,industry\n4,Technology\n")
    assert import_file(ws, "accounts", fixed).warnings == ()
    assert rows(ws, "SELECT count(*) FROM accounts WHERE industry = 'Technology'") == [(3,)]


def test_replace_compares_with_the_new_rows_only(ws: Workspace, write: Write) -> None:
    import_file(ws, "accounts", write("a.csv", "account_id,industry\n1,Technology\n"))
    result = import_file(
        ws, "accounts", write("b.csv", "account_id,industry\n2,technolgy\n"), replace=True
    )
    assert result.warnings == ()


def test_closed_before_created(ws: Workspace, write: Write) -> None:
    path = write(
        "opps.csv",
        "opportunity_id,amount,created_at,close_date,closed_at,status\n"
        "A,1,2024-03-05,2024-03-01,2024-03-01,won\n"  # closed 4 days before created
        "B,1,2024-03-05,2024-03-10,2024-03-10,won\n"
        "C,1,2024-03-05,2024-02-01,,lost\n"  # no closed_at: close_date counts
        "D,1,2024-03-05,2024-02-01,,open\n"  # open: an expected close date in the past
        "E,1,2024-03-05,2024-01-01,2024-03-06,won\n",  # closed_at wins over close_date
    )
    result = import_file(ws, "opportunities", path)
    assert result.warnings == (
        "opportunities: 2 deals closed (won or lost) before they were created (closed_at, "
        "else close_date, before created_at), e.g. 'A' (line 2, created 2024-03-05, closed "
        "2024-03-01), 'C' (line 4, created 2024-03-05, closed 2024-02-01)",
    )
    assert rows(ws, "SELECT count(*) FROM opportunities") == [(5,)]


def test_closed_before_created_with_close_date_only_and_examples_capped(
    ws: Workspace, write: Write
) -> None:
    body = "".join(f"O{i},1,2024-03-05,2024-03-0{i},lost\n" for i in range(1, 5))
    path = write("opps.csv", "opportunity_id,amount,created_at,close_date,status\n" + body)
    result = import_file(ws, "opportunities", path)
    assert result.warnings == (
        "opportunities: 4 deals closed (won or lost) before they were created (closed_at, "
        "else close_date, before created_at), e.g. 'O1' (line 2, created 2024-03-05, closed "
        "2024-03-01), 'O2' (line 3, created 2024-03-05, closed 2024-03-02), 'O3' (line 4, "
        "created 2024-03-05, closed 2024-03-03)",
    )


def test_closed_before_the_lead_arrived_from_either_side(
    ws: Workspace, write: Write, home: Path
) -> None:
    leads = write(
        "leads.csv",
        "lead_id,created_at,opportunity_id\nL1,2024-03-08,X\nL2,2024-03-01,Y\nL3,2024-03-01,\n",
    )
    deals = write(
        "deals.csv",
        "opportunity_id,amount,created_at,closed_at,status\n"
        "Y,1,2024-03-06,2024-03-06,won\nX,1,2024-03-06,2024-03-06,won\n",
    )
    assert import_file(ws, "leads", leads).warnings == ()
    assert import_file(ws, "opportunities", deals).warnings == (
        "opportunities: 1 deal closed (won or lost) before its lead arrived (leads.created_at), "
        "e.g. 'X' (line 3, lead created 2024-03-08, closed 2024-03-06)",
    )
    from pulse.workspace.store import create_workspace

    other = create_workspace("other", "b2b_saas", home)
    assert import_file(other, "opportunities", deals).warnings == ()
    assert import_file(other, "leads", leads).warnings == (
        "leads: 1 lead arrived after the deal it converted into was closed "
        "(opportunities.closed_at, else close_date), e.g. 'L1' (line 2, created 2024-03-08, "
        "deal closed 2024-03-06)",
    )


def test_blank_space_numbers_are_read_as_missing(ws: Workspace, write: Write) -> None:
    path = write(
        "opps.csv",
        "opportunity_id,amount,Total (USD),deployments,created_at,status\n"
        "A,100, ,3,2024-01-02,open\n"
        "B,200,,\t,2024-01-02,open\n"  # an empty cell is an ordinary missing value
        "C,300,   ,4,2024-01-02,open\n"
        'D,400," ",5,2024-01-02,open\n'
        "E,500,7,6,2024-01-02,open\n",
    )
    mapping = write("m.yml", "table: opportunities\ncolumns:\n  list_amount: Total (USD)\n")
    result = import_file(ws, "opportunities", path, mapping=mapping)
    assert result.warnings == (
        "opportunities.list_amount: 3 values hold only spaces in column 'Total (USD)' and were "
        "read as missing, e.g. lines 2, 4, 5",
        "opportunities.deployments: 1 value holds only spaces in column 'deployments' and was "
        "read as missing, e.g. line 3",
    )
    assert rows(
        ws, "SELECT opportunity_id, list_amount, deployments FROM opportunities ORDER BY 1"
    ) == [("A", None, 3), ("B", None, None), ("C", None, 4), ("D", None, 5), ("E", 7, 6)]


def test_blank_space_required_number_is_still_refused(ws: Workspace, write: Write) -> None:
    from pulse.ingest import ImportRefused

    path = write("opps.csv", "opportunity_id,amount,created_at,status\nA, ,2024-01-02,open\n")
    with pytest.raises(ImportRefused) as err:
        import_file(ws, "opportunities", path)
    assert err.value.render() == (
        "opps.csv: 1 problem found; nothing was imported\n"
        "  - opps.csv:2:amount: expected a value, got ''\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )


def test_records_name_their_position(ws: Workspace) -> None:
    records = [
        {"opportunity_id": "A", "amount": "1", "created_at": "2024-03-05", "status": "won",
         "closed_at": "2024-03-01", "list_amount": " "},
        {"opportunity_id": "B", "amount": "1",
         "created_at": "2024-03-05", "status": "open", "closed_at": None, "list_amount": "2"},
    ]  # fmt: skip
    result = import_records(ws, "opportunities", records, source_name="api")
    assert result.warnings == (
        "opportunities: 1 deal closed (won or lost) before it was created (closed_at, else "
        "close_date, before created_at), e.g. 'A' (line 1, created 2024-03-05, closed "
        "2024-03-01)",
        "opportunities.list_amount: 1 value holds only spaces in column 'list_amount' and was "
        "read as missing, e.g. line 1",
    )


def test_a_failing_check_is_a_finding_not_an_error(
    ws: Workspace, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(con: duckdb.DuckDBPyConnection, imported: quirks.Imported) -> list[str]:
        raise duckdb.InvalidInputException("boom\nmore detail")

    monkeypatch.setattr(quirks, "find_quirks", broken)
    path = write("a.csv", "account_id,industry\n1,Technology\n")
    result = import_file(ws, "accounts", path)
    assert result.warnings == ("accounts: the data could not be checked for quirks (boom)",)
    assert rows(ws, "SELECT count(*) FROM accounts") == [(1,)]


def test_cli_prints_findings_and_logs_them(home: Path, tmp_path: Path) -> None:
    from pulse.workspace.store import create_workspace

    create_workspace("acme", "b2b_saas", home)
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,industry\n1,technology\n2,technology\n3,technolgy\n")
    runner = CliRunner()
    result = runner.invoke(app, ["data", "import", "acme", "accounts", str(path)])
    assert result.exit_code == 0, result.output
    finding = f"accounts.industry: 'technolgy' (1 row) looks like 'technology' (2 rows) {HINT}"
    assert result.stdout.splitlines()[1:] == [f"note: {finding}"]
    log = runner.invoke(app, ["data", "log", "acme", "--format", "json"])
    assert [e["note"] for e in json.loads(log.stdout)] == [finding]


def test_more_than_five_variants_in_a_column_are_counted(ws: Workspace, write: Write) -> None:
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"]
    body = "".join(f"{w},{w}\n{w}2,{w}\n{w}3,{w.upper()}\n" for w in words)
    result = import_file(ws, "accounts", write("a.csv", "account_id,segment\n" + body))
    assert result.warnings == (
        *(
            f"accounts.segment: '{w.upper()}' (1 row) looks like '{w}' (2 rows) {HINT}"
            for w in words[:5]
        ),
        "accounts.segment: 2 more values look like others",
    )


def test_transposed_letters_are_one_edit(ws: Workspace, write: Write) -> None:
    body = "1,Hardware\n2,Hardware\n3,Hardwaer\n"
    result = import_file(ws, "accounts", write("a.csv", "account_id,industry\n" + body))
    assert result.warnings == (
        f"accounts.industry: 'Hardwaer' (1 row) looks like 'Hardware' (2 rows) {HINT}",
    )


def test_a_column_with_more_than_max_values_is_not_a_category(ws: Workspace, write: Write) -> None:
    body = "".join(f"{i},value {i}\n" for i in range(quirks.MAX_VALUES - 1))
    body += "t1,technology\nt2,technolgy\n"  # 1,001 distinct values
    result = import_file(ws, "accounts", write("a.csv", "account_id,industry\n" + body))
    assert result.warnings == ()
    fewer = write("b.csv", "account_id,industry\n0,technology\n")  # value 0 restated: 1,000
    assert import_file(ws, "accounts", fewer).warnings == (
        f"accounts.industry: 'technolgy' (1 row) looks like 'technology' (2 rows) {HINT}",
    )


def test_a_failing_log_update_keeps_the_findings(
    ws: Workspace, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(con: duckdb.DuckDBPyConnection, import_id: int, findings: list[str]) -> None:
        raise ValueError("log unavailable")

    monkeypatch.setattr(quirks, "record", broken)
    path = write("a.csv", "account_id,industry\n1,technology\n2,technology\n3,technolgy\n")
    result = import_file(ws, "accounts", path)
    assert result.warnings == (
        f"accounts.industry: 'technolgy' (1 row) looks like 'technology' (2 rows) {HINT}",
        "accounts: these findings are not in the import log (log unavailable)",
    )
    assert _log_notes(ws) == [None]
