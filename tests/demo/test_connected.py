"""``pulse demo --connected``: CRM from the generator, the rest from tool exports, matched.

One small build through the real CLI serves every test. The tool files it wrote are read back
to count what must have landed; the match reports are read from the workspace.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.demo import generate
from pulse.demo.connected import NAME
from pulse.demo.connected.accounts import UNKNOWN_COMPANIES, AccountBook, misspell
from pulse.demo.connected.build import CRM_TABLES, TOOL_TABLES, ConnectedDemo
from pulse.demo.connected.product import USAGE_EVENTS
from pulse.demo.connected.show import CONNECTED_KPIS, connected_scorecard, missing_kpis
from pulse.ingest.matching import MatchReport, load_report
from pulse.workspace.store import Workspace, open_workspace

ANCHOR = date(2025, 6, 30)
OPPORTUNITIES = 150
# every tool file, the table it fills and the shipped preset that reads it
IMPORTS = [
    ("mixpanel_events.jsonl", "signups", "mixpanel_signups"),
    ("mixpanel_events.jsonl", "health_signals", "mixpanel_usage"),
    ("mixpanel_events.jsonl", "value_events", "mixpanel_value_events"),
    ("gong_calls.json", "meetings", "gong_calls"),
    ("clari_forecast.json", "forecasts", "clari_forecast"),
    ("outreach_activities.json", "meetings", "outreach_meetings"),
    ("outreach_activities.json", "coaching", "outreach_coaching"),
    ("quickbooks_invoices.json", "invoices", "quickbooks_invoices"),
    ("quickbooks_spend.json", "spend", "quickbooks_spend"),
    ("zendesk_tickets.csv", "health_signals", "zendesk_tickets"),
    ("delighted_responses.json", "health_signals", "nps_delighted"),
]


@dataclass
class Built:
    ws: Workspace
    output: str
    generated: dict[str, pa.Table]

    @property
    def exports(self) -> Path:
        return self.ws.path / "exports"

    def json(self, name: str) -> Any:
        return json.loads((self.exports / name).read_text(encoding="utf-8"))

    def one(self, sql: str) -> Any:
        with self.ws.connection(read_only=True) as con:
            return con.execute(sql).fetchall()[0][0]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    home = tmp_path_factory.mktemp("home")
    args = ["demo", "--connected", "--opportunities", str(OPPORTUNITIES), "--anchor", "2025-06-30"]
    result = CliRunner().invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == 0, result.output
    generated = generate("b2b_saas", opportunities=OPPORTUNITIES, anchor=ANCHOR)
    yield Built(open_workspace(NAME, home), result.output, generated)


def _reports(ws: Workspace) -> list[MatchReport]:
    out = []
    with ws.connection(read_only=True) as con:
        for row in ws.import_log():
            report = load_report(con, int(row["import_id"]))
            if report is not None:
                out.append(report)
    return out


def test_crm_tables_are_generated_and_every_other_table_comes_from_a_tool_file(
    built: Built,
) -> None:
    counts = built.ws.table_counts()
    for table in CRM_TABLES:
        assert counts[table] == built.generated[table].num_rows, table
    tool_imports = [
        (row["file_name"], row["table_name"], row["mapping"])
        for row in built.ws.import_log()
        if not str(row["file_name"]).startswith("crm:")
    ]
    assert tool_imports == IMPORTS
    assert {table for _, table, _ in IMPORTS} == set(TOOL_TABLES)
    assert sorted(p.name for p in built.exports.iterdir()) == sorted({f for f, _, _ in IMPORTS})
    assert (built.ws.path / "event_map.yml").is_file()
    assert "not imported" not in built.output
    assert "loaded from the generator" not in built.output
    assert sorted(p.name for p in built.ws.path.parent.iterdir()) == [NAME]  # no staging left


def test_the_kpis_the_tools_feed_all_compute(built: Built) -> None:
    card = connected_scorecard(ConnectedDemo(built.ws, ANCHOR), today=date(2025, 8, 15))
    assert card.period.label == "2025-Q2"
    values = {line.result.kpi.id: line.result.value for line in card.lines()}
    assert missing_kpis(card) == {}
    for kpi in CONNECTED_KPIS:
        assert values.get(kpi) is not None, kpi
    scorecard = built.output.split("demo-connected — profile b2b_saas — 2025-Q2")[1]
    for name in ("Forecast accuracy", "Gross margin", "Days sales outstanding", "Coaching"):
        assert name in scorecard
    assert "missing_data" not in scorecard


def test_the_match_report_has_every_method_and_lists_the_unmatched(built: Built) -> None:
    reports = _reports(built.ws)
    methods: dict[str, int] = {}
    for report in reports:
        for method, n in report.counts().items():
            methods[method] = methods.get(method, 0) + n
    assert all(methods[m] > 0 for m in ("id", "domain", "name", "fuzzy", "unmatched")), methods
    book = AccountBook.from_table(built.generated["accounts"])
    fuzzy = {m.raw: m.account_id for r in reports for m in r.fuzzy}
    assert len(fuzzy) == 3
    for raw, account in fuzzy.items():  # each one a planted typo of the account it matched
        assert account is not None and misspell(book.names[account]) == raw
    unmatched = {m.raw for r in reports for m in r.unmatched if not m.candidates}
    assert "Fabrikam Trading Ltd" in unmatched  # the billing entity in QuickBooks
    assert "Tailspin Toys" in unmatched  # the support organisation in Zendesk
    assert any(raw.endswith("@contosopharmaceuticals.example") for raw in unmatched)
    assert {raw for raw in unmatched if "@" not in raw} <= set(UNKNOWN_COMPANIES)  # only those
    report_text = built.output.split("Account matching")[1]
    assert "unmatched: 'Fabrikam Trading Ltd'" in report_text
    assert "unmatched: 'Tailspin Toys'" in report_text
    for raw in fuzzy:
        assert f"fuzzy: '{raw}'" in report_text


def test_row_counts_follow_from_the_exports(built: Built) -> None:
    gong = built.json("gong_calls.json")["calls"]
    assert built.one("SELECT count(*) FROM meetings WHERE source = 'gong'") == len(gong)
    clari = built.json("clari_forecast.json")["entries"]
    commits = [e for e in clari if e["fieldId"] == "f-commit"]
    assert built.one("SELECT count(*) FROM forecasts") == len(commits)
    assert built.one("SELECT count(*) FROM forecasts") == built.generated["forecasts"].num_rows

    events = [
        json.loads(line)
        for line in (built.exports / "mixpanel_events.jsonl").read_text().splitlines()
    ]
    signed_up = {
        e["properties"].get("company_id") or e["properties"]["$email"].split("@")[1]
        for e in events
        if e["event"] == "Signed Up"
    }
    assert built.one("SELECT count(*) FROM signups") == len(signed_up)
    assert len(signed_up) == built.generated["signups"].num_rows
    # the workspace's event_map.yml counts only the product events as usage, per account and day
    used = {
        (e["properties"].get("company_id"), e["properties"]["time"] // 86_400)
        for e in events
        if e["event"] in USAGE_EVENTS and "company_id" in e["properties"]
    }
    by_email = {
        (e["properties"]["$email"].split("@")[1], e["properties"]["time"] // 86_400)
        for e in events
        if e["event"] in USAGE_EVENTS and "company_id" not in e["properties"]
    }
    free_mail = {key for key in by_email if key[0] == "gmail.com"}
    assert built.one("SELECT count(usage) FROM health_signals") == len(used | by_email) - len(
        free_mail
    )

    invoices = built.json("quickbooks_invoices.json")["QueryResponse"]["Invoice"]
    assert built.one("SELECT count(*) FROM invoices") == len(invoices)
    total = sum(Decimal(str(i["TotalAmt"])) for i in invoices)
    assert built.one("SELECT sum(amount) FROM invoices") == total
    generated_cost = sum(built.generated["invoices"].column("cost").to_pylist())
    assert built.one("SELECT sum(cost) FROM invoices") == generated_cost

    purchases = built.json("quickbooks_spend.json")["QueryResponse"]["Purchase"]
    months_and_channels = {
        (p["TxnDate"][:7], p["Line"][0]["AccountBasedExpenseLineDetail"]["ClassRef"]["name"])
        for p in purchases
        if "ClassRef" in p["Line"][0]["AccountBasedExpenseLineDetail"]
    }
    assert built.one("SELECT count(*) FROM spend") == len(months_and_channels)

    with (built.exports / "zendesk_tickets.csv").open(encoding="utf-8") as f:
        tickets = list(csv.DictReader(f))
    assert built.one("SELECT sum(support_tickets) FROM health_signals") == len(tickets)

    activities = [r for page in built.json("outreach_activities.json") for r in page["data"]]
    reviews = [r for r in activities if r["attributes"].get("title", "").startswith("Deal review")]
    rides = [r for r in activities if "ride-along" in (r["attributes"].get("tags") or [])]
    assert built.one("SELECT count(*) FROM coaching") == len(reviews) + len(rides)
    assert built.one("SELECT count(*) FROM coaching") == built.generated["coaching"].num_rows


TOOL_PRESETS = [
    "mixpanel_signups",
    "mixpanel_usage",
    "mixpanel_value_events",
    "amplitude_signups",
    "amplitude_usage",
    "amplitude_value_events",
    "gong_calls",
    "clari_forecast",
    "clari_activity_meetings",
    "outreach_meetings",
    "outreach_coaching",
    "salesloft_meetings",
    "salesloft_coaching",
    "quickbooks_invoices",
    "quickbooks_spend",
    "xero_invoices",
    "xero_spend",
    "netsuite_invoices",
    "netsuite_spend",
    "zendesk_tickets",
    "nps_delighted",
    "nps_typeform",
]


def test_the_how_to_shows_an_import_command_for_every_tool_preset() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs/how-to/connect-your-tools.md"
    text = doc.read_text(encoding="utf-8")
    missing = [p for p in TOOL_PRESETS if f"--mapping {p}" not in text]
    assert missing == []
    assert "pulse demo --connected" in text


def test_connected_refuses_another_profile(home: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--connected", "--profile", "iot"])
    assert result.exit_code == 1
    assert "--connected builds a b2b_saas company, not 'iot'" in str(result.exception)
