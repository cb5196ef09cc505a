"""The pipeline as of any date: every opportunity's stage, amount, close date and status then.

The state comes from the ``opportunity_states`` model. An opportunity with rows in
``stage_history`` takes the last change recorded before the as-of day (``state_source =
'stage_history'``); one without history keeps its current stage, amount and close date and is
open from ``created_at`` until it closed (``state_source = 'opportunity'`` — the assumption
that its current values stood for the past). The summary says how many opportunities rest on
each assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pulse.compile.planner import PeriodSpec
from pulse.compute import Computer
from pulse.periods import Period
from pulse.pipeline.query import decimal, run, with_models

ASSUMPTIONS = {
    "stage_history": "stage, amount and close date from the last change recorded before the day",
    "opportunity": "no stage history: the current stage, amount and close date stand for the past",
}


@dataclass
class PipelineAsOf:
    """The open pipeline as of one date, and the part of it due in a period."""

    as_of: date
    period: Period
    open_count: int
    open_value: Decimal
    due_count: int
    due_value: Decimal
    due_weighted: Decimal
    sources: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (rows included when they were asked for)."""
        return {
            "as_of": self.as_of.isoformat(),
            **self.period.to_json(),
            "open": {"count": self.open_count, "value": float(self.open_value)},
            "due_in_period": {
                "count": self.due_count,
                "value": float(self.due_value),
                "weighted": float(self.due_weighted),
            },
            "state_sources": self.sources,
            "assumptions": {k: ASSUMPTIONS[k] for k in self.sources},
            "opportunities": [
                {k: (float(v) if isinstance(v, Decimal) else v) for k, v in r.items()}
                for r in self.rows
            ],
        }


def _states_body(open_only: bool) -> str:
    where = "WHERE s.status = 'open' " if open_only else ""
    return (
        "SELECT s.opportunity_id, s.owner_id, s.segment, s.region, s.product_line, s.source, "
        "s.type, s.state_source, s.is_deleted, s.created_at, s.stage, s.amount, s.close_date, "
        "s.status, COALESCE(sm.probability, 0) AS probability, "
        "CASE WHEN s.status = 'open' AND s.close_date BETWEEN p.period_start AND p.period_end "
        "THEN 1 ELSE 0 END AS due_in_period "
        "FROM opportunity_states AS s JOIN periods AS p ON p.period_key = s.period_key "
        f"LEFT JOIN stage_map AS sm ON sm.stage = s.stage_key {where}"
    )


def states_sql(computer: Computer, as_of: date, period: Period, open_only: bool = True) -> str:
    """DuckDB SQL listing each opportunity's state as of ``as_of`` with its stage probability
    and whether it is due in ``period``."""
    spec = PeriodSpec(period.label, period.start, period.end, as_of)
    body = _states_body(open_only) + "ORDER BY s.close_date, s.opportunity_id"
    return with_models(computer, ["opportunity_states"], [spec], body)


def pipeline_as_of(
    computer: Computer, as_of: date, period: Period, with_rows: bool = False
) -> PipelineAsOf:
    """The open pipeline as of ``as_of``; ``due_*`` counts what is due in ``period``."""
    summary = (
        "SELECT state_source, COUNT(*) AS n, SUM(amount) AS amount, "
        "SUM(due_in_period) AS due, SUM(CASE WHEN due_in_period = 1 THEN amount END) AS due_amount, "
        "SUM(CASE WHEN due_in_period = 1 THEN amount * CAST(probability AS DECIMAL(9, 6)) END) "
        "AS due_weighted FROM open_states GROUP BY state_source ORDER BY state_source DESC"
    )
    spec = PeriodSpec(period.label, period.start, period.end, as_of)
    sql = with_models(
        computer, ["opportunity_states"], [spec], summary, {"open_states": _states_body(True)}
    )
    result = PipelineAsOf(as_of, period, 0, Decimal(0), 0, Decimal(0), Decimal(0))
    for row in run(computer, sql):
        result.open_count += int(row["n"])
        result.open_value += decimal(row["amount"])
        result.due_count += int(row["due"] or 0)
        result.due_value += decimal(row["due_amount"])
        result.due_weighted += decimal(row["due_weighted"])
        result.sources[str(row["state_source"])] = int(row["n"])
    if with_rows:
        result.rows = run(computer, states_sql(computer, as_of, period))
    return result
