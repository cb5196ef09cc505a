"""The loaded catalog: KPIs by id, SQL models by name, and lookups with did-you-mean.

Load it with :func:`load_catalog`; it is validated on load and cached per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pulse.catalog.models import KPI, Category
from pulse.errors import unknown

KPI_DIR = Path(__file__).parent / "kpis"
MODEL_DIR = Path(__file__).resolve().parents[1] / "models"


@dataclass(frozen=True)
class Model:
    """A derived table written as one SQL ``SELECT`` (a dbt-style model).

    A model may read canonical tables, other models, and the context relations ``periods``
    (period_key, period_start, period_end, as_of), ``period_range`` (one row: first_day and
    last_day, the earliest and latest start, end or as-of day of the periods), ``stage_map``
    (stage, probability, stage_order) and ``pulse_settings`` (one row of workspace settings).

    A model whose rows carry ``period_key`` is evaluated per period (:attr:`per_period`): a KPI
    or a listing meets its rows on that key. It gets the key from ``periods``, directly or
    through a model it reads, and one that reads ``periods`` directly must output it. One that
    reads ``period_range`` only depends on the range, which the same periods share whatever
    their as-of dates.
    """

    name: str
    sql: str
    path: Path
    description: str
    models: tuple[str, ...]
    tables: tuple[str, ...]
    reads_periods: bool
    reads_period_range: bool
    columns: tuple[str, ...] = ()

    @property
    def per_period(self) -> bool:
        """Its rows are keyed by period: it outputs ``period_key``."""
        return "period_key" in self.columns


@dataclass
class Catalog:
    """Every KPI and model, validated."""

    kpis: dict[str, KPI]
    models: dict[str, Model]
    paths: dict[str, Path] = field(default_factory=dict)

    def get(self, kpi_id: str) -> KPI:
        """The KPI with this id, or an error with a did-you-mean and the valid ids."""
        try:
            return self.kpis[kpi_id]
        except KeyError:
            raise unknown("KPI", kpi_id, [k for k, v in self.kpis.items() if v.public]) from None

    def model(self, name: str) -> Model:
        """The model with this name."""
        try:
            return self.models[name]
        except KeyError:
            raise unknown("model", name, self.models) from None

    def public(self) -> list[KPI]:
        """Public KPIs sorted by category then id."""
        order = {c: i for i, c in enumerate(Category)}
        return sorted(
            (k for k in self.kpis.values() if k.public), key=lambda k: (order[k.category], k.id)
        )

    def by_category(self, category: Category) -> list[KPI]:
        """Public KPIs of one category."""
        return [k for k in self.public() if k.category == category]

    def dependencies(self, kpi_id: str) -> list[str]:
        """Every KPI the given one references, transitively, dependencies first."""
        seen: list[str] = []

        def visit(current: str) -> None:
            for ref in self.get(current).refs:
                if ref not in seen:
                    visit(ref)
                    seen.append(ref)

        visit(kpi_id)
        return seen

    def model_chain(self, name: str) -> list[str]:
        """The model and every model it reads, dependencies first."""
        order: list[str] = []

        def visit(current: str) -> None:
            for dep in self.model(current).models:
                if dep not in order:
                    visit(dep)
            if current not in order:
                order.append(current)

        visit(name)
        return order

    def kpi_models(self, kpi_id: str) -> list[str]:
        """Every model a KPI (and its references) reads, dependencies first."""
        order: list[str] = []
        for kid in [*self.dependencies(kpi_id), kpi_id]:
            kpi = self.get(kid)
            if kpi.model:
                for name in self.model_chain(kpi.model):
                    if name not in order:
                        order.append(name)
        return order


@cache
def load_catalog() -> Catalog:
    """Load and validate the shipped catalog (cached)."""
    from pulse.catalog.loader import load

    return load(KPI_DIR, MODEL_DIR)
