"""``pulse revenue bridge|movements|findings`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pulse.cli import app
from pulse.errors import PulseError
from tests.revenue.helpers import line, subscriptions_workspace

runner = CliRunner()

# c1: annual plan 12,000 from January, add-on 100 a month from February (expansion 1,200 ARR).
# c2: 50 a month from January, cancelled 2024-03-10 (churn 600 in March).
# c3: a line from 5 to 25 March: starts and ends inside one month, never appears.
LINES = [
    line("p1", "c1", "2024-01-01", None, 12000, "year"),
    line("p2", "c1", "2024-02-01", None, 100, product="addon"),
    line("p3", "c2", "2024-01-01", "2024-03-10", 50),
    line("p4", "c3", "2024-03-05", "2024-03-25", 999),
]


def _workspace(home: Path) -> None:
    subscriptions_workspace(home, LINES, name="acme")


def test_bridge_table(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(app, ["revenue", "bridge", "acme", "--period", "2024-Q1"])
    assert result.exit_code == 0, result.output
    lines = [" ".join(row.split()) for row in result.output.splitlines()]
    assert lines[0] == "ARR bridge · acme · 2024-Q1 (2024-01-01 to 2024-03-31) · all streams · USD"
    assert "start ARR 0.00" in lines
    assert "+ new 12,600.00 2" in lines
    assert "+ expansion 1,200.00 1" in lines
    assert "− churn 600.00 1" in lines
    assert "= end ARR 13,200.00" in lines
    assert lines[-1] == (
        "balances to the cent: start + new + expansion + reactivation − contraction − churn + fx = end"
    )


def test_bridge_json_keeps_cents_as_text(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(
        app,
        ["revenue", "bridge", "acme", "--period", "2024-03", "--unit", "mrr", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["start"] == "1150.00"  # 1,000 + 100 + 50
    assert (payload["churn"], payload["end"], payload["net_new"]) == ("50.00", "1100.00", "-50.00")
    assert payload["balances"] is True
    assert payload["customers"] == {
        "new": 0, "reactivation": 0, "expansion": 0, "contraction": 0, "churn": 1, "start": 2, "end": 1,
    }  # fmt: skip


def test_bridge_detail_lists_each_customer(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(
        app, ["revenue", "bridge", "acme", "--period", "2024-Q1", "--detail", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    customers = {c["account_id"]: c for c in json.loads(result.output)["customers"]}
    assert set(customers) == {"c1", "c2"}  # c3 never appears
    assert (customers["c1"]["new"], customers["c1"]["expansion"], customers["c1"]["end"]) == (
        "12000.00", "1200.00", "13200.00",
    )  # fmt: skip
    assert (customers["c2"]["new"], customers["c2"]["churn"], customers["c2"]["end"]) == (
        "600.00", "600.00", "0.00",
    )  # fmt: skip


def test_bridge_csv(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(
        app, ["revenue", "bridge", "acme", "--period", "2024-Q1", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "period,stream,unit,line,amount",
        "2024-Q1,all,arr,start,0.00",
        "2024-Q1,all,arr,new,12600.00",
        "2024-Q1,all,arr,expansion,1200.00",
        "2024-Q1,all,arr,reactivation,0.00",
        "2024-Q1,all,arr,contraction,0.00",
        "2024-Q1,all,arr,churn,600.00",
        "2024-Q1,all,arr,fx,0.00",
        "2024-Q1,all,arr,end,13200.00",
    ]


def test_bridge_unknown_stream_says_which_exist(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(
        app, ["revenue", "bridge", "acme", "--period", "2024-Q1", "--stream", "sofware"]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, PulseError)
    assert result.exception.render() == (
        "unknown stream 'sofware'. Did you mean 'software'?\n"
        "hint: valid streams: cross_stream, software"
    )


def test_bridge_unknown_unit(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(
        app, ["revenue", "bridge", "acme", "--period", "2024-Q1", "--unit", "arpu"]
    )
    assert isinstance(result.exception, PulseError)
    assert result.exception.render() == "unknown unit 'arpu'\nhint: valid units: arr, mrr"


def test_movements_for_one_customer(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(
        app,
        [
            "revenue",
            "movements",
            "acme",
            "--period",
            "2024",
            "--customer",
            "c1",
            "--unit",
            "mrr",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "month_end,account_id,scope,movement,start,amount,fx,end",
        "2024-01-31,c1,software,new,0.00,1000.00,0.00,1000.00",
        "2024-02-29,c1,software,expansion,1000.00,100.00,0.00,1100.00",
    ]


def test_movements_table_says_when_there_are_none(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(app, ["revenue", "movements", "acme", "--period", "2024-05"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("no movements in 2024-05")


def test_findings(home: Path) -> None:
    _workspace(home)
    result = runner.invoke(app, ["revenue", "findings", "acme", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "kind": "same_month",
            "severity": "info",
            "account_id": "c3",
            "line_id": "p4",
            "detail": "starts (2024-03-05) and ends (2024-03-25) inside one month: never active at a month end, so never counted",
        }
    ]
