"""``pulse report`` through Typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pulse.cli import app
from pulse.workspace.store import Workspace


@pytest.fixture
def home_args(sample_ws: Workspace) -> list[str]:
    return ["--home", str(sample_ws.path.parent)]


def test_report_writes_the_file(
    sample_ws: Workspace, home_args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        ["report", "acme", "--period", "2024-Q2", "--format", "md", "--history", "2", *home_args],
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "acme-board-pack-2024-Q2.md"
    assert (
        result.stdout == f"wrote {path.name} ({path.stat().st_size:,} bytes, Markdown document)\n"
    )
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Board pack — acme — 2024-Q2\n")
    assert "### ✗ red — Win rate below 20%" in text


def test_report_to_stdout(home_args: list[str]) -> None:
    result = CliRunner().invoke(
        app,
        ["report", "acme", "-p", "2024-Q2", "-f", "json", "--history", "1", "-o", "-", *home_args],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("{\n")
    assert '"period": "2024-Q2"' in result.stdout


def test_unknown_format_fails_before_computing(home_args: list[str]) -> None:
    result = CliRunner().invoke(app, ["report", "acme", "-f", "docx", *home_args])
    assert result.exit_code == 1
    assert "unknown report format 'docx'" in str(result.exception)
