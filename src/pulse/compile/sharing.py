"""One computation per SQL model shared by the KPIs that read it.

Planned one at a time, every KPI carries its models as CTEs, and each KPI of a scorecard
recomputed the models it shares with the others (the ARR bridge's movements ran for
``arr_bridge``, ``net_new_arr``, ``magic_number`` and ``cac_payback_months`` alike).
:func:`share_models` looks at every statement of a batch, counts how many separate computations
would compute each model — each statement whose KPIs read it, and each computation of a model
reading it (one in all for a shared reader) — and computes a model needed by two or more once
into a table of its own (kept for the engine's life), which each statement then reads (:meth:`Planner.with_materialized`).
Within one statement a model is one CTE, which DuckDB computes once however often the statement
reads it (it materializes a CTE read more than once), so a model read only inside one
computation — ``scope_movements``, read three times inside ``mrr_movements`` — stays a CTE:
writing it to a table would only add the cost of the write.

Only models that aggregate (GROUP BY, DISTINCT, window functions), generate rows (UNNEST of a
series: a row per month a subscription line or an open-pipeline span touches) or compute
something costly on every row (regular expressions, edit distances) are shared: a plain
row-by-row model such as ``opportunity_facts`` is cheaper inline, where the engine reads only
the columns and rows each query needs, than written out whole (measured on the demo data at
100,000 and 1,000,000 opportunities), while ``account_name_keys`` (three regular expressions per
account name, read by the duplicate matching's models) is cheaper computed once.

A model that reads ``periods`` (directly or through another model) depends on the period rows
and their as-of dates, so it is shared only between statements with the same periods; one that
reads only ``period_range`` (the earliest and latest day of the periods) between statements whose
periods span the same days, whatever their as-of dates (``open_candidate_spans``, read by
pipeline coverage as of each period's start and by sales velocity as of its end); the others
are shared by every statement. A table's name carries a hash of the SQL that fills it, so the same
model over the same periods and settings is computed once per engine connection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Hashable
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp

from pulse.catalog.registry import Catalog
from pulse.compile.planner import Context, PeriodSpec, Planner, period_range

ModelKey = tuple[str, Hashable]


@dataclass(frozen=True)
class Statement:
    """One KPI query of a batch: the KPI and the periods (with as-of dates) it runs over."""

    kpi_id: str
    periods: tuple[PeriodSpec, ...]


@dataclass(frozen=True)
class Materialization:
    """A model computed into a shared table: its name and the DuckDB SQL that fills it."""

    model: str
    table: str
    sql: str
    reads: tuple[str, ...]  # the tables of other materialized models it reads


def model_key(catalog: Catalog, name: str, periods: tuple[PeriodSpec, ...]) -> ModelKey:
    """What identifies one computation of a model: its name and, if it reads them, the periods
    (``periods``: every period row with its as-of date) or only their range (``period_range``)."""
    chain = [catalog.model(m) for m in catalog.model_chain(name)]
    if any(m.reads_periods for m in chain):
        return (name, periods)
    if any(m.reads_period_range for m in chain):
        return (name, ("range", period_range(list(periods))))
    return (name, None)


# Row-by-row functions costly enough that a model calling them is worth computing once; UNNEST
# (sqlglot's Explode) generates rows. Sharing the generating models (the open pipeline's states
# per as-of day, the bridge's movement rows per period, the month spine) took the 24-month peers
# scorecard at 1,000,000 opportunities from 9.8 s to 9.2 s and left the one-quarter scorecard
# unchanged (4.2 s), with the same numbers.
COSTLY_FUNCTIONS: tuple[type[exp.Expr], ...] = (
    exp.RegexpReplace,
    exp.RegexpExtract,
    exp.RegexpLike,
    exp.Levenshtein,
    exp.Explode,
)


def _range_join(join: exp.Join) -> bool:
    """Whether a join matches rows by ranges only (no equality in its condition): the engine
    sorts both sides into the ranges instead of hashing one."""
    on = join.args.get("on")
    return on is not None and on.find(exp.EQ) is None


@lru_cache(maxsize=1024)
def aggregates(sql: str) -> bool:
    """Whether a model groups, de-duplicates, uses a window, joins by ranges only, generates rows
    (UNNEST) or calls a costly function (a regular expression, an edit distance): the work worth
    computing once.

    Any other row-by-row model (a projection or equality join of tables) is left inline:
    computing it into a table writes every row and column, while inline the engine reads only the
    columns and rows each query needs. Measured on the demo data, sharing such models made the
    scorecard slower.
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    kinds: tuple[type[exp.Expr], ...] = (exp.Group, exp.Window, exp.Distinct, *COSTLY_FUNCTIONS)
    return tree.find(*kinds) is not None or any(_range_join(j) for j in tree.find_all(exp.Join))


def _kpi_models(catalog: Catalog, kpi_id: str) -> set[str]:
    """The models one statement's KPIs (the KPI and the KPIs it references) read themselves."""
    kpis = [catalog.get(kid) for kid in [*catalog.dependencies(kpi_id), kpi_id]]
    return {kpi.model for kpi in kpis if kpi.model}


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
    # Every model computation the batch needs, dependencies first, and the models reading it.
    order: list[ModelKey] = []
    direct: dict[ModelKey, set[int]] = {}  # the statements whose KPIs read the model itself
    readers: dict[ModelKey, set[ModelKey]] = {}
    for index, st in enumerate(statements):
        for name in _kpi_models(catalog, st.kpi_id):
            direct.setdefault(model_key(catalog, name, st.periods), set()).add(index)
        for name in catalog.kpi_models(st.kpi_id):
            key = model_key(catalog, name, st.periods)
            if key in readers:
                continue
            readers[key] = set()
            order.append(key)
            for dep in catalog.model(name).models:
                dep_key = model_key(catalog, dep, st.periods)
                readers.setdefault(dep_key, set()).add(key)  # listed before its reader
    # Readers first: the computations (statements, shared tables) that would compute a model
    # inline — a shared reader computes it once, inside its own table; any other reader wherever
    # that reader is computed. Within one computation a model is one CTE, which the engine
    # computes once however often it is read. Two computations or more: share.
    shared: set[ModelKey] = set(keep)
    holders: dict[ModelKey, set[Hashable]] = {}
    for key in reversed(order):
        held: set[Hashable] = set(direct.get(key, ()))
        for reader in readers[key]:
            held |= {reader} if reader in shared else holders.get(reader, set())
        holders[key] = held
        if len(held) >= 2 and aggregates(catalog.model(key[0]).sql):
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
