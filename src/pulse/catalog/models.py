"""Typed declarations: a KPI, its formula kinds, an industry profile and its thresholds.

These are pydantic models because they sit at a boundary (YAML files written by people).
Everything downstream reads these objects, never the YAML.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
    threshold means "no target", never zero.
    """

    target: float | None = None
    healthy: tuple[float, float] | None = None
    red_below: float | None = None
    red_above: float | None = None
    period: str | None = None
    note: str = ""


class Profile(_Strict):
    """An industry profile: which KPIs the CRO owns, their targets, and the stage map."""

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
    health_score_weights: dict[str, float] = Field(default_factory=dict)
    health_score_threshold: float | None = None
    cycle_start: Literal["created_at", "first_meeting_at"] = "created_at"
    variants: dict[str, dict[str, Threshold]] = Field(default_factory=dict)
    max_core: int = 6
    sources: list[str]

    @property
    def kpis(self) -> list[str]:
        """Core then supporting KPI ids."""
        return [*self.core, *(k for k in self.supporting if k not in self.core)]
