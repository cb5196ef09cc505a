"""Run one SQL model for a list of periods and return its rows with exact decimals.

``Computer.rows`` turns decimals into floats for display; the revenue package needs the cents,
so it builds the same ``WITH`` chain the planner builds (context relations, then the model and
everything it reads) and reads the rows straight from the engine.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pulse.compile.planner import PeriodSpec, context_ctes, transpile
from pulse.compute import Computer
from pulse.periods import Period


def period_spec(period: Period, as_of: date | None = None) -> PeriodSpec:
    """The ``periods`` row for ``period``; the as-of date defaults to the period's end."""
    return PeriodSpec(period.label, period.start, period.end, as_of or period.end)


def model_rows(
    computer: Computer,
    model: str,
    periods: list[PeriodSpec],
    where: str = "",
    order_by: str = "",
    select: str = "*",
    group_by: str = "",
) -> list[dict[str, Any]]:
    """Rows of ``model``: ``SELECT {select} FROM model [WHERE where] [GROUP BY group_by]
    [ORDER BY order_by]``.

    ``select`` may aggregate (one row back, or one per ``group_by`` group). Values keep their
    engine types: DECIMAL columns come back as :class:`decimal.Decimal`.
    """
    catalog = computer.catalog
    ctes = dict(context_ctes(periods, computer.context()))
    for name in catalog.model_chain(model):
        ctes.setdefault(name, catalog.model(name).sql)
    # DuckDB inlines a CTE at every reference; the revenue chain reads its models several
    # times, so materialise them once (measured: the 1M-customer bridge in about half the time).
    keyword = "AS MATERIALIZED" if computer.engine.dialect == "duckdb" else "AS"
    with_sql = ",\n".join(f"{name} {keyword} ({sql})" for name, sql in ctes.items())
    sql = f"WITH {with_sql}\nSELECT {select} FROM {model}"
    if where:
        sql += f" WHERE {where}"
    if group_by:
        sql += f" GROUP BY {group_by}"
    if order_by:
        sql += f" ORDER BY {order_by}"
    if computer.engine.dialect != "duckdb":
        sql = transpile(sql, computer.engine.dialect)
    return list(computer.engine.execute(sql).to_pylist())


def sql_text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"
