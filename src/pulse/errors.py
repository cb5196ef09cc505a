"""One error root for everything Pulse reports to a person.

Messages follow one shape: what went wrong, where (``file:line:column``), what was expected,
what was found, and a hint. The CLI prints them without a traceback and exits non-zero.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem found in a file, a row or a declaration."""

    message: str
    file: str | None = None
    line: int | None = None
    column: str | None = None
    level: str = "error"

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p not in (None, ""))
        return f"{where}: {self.message}" if where else self.message


class PulseError(Exception):
    """Root of every error Pulse raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, issues: Sequence[Issue] = (), hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.issues = list(issues)
        self.hint = hint

    def render(self, limit: int = 50) -> str:
        """Return the message, the first ``limit`` issues, a count of the rest, and the hint."""
        lines = [self.message]
        for issue in self.issues[:limit]:
            lines.append(f"  - {issue}")
        rest = len(self.issues) - limit
        if rest > 0:
            lines.append(f"  … and {rest} more")
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)


class WorkspaceError(PulseError):
    """A workspace is missing, exists already, or is misconfigured."""


class ImportValidationError(PulseError):
    """An import was refused; nothing was written."""


class MappingError(PulseError):
    """A column mapping (shipped preset or user file) is invalid or does not fit the file."""


class CatalogError(PulseError):
    """A KPI, model or profile declaration is invalid."""


class FormulaError(CatalogError):
    """A formula does not parse or uses a construct that is not portable."""


class UnknownNameError(PulseError):
    """A name (KPI, profile, table, dimension, …) is not known."""


class PeriodError(PulseError):
    """A period label does not parse."""


class EngineError(PulseError):
    """An engine failed to run compiled SQL."""


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """Return the closest choice to ``name`` or None."""
    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown(kind: str, name: str, choices: Iterable[str]) -> UnknownNameError:
    """Build the standard 'unknown X' error with a did-you-mean and the valid choices."""
    options = sorted(set(choices))
    guess = did_you_mean(name, options)
    message = f"unknown {kind} '{name}'"
    if guess:
        message += f". Did you mean '{guess}'?"
    return UnknownNameError(message, hint=f"valid {kind}s: {', '.join(options)}")
