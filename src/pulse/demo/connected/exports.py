"""One file written in a tool's export format, and how it is imported.

A tool file can fill several tables (a Mixpanel event export gives sign-ups, usage and first
value): each is one :class:`Export` naming the shipped preset that reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from pulse.ingest.mapping import available_presets


@dataclass(frozen=True)
class Export:
    """A file of ``tool`` imported into ``table`` with the preset ``preset``."""

    tool: str
    path: Path
    table: str
    preset: str
    match_accounts: bool = True

    @property
    def shipped(self) -> bool:
        """Whether the preset ships with this version of Pulse."""
        return self.preset in available_presets()


def write_json(path: Path, document: Any) -> Path:
    """Write a JSON document (indented like an API response saved from a browser)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write JSON lines, one record a line (the raw-export shape of event APIs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False))
            f.write("\n")
    return path


def epoch_seconds(day: date, seconds_into_day: int = 0) -> int:
    """Unix seconds of a UTC day plus an offset."""
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return int(start.timestamp()) + seconds_into_day


def iso_local(day: date, minute_of_day: int, offset: str = "-05:00") -> str:
    """An ISO-8601 time with a UTC offset, as APIs write local meeting times."""
    return f"{day.isoformat()}T{minute_of_day // 60:02d}:{minute_of_day % 60:02d}:00{offset}"
