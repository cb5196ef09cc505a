"""One computation per SQL model shared by the KPIs that read it.

Planned one at a time, every KPI carries its models as CTEs, and each KPI of a scorecard
recomputed the models it shares with the others (the ARR bridge's models ran for ``arr_bridge``,
``net_new_arr``, ``magic_number`` and ``cac_payback_months`` alike). :func:`share_models` looks at
every statement of a batch, counts how often each model would be computed — once per KPI reading
it, plus once per computation of each model reading it (once in all for a shared reader) — and
computes a model needed twice or more once into a temporary table, which each statement then
reads (:meth:`Planner.with_materialized`).

Only models that aggregate (GROUP BY, DISTINCT, window functions) are shared: a row-by-row model
such as ``opportunity_facts`` is cheaper inline, where the engine reads only the columns and rows
each query needs, than written out whole (measured on the demo data at 100,000 and 1,000,000
opportunities).

A model that reads ``periods`` (directly or through another model) depends on the period rows
and their as-of dates, so it is shared only between statements with the same periods; the others
are shared by every statement. A table's name carries a hash of the SQL that fills it, so the same
model over the same periods and settings is computed once per engine connection.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

from pulse.catalog.registry import Catalog
from pulse.compile.planner import Context, PeriodSpec, Planner

ModelKey = tuple[str, Hashable]


@dataclass(frozen=True)
class Statement:
    """One KPI query of a batch: the KPI and the periods (with as-of dates) it runs over."""

    kpi_id: str
    periods: tuple[PeriodSpec, ...]


@dataclass(frozen=True)
class Materialization:
    """A model computed into a temporary table: its name and the DuckDB SQL that fills it."""

    model: str
    table: str
    sql: str
    reads: tuple[str, ...]  # the tables of other materialized models it reads


def reads_periods(catalog: Catalog, name: str) -> bool:
    """Whether model ``name`` or any model it reads depends on the ``periods`` relation."""
    return any(catalog.model(m).uses_periods for m in catalog.model_chain(name))


def model_key(catalog: Catalog, name: str, periods: tuple[PeriodSpec, ...]) -> ModelKey:
    """What identifies one computation of a model: its name and, if it reads them, the periods."""
    return (name, periods if reads_periods(catalog, name) else None)


@lru_cache(maxsize=1024)
def _reads(sql: str) -> Counter[str]:
    """How many times a model's SQL reads each table or model (a self-join reads it twice)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    return Counter(t.name for t in tree.find_all(exp.Table))


@lru_cache(maxsize=1024)
def aggregates(sql: str) -> bool:
    """Whether a model groups, de-duplicates or uses a window: the work worth computing once.

    A row-by-row model (a projection or join of tables) is left inline: computing it into a table
    writes every row and column, while inline the engine reads only the columns and rows each
    query needs. Measured on the demo data, sharing such models made the scorecard slower.
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    return any(tree.find(kind) is not None for kind in (exp.Group, exp.Window, exp.Distinct))


def _kpi_reads(catalog: Catalog, kpi_id: str) -> Counter[str]:
    """How many of one statement's KPIs (the KPI and the KPIs it references) read each model."""
    count: Counter[str] = Counter()
    for kid in [*catalog.dependencies(kpi_id), kpi_id]:
        model = catalog.get(kid).model
        if model:
            count[model] += 1
    return count


def share_models(
    planner: Planner,
    statements: list[Statement],
    ctx: Context,
    keep: Collection[ModelKey] = (),
) -> list[dict[str, Materialization]]:
    """For each statement, the models it should read from a shared table (name → table).

    A model that aggregates is shared when the batch would compute it at least twice, and any
    model in ``keep`` (already computed on this connection) is reused. Tables are listed
    dependencies first.
    """
    catalog = planner.catalog
    # Every model computation the batch needs, dependencies first, and who reads it how often.
    order: list[ModelKey] = []
    direct: Counter[ModelKey] = Counter()
    readers: dict[ModelKey, Counter[ModelKey]] = {}
    for st in statements:
        for name, n in _kpi_reads(catalog, st.kpi_id).items():
            direct[model_key(catalog, name, st.periods)] += n
        for name in catalog.kpi_models(st.kpi_id):
            key = model_key(catalog, name, st.periods)
            if key in readers:
                continue
            readers[key] = Counter()
            order.append(key)
            reads = _reads(catalog.model(name).sql)
            for dep in catalog.model(name).models:
                dep_key = model_key(catalog, dep, st.periods)
                readers.setdefault(dep_key, Counter())  # listed before its reader
                readers[dep_key][key] += reads.get(dep, 1)
    # Readers first: a model is computed as often as its readers are (once for a shared reader,
    # which computes it inside its own table) plus once per KPI reading it. Twice or more: share.
    shared: set[ModelKey] = set(keep)
    evaluations: dict[ModelKey, int] = {}
    for key in reversed(order):
        evaluations[key] = direct[key] + sum(
            (1 if reader in shared else evaluations.get(reader, 1)) * n
            for reader, n in readers[key].items()
        )
        if evaluations[key] >= 2 and aggregates(catalog.model(key[0]).sql):
            shared.add(key)
    built: dict[ModelKey, Materialization] = {}
    out: list[dict[str, Materialization]] = []
    for st in statements:
        mapping: dict[str, Materialization] = {}
        for name in catalog.kpi_models(st.kpi_id):  # dependencies first
            key = model_key(catalog, name, st.periods)
            if key not in shared:
                continue
            if key not in built:
                tables = {
                    dep: mapping[dep].table
                    for dep in catalog.model_chain(name)
                    if dep != name and dep in mapping
                }
                sql = planner.with_materialized(tables).plan_model(
                    name, list(st.periods) if key[1] is not None else None, ctx
                )
                digest = hashlib.sha256(sql.encode("utf-8")).hexdigest()[:16]
                built[key] = Materialization(
                    name, f"pulse_{name}_{digest}", sql, tuple(tables.values())
                )
            mapping[name] = built[key]
        out.append(mapping)
    return out
