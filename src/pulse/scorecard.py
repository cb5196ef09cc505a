"""The scorecard: a profile's core and supporting KPIs for one period, grouped by category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pulse.catalog.models import Category
from pulse.compute import Computer, KPIResult
from pulse.periods import Period


@dataclass
class ScorecardLine:
    """One KPI on the scorecard, with its recent history for trends and sparklines."""

    result: KPIResult
    core: bool
    history: list[KPIResult]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            **self.result.to_json(),
            "core": self.core,
            "category": self.result.kpi.category.value,
            "history": [{"period": h.period.label, "value": h.value} for h in self.history],
        }


@dataclass
class Scorecard:
    """Scorecard lines grouped as leading / lagging / health."""

    workspace: str
    profile: str
    period: Period
    sections: dict[Category, list[ScorecardLine]]

    def lines(self) -> list[ScorecardLine]:
        """Every line, section by section."""
        return [line for lines in self.sections.values() for line in lines]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "workspace": self.workspace,
            "profile": self.profile,
            **self.period.to_json(),
            "sections": {
                c.value: [line.to_json() for line in lines] for c, lines in self.sections.items()
            },
        }


def build_scorecard(
    computer: Computer,
    period: Period,
    as_of: date | None = None,
    history: int = 6,
    kpi_ids: list[str] | None = None,
) -> Scorecard:
    """Compute the profile's KPIs (core first) for ``period`` with ``history`` earlier periods."""
    profile = computer.profile
    ids = kpi_ids or profile.kpis
    sections: dict[Category, list[ScorecardLine]] = {c: [] for c in Category}
    # One batch: every model the KPIs share is computed once (see Computer.compute_many).
    computed = computer.compute_many(list(ids), period, None, as_of, history=history)
    for kpi_id in ids:
        kpi = computer.catalog.get(kpi_id)
        results = computed[kpi_id]
        current = [r for r in results if r.period == period]
        if not current:
            continue
        sections[kpi.category].append(ScorecardLine(current[0], kpi_id in profile.core, results))
    return Scorecard(computer.workspace.name, profile.id, period, sections)
