"""Run ad-hoc SQL over the catalog's models on a workspace's engine.

Pipeline history and forecasting read the same models as the KPIs (``opportunity_states``,
``open_pipeline``, …). :func:`with_models` wraps a query in the ``periods``, ``stage_map`` and
``pulse_settings`` relations plus every model it names (dependencies first), exactly as the
planner does for a KPI, so a pipeline figure and the KPI built on the same model always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pyarrow as pa

from pulse.compile.planner import PeriodSpec, context_ctes, transpile
from pulse.compute import Computer


def with_models(
    computer: Computer,
    models: Iterable[str],
    periods: list[PeriodSpec],
    body: str,
    extra: Mapping[str, str] | None = None,
) -> str:
    """``WITH <context>, <models>, <extra> <body>`` in DuckDB SQL.

    ``extra`` CTEs come after the models and may read them; a name in ``extra`` that is also a
    model replaces that model's SQL (used to vary one step, e.g. the forecast lock point).
    """
    replaced = dict(extra or {})
    ctes: dict[str, str] = dict(context_ctes(periods, computer.context()))
    for name in models:
        for dep in computer.catalog.model_chain(name):
            if dep not in ctes:
                ctes[dep] = replaced.pop(dep, "") or computer.catalog.model(dep).sql
    ctes.update(replaced)
    with_sql = ",\n".join(f"{name} AS ({sql})" for name, sql in ctes.items())
    return f"WITH {with_sql}\n{body}"


def arrow(computer: Computer, sql: str) -> pa.Table:
    """The result of ``sql`` (DuckDB dialect, transpiled for other engines) as Arrow."""
    engine = computer.engine
    if engine.dialect != "duckdb":
        sql = transpile(sql, engine.dialect)
    return engine.execute(sql)


def run(computer: Computer, sql: str) -> list[dict[str, Any]]:
    """Rows of ``sql`` (DuckDB dialect, transpiled for other engines) as dicts.

    Money stays :class:`~decimal.Decimal` so sums of lines can be checked exactly.
    """
    return [dict(row) for row in arrow(computer, sql).to_pylist()]


def decimal(value: Any) -> Decimal:
    """A money value as Decimal (None is zero)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))
