"""The KPI set a fractional CRO should own: the profile's core and supporting KPIs, adjusted by
the company's facts through the profile's variants, and what the CRO does not own.

Names, definitions, formulas and units come from the KPI catalog; targets, red lines, cadence
and splits from the profile. A profile KPI that is not in the catalog yet is shown by its id
with a note, never dropped and never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulse.advise.facts import AdviceError, CompanyFacts
from pulse.advise.seedrules import MAX_ANNUAL_CHURN
from pulse.advise.wording import (
    FACT_LABELS,
    goal_text,
    healthy_text,
    owner_label,
    red_text,
    share,
    target_text,
    window,
    words,
)
from pulse.catalog.models import KPI, DerivedFormula, Profile, RatioFormula, SimpleFormula
from pulse.errors import unknown

RETENTION_KPIS = ("grr", "logo_churn_rate", "client_churn_rate", "nrr")
NOT_IN_CATALOG = "not in the KPI catalog yet; shown by its id"
# The facts a company can give, by the profile field ``variant_by`` that reads them.
FACT_OPTIONS = {
    "motion": "--motion",
    "revenue_model": "--revenue-model",
    "manufacturing_type": "--manufacturing",
}


def formula_text(kpi: KPI | None) -> str:
    """The formula as a person reads it (the same text ``pulse kpi show`` prints)."""
    if kpi is None:
        return ""
    f = kpi.formula
    if isinstance(f, SimpleFormula | DerivedFormula):
        return f.expr
    assert isinstance(f, RatioFormula)
    scale = f" × {f.scale:g}" if f.scale != 1 else ""
    return f"({f.numerator}) ÷ ({f.denominator}){scale}"


@dataclass(frozen=True)
class KpiLine:
    """One KPI of the set, with everything the advice and the playbook say about it."""

    id: str
    name: str
    in_catalog: bool
    definition: str
    formula: str
    unit: str | None
    category: str | None
    why: str
    why_here: str
    target: str
    healthy: str
    red_line: str
    window: str
    cadence: str | None
    owner: str
    owner_label: str
    splits: tuple[str, ...]
    threshold: dict[str, Any] | None
    note: str = ""

    @property
    def goal(self) -> str:
        """Target with its healthy range: ``3× (healthy 3×–5×)``; empty without either."""
        return goal_text(self.target, self.healthy)


@dataclass(frozen=True)
class NotOwned:
    """Something the CRO explicitly does not own, and who owns it instead."""

    item: str
    label: str
    owner: str
    owner_label: str


@dataclass(frozen=True)
class KpiSet:
    """The core and supporting KPIs of one profile (with a variant applied, if any)."""

    profile_id: str
    profile_name: str
    description: str
    variant: str | None
    variant_by: str | None
    variant_description: str
    max_core: int
    core: tuple[KpiLine, ...]
    supporting: tuple[KpiLine, ...]
    not_owned: tuple[NotOwned, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    dashboard: tuple[tuple[str, tuple[str, ...]], ...]
    profile: Profile = field(repr=False, compare=False, metadata={"serialize": False})

    @property
    def lines(self) -> tuple[KpiLine, ...]:
        """Core then supporting."""
        return (*self.core, *self.supporting)

    def ids(self, category: str | None = None, core_only: bool = False) -> list[str]:
        """KPI ids of the set, optionally of one catalog category."""
        pool = self.core if core_only else self.lines
        return [k.id for k in pool if category is None or k.category == category]

    def line(self, kpi_id: str) -> KpiLine:
        """The line of one KPI of the set."""
        for kpi in self.lines:
            if kpi.id == kpi_id:
                return kpi
        raise unknown("KPI of the set", kpi_id, [k.id for k in self.lines])


def kpi_line(profile: Profile, kpi_id: str, kpis: Mapping[str, KPI]) -> KpiLine:
    """Describe one profile KPI from the catalog and the profile's threshold for it."""
    kpi = kpis.get(kpi_id)
    threshold = profile.thresholds.get(kpi_id)
    cadence = profile.cadence.get(kpi_id) or (kpi.cadence if kpi is not None else None)
    owner = kpi.owner.value if kpi is not None else "cro"
    label = owner_label(owner)
    if owner != "cro":
        label = f"{label} (shared; the CRO tracks it)"
    why_here = threshold.note if threshold is not None else ""
    if kpi_id == "sales_cycle_days" and profile.cycle_start == "first_meeting_at":
        why_here = f"{why_here} Counted from the first meeting to the signature.".strip()
    raw = None
    if threshold is not None:
        raw = threshold.model_dump(
            mode="json", include={"target", "healthy", "red_below", "red_above", "period"}
        )
    return KpiLine(
        id=kpi_id,
        name=kpi.name if kpi is not None else kpi_id,
        in_catalog=kpi is not None,
        definition=kpi.description if kpi is not None else "",
        formula=formula_text(kpi),
        unit=kpi.unit.value if kpi is not None else None,
        category=kpi.category.value if kpi is not None else None,
        why=kpi.docs.why if kpi is not None else "",
        why_here=why_here,
        target=target_text(threshold, kpi),
        healthy=healthy_text(threshold, kpi),
        red_line=red_text(threshold, kpi),
        window=window(threshold.period if threshold is not None else None),
        cadence=cadence.value if cadence is not None else None,
        owner=owner,
        owner_label=label,
        splits=tuple(profile.required_splits.get(kpi_id, [])),
        threshold=raw,
        note="" if kpi is not None else NOT_IN_CATALOG,
    )


