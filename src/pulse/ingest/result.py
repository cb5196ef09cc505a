"""What an import returns, and the error it raises when a file is refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulse.errors import ImportValidationError, Issue

if TYPE_CHECKING:
    from pulse.ingest.matching import MatchReport


@dataclass(frozen=True)
class ImportResult:
    """The outcome of one import, as also recorded in the workspace's import log."""

    table: str
    file: str
    sha256: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rows_after: int
    removed: int = 0
    skipped: int = 0
    mode: str = "upsert"
    mapping: str | None = None
    import_id: int = 0
    warnings: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    combined: int = 0  # rows merged into others by the mapping's aggregate
    matches: MatchReport | None = None  # account matching, when the import asked for it


class ImportRefused(ImportValidationError):
    """A file was refused; ``issues`` holds the first problems and ``total`` counts them all."""

    def __init__(self, message: str, issues: Sequence[Issue], total: int, hint: str | None = None):
        super().__init__(message, issues, hint)
        self.total = max(total, len(self.issues))

    def render(self, limit: int = 50) -> str:
        """The message, the first ``limit`` issues, how many more there are, and the hint."""
        lines = [self.message]
        lines.extend(f"  - {issue}" for issue in self.issues[:limit])
        rest = self.total - min(limit, len(self.issues))
        if rest > 0:
            lines.append(f"  … and {rest} more")
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)
