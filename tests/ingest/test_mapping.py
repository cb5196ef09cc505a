"""Mappings: presets by name, user files, renames, value maps, constants, SQL, errors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pulse.ingest.mapping as mapping_module
from pulse.errors import MappingError, UnknownNameError
from pulse.ingest import ImportRefused, import_file
from pulse.ingest.mapping import load_mapping
from pulse.ingest.names import normalize_header
from pulse.ingest.normalizers import get_normalizer, normalizer
from pulse.tables import get_table
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

FIXTURES = Path(__file__).parent / "fixtures" / "mappings"


@pytest.fixture
def presets(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(mapping_module, "PRESETS_DIR", FIXTURES)
    return FIXTURES


@pytest.mark.parametrize(
    ("header", "normal"),
    [
        ("Close Date", "close_date"),
        ("close_date", "close_date"),
        ("CloseDate", "close_date"),
        (" Close Date (UTC) ", "close_date"),
        ("Created (utc)", "created"),
        ("Start Date [UTC]", "start_date"),
        ("\ufeffid", "id"),
        ("Account.Name", "account_name"),
        ("Deal - Title", "deal_title"),
        ("IsWon", "is_won"),
        ("ARR", "arr"),
        ("MRRAmount", "mrr_amount"),
        ("Probability (%)", "probability"),
        ("Obchod - Fáze", "obchod_fáze"),
    ],
)
def test_normalize_header(header: str, normal: str) -> None:
    assert normalize_header(header) == normal


CRM = (
    "Deal ID,Value,Created,Stage,Owner ID\n"
    'D1,"$1,200.00",03/31/2024,Closed Won,R1\n'
    "D2,500,04/01/2024,Negotiation,R2\n"
    "D3,(100),04/02/2024,closed lost,R1\n"
)


def test_preset_by_name(ws: Workspace, write, presets: Path) -> None:
    result = import_file(ws, "opportunities", write("crm.csv", CRM), mapping="tiny_crm")
    # columns the preset does not mention still match by name: "Owner ID" is owner_id
    assert (result.mapping, result.inserted, result.ignored_columns) == ("tiny_crm", 3, ())
    assert rows(
        ws,
        "SELECT opportunity_id, amount, created_at, stage, status, currency, owner_id "
        "FROM opportunities ORDER BY 1",
    ) == [
        ("D1", Decimal("1200"), date(2024, 3, 31), "Closed Won", "won", "USD", "R1"),
        ("D2", Decimal("500"), date(2024, 4, 1), "Negotiation", "open", "USD", "R2"),
        ("D3", Decimal("-100"), date(2024, 4, 2), "closed lost", "lost", "USD", "R1"),
    ]
    assert ws.import_log()[-1]["mapping"] == "tiny_crm"
    reps = "Owner ID,Owner\nR1,Ann\nR2,Bob\n"
    import_file(ws, "reps", write("reps.csv", reps), mapping="tiny_crm")
    assert rows(ws, "SELECT rep_id, name FROM reps ORDER BY 1") == [("R1", "Ann"), ("R2", "Bob")]


def test_unknown_preset_and_missing_section(ws: Workspace, write, presets: Path) -> None:
    with pytest.raises(UnknownNameError) as excinfo:
        import_file(ws, "opportunities", write("crm.csv", CRM), mapping="tiny_crn")
    assert excinfo.value.message == "unknown mapping preset 'tiny_crn'. Did you mean 'tiny_crm'?"
    with pytest.raises(MappingError) as excinfo2:
        import_file(ws, "accounts", write("crm.csv", CRM), mapping="tiny_crm")
    assert excinfo2.value.message == "mapping 'tiny_crm' has no section for table 'accounts'"
    assert excinfo2.value.hint == "it maps: opportunities, reps"


def test_user_mapping_file(ws: Workspace, write) -> None:
    mapping = write(
        "m.yml",
        """