def build_kpi_set(
    profile: Profile,
    kpis: Mapping[str, KPI],
    variant: str | None = None,
    notes: tuple[str, ...] = (),
) -> KpiSet:
    """The KPI set of ``profile``, with ``variant`` applied (``Profile.with_variant``)."""
    applied = profile.with_variant(variant) if variant is not None else profile
    description = profile.variants[variant].description if variant is not None else ""
    supporting = [k for k in applied.supporting if k not in applied.core]
    missing = [k for k in applied.kpis if k not in kpis]
    extra = (f"Not in the KPI catalog yet, shown by id: {', '.join(missing)}.",) if missing else ()
    return KpiSet(
        profile_id=profile.id,
        profile_name=profile.name,
        description=profile.description,
        variant=variant,
        variant_by=profile.variant_by,
        variant_description=description,
        max_core=applied.max_core,
        core=tuple(kpi_line(applied, k, kpis) for k in applied.core),
        supporting=tuple(kpi_line(applied, k, kpis) for k in supporting),
        not_owned=tuple(
            NotOwned(item, words(item), owner, owner_label(owner))
            for item, owner in applied.not_owned.items()
        ),
        notes=(*notes, *extra),
        sources=tuple(profile.sources),
        dashboard=tuple((section.value, tuple(ids)) for section, ids in applied.dashboard.items()),
        profile=applied,
    )


def choose_variant(profile: Profile, facts: CompanyFacts) -> tuple[str | None, list[str]]:
    """The variant the company's facts pick, and notes on facts that do not apply."""
    notes: list[str] = []
    chosen: str | None = None
    by = profile.variant_by
    for fact, option in FACT_OPTIONS.items():
        value = facts.variant_fact(fact)
        if value is None:
            continue
        if fact != by or not profile.variants:
            varies = (
                f"varies by {FACT_LABELS.get(by, by)}"
                if by and profile.variants
                else "has no variants"
            )
            notes.append(f"{option} {value} is not used: the {profile.name} profile {varies}.")
            continue
        if value not in profile.variants:
            raise AdviceError(
                f"{option}: the {profile.name} profile has no variant '{value}'",
                hint=f"variants: {', '.join(profile.variants)}",
            )
        chosen = value
    if chosen is None and by is not None and profile.variants:
        option = FACT_OPTIONS.get(by, by)
        notes.append(
            f"Targets depend on the {FACT_LABELS.get(by, by)}: give {option} "
            f"({'|'.join(profile.variants)}) to adjust them; the profile's base targets apply."
        )
    return chosen, notes


def choose_kpi_set(profile: Profile, facts: CompanyFacts, kpis: Mapping[str, KPI]) -> KpiSet:
    """The KPI set adjusted by the company's facts, with a note for each adjustment."""
    variant, notes = choose_variant(profile, facts)
    if variant is not None:
        described = profile.variants[variant].description
        notes.insert(0, f"Variant '{variant}' applied: {described}".rstrip(": "))
    if facts.has_crm is False:
        notes.append(
            "No CRM: until the pipeline lives in one, the KPIs that read opportunities cannot be "
            "measured; CRM completeness and the data-quality score come first."
        )
    if facts.annual_churn is not None and facts.annual_churn > MAX_ANNUAL_CHURN:
        retention = [k for k in RETENTION_KPIS if k in profile.kpis]
        if retention:
            notes.append(
                f"Churn is above {share(MAX_ANNUAL_CHURN)} a year: read {', '.join(retention)} "
                "first; new bookings cannot outrun that leak."
            )
    return build_kpi_set(profile, kpis, variant, tuple(notes))
