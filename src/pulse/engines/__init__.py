"""Engine adapters: run compiled SQL against a workspace's tables and return Arrow."""

from __future__ import annotations

from pulse.engines.base import Engine
from pulse.engines.duckdb import DuckDBEngine

__all__ = ["DuckDBEngine", "Engine"]
