"""Why pipeline coverage moved: the pipeline-changes lines plus the quota change.

Coverage is pipeline ÷ quota. Between a "before" (period P₁ as of D₁) and an "after" (P₂ as of
D₂) the change splits, by the two-factor Shapley rule of a ratio, into a pipeline part
ΔN × ½(1/Q₁ + 1/Q₂) and a quota part ½[(N₁/Q₂ − N₁/Q₁) + (N₂/Q₂ − N₂/Q₁)]. The pipeline part
is then split line by line with the pipeline-changes bridge from (P₁, D₁) to (P₂, D₂): each
line's value × ½(1/Q₁ + 1/Q₂) — simply ÷ quota when the quota did not change. The lines sum to
ΔN exactly, so the parts add up to the change of coverage.

The dates are the KPI's own as-of dates (the period's first day by default, or ``--as-of``
keeping its offset from the later period's start), so the two coverage values are exactly those
``pulse kpi compute`` shows. To explain one period between two dates ("coverage of Q3 fell from
4× on 1 July to 2.5× today") give the same period twice and ``--as-of``: the before date is the
period's default as-of date, the after date is ``--as-of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from pulse.compute import Computer
from pulse.errors import PulseError
from pulse.periods import Period
from pulse.pipeline.changes import PipelineChanges, pipeline_changes
from pulse.pipeline.gap import GapPlan, pipeline_gap_plan

if TYPE_CHECKING:
    from pulse.explain import Explanation

COVERAGE_KPIS: dict[str, bool] = {"pipeline_coverage": False, "weighted_pipeline_coverage": True}
"""Coverage KPIs explained through pipeline changes, and whether each is weighted."""

PART_NAMES = {
    "new": "new opportunities",
    "pulled_in": "deals pulled in",
    "pushed_out": "deals that slipped (pushed out)",
    "period_change": "the change of period",
    "amount_increased": "larger amounts",
    "amount_decreased": "smaller amounts",
    "stage_advanced": "stages advanced",
    "stage_regressed": "stages regressed",
    "won": "deals won",
    "lost": "deals lost",
    "removed": "deals removed",
}


@dataclass(frozen=True)
class CoverageDates:
    """The two (period, as-of date) points a coverage change runs between."""

    before: Period
    after: Period
    date_before: date
    date_after: date


def coverage_dates(
    computer: Computer, kpi_id: str, before: Period, after: Period, as_of: date | None
) -> CoverageDates:
    """The as-of dates of both coverage values (see the module docstring)."""
    kpi = computer.catalog.get(kpi_id)
    if before == after:
        if as_of is None:
            raise PulseError(
                f"cannot explain {kpi_id} of {after.label} against itself without a date",
                hint="give --as-of DATE: the change from the period's first day to that date "
                "is explained",
            )
        return CoverageDates(before, after, computer.as_of(kpi, before), as_of)
    return CoverageDates(
        before,
        after,
        computer.as_of(kpi, before, after, as_of),
        computer.as_of(kpi, after, after, as_of),
    )


def period_quota(computer: Computer, period: Period) -> float:
    """The quota of ``period`` (the ``period_quota`` helper KPI), or raise when there is none."""
    rows = computer.rows("period_quota", [period], [])
    value = rows[0]["value"] if rows else None
    if not value:
        raise PulseError(
            f"cannot explain coverage: no quota for {period.label}",
            hint="load table 'quotas' (period_start, period_end, amount)",
        )
    return float(value)


def explain_coverage(
    computer: Computer, kpi_id: str, before: Period, after: Period, as_of: date | None
) -> Explanation:
    """The change of a coverage KPI split into pipeline-changes lines plus the quota change."""
    from pulse.explain import Explanation, Part, ratio_split, sentence

    kpi = computer.catalog.get(kpi_id)
    weighted = COVERAGE_KPIS[kpi_id]
    dates = coverage_dates(computer, kpi_id, before, after, as_of)
    changes = pipeline_changes(
        computer, before, dates.date_before, dates.date_after, period_to=after, weighted=weighted
    )
    q0, q1 = period_quota(computer, before), period_quota(computer, after)
    n0, n1 = float(changes.total.opening.value), float(changes.total.closing.value)
    _, quota_part = ratio_split(n0, q0, n1, q1)
    per_unit = (1 / q0 + 1 / q1) / 2
    parts = [
        Part(
            PART_NAMES[line.key],
            float(line.value) * per_unit,
            "pipeline",
            {
                "line": line.key,
                "value": float(line.value),
                "count": line.count,
                "opportunities": line.opportunities,
            },
        )
        for line in changes.total.lines
        if line.value
    ]
    if quota_part or q0 != q1:
        parts.append(Part("the quota change", quota_part, "quota", {"before": q0, "after": q1}))
    explanation = Explanation(
        kpi,
        before,
        after,
        n0 / q0,
        n1 / q1,
        (
            f"pipeline coverage: the pipeline-changes bridge from {before.label} as of "
            f"{dates.date_before.isoformat()} to {after.label} as of "
            f"{dates.date_after.isoformat()}, each line ÷ quota (½(1/Q₁ + 1/Q₂)), plus the "
            "quota change (two-factor Shapley split of a ratio)"
        ),
        parts,
        "",
    )
    explanation.sentence = sentence(explanation, computer.workspace.settings.currency)
    return explanation


def coverage_changes(
    computer: Computer, kpi_id: str, before: Period, after: Period, as_of: date | None
) -> PipelineChanges:
    """The pipeline-changes bridge behind a coverage explanation (for its detail)."""
    dates = coverage_dates(computer, kpi_id, before, after, as_of)
    return pipeline_changes(
        computer,
        before,
        dates.date_before,
        dates.date_after,
        period_to=after,
        weighted=COVERAGE_KPIS[kpi_id],
    )


def coverage_plan(
    computer: Computer,
    kpi_id: str,
    period: Period,
    as_of: date,
    target: float = 3.0,
    history: int = 4,
) -> GapPlan:
    """How many opportunities a week restore ``target`` coverage of ``period`` by its end.

    The gap is target × quota − the (weighted) pipeline due in the period as of ``as_of``; the
    average deal size and the win rate are the catalog KPIs over the ``history`` periods before
    ``period``; the weeks are those left from ``as_of`` to the period's end.
    """
    kpi = computer.catalog.get(kpi_id)
    changes = pipeline_changes(computer, period, as_of, as_of, weighted=COVERAGE_KPIS[kpi_id])
    pipeline = float(changes.total.closing.value)
    gap = target * period_quota(computer, period) - pipeline
    first = period.shift(-history)
    window = Period(
        first.start,
        period.start - timedelta(days=1),
        f"{first.start.isoformat()}..{(period.start - timedelta(days=1)).isoformat()}",
        "range",
    )
    deal = computer.latest("average_deal_size", window)[0].value
    win = computer.latest("win_rate", window)[0].value
    if deal is None or win is None:
        raise PulseError(
            f"cannot plan {kpi.name.lower()}: no won or lost deals in {window.label}",
            hint="the plan needs the average deal size and the win rate of recent periods",
        )
    weeks = ((period.end - as_of).days + 1) / 7
    return pipeline_gap_plan(gap, deal, win, weeks)
