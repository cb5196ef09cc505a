"""The playbook: the full answer to "What KPIs should a fractional CRO own at a … company?" for
one profile, built from the profile file and the KPI catalog only.

It holds a direct answer, the KPI table (what, why here, formula, target and red line,
cadence, owner), what the CRO does not own, the ownership flowchart (Mermaid), the review
cadence, the pipeline stages, the targets by variant, the 90-day plan in day numbers, and the
common questions answered from the profile's data. Every number in it is a number of the
profile or the catalog, or a day of the ramp (:mod:`pulse.advise.seedrules`), which the tests
check one by one. Rendering is separate: :mod:`pulse.advise.render_md` and
:mod:`pulse.advise.render_html`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pulse.advise.cadence import CadencePlan, build_cadence
from pulse.advise.kpiset import KpiLine, KpiSet, build_kpi_set
from pulse.advise.mermaid import flowchart_for
from pulse.advise.plan import RampPlan, build_plan
from pulse.advise.seedrules import LEADING_IMPROVED, LOCK_DAY, REVIEW_DAYS
from pulse.advise.wording import (
    FACT_LABELS,
    dimension,
    goal_text,
    healthy_text,
    industry_phrase,
    join_words,
    lower_first,
    number,
    owner_phrase,
    red_text,
    target_text,
)
from pulse.catalog.models import KPI, Profile, Unit
from pulse.catalog.profile_validate import catalog_kpis
from pulse.catalog.profiles import load_profile

_NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}


@dataclass(frozen=True)
class Faq:
    """A common question and its answer."""

    question: str
    answer: str


@dataclass(frozen=True)
class StageInfo:
    """A pipeline stage and its win probability, as text."""

    stage: str
    probability: str


@dataclass(frozen=True)
class VariantInfo:
    """One variant of the profile: what it is, its focus, and the targets it changes."""

    name: str
    description: str
    focus: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Playbook:
    """Everything the playbook page says, ready for a renderer."""

    profile_id: str
    profile_name: str
    variant: str | None
    question: str
    direct_answer: tuple[str, ...]
    kpis: KpiSet
    cadence: CadencePlan
    flowchart: str
    plan: RampPlan
    stages: tuple[StageInfo, ...]
    variant_by: str | None
    variants: tuple[VariantInfo, ...]
    faqs: tuple[Faq, ...]
    sources: tuple[str, ...]


def _summary(line: KpiLine) -> str:
    parts = []
    if line.target:
        parts.append(f"target {line.target}")
    if line.healthy:
        parts.append(f"healthy {line.healthy}")
    if line.red_line:
        parts.append(f"red line {line.red_line}")
    if line.window:
        parts.append(f"over {line.window}")
    return f"{line.name} ({', '.join(parts)})" if parts else line.name


def _not_owned_sentence(kpis: KpiSet) -> str:
    by_owner: dict[str, list[str]] = {}
    for item in kpis.not_owned:
        by_owner.setdefault(item.owner, []).append(lower_first(item.label))
    parts = [
        f"{join_words(items)} {'belong' if len(items) > 1 else 'belongs'} to {owner_phrase(owner)}"
        for owner, items in by_owner.items()
    ]
    return "The CRO does not own these: " + "; ".join(parts) + "."


def _direct_answer(profile: Profile, kpis: KpiSet) -> tuple[str, ...]:
    phrase = industry_phrase(profile.name)
    out = [
        f"A fractional CRO at {phrase} owns a small core set of KPIs, at most "
        f"{kpis.max_core}: " + "; ".join(_summary(k) for k in kpis.core) + "."
    ]
    if kpis.supporting:
        out.append(
            "Behind them sit the supporting KPIs, read as diagnostics when a core KPI moves: "
            + join_words([k.name for k in kpis.supporting])
            + "."
        )
    if kpis.not_owned:
        out.append(_not_owned_sentence(kpis))
    if profile.description:
        out.append(profile.description)
    if kpis.variant is not None:
        out.append(
            f"This is the {kpis.variant.replace('_', '-')} variant: {kpis.variant_description}"
        )
    elif profile.variants and profile.variant_by:
        fact = FACT_LABELS.get(profile.variant_by, profile.variant_by.replace("_", " "))
        names = join_words([n.replace("_", "-") for n in profile.variants], "or")
        out.append(
            f"The focus and the targets depend on the {fact} ({names}): see the targets by "
            f"{fact} below."
        )
    return tuple(" ".join(p.split()) for p in out)


def _variants(profile: Profile, kpis: Mapping[str, KPI]) -> tuple[VariantInfo, ...]:
    out = []
    for name, variant in profile.variants.items():
        focus = tuple(kpis[k].name if k in kpis else k for k in variant.focus)
        targets = []
        for kpi_id, threshold in variant.thresholds.items():
            kpi = kpis.get(kpi_id)
            goal = goal_text(target_text(threshold, kpi), healthy_text(threshold, kpi))
            red = red_text(threshold, kpi)
            parts = [f"target {goal}" if goal else "", f"red line {red}" if red else ""]
            shown = ", ".join(p for p in parts if p) or "no number"
            targets.append(f"{kpi.name if kpi else kpi_id}: {shown}")
        out.append(VariantInfo(name, " ".join(variant.description.split()), focus, tuple(targets)))
    return tuple(out)


def _faqs(profile: Profile, kpis: KpiSet, cadence: CadencePlan) -> tuple[Faq, ...]:
    faqs: list[Faq] = []
    first = kpis.core[0]
    why = first.why_here or first.why
    faqs.append(
        Faq(
            f"What is the single most important KPI for a fractional CRO at "
            f"{industry_phrase(profile.name)}?",
            f"{_summary(first)}. {why}".strip(),
        )
    )
    red = [k for k in kpis.lines if k.red_line]
    if red:
        faqs.append(
            Faq(
                "Which numbers are red flags?",
                "; ".join(f"{k.name} {k.red_line}" for k in red) + ".",
            )
        )
    if kpis.not_owned:
        faqs.append(
            Faq(
                "What should the fractional CRO not own?",
                _not_owned_sentence(kpis)
                + " The CRO owns outcomes; the process metrics stay with their owners.",
            )
        )
    if profile.variants and profile.variant_by:
        fact = FACT_LABELS.get(profile.variant_by, profile.variant_by.replace("_", " "))
        parts = []
        for name, v in profile.variants.items():
            focus = [kpis.line(k).name if k in kpis.ids() else k for k in v.focus]
            text = f"{name.replace('_', '-')} — " + " ".join(v.description.split())
            if focus:
                text += f" Focus: {join_words(focus)}."
            parts.append(text)
        faqs.append(Faq(f"How do the KPIs change with the {fact}?", " ".join(parts)))
    schedule = []
    for cad in ("weekly", "monthly", "quarterly"):
        ids = cadence.of(cad)
        if ids:
            schedule.append(f"{cad}: {join_words([kpis.line(k).name for k in ids])}")
    meetings = "; ".join(
        f"{m.cadence}, {lower_first(m.title)} ({m.audience})" for m in cadence.meetings
    )
    faqs.append(
        Faq(
            "How often should the fractional CRO report on the KPIs?",
            f"{'; '.join(schedule)}. Meetings: {meetings}.",
        )
    )
    splits = [k for k in kpis.lines if k.splits]
    if splits:
        faqs.append(
            Faq(
                "Which numbers must never be read as one blended average?",
                "; ".join(
                    f"{k.name}, split by {join_words([dimension(s) for s in k.splits])}"
                    for k in splits
                )
                + ".",
            )
        )
    if profile.stages:
        shown = []
        for stage in profile.stages:
            probability = profile.stage_probability(stage)
            if probability is not None:
                shown.append(f"{stage} {number(probability, Unit.PERCENT)}")
        faqs.append(
            Faq(
                "Which pipeline stages and probabilities should we start from?",
                ", ".join(shown)
                + ". Weighted pipeline is each open deal's amount times its stage probability; "
                "replace these with the company's own once there is enough stage history.",
            )
        )
    if profile.health_score_weights:
        weights = ", ".join(
            f"{k} {number(w, Unit.PERCENT)}" for k, w in profile.health_score_weights.items()
        )
        below = (
            f"; accounts scoring below {profile.health_score_threshold:g} of 100 need a "
            "customer-success intervention"
            if profile.health_score_threshold is not None
            else ""
        )
        faqs.append(Faq("How is the customer health score built?", f"Weights: {weights}{below}."))
    count = _NUMBER_WORDS.get(LEADING_IMPROVED, str(LEADING_IMPROVED))
    leading = [k.name for k in kpis.lines if k.category == "leading"]
    candidates = f" Leading KPIs here: {join_words(leading)}." if leading else ""
    first_review, second_review = REVIEW_DAYS
    faqs.append(
        Faq(
            "How do I know the fractional CRO is performing?",
            f"Review at day {first_review} and day {second_review}: have at least {count} "
            f"leading KPIs improved?{candidates} By day {first_review} expect defined KPIs, "
            "realistic targets and a reporting cadence the team trusts; by day "
            f"{second_review}, measurable improvement.",
        )
    )
    faqs.append(
        Faq(
            "Can the KPI set change after the CRO starts?",
            "Yes, in the first quarter: a CRO who adapts the set to the company's reality is a "
            f"good sign. It is locked at day {LOCK_DAY}; later changes are versioned.",
        )
    )
    faqs.append(
        Faq(
            "Is a fractional CRO right for us, and what does one cost?",
            "That depends on size, paying customers, the sales team and churn. Run "
            f"`pulse advise --industry {profile.id}` with the company's facts (--arr or "
            "--revenue, --customers, --sales-team, --annual-churn): it applies the seeds' "
            "readiness rules, says why, and compares the cost with a full-time VP of Sales.",
        )
    )
    return tuple(Faq(f.question, " ".join(f.answer.split())) for f in faqs)


def build_playbook(
    profile: Profile, variant: str | None = None, kpis: Mapping[str, KPI] | None = None
) -> Playbook:
    """The playbook of ``profile`` (with ``variant`` applied), from the catalog ``kpis``."""
    catalog = kpis if kpis is not None else catalog_kpis()
    kpiset = build_kpi_set(profile, catalog, variant)
    cadence = build_cadence(kpiset)
    applied = kpiset.profile
    stages = tuple(
        StageInfo(
            s, number(p, Unit.PERCENT) if (p := applied.stage_probability(s)) is not None else ""
        )
        for s in applied.stages
    )
    return Playbook(
        profile_id=profile.id,
        profile_name=profile.name,
        variant=variant,
        question=f"What KPIs should a fractional CRO own at {industry_phrase(profile.name)}?",
        direct_answer=_direct_answer(profile, kpiset),
        kpis=kpiset,
        cadence=cadence,
        flowchart=flowchart_for(kpiset),
        plan=build_plan(kpiset, cadence),
        stages=stages,
        variant_by=profile.variant_by,
        variants=_variants(profile, catalog),
        faqs=_faqs(applied, kpiset, cadence),
        sources=tuple(profile.sources),
    )


def playbook_for(
    profile_id: str, variant: str | None = None, extra_dirs: tuple[Path, ...] = ()
) -> Playbook:
    """Load a profile by id (shipped, or from ``extra_dirs``) and build its playbook."""
    return build_playbook(load_profile(profile_id, extra_dirs), variant)
