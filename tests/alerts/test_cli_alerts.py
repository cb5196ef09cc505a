"""``pulse alerts configure|show|run`` through Typer's CliRunner (webhook on loopback)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.workspace.store import Workspace
from tests.alerts.conftest import Receiver


@pytest.fixture
def home_args(alert_ws: Workspace) -> list[str]:
    return ["--home", str(alert_ws.path.parent)]


def test_configure_show_and_dry_run(
    alert_ws: Workspace, receiver: Receiver, home_args: list[str]
) -> None:
    runner = CliRunner()
    done = runner.invoke(
        app,
        ["alerts", "configure", "acme", "--webhook", receiver.url, "--digest", "off", *home_args],
    )
    assert done.exit_code == 0, done.output
    shown = json.loads(runner.invoke(app, ["alerts", "show", "acme", *home_args]).stdout)
    assert shown["webhook"].endswith("/***")
    assert shown["digest"] == "off"
    dry = runner.invoke(
        app,
        ["alerts", "run", "acme", "--period", "2024-Q2", "--as-of", "2024-06-30", "--dry-run",
         *home_args],
    )  # fmt: skip
    assert dry.exit_code == 0, dry.output
    assert "webhook: dry run" in dry.stdout
    assert "Win rate below 20%" in dry.stdout
    assert receiver.requests == []


def test_invalid_option_is_an_error(alert_ws: Workspace, home_args: list[str]) -> None:
    result = CliRunner().invoke(app, ["alerts", "configure", "acme", "--email", "x", *home_args])
    assert result.exit_code == 1
    assert "invalid e-mail address 'x'" in str(result.exception)
