"""One sample workspace and its board pack, built once for the export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.exports.report import BoardPack, build_report
from pulse.workspace.store import Workspace
from tests.exports.sample import GENERATED, PERIOD, TODAY, build, small_profile


@pytest.fixture(scope="session")
def sample_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The sample company (see tests/exports/sample.py)."""
    home = tmp_path_factory.mktemp("exports") / "home"
    home.mkdir()
    return build(home)


@pytest.fixture(scope="session")
def sample_csv(sample_ws: Workspace) -> Path:
    """The CSV file the sample's opportunities were imported from."""
    return sample_ws.path.parent.parent / "files" / "crm-opportunities.csv"


@pytest.fixture(scope="session")
def pack(sample_ws: Workspace) -> BoardPack:
    """The sample's board pack for 2024-Q2 with a three-period series."""
    return build_report(
        sample_ws,
        PERIOD,
        profile=small_profile(),
        today=TODAY,
        generated_at=GENERATED,
        history=3,
    )
