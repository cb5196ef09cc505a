"""A reusable workspace whose tables a test can refill, and a Computer on its write connection."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from pulse.compute import Computer
from pulse.engines.duckdb import DuckDBEngine
from pulse.tables import ColumnType, get_table
from pulse.workspace.store import Workspace, create_workspace


class Scratch:
    """One workspace, refilled per example (hypothesis), computed on its own connection."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.con: duckdb.DuckDBPyConnection = ws.connect()
        self.computer = Computer(
            ws, engine=DuckDBEngine(connection=self.con), today=date(2024, 12, 31)
        )

    def fill(self, tables: Mapping[str, Any]) -> None:
        """Replace the content of ``tables``."""
        for name in tables:
            self.con.execute(f'DELETE FROM "{name}"')
        _load(self.con, tables)

    def close(self) -> None:
        self.con.close()


def _load(con: duckdb.DuckDBPyConnection, tables: Mapping[str, Any]) -> None:
    """Insert rows (lists of dicts) through Arrow: much faster than executemany."""
    for name, rows in tables.items():
        table = get_table(name)
        if not rows:
            continue
        columns: list[str] = []
        for r in rows:
            columns += [c for c in r if c not in columns]
        schema = pa.schema([(c, _ARROW[table.column(c).type]) for c in columns])
        money = {c for c in columns if table.column(c).type == ColumnType.MONEY}
        data = pa.Table.from_pylist(
            [{c: _money(r.get(c)) if c in money else r.get(c) for c in columns} for r in rows],
            schema=schema,
        )
        con.register("__rows", data)
        cols = ", ".join(f'"{c}"' for c in columns)
        con.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM __rows')
        con.unregister("__rows")


def _money(value: Any) -> Any:
    # pyarrow converts Python ints to decimal128 very slowly; Decimals are fast
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


_ARROW = {
    ColumnType.STRING: pa.string(),
    ColumnType.INTEGER: pa.int64(),
    ColumnType.NUMBER: pa.float64(),
    ColumnType.MONEY: pa.decimal128(18, 4),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us"),
    ColumnType.BOOLEAN: pa.bool_(),
}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    home: Path = tmp_path_factory.mktemp("scratch")
    ws = create_workspace("scratch", "b2b_saas", home)
    ws.settings = ws.settings.model_copy(
        update={
            "stage_probabilities": {"early": 0.25, "late": 0.75},
            "stage_order": ["early", "late"],
        }
    )
    ws.save_settings()
    s = Scratch(ws)
    yield s
    s.close()


__all__ = ["Scratch"]
