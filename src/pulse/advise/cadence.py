"""How often each KPI of the set is reviewed, and the meeting rhythm with the founder and board.

Weekly: leading indicators; monthly: lagging indicators and the board dashboard; quarterly:
strategic metrics and the target reset (MISSION.md, "Cadence, ramp and governance"). Each
KPI's cadence comes from the profile, else from the catalog. A set with no weekly KPI (IoT)
gets a monthly board-style review instead of a weekly pipeline call, as seed 004 advises.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulse.advise.kpiset import KpiSet

CADENCES = ("weekly", "monthly", "quarterly")


@dataclass(frozen=True)
class Meeting:
    """One recurring review: how often, what it is, who attends, which KPIs it reads."""

    cadence: str
    title: str
    audience: str
    kpis: tuple[str, ...]


@dataclass(frozen=True)
class CadencePlan:
    """KPI ids by review cadence (core first), and the meetings that review them."""

    weekly: tuple[str, ...]
    monthly: tuple[str, ...]
    quarterly: tuple[str, ...]
    meetings: tuple[Meeting, ...]

    def of(self, cadence: str) -> tuple[str, ...]:
        """The KPI ids reviewed at one cadence."""
        return {"weekly": self.weekly, "monthly": self.monthly, "quarterly": self.quarterly}[
            cadence
        ]


def build_cadence(kpis: KpiSet) -> CadencePlan:
    """Group the set's KPIs by cadence and lay out the review meetings."""
    groups: dict[str, list[str]] = {c: [] for c in CADENCES}
    for line in kpis.lines:
        groups[line.cadence or "monthly"].append(line.id)
    meetings: list[Meeting] = []
    if groups["weekly"]:
        meetings.append(
            Meeting(
                "weekly",
                "KPI review: leading indicators and the pipeline; the CRO explains why each "
                "moved and proposes the action",
                "founder/CEO and the CRO",
                tuple(groups["weekly"]),
            )
        )
        meetings.append(
            Meeting(
                "monthly",
                "Board dashboard: lagging indicators, the one-page dashboard",
                "board or investors",
                tuple(groups["monthly"]),
            )
        )
    else:
        meetings.append(
            Meeting(
                "monthly",
                "Board-style KPI review of the whole set, instead of a weekly pipeline call",
                "founder/CEO, the CRO and the board",
                tuple(groups["monthly"]),
            )
        )
    meetings.append(
        Meeting(
            "quarterly",
            "Strategic review: strategic metrics, quarterly improvement targets and the "
            "target reset",
            "board",
            tuple(groups["quarterly"]),
        )
    )
    return CadencePlan(
        weekly=tuple(groups["weekly"]),
        monthly=tuple(groups["monthly"]),
        quarterly=tuple(groups["quarterly"]),
        meetings=tuple(meetings),
    )
