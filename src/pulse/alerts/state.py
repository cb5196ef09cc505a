"""What was already sent, per workspace, so a finding is never sent twice on a channel.

The log is ``alerts-sent.json`` beside the workspace's database, keyed by (item, period,
channel): item is ``finding:<finding id>``, ``kpi:<kpi id>`` or ``digest:<ISO week>``. It is a
JSON file rather than a table in the workspace's DuckDB file because DuckDB lets one process
write at a time, and the web app may hold the database open while ``pulse alerts run`` runs
from cron. An exclusive lock on ``alerts-sent.lock`` serialises two runs, so they cannot both
decide that the same item is new. An entry is written only after its channel accepted the
message: a failed send is retried by the next run.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pulse.errors import PulseError
from pulse.workspace.store import Workspace

STATE_FILE = "alerts-sent.json"
LOCK_FILE = "alerts-sent.lock"


class SentLog:
    """The (item, period, channel) triples already delivered."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: list[dict[str, Any]] = []
        self._keys: set[tuple[str, str, str]] = set()
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                entries = list(data["sent"])
            except (ValueError, KeyError, TypeError) as exc:
                raise PulseError(
                    f"{path}: unreadable alert log: {exc}",
                    hint="move the file aside; the next run then re-sends what is current",
                ) from exc
            for entry in entries:
                self._add(entry)

    def _add(self, entry: dict[str, Any]) -> None:
        key = (str(entry["item"]), str(entry["period"]), str(entry["channel"]))
        if key not in self._keys:
            self._keys.add(key)
            self.entries.append(entry)

    def was_sent(self, item: str, period: str, channel: str) -> bool:
        """Whether ``item`` for ``period`` already went out on ``channel``."""
        return (item, period, channel) in self._keys

    def record(self, item: str, period: str, channel: str, when: datetime | None = None) -> None:
        """Remember a delivery (call :meth:`save` to persist)."""
        moment = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        self._add({"item": item, "period": period, "channel": channel, "sent_at": moment})

    def save(self) -> None:
        """Write the log atomically."""
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(
            json.dumps({"version": 1, "sent": self.entries}, indent=1) + "\n", encoding="utf-8"
        )
        os.replace(tmp, self.path)


@contextmanager
def sent_log(ws: Workspace) -> Iterator[SentLog]:
    """The workspace's log, held under an exclusive lock until the block ends."""
    with (ws.path / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield SentLog(ws.path / STATE_FILE)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
