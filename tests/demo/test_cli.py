"""``pulse demo`` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pulse.cli import app
from pulse.demo import PROFILE_IDS, workspace_name
from pulse.workspace.store import list_workspaces, open_workspace

runner = CliRunner()


def test_one_profile(home: Path) -> None:
    args = ["demo", "--profile", "b2b_saas", "--opportunities", "250", "--anchor", "2025-06-30"]
    result = runner.invoke(app, [*args, "--home", str(home)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "anchor 2025-06-30 (data up to this day; pass --anchor to pin it)"
    assert lines[1].startswith("demo-b2b-saas  profile b2b_saas, ")
    assert "opportunities 250" in result.output.replace("\n", " ")
    ws = open_workspace("demo-b2b-saas", home)
    assert ws.table_counts()["opportunities"] == 250
    again = runner.invoke(app, [*args, "--home", str(home)])
    assert again.exit_code == 0
    assert open_workspace("demo-b2b-saas", home).table_counts() == ws.table_counts()


def test_all_profiles(home: Path) -> None:
    result = runner.invoke(app, ["demo", "--opportunities", "150", "--anchor", "2024-12-31"])
    assert result.exit_code == 0, result.output
    assert sorted(w.name for w in list_workspaces(home)) == sorted(
        workspace_name(p) for p in PROFILE_IDS
    )
    for profile in PROFILE_IDS:
        ws = open_workspace(workspace_name(profile), home)
        assert ws.settings.profile == profile
        assert ws.table_counts()["opportunities"] == 150


def test_bad_options(home: Path) -> None:
    not_month_end = runner.invoke(app, ["demo", "--profile", "iot", "--anchor", "2025-06-15"])
    assert not_month_end.exit_code == 1
    assert "the anchor must be the last day of a month, got 2025-06-15" in str(
        not_month_end.exception
    )
    not_a_date = runner.invoke(app, ["demo", "--anchor", "June"])
    assert "--anchor: expected a date YYYY-MM-DD, got 'June'" in str(not_a_date.exception)
    unknown = runner.invoke(app, ["demo", "--profile", "saas"])
    assert "unknown demo profile 'saas'" in str(unknown.exception)
    assert list_workspaces(home) == []


def test_the_scorecard_of_every_demo_has_no_missing_data(home: Path) -> None:
    built = runner.invoke(app, ["demo", "--opportunities", "300", "--anchor", "2024-12-31"])
    assert built.exit_code == 0, built.output
    for profile in PROFILE_IDS:
        result = runner.invoke(
            app, ["scorecard", workspace_name(profile), "--period", "2024-Q4", "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        card = json.loads(result.output)
        lines = [line for section in card["sections"].values() for line in section]
        assert lines, profile
        missing = {
            line["kpi"]: line["missing"] for line in lines if line["status"] == "missing_data"
        }
        assert missing == {}, profile
