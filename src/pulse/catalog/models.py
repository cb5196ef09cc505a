"""Typed declarations: a KPI, its formula kinds, an industry profile and its thresholds.

These are pydantic models because they sit at a boundary (YAML files written by people).
Everything downstream reads these objects, never the YAML.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pulse.errors import unknown

ID_RE = re.compile(r"^[a-z][a-z0-9_]*[a-z0-9]$")
REF_RE = re.compile(r"\{([a-z][a-z0-9_]*[a-z0-9])\}")


class Category(StrEnum):
    """Leading indicators move before revenue; lagging ones report it; health ones warn."""

    LEADING = "leading"
    LAGGING = "lagging"
    HEALTH = "health"


class Owner(StrEnum):
    """Who owns a KPI by default."""

    CRO = "cro"
    OPERATIONS = "operations"
    MARKETING = "marketing"
    CUSTOMER_SUCCESS = "customer_success"
    VP_SALES = "vp_sales"
    FINANCE = "finance"


class Unit(StrEnum):
    """The unit a KPI value is expressed in. Percent values are fractions (0.25 = 25%)."""

    CURRENCY = "currency"
    PERCENT = "percent"
    COUNT = "count"
    RATIO = "ratio"
    DAYS = "days"
    MONTHS = "months"
    CURRENCY_PER_DAY = "currency_per_day"
    SCORE = "score"


class Direction(StrEnum):
    """Which way is good."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    IN_BAND = "in_band"


class Cadence(StrEnum):
    """How often a KPI is reviewed."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class AsOf(StrEnum):
    """Which date a point-in-time KPI is evaluated at when ``--as-of`` is not given."""

    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    TODAY = "today"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SimpleFormula(_Strict):
    """One aggregate expression over the KPI's model."""

    type: Literal["simple"]
    expr: str


class RatioFormula(_Strict):
    """Numerator ÷ denominator, each an aggregate over the model or a ``{kpi}`` reference."""

    type: Literal["ratio"]
    numerator: str
    denominator: str
    scale: float = 1.0


class DerivedFormula(_Strict):
    """An arithmetic expression over other KPIs, referenced as ``{kpi_id}``."""

    type: Literal["derived"]
    expr: str


Formula = Annotated[SimpleFormula | RatioFormula | DerivedFormula, Field(discriminator="type")]


class Docs(_Strict):
    """Human text about a KPI."""

    why: str
    conventions: str = ""
    caveats: str = ""
    seeds: list[str] = Field(default_factory=list)


class KPI(_Strict):
    """One KPI, declared once. The file stem is its id."""

    id: str
    name: str
    description: str
    category: Category
    owner: Owner
    unit: Unit
    direction: Direction
    model: str | None = None
    time_dimension: str | None = None
    as_of: AsOf = AsOf.PERIOD_END
    grain: Literal["day", "week", "month", "quarter", "year"] = "month"
    cadence: Cadence = Cadence.MONTHLY
    dimensions: list[str] = Field(default_factory=list)
    needs: dict[str, list[str]] = Field(default_factory=dict)
    formula: Formula
    components: dict[str, str] = Field(default_factory=dict)
    detail: str | None = None
    detail_time_dimension: str | None = None
    additive: bool = False
    public: bool = True
    activity_only: bool = False
    docs: Docs

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not ID_RE.match(value) or "__" in value:
            raise ValueError(f"id '{value}' must match {ID_RE.pattern} and contain no '__'")
        return value

    @property
    def refs(self) -> list[str]:
        """KPI ids this KPI's formula references, in order of first appearance."""
        text = " ".join(self.formula_texts())
        seen: list[str] = []
        for ref in REF_RE.findall(text):
            if ref not in seen:
                seen.append(ref)
        return seen

    def formula_texts(self) -> list[str]:
        """Every SQL fragment of the formula."""
        f = self.formula
        if isinstance(f, SimpleFormula | DerivedFormula):
            return [f.expr]
        return [f.numerator, f.denominator]