table: opportunities
date_format: DD/MM/YYYY
decimal: ","
where: "is_deleted <> 'Y'"
columns:
  opportunity_id: [Id, Opportunity ID]
  amount: Betrag
  created_at: Angelegt
  close_date: {from: Abschluss, date_format: "%Y%m%d"}
  status:
    sql: "CASE WHEN is_won = 'Y' THEN 'won' WHEN is_closed = 'Y' THEN 'lost' ELSE 'open' END"
  is_pilot:
    from: Pilot
    values: {Y: true, N: false}
  type: {value: new}
  region: {sql: "upper(\\"Land\\")"}
""",
    )
    data = (
        "Id;Betrag;Angelegt;Abschluss;IsWon;IsClosed;Pilot;Land;IsDeleted\n"
        "A;1.234,50;31/03/2024;20240415;Y;Y;Y;de;N\n"
        "B;10;01/04/2024;;N;Y;N;fr;N\n"
        "C;5;01/04/2024;;N;N;;at;N\n"
        "Z;x;x;x;x;x;x;x;Y\n"
    )
    result = import_file(ws, "opportunities", write("o.csv", data), mapping=mapping)
    assert (result.rows_read, result.skipped, result.inserted) == (4, 1, 3)
    assert ws.import_log()[-1]["note"] == "1 row skipped by the mapping's where"
    assert rows(
        ws,
        "SELECT opportunity_id, amount, created_at, close_date, status, is_pilot, type, region "
        "FROM opportunities ORDER BY 1",
    ) == [
        ("A", Decimal("1234.5"), date(2024, 3, 31), date(2024, 4, 15), "won", True, "new", "DE"),
        ("B", Decimal("10"), date(2024, 4, 1), None, "lost", False, "new", "FR"),
        ("C", Decimal("5"), date(2024, 4, 1), None, "open", None, "new", "AT"),
    ]


def test_value_map_passes_unlisted_values_through(ws: Workspace, write) -> None:
    mapping = write(
        "m.yml", "columns:\n  status:\n    from: Stage\n    values: {Closed Won: won}\n"
    )
    data = "opportunity_id,amount,created_at,Stage\nA,1,2024-01-01,Closed Won\nB,1,2024-01-01,Pending\n"
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "opportunities", write("o.csv", data), mapping=mapping)
    assert [str(i) for i in excinfo.value.issues] == [
        "o.csv:3:Stage: expected one of open, won, lost, got 'Pending'"
    ]


def test_optional_source_missing_is_a_warning(ws: Workspace, write) -> None:
    mapping = write("m.yml", "columns:\n  list_amount: List Amount\n")
    data = "opportunity_id,amount,created_at,status,Lst Amount\nA,1,2024-01-01,open,2\n"
    result = import_file(ws, "opportunities", write("o.csv", data), mapping=mapping)
    assert result.warnings == (
        "mapping '" + str(mapping) + "': list_amount left empty, the file has no column "
        "'List Amount' (did you mean 'Lst Amount'?)",
    )


def test_required_source_missing_names_what_was_tried(ws: Workspace, write) -> None:
    mapping = write("m.yml", "columns:\n  amount: [Deal Value, Value]\n")
    data = "opportunity_id,Valeur,created_at,status\nA,1,2024-01-01,open\n"
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "opportunities", write("o.csv", data), mapping=mapping)
    assert [str(i) for i in excinfo.value.issues] == [
        "o.csv:1:amount: missing required column 'amount' (looked for 'Deal Value', 'Value'). "
        "Did you mean 'Valeur'?"
    ]


def test_invalid_mapping_files(write) -> None:
    opportunities = get_table("opportunities")
    path = write(
        "bad.yml",
        "colums: {}\ncolumns:\n  ammount: Amount\n  status: {from: Stage, value: open}\n  type: 3\ndecimal: ';'\n",
    )
    with pytest.raises(MappingError) as excinfo:
        load_mapping(path, opportunities)
    assert excinfo.value.message == f"mapping '{path}' is invalid"
    assert [str(i) for i in excinfo.value.issues] == [
        f"{path}:1: unknown key 'colums'. Did you mean 'columns'?",
        f"{path}:6: decimal: expected '.' or ',', got ';'",
        f"{path}:3: unknown column 'ammount' of table 'opportunities'. Did you mean 'amount'?",
        f"{path}:4: columns.status: expected exactly one of from, value, sql",
        f"{path}:5: columns.type: expected a source column, a list, or a mapping with from/value/sql",
    ]
    with pytest.raises(MappingError) as excinfo:
        load_mapping(write("y.yml", "columns: [\n"), opportunities)
    assert excinfo.value.message == "y.yml: invalid YAML"
    with pytest.raises(MappingError, match=r"mapping file nowhere\.yml does not exist"):
        load_mapping("nowhere.yml", opportunities)
    with pytest.raises(MappingError) as excinfo:
        load_mapping(write("t.yml", "table: reps\n"), opportunities)
    assert (
        excinfo.value.message
        == f"mapping '{write('t.yml', 'table: reps')}' is for table 'reps', not 'opportunities'"
    )


def test_invalid_sql_in_a_mapping(ws: Workspace, write) -> None:
    data = "opportunity_id,amount,created_at,IsWon\nA,1,2024-01-01,Y\n"
    cases = {
        "status: {sql: \"CASE WHEN is_wonn = 'Y' THEN 'won' END\"}": "columns.status.sql: unknown column 'is_wonn'. Did you mean 'is_won'?",
        'status: {sql: "(SELECT 1)"}': "columns.status.sql: only an expression over the file's columns is allowed (no queries or tables)",
        'status: {sql: "CASE WHEN"}': "columns.status.sql: not a valid SQL expression",
    }
    for rule, message in cases.items():
        mapping = write("m.yml", f"columns:\n  {rule}\n")
        with pytest.raises(MappingError) as excinfo:
            import_file(ws, "opportunities", write("o.csv", data), mapping=mapping)
        assert str(excinfo.value.issues[0]).startswith(f"{mapping}:2: {message}")


def test_yaml_booleans_are_only_true_and_false(write) -> None:
    path = write(
        "m.yml",
        "columns:\n  is_pilot:\n    from: Pilot\n    values: {Y: true, yes: true, N: false, no: false}\n",
    )
    rule = load_mapping(path, get_table("opportunities")).columns["is_pilot"]
    assert rule.values == {"y": "true", "yes": "true", "n": "false", "no": "false"}


@normalizer("test_deals_with_lines")
def _deals_with_lines(document: Any) -> Iterable[dict[str, Any]]:
    for deal in document["deals"]:
        for line in deal["lines"]:
            yield {
                "id": f"{deal['id']}-{line['n']}",
                "amount": line["amount"],
                "created": deal["created"],
                "status": "open",
            }


def test_normalizer_for_nested_json(ws: Workspace, write) -> None:
    doc = {
        "deals": [
            {
                "id": "D1",
                "created": 1711843200,
                "lines": [{"n": 1, "amount": 5}, {"n": 2, "amount": 7}],
            }
        ]
    }
    mapping = write(
        "m.yml",
        "normalizer: test_deals_with_lines\ncolumns:\n  opportunity_id: id\n  created_at: created\n",
    )
    import_file(ws, "opportunities", write("d.json", json.dumps(doc)), mapping=mapping)
    assert rows(ws, "SELECT opportunity_id, amount, created_at FROM opportunities ORDER BY 1") == [
        ("D1-1", Decimal("5"), date(2024, 3, 31)),
        ("D1-2", Decimal("7"), date(2024, 3, 31)),
    ]
    with pytest.raises(
        UnknownNameError, match=r"unknown normalizer 'test_deals_with_line'\. Did you mean"
    ):
        get_normalizer("test_deals_with_line")
