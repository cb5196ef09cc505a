"""The engine contract: a name, a SQL dialect, and ``execute(sql) -> pyarrow.Table``."""

from __future__ import annotations

from typing import Protocol

import pyarrow as pa


class Engine(Protocol):
    """What every engine adapter provides."""

    name: str
    dialect: str

    def execute(self, sql: str) -> pa.Table:
        """Run one query (already in this engine's dialect) and return its rows as Arrow."""
        ...

    def close(self) -> None:
        """Release the engine's resources."""
        ...
