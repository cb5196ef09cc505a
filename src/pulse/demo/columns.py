"""Turn numpy arrays into Arrow columns typed exactly like the canonical tables.

Money is built from integer cents straight into ``decimal128(18, 4)`` buffers (exact, no
floats), dates from day numbers, categorical text by taking from a small dictionary of choices.
:func:`table` checks every generated table against :mod:`pulse.tables`, so the demo can never
invent or drop a column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pulse.demo.calendar import Bools, Ints
from pulse.tables import TABLES, ColumnType

ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    ColumnType.STRING: pa.string(),
    ColumnType.INTEGER: pa.int64(),
    ColumnType.NUMBER: pa.float64(),
    ColumnType.MONEY: pa.decimal128(18, 4),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us"),
    ColumnType.BOOLEAN: pa.bool_(),
}


def schema(name: str) -> pa.Schema:
    """The Arrow schema of canonical table ``name``."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[name].columns])


def empty(name: str) -> pa.Table:
    """An empty table with the canonical schema."""
    return schema(name).empty_table()


def _mask(valid: Bools | None) -> Bools | None:
    return None if valid is None else ~np.asarray(valid, dtype=bool)


def ids(prefix: str, numbers: npt.NDArray[Any], width: int) -> pa.Array:
    """Ids such as ``OPP-000123`` from non-negative integers, zero-padded to ``width`` digits.

    Built straight into Arrow buffers: every id has the same length, so the offsets are a range.
    """
    values = np.asarray(numbers, dtype=np.int64).copy()
    if len(values) and int(values.max()) >= 10**width:
        raise ValueError(f"id number {int(values.max())} needs more than {width} digits")
    head = np.frombuffer(prefix.encode(), dtype=np.uint8)
    size = len(head) + width
    chars = np.empty((len(values), size), dtype=np.uint8)
    chars[:, : len(head)] = head
    for k in range(size - 1, len(head) - 1, -1):
        chars[:, k] = 48 + values % 10
        values //= 10
    offsets = np.arange(len(chars) + 1, dtype=np.int32) * size
    return pa.StringArray.from_buffers(len(chars), pa.py_buffer(offsets), pa.py_buffer(chars))


def text(choices: Sequence[str], index: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    """Text taken from ``choices`` by position; invalid (or negative) positions are null."""
    idx = np.asarray(index, dtype=np.int64)
    mask = idx < 0
    if valid is not None:
        mask |= ~np.asarray(valid, dtype=bool)
    taken = pa.array(list(choices), pa.string()).take(pa.array(np.where(mask, 0, idx), mask=mask))
    return taken


def dates(days: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    """Dates from day numbers."""
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.date32(), mask=_mask(valid))


def timestamps(micros: npt.NDArray[Any]) -> pa.Array:
    """Timestamps (microseconds) from integers."""
    return pa.array(np.asarray(micros, dtype=np.int64), type=pa.timestamp("us"))


def money(cents: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    """Exact ``decimal128(18, 4)`` money from integer cents."""
    units = np.asarray(cents, dtype=np.int64) * 100
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63
    bitmap = None
    if valid is not None:
        bitmap = pa.array(np.asarray(valid, dtype=bool)).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, 4), len(units), [bitmap, pa.py_buffer(words)])


def numbers(values: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    """Floating-point numbers."""
    return pa.array(np.asarray(values, dtype=np.float64), type=pa.float64(), mask=_mask(valid))


def integers(values: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    """64-bit integers."""
    return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=_mask(valid))


def flags(values: npt.NDArray[Any], valid: Bools | None = None) -> pa.Array:
    """Booleans."""
    return pa.array(np.asarray(values, dtype=bool), type=pa.bool_(), mask=_mask(valid))


def constant(value: str | None, n: int) -> pa.Array:
    """``n`` copies of one string (or nulls)."""
    return (
        pa.nulls(n, pa.string())
        if value is None
        else pa.array([value] * 1, pa.string()).take(pa.array(np.zeros(n, dtype=np.int64)))
    )


def table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """Assemble canonical table ``name``; the columns must match its declaration exactly."""
    target = schema(name)
    if list(columns) != target.names:
        raise ValueError(f"demo table {name}: columns {list(columns)} != {target.names}")
    arrays = []
    for fld in target:
        arr = columns[fld.name]
        if arr.type != fld.type:
            raise ValueError(f"demo table {name}.{fld.name}: type {arr.type} != {fld.type}")
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=target)


def keep(values: Ints, mask: Bools) -> Ints:
    """``values[mask]`` (a named helper keeps call sites short)."""
    return values[mask]
