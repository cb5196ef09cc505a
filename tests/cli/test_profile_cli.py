"""``pulse profile list|show|diff|validate`` through the real CLI and the shipped files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pulse.catalog.profiles import PROFILES_DIR
from pulse.cli import app
from pulse.errors import PulseError, UnknownNameError

runner = CliRunner()
SIX = ["b2b_saas", "iot", "manufacturing", "martech", "services", "supply_chain_software"]


def local_copy(folder: Path, source: str, new_id: str, *edits: tuple[str, str]) -> Path:
    """A local profile file: a shipped one under a new id, with text edits applied."""
    text = (PROFILES_DIR / f"{source}.yml").read_text(encoding="utf-8")
    text = text.replace(f"id: {source}\n", f"id: {new_id}\n", 1)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    folder.mkdir(exist_ok=True)
    path = folder / f"{new_id}.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_list_shows_the_six_profiles(home: Path) -> None:
    result = runner.invoke(app, ["profile", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "name", "core", "supporting", "variants"]
    assert [line.split()[0] for line in lines[1:]] == SIX
    assert "iot                    IoT                    4/4" in result.output


def test_list_json(home: Path) -> None:
    result = runner.invoke(app, ["profile", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == SIX
    assert {r["id"]: r["max_core"] for r in rows}["iot"] == 4
    assert set(rows[0]) == {
        "id",
        "name",
        "description",
        "core",
        "supporting",
        "max_core",
        "sources",
    }


def test_list_includes_local_profiles_from_dir(home: Path, tmp_path: Path) -> None:
    local_copy(tmp_path / "mine", "services", "agency")
    result = runner.invoke(
        app, ["profile", "list", "--format", "json", "--dir", str(tmp_path / "mine")]
    )
    assert [r["id"] for r in json.loads(result.output)] == [*SIX, "agency"]


def test_show_table_has_stages_not_owned_and_groups(home: Path) -> None:
    result = runner.invoke(app, ["profile", "show", "manufacturing"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Manufacturing (manufacturing)\n")
    assert "core KPIs (5 of at most 6)" in out
    for line in (
        "  1. initial inquiry: 5%",
        "  2. technical review: 15%",
        "  3. site visit completed: 30%",
        "  4. proposal sent: 50%",
        "  5. final negotiation: 75%",
        "  6. verbal commitment: 90%",
        "  production_efficiency → operations",
        "  supply_chain → operations",
        "  rep_activity_counts → vp_sales",
        "  forecast_accuracy (window: rolling-90d): Within ±15% of actual; worse means the stage "
        "definitions need tightening.",
    ):
        assert line in out.splitlines(), line
    assert "variants (by manufacturing type)" in out
    row = next(line for line in out.splitlines() if " weighted_pipeline_coverage " in line)
    assert row.split()[0] == "leading", "core KPIs are grouped by catalog category"


def test_show_json(home: Path) -> None:
    result = runner.invoke(app, ["profile", "show", "services", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == "services"
    assert data["cycle_start"] == "first_meeting_at"
    assert data["thresholds"]["services_gross_margin"]["healthy"] == [0.40, 0.60]
    assert data["thresholds"]["nrr"]["red_below"] == 0.90
    assert data["not_owned"]["utilization_rate"] == "operations"
    assert data["path"].endswith("profiles/services.yml")
    assert data["variant"] is None
    grouped = [k for ids in data["groups"]["core"].values() for k in ids]
    assert sorted(grouped) == sorted(data["core"])


def test_show_variant_applies_thresholds_and_focus(home: Path) -> None:
    result = runner.invoke(
        app, ["profile", "show", "martech", "-f", "json", "--variant", "sales_led"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["variant"] == "sales_led"
    assert data["thresholds"]["nrr"]["target"] == 1.20
    assert data["thresholds"]["grr"]["target"] == 0.90
    assert "pql_to_paid_rate" not in data["core"]
    assert data["supporting"][0] == "pql_to_paid_rate"


def test_show_md_is_the_reference_section(home: Path) -> None:
    result = runner.invoke(app, ["profile", "show", "iot", "--format", "md"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "# IoT (`iot`)"
    assert "## Core KPIs (4, at most 4)" in lines
    assert "| mql volume | Marketing |" in lines
    assert "| 3 | pilot | 35% |" in lines


def test_show_unknown_profile_suggests_one(home: Path) -> None:
    result = runner.invoke(app, ["profile", "show", "manufacturin"])
    assert result.exit_code == 1
    assert isinstance(result.exception, UnknownNameError)
    assert (
        result.exception.message == "unknown profile 'manufacturin'. Did you mean 'manufacturing'?"
    )


def test_show_unknown_format(home: Path) -> None:
    result = runner.invoke(app, ["profile", "show", "iot", "--format", "csv"])
    assert result.exit_code == 1
    assert isinstance(result.exception, PulseError)
    assert result.exception.message == "unknown format 'csv'"
    assert result.exception.hint == "valid formats: table, json, md"


def test_diff_of_a_profile_with_itself(home: Path) -> None:
    result = runner.invoke(app, ["profile", "diff", "iot", "iot"])
    assert result.exit_code == 0, result.output
    assert result.output == "iot → iot\nno differences\n"


def test_diff_lists_every_kind_of_change(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    local_copy(
        folder,
        "manufacturing",
        "manufacturing_v2",
        ("  - nrr\n", "  - nrr\n  - forecast_accuracy\n"),
        ("  - forecast_accuracy\n  - service_attach_rate\n", "  - service_attach_rate\n"),
        ("    target: 1.10\n    red_below: 1.00\n", "    target: 1.10\n    red_below: 0.95\n"),
        ('  "proposal sent": 0.50', '  "proposal sent": 0.45'),
        ("  rep_activity_counts: vp_sales\n", ""),
        ("  win_rate: monthly\n", "  win_rate: weekly\n"),
    )
    result = runner.invoke(
        app, ["profile", "diff", "manufacturing", "manufacturing_v2", "--dir", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "manufacturing → manufacturing_v2",
        "core:",
        "  + forecast_accuracy",
        "supporting:",
        "  - forecast_accuracy",
        "thresholds:",
        "  ~ nrr.red_below: 1 → 0.95",
        "stages:",
        "  ~ proposal sent: 0.5 → 0.45",
        "not owned:",
        "  - rep_activity_counts (vp_sales)",
        "cadence:",
        "  ~ win_rate: monthly → weekly",
    ]
    data = json.loads(
        runner.invoke(
            app,
            [
                "profile",
                "diff",
                "manufacturing",
                "manufacturing_v2",
                "-f",
                "json",
                "--dir",
                str(folder),
            ],
        ).output
    )
    assert data["same"] is False
    assert data["core"] == {"added": ["forecast_accuracy"], "removed": []}
    assert data["thresholds"]["changed"] == {"nrr": {"red_below": [1.0, 0.95]}}
    assert data["stages"]["probabilities"] == {"proposal sent": [0.5, 0.45]}
    assert data["stages"]["reordered"] is False


def test_diff_across_industries_names_stage_and_setting_changes(home: Path) -> None:
    data = json.loads(
        runner.invoke(app, ["profile", "diff", "manufacturing", "services", "-f", "json"]).output
    )
    assert data["core"]["removed"] == ["lead_to_quote_rate", "gross_margin"]
    assert data["core"]["added"] == [
        "services_gross_margin",
        "revenue_per_billable_head",
        "quote_to_close_rate",
    ]
    assert data["thresholds"]["changed"]["nrr"] == {"red_below": [1.0, 0.9]}
    assert data["stages"]["added"] == ["first meeting", "needs assessment", "negotiation"]
    assert data["settings"]["cycle_start"] == ["created_at", "first_meeting_at"]


def test_validate_reports_a_broken_local_profile(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "broken.yml").write_text(
        'id: broken\nname: "Broken"\ncore: [win_rat]\n'
        "thresholds:\n  pipeline_coverage: {red_above: 2.0}\n"
        'sources: ["test"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["profile", "validate", "broken", "--dir", str(folder)])
    assert result.exit_code == 1
    path = folder / "broken.yml"
    assert result.output.splitlines() == [
        f"error: {path}:3: core: unknown KPI 'win_rat'. Did you mean 'win_rate'?",
        f"warning: {path}:5: thresholds: 'pipeline_coverage' is not one of the profile's KPIs "
        "(core or supporting)",
        f"error: {path}:5: thresholds.pipeline_coverage.red_above: does not fit direction "
        "higher_is_better; use red_below",
        "2 errors",
    ]


def test_validate_a_clean_local_profile(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "lean.yml").write_text(
        'id: lean\nname: "Lean"\ncore: [win_rate, pipeline_coverage]\n'
        "thresholds:\n  win_rate: {healthy: [0.20, 1.00], red_below: 0.20}\n"
        'stages: ["discovery", "proposal"]\n'
        'stage_probabilities: {"discovery": 0.1, "proposal": 0.5}\n'
        'sources: ["test"]\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["profile", "validate", "lean", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output == "lean: ok\n"