class Threshold(_Strict):
    """A KPI's target in a profile. Values are in the KPI's unit (percent as a fraction).

    Outside ``healthy`` is amber; past ``red_below``/``red_above`` is red. An omitted
    threshold means "no target", never zero. ``period`` is the window the value is judged over
    when it is not the reporting period: ``month``, ``quarter``, ``year``, ``next_quarter`` or
    ``rolling-<n>d|m|q`` (e.g. ``rolling-90d``, ``rolling-4q``).
    """

    target: float | None = None
    healthy: tuple[float, float] | None = None
    red_below: float | None = None
    red_above: float | None = None
    period: str | None = None
    note: str = ""


class Variant(_Strict):
    """A named adjustment of a profile picked by one company fact (see ``Profile.variant_by``).

    ``focus`` lists the KPIs the variant puts first, most important first; a focus KPI that is
    only supporting is promoted into the core set (see ``Profile.with_variant``).
    ``thresholds`` replace the profile's thresholds KPI by KPI.
    """

    description: str = ""
    focus: list[str] = Field(default_factory=list)
    thresholds: dict[str, Threshold] = Field(default_factory=dict)


MAX_CORE = 6


def normalize_stage(name: str) -> str:
    """Canonical form of a stage name: lowercase words separated by one space.

    ``"Proposal Sent"``, ``"proposal_sent"`` and ``" proposal  sent "`` all become
    ``"proposal sent"``, so a company's own stage labels match a profile's.
    """
    return " ".join(name.replace("_", " ").lower().split())


class Profile(_Strict):
    """An industry profile: which KPIs the CRO owns, their targets, and the stage map.

    ``stages`` are open-pipeline stage names in order (lowercase words, see
    :func:`normalize_stage`); ``stage_probabilities`` maps each to a win probability in [0, 1].
    ``dashboard`` groups KPIs into the one-page dashboard's sections where a seed prescribes
    them; when empty, KPIs are grouped by their catalog category. ``variant_by`` names the
    company fact that picks one of ``variants`` (``motion``, ``revenue_model`` or
    ``manufacturing_type``). ``health_score_weights`` weigh the health signals ``usage``,
    ``tickets`` (``health_signals.support_tickets``) and ``nps`` into a 0-100 customer health
    score; accounts below ``health_score_threshold`` need a customer-success intervention.
    """

    id: str
    name: str
    description: str = ""
    extends: str | None = None
    core: list[str]
    supporting: list[str] = Field(default_factory=list)
    not_owned: dict[str, str] = Field(default_factory=dict)
    thresholds: dict[str, Threshold] = Field(default_factory=dict)
    stages: list[str] = Field(default_factory=list)
    stage_probabilities: dict[str, float] = Field(default_factory=dict)
    required_splits: dict[str, list[str]] = Field(default_factory=dict)
    cadence: dict[str, Cadence] = Field(default_factory=dict)
    dashboard: dict[Category, list[str]] = Field(default_factory=dict)
    health_score_weights: dict[str, float] = Field(default_factory=dict)
    health_score_threshold: float | None = None
    cycle_start: Literal["created_at", "first_meeting_at"] = "created_at"
    variant_by: str | None = None
    variants: dict[str, Variant] = Field(default_factory=dict)
    max_core: int = MAX_CORE
    sources: list[str]

    @property
    def kpis(self) -> list[str]:
        """Core then supporting KPI ids."""
        return [*self.core, *(k for k in self.supporting if k not in self.core)]

    def stage_probability(self, stage: str) -> float | None:
        """Probability of a stage, matching names case- and separator-insensitively."""
        wanted = normalize_stage(stage)
        for name, probability in self.stage_probabilities.items():
            if normalize_stage(name) == wanted:
                return probability
        return None

    def with_variant(self, name: str) -> Profile:
        """This profile with one variant applied: its thresholds and its focus first in core.

        Focus KPIs lead the core set in the variant's order; the other core KPIs follow in
        profile order. If that makes more than ``max_core``, the last non-focus KPIs move to
        the front of ``supporting``.
        """
        if name not in self.variants:
            raise unknown(f"variant of profile '{self.id}'", name, self.variants)
        variant = self.variants[name]
        ordered = [*variant.focus, *(k for k in self.core if k not in variant.focus)]
        core, demoted = ordered[: self.max_core], ordered[self.max_core :]
        supporting = [*demoted, *(k for k in self.supporting if k not in core and k not in demoted)]
        return self.model_copy(
            update={
                "core": core,
                "supporting": supporting,
                "thresholds": {**self.thresholds, **variant.thresholds},
            }
        )
