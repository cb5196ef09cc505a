"""``pulse data import|tables|log`` through Typer's CliRunner: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

import pulse.ingest.mapping as mapping_module
from pulse.cli import app
from pulse.workspace.store import create_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures" / "mappings"
OPPS = (
    'opportunity_id,amount,created_at,status\nA,100,2024-01-31,open\nB,"$1,250.50",2024-02-01,won\n'
)


@pytest.fixture
def runner(home: Path) -> CliRunner:
    create_workspace("acme", "b2b_saas", home)
    return CliRunner()


def test_import_then_tables_and_log(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "opps.csv"
    path.write_text(OPPS, encoding="utf-8")
    result = runner.invoke(app, ["data", "import", "acme", "opportunities", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "imported opportunities from opps.csv: 2 rows read, 2 inserted, 0 updated (restated), "
        "0 unchanged; 2 rows in opportunities now\n"
    )
    again = runner.invoke(app, ["data", "import", "acme", "opportunities", str(path)])
    assert "0 inserted, 0 updated (restated), 2 unchanged" in again.stdout

    tables = runner.invoke(app, ["data", "tables", "acme", "--format", "json"])
    assert tables.exit_code == 0
    payload = json.loads(tables.stdout)
    assert payload[0] == {"table": "accounts", "rows": 0}
    assert {"table": "opportunities", "rows": 2} in payload
    assert all(set(item) == {"table", "rows"} for item in payload)
    text = runner.invoke(app, ["data", "tables", "acme"])
    assert "opportunities" in text.stdout and "2" in text.stdout

    log = runner.invoke(app, ["data", "log", "acme", "--format", "json"])
    entries = json.loads(log.stdout)
    assert [(e["file_name"], e["rows_inserted"], e["rows_unchanged"]) for e in entries] == [
        ("opps.csv", 2, 0),
        ("opps.csv", 0, 2),
    ]
    table = runner.invoke(app, ["data", "log", "acme"])
    assert table.exit_code == 0 and "opps.csv" in table.stdout and "upsert" in table.stdout


def test_refused_import_prints_every_issue_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    body = "".join(f"O{i},x,2024-01-01,open\n" for i in range(60))
    path.write_text("opportunity_id,amount,created_at,status\n" + body, encoding="utf-8")
    result = runner.invoke(app, ["data", "import", "acme", "opportunities", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "error: bad.csv: 60 problems found (amount 60); nothing was imported"
    assert lines[1] == "  - bad.csv:2:amount: expected an amount, got 'x'"
    assert lines[50] == "  - bad.csv:51:amount: expected an amount, got 'x'"
    assert lines[51] == "  … and 10 more"
    tables = json.loads(runner.invoke(app, ["data", "tables", "acme", "--format", "json"]).stdout)
    assert {"table": "opportunities", "rows": 0} in tables


def test_missing_column_and_unknown_things(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "o.csv"
    path.write_text(
        "opportunity_id,amnt,created_at,status\nA,1,2024-01-01,open\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["data", "import", "acme", "opportunities", str(path)])
    assert result.exit_code == 1
    assert (
        "  - o.csv:1:amount: missing required column 'amount'. Did you mean 'amnt'?"
        in result.stderr
    )
    nobody = runner.invoke(app, ["data", "import", "acme2", "opportunities", str(path)])
    assert nobody.exit_code == 1 and "no workspace 'acme2'" in nobody.stderr
    table = runner.invoke(app, ["data", "import", "acme", "opportunity", str(path)])
    assert table.exit_code == 1 and "unknown table 'opportunity'" in table.stderr
    fmt = runner.invoke(app, ["data", "tables", "acme", "--format", "xml"])
    assert fmt.exit_code == 1 and "unknown format 'xml'" in fmt.stderr


def test_options(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapping_module, "PRESETS_DIR", FIXTURES)
    crm = tmp_path / "crm.csv"
    crm.write_bytes("Deal ID,Value,Created,Stage\nD1,5,03/31/2024,Closed Won\n".encode("latin-1"))
    result = runner.invoke(
        app,
        [
            "data",
            "import",
            "acme",
            "opportunities",
            str(crm),
            "--mapping",
            "tiny_crm",
            "--encoding",
            "latin-1",
        ],
    )
    assert result.exit_code == 0, result.output

    eu = tmp_path / "eu.csv"
    eu.write_text(
        "opportunity_id,amount,created_at,status\nE1,1,03/04/2024,open\n", encoding="utf-8"
    )
    refused = runner.invoke(app, ["data", "import", "acme", "opportunities", str(eu)])
    assert refused.exit_code == 1
    assert "hint: pass --date-format %d/%m/%Y (day first)" in refused.stderr
    ok = runner.invoke(
        app, ["data", "import", "acme", "opportunities", str(eu), "--date-format", "DD/MM/YYYY"]
    )
    assert ok.exit_code == 0, ok.output

    wb = Workbook()
    wb.active.title = "Notes"
    sheet = wb.create_sheet("Deals")
    sheet.append(["opportunity_id", "amount", "created_at", "status"])
    sheet.append(["X1", 7, "2024-01-01", "open"])
    book = tmp_path / "deals.xlsx"
    wb.save(book)
    replaced = runner.invoke(
        app, ["data", "import", "acme", "opportunities", str(book), "--sheet", "Deals", "--replace"]
    )
    assert replaced.exit_code == 0, replaced.output
    assert replaced.stdout.startswith(
        "replaced opportunities from deals.xlsx: 1 rows read, 1 inserted"
    )
    assert "2 removed" in replaced.stdout
    payload = json.loads(runner.invoke(app, ["data", "tables", "acme", "--format", "json"]).stdout)
    assert {"table": "opportunities", "rows": 1} in payload


def test_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["data", "import", "--help"])
    assert result.exit_code == 0
    for option in ("--mapping", "--date-format", "--replace", "--encoding", "--sheet", "--home"):
        assert option in result.stdout


def test_event_map_show_set_reset(runner: CliRunner, tmp_path: Path, home: Path) -> None:
    from pulse.ingest.event_map import load_event_map

    shown = runner.invoke(app, ["data", "event-map", "acme"])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("# shipped defaults (no event_map.yml in the workspace)\n")
    # what it shows is itself a valid event map a user can copy and edit
    defaults = tmp_path / "defaults.yml"
    defaults.write_text(shown.stdout, encoding="utf-8")
    assert load_event_map(defaults).kind("Signed Up") == "signed_up"

    bad = tmp_path / "bad.yml"
    bad.write_text("events:\n  pqls: Became PQL\n", encoding="utf-8")
    refused = runner.invoke(app, ["data", "event-map", "acme", "--set", str(bad)])
    assert refused.exit_code == 1
    assert f"{bad}:2: unknown milestone 'pqls'. Did you mean 'pql'?" in refused.stderr
    assert not (home / "acme" / "event_map.yml").exists()

    good = tmp_path / "good.yml"
    good.write_text("events:\n  activated: Report Exported\n", encoding="utf-8")
    done = runner.invoke(app, ["data", "event-map", "acme", "--set", str(good)])
    assert done.exit_code == 0, done.output
    again = runner.invoke(app, ["data", "event-map", "acme"])
    assert again.stdout.endswith("events:\n  activated: Report Exported\n")

    reset = runner.invoke(app, ["data", "event-map", "acme", "--reset"])
    assert reset.stdout == "event map of 'acme': the shipped defaults\n"
    assert not (home / "acme" / "event_map.yml").exists()
