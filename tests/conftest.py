"""Shared fixtures: a temporary workspace home and access to ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check numbers, never speed: no per-example deadline, which a loaded shared
# machine would turn into random failures (speed is measured in benchmarks/).
settings.register_profile("pulse", deadline=None)
settings.load_profile("pulse")

# Spark on tiny test tables: one partition and no adaptive re-planning make each query a few
# short stages instead of dozens (the engine's defaults are for real data sizes).
os.environ.setdefault(
    "PULSE_SPARK_CONF",
    "spark.sql.shuffle.partitions=1,spark.default.parallelism=1,spark.sql.adaptive.enabled=false",
)

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh PULSE_HOME for one test."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("PULSE_HOME", str(path))
    return path


@pytest.fixture
def shared_data() -> Path:
    """The ../shared/data folder; skips with a clear message when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"../shared/data is not present at {SHARED_DATA}; real-data tests need it")
    return SHARED_DATA
