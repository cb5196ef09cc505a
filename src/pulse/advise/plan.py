"""The fractional CRO's 90-day ramp: audit, implement, baseline and targets; then the 90- and
180-day reviews and the date the KPI set is locked.

Day 1 is the start date, so day N falls on ``start + (N - 1) days``. Without a start date the
plan is given in day numbers only (the playbook's form).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pulse.advise.cadence import CadencePlan
from pulse.advise.kpiset import KpiLine, KpiSet
from pulse.advise.seedrules import (
    CRM_SETUP_WEEKS,
    LEADING_IMPROVED,
    LOCK_DAY,
    PHASES,
    REVIEW_DAYS,
)
from pulse.advise.wording import dimension, join_words, lower_first, number
from pulse.catalog.models import Unit

PHASE_TITLES = {
    "audit": "Audit the current metrics",
    "implement": "Implement the KPI set",
    "baseline": "Baseline and set targets",
}
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


@dataclass(frozen=True)
class Phase:
    """One stretch of the ramp, with its days, dates (when known) and actions."""

    name: str
    title: str
    first_day: int
    last_day: int
    start: date | None
    end: date | None
    actions: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    """A review day and the questions asked at it."""

    day: int
    on: date | None
    questions: tuple[str, ...]


@dataclass(frozen=True)
class RampPlan:
    """The three phases, the reviews and the lock of the KPI set."""

    start: date | None
    phases: tuple[Phase, ...]
    reviews: tuple[Review, ...]
    lock_day: int
    lock_date: date | None


def day(start: date | None, number: int) -> date | None:
    """The date of day ``number`` (day 1 is ``start``)."""
    return start + timedelta(days=number - 1) if start is not None else None


def _names(lines: list[KpiLine]) -> str:
    return join_words([k.name for k in lines])


def _with_target(line: KpiLine) -> str:
    parts = [p for p in (line.goal, f"red line {line.red_line}" if line.red_line else "") if p]
    return f"{line.name} ({', '.join(parts)})" if parts else line.name


def _stages(kpis: KpiSet) -> str:
    profile = kpis.profile
    shown = []
    for stage in profile.stages:
        probability = profile.stage_probability(stage)
        shown.append(
            f"{stage} {number(probability, Unit.PERCENT)}" if probability is not None else stage
        )
    return ", ".join(shown)


def _audit(kpis: KpiSet, has_crm: bool | None) -> list[str]:
    actions = [
        f"Measure today's value of each core KPI from the data there is: {_names(list(kpis.core))}."
    ]
    if has_crm is False:
        first, last = CRM_SETUP_WEEKS
        actions.append(
            "No CRM yet: set up a simple pipeline in the CRM you choose (HubSpot or Salesforce) "
            f"within about {first}–{last} weeks, starting from spreadsheets, invoices and rep "
            "memory; begin with estimates and refine."
        )
    else:
        actions.append(
            "Check the CRM's data: required pipeline fields filled, no duplicate accounts, no "
            "opportunities without a stage, no stale close dates."
        )
    if kpis.profile.stages:
        actions.append(f"Agree stage definitions and their probabilities: {_stages(kpis)}.")
    if kpis.not_owned:
        owned_by = [f"{n.label} ({n.owner_label})" for n in kpis.not_owned]
        actions.append(f"Agree what the CRO does not own: {join_words(owned_by)}.")
    return actions


def _implement(kpis: KpiSet, cadence: CadencePlan) -> list[str]:
    actions = [f"Put the core KPIs on the one-page dashboard: {_names(list(kpis.core))}."]
    if kpis.supporting:
        actions.append(
            "Track the supporting KPIs behind them, as diagnostics rather than headline "
            f"numbers: {_names(list(kpis.supporting))}."
        )
    rhythm = [f"{m.cadence} {lower_first(m.title.split(':')[0])}" for m in cadence.meetings]
    actions.append(f"Start the review rhythm: {join_words(rhythm)}.")
    splits = [
        f"{k.name}, split by {join_words([dimension(s) for s in k.splits])}"
        for k in kpis.lines
        if k.splits
    ]
    if splits:
        actions.append(
            f"Report the required splits, never one blended number: {'; '.join(splits)}."
        )
    return actions


def _baseline(kpis: KpiSet) -> list[str]:
    actions = ["Record each KPI's baseline from the first full weeks of clean data."]
    targeted = [k for k in kpis.core if k.goal or k.red_line]
    if targeted:
        actions.append(
            "Set targets and red lines from the profile, adjusted to the baseline: "
            + "; ".join(_with_target(k) for k in targeted)
            + "."
        )
    untargeted = [k for k in kpis.core if not (k.goal or k.red_line)]
    if untargeted:
        them = "them" if len(untargeted) > 1 else "it"
        actions.append(
            f"Set a target from the company's own baseline for {_names(untargeted)}: the "
            f"profile gives no number for {them}."
        )
    actions.append(
        f"Set quarterly improvement targets; refine the KPI set until day {LOCK_DAY}, then "
        "lock it (later changes are versioned)."
    )
    return actions


def _leading(kpis: KpiSet) -> list[KpiLine]:
    return [k for k in kpis.lines if k.category == "leading"]


def _reviews(kpis: KpiSet, start: date | None) -> tuple[Review, ...]:
    count = _NUMBER_WORDS.get(LEADING_IMPROVED, str(LEADING_IMPROVED))
    leading = _leading(kpis)
    candidates = f" Candidates: {_names(leading)}." if leading else ""
    lagging = [k for k in kpis.core if k.category == "lagging"]
    first_day, second_day = REVIEW_DAYS
    first = Review(
        first_day,
        day(start, first_day),
        (
            f"Have at least {count} leading KPIs improved since the audit?{candidates}",
            "Are these the right KPIs, are the targets realistic, and does the team trust the "
            "reporting cadence?",
            "Lock the KPI set; any later change is recorded as a new version.",
        ),
    )
    questions = [
        f"Have at least {count} leading KPIs improved on their baseline, measurably (conversion "
        "rates, cycle length, coverage)?"
    ]
    if lagging:
        questions.append(f"Are the lagging KPIs moving toward target: {_names(lagging)}?")
    questions.append(
        "If targets are still missed, is it the CRO, the targets or the business model? "
        "No improvement by now calls for reassessing the engagement."
    )
    second = Review(second_day, day(start, second_day), tuple(questions))
    return (first, second)


def build_plan(
    kpis: KpiSet, cadence: CadencePlan, start: date | None = None, has_crm: bool | None = None
) -> RampPlan:
    """The ramp for this KPI set, dated from ``start`` when given."""
    actions = {
        "audit": _audit(kpis, has_crm),
        "implement": _implement(kpis, cadence),
        "baseline": _baseline(kpis),
    }
    phases = tuple(
        Phase(
            name,
            PHASE_TITLES[name],
            first,
            last,
            day(start, first),
            day(start, last),
            tuple(actions[name]),
        )
        for first, last, name in PHASES
    )
    return RampPlan(start, phases, _reviews(kpis, start), LOCK_DAY, day(start, LOCK_DAY))
