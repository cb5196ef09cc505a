"""What an alert run has to say: what turned red, and the weekly digest of leading indicators.

*Turned red* compares the period with the previous one of the same length: a KPI of the
profile that is red now and was not red then, and a red finding whose id (rule, KPI and
subject) was not red then. The *digest* lists the leading indicators with value, target, status
and trend, and counts what is red now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pulse.catalog.models import Category
from pulse.compute import Computer
from pulse.errors import PulseError
from pulse.exports.report import KPIEntry, finding_id, kpi_entry, section_of
from pulse.findings import Finding, evaluate
from pulse.judge import Status
from pulse.periods import Period
from pulse.scorecard import build_scorecard


@dataclass(frozen=True)
class RedItem:
    """Something that turned red: a KPI or a finding."""

    item: str  # kpi:<id> or finding:<finding id>
    kind: str  # kpi | finding
    title: str
    detail: str
    action: str | None = None
    kpi: str | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass
class Digest:
    """The leading indicators for the period, and how much is red now."""

    period: Period
    week: str
    lines: list[KPIEntry]
    red_kpis: list[str] = field(default_factory=list)
    red_findings: int = 0
    unavailable: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "period": self.period.label,
            "week": self.week,
            "leading": [line.to_json() for line in self.lines],
            "red_kpis": self.red_kpis,
            "red_findings": self.red_findings,
            "unavailable": self.unavailable,
        }


@dataclass
class AlertContent:
    """Everything a run could send for one workspace and period."""

    workspace: str
    period: Period
    turned_red: list[RedItem]
    digest: Digest


def iso_week(day: date) -> str:
    """``2024-W27``."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _red_findings(computer: Computer, period: Period, as_of: date | None) -> dict[str, Finding]:
    return {finding_id(f): f for f in evaluate(computer, period, as_of) if f.severity == "red"}


def collect(
    computer: Computer, period: Period, *, as_of: date | None = None, today: date | None = None
) -> AlertContent:
    """What turned red in ``period`` against the previous period, and the leading digest."""
    profile = computer.profile
    previous = period.previous()
    turned: list[RedItem] = []
    leading: list[KPIEntry] = []
    red_kpis: list[str] = []
    unavailable: list[str] = []
    for kpi_id in profile.kpis:
        if kpi_id not in computer.catalog.kpis:
            continue
        kpi = computer.catalog.get(kpi_id)
        try:
            lines = build_scorecard(computer, period, as_of, 1, kpi_ids=[kpi_id]).lines()
        except PulseError as exc:
            unavailable.append(f"{kpi.name}: {exc.message}")
            continue
        for line in lines:
            entry = kpi_entry(computer, profile, line.result, line.history, kpi_id in profile.core)
            before = [h for h in line.history if h.period == previous]
            was_red = bool(before) and before[0].status == Status.RED
            if line.result.status == Status.RED:
                red_kpis.append(kpi.name)
                if not was_red:
                    turned.append(
                        RedItem(
                            f"kpi:{kpi_id}",
                            "kpi",
                            f"{kpi.name} is red",
                            f"{entry.value_text} against a target of {entry.target_text} in "
                            f"{period.label}; it was {entry.previous_text} in {previous.label}.",
                            None,
                            kpi_id,
                        )
                    )
            if section_of(kpi, profile) == Category.LEADING.value:
                leading.append(entry)
    leading.sort(key=lambda e: not e.core)
    now = _red_findings(computer, period, as_of)
    then = _red_findings(computer, previous, None)
    new_findings = [
        RedItem(f"finding:{fid}", "finding", f.title, f.evidence, f.action, f.kpi)
        for fid, f in now.items()
        if fid not in then
    ]
    # A KPI that turned red together with a finding on it is told once, by the finding (it
    # carries the evidence and the action).
    covered = {item.kpi for item in new_findings}
    turned = [item for item in turned if item.kpi not in covered] + new_findings
    digest = Digest(
        period,
        iso_week(today or computer.today),
        leading,
        red_kpis,
        len(now),
        unavailable,
    )
    return AlertContent(computer.workspace.name, period, turned, digest)
