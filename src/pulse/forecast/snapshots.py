"""Forecast snapshots: store a forecast in the workspace's ``forecasts`` table.

A snapshot row is keyed like every ``forecasts`` row — (snapshot_at, period_start, scope) — with
``category`` ``pulse_p50`` (the Monte Carlo's median; the category says where the number came
from). One snapshot writes the company row and, with scopes, one row per team (``team:NAME``)
and rep (``rep:ID``).

Writing is an upsert by key in one transaction that also appends an ``_import_log`` row (mode
``snapshot``) and bumps ``_data_version``. It only ever replaces Pulse's own rows: a key already
held by an imported row (any category not starting with ``pulse_``) is refused, so imported
forecasts — commit, best case, … — stay exactly as they were. Imported rows count like Pulse's
in ``forecast_accuracy``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pyarrow as pa

from pulse.errors import PulseError
from pulse.forecast.revenue import Forecast
from pulse.workspace.store import Workspace

CATEGORY = "pulse_p50"
PULSE_PREFIX = "pulse_"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SnapshotRow:
    """One row of the ``forecasts`` table."""

    snapshot_at: datetime
    period_start: date
    period_end: date
    scope: str
    amount: Decimal
    category: str = CATEGORY


@dataclass(frozen=True)
class SnapshotResult:
    """What a snapshot wrote."""

    import_id: int
    rows: list[SnapshotRow]
    inserted: int
    updated: int
    unchanged: int
    rows_after: int

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "import_id": self.import_id,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows_after": self.rows_after,
            "rows": [
                {
                    "snapshot_at": r.snapshot_at.isoformat(sep=" "),
                    "period_start": r.period_start.isoformat(),
                    "period_end": r.period_end.isoformat(),
                    "scope": r.scope,
                    "amount": float(r.amount),
                    "category": r.category,
                }
                for r in self.rows
            ],
        }


def snapshot_time(as_of: date | None, now: datetime | None = None) -> datetime:
    """When a snapshot is taken: now (UTC, to the second), or the start of ``as_of`` for a
    snapshot computed as of a past date."""
    if as_of is not None:
        return datetime.combine(as_of, time())
    return (now or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)


def snapshot_rows(forecast: Forecast, taken_at: datetime) -> list[SnapshotRow]:
    """One row per scope of the forecast (company first), amount = P50 rounded to the cent."""
    rows = []
    for scope, rng in forecast.scopes.items():
        amount = Decimal(str(rng.p50)).quantize(CENT, rounding=ROUND_HALF_EVEN)
        rows.append(
            SnapshotRow(taken_at, forecast.period.start, forecast.period.end, scope, amount)
        )
    return rows


def store_snapshot(
    workspace: Workspace, rows: list[SnapshotRow], note: str | None = None
) -> SnapshotResult:
    """Upsert ``rows`` into ``forecasts`` with an import-log row, in one transaction."""
    if not rows:
        raise PulseError("nothing to snapshot: the forecast has no scope")
    table = pa.table(
        {
            "snapshot_at": pa.array([r.snapshot_at for r in rows], pa.timestamp("us")),
            "period_start": pa.array([r.period_start for r in rows], pa.date32()),
            "scope": pa.array([r.scope for r in rows], pa.string()),
            "period_end": pa.array([r.period_end for r in rows], pa.date32()),
            "amount": pa.array([r.amount for r in rows], pa.decimal128(18, 4)),
            "category": pa.array([r.category for r in rows], pa.string()),
        }
    )
    key = "f.snapshot_at = n.snapshot_at AND f.period_start = n.period_start AND f.scope = n.scope"
    with workspace.connection() as con:
        con.register("__pulse_snapshot", table)
        con.execute("BEGIN TRANSACTION")
        try:
            clash = con.execute(
                f"SELECT f.scope, f.snapshot_at, f.category FROM forecasts AS f "
                f"JOIN __pulse_snapshot AS n ON {key} "
                f"WHERE f.category IS NULL OR f.category NOT LIKE '{PULSE_PREFIX}%' LIMIT 1"
            ).fetchall()
            if clash:
                scope, at, category = clash[0]
                raise PulseError(
                    f"a forecast for scope '{scope}' taken at {at} is already stored with "
                    f"category '{category}'; a snapshot never overwrites imported forecasts",
                    hint="take the snapshot at another time (--as-of) or remove the imported row",
                )
            same = "f.period_end = n.period_end AND f.amount = n.amount AND f.category = n.category"
            unchanged = int(
                con.execute(
                    f"SELECT COUNT(*) FROM forecasts AS f JOIN __pulse_snapshot AS n "
                    f"ON {key} AND {same}"
                ).fetchall()[0][0]
            )
            existing = int(
                con.execute(
                    f"SELECT COUNT(*) FROM forecasts AS f JOIN __pulse_snapshot AS n ON {key}"
                ).fetchall()[0][0]
            )
            con.execute(
                "DELETE FROM forecasts AS f WHERE EXISTS "
                f"(SELECT 1 FROM __pulse_snapshot AS n WHERE {key})"
            )
            con.execute(
                "INSERT INTO forecasts (snapshot_at, period_start, scope, period_end, amount, "
                "category) SELECT snapshot_at, period_start, scope, period_end, amount, category "
                "FROM __pulse_snapshot"
            )
            after = int(con.execute("SELECT COUNT(*) FROM forecasts").fetchall()[0][0])
            import_id = int(
                con.execute("SELECT COALESCE(MAX(import_id), 0) + 1 FROM _import_log").fetchall()[
                    0
                ][0]
            )
            inserted = len(rows) - existing
            updated = existing - unchanged
            con.execute(
                "INSERT INTO _import_log VALUES (?, ?, 'forecasts', ?, NULL, NULL, 'snapshot', "
                "?, ?, ?, ?, ?, ?)",
                [
                    import_id,
                    datetime.now(UTC).replace(tzinfo=None),
                    "pulse forecast snapshot",
                    len(rows),
                    inserted,
                    updated,
                    unchanged,
                    after,
                    note,
                ],
            )
            con.execute("UPDATE _data_version SET version = version + 1")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("__pulse_snapshot")
    return SnapshotResult(import_id, rows, inserted, updated, unchanged, after)
