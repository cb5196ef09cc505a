"""``advise``: everything a founder needs before any data is loaded, for one company's facts.

Readiness (is a fractional CRO right at all, and why), the KPI set adjusted by the facts, the
review cadence, the dated 90-day plan, and the cost against a full-time VP of Sales.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pulse.advise.cadence import CadencePlan, build_cadence
from pulse.advise.cost import CostComparison, compare
from pulse.advise.facts import CompanyFacts, Engagement
from pulse.advise.kpiset import KpiSet, choose_kpi_set
from pulse.advise.plan import RampPlan, build_plan
from pulse.advise.readiness import Readiness, assess
from pulse.catalog.models import KPI
from pulse.catalog.profile_validate import catalog_kpis
from pulse.catalog.profiles import load_profile


@dataclass(frozen=True)
class Advice:
    """The whole answer for one company."""

    facts: CompanyFacts
    terms: Engagement
    readiness: Readiness
    kpis: KpiSet
    cadence: CadencePlan
    plan: RampPlan
    cost: CostComparison


def advise(
    facts: CompanyFacts,
    terms: Engagement | None = None,
    extra_dirs: tuple[Path, ...] = (),
    kpis: Mapping[str, KPI] | None = None,
    today: date | None = None,
) -> Advice:
    """Advice for ``facts`` with the profile ``facts.industry`` (shipped or in ``extra_dirs``).

    The plan starts on ``facts.start_date``, else on ``today`` (default: the current date).
    """
    terms = terms if terms is not None else Engagement()
    profile = load_profile(facts.industry, extra_dirs)
    catalog = kpis if kpis is not None else catalog_kpis()
    kpiset = choose_kpi_set(profile, facts, catalog)
    cadence = build_cadence(kpiset)
    start = facts.start_date or today or date.today()
    return Advice(
        facts=facts,
        terms=terms,
        readiness=assess(facts),
        kpis=kpiset,
        cadence=cadence,
        plan=build_plan(kpiset, cadence, start, facts.has_crm),
        cost=compare(terms, kpiset),
    )
