"""What changed in the pipeline due in a period between two dates.

The pipeline *due in a period W as of a date D* is every opportunity open as of D (the
``opportunity_states`` rule: created on or before D, not closed before D, stage, amount and close
date as recorded before D) whose close date falls in W. Between an opening (W₁ as of D₁) and a
closing (W₂ as of D₂; usually W₂ = W₁) each opportunity in either lands in exactly one line:

- in both: the change of its value — ``amount_increased`` / ``amount_decreased`` (for the
  weighted pipeline also ``stage_advanced`` / ``stage_regressed``, see below); unchanged deals
  land nowhere;
- only in the opening (it left): ``won``, ``lost``, ``removed`` (deleted, or still open with its
  close date cleared), else, still open with another close date: ``pushed_out`` (date moved
  later: slipped) or ``pulled_in`` (moved earlier); with two different periods and the same
  close date: ``period_change``;
- only in the closing (it joined): ``new`` (created after D₁, re-opened after being won or lost,
  or given a close date it did not have), else ``pulled_in`` (close date moved earlier, into the
  period), ``pushed_out`` (moved later, into the period) or ``period_change``.

A leaver counts −(its opening value) and −1 opportunity, a joiner +(its closing value) and +1,
a stayer the difference of its values and 0. So opening + Σ lines = closing exactly, in value
(Decimal) and in count. The weighted pipeline values each deal at amount × stage probability;
a stayer's change a₂p₂ − a₁p₁ splits by the midpoint rule into an amount effect
(a₂ − a₁)(p₁ + p₂)/2 and a stage effect (p₂ − p₁)(a₁ + a₂)/2 — a defined pair of lines, still
exact. The slip rate is the opening pipeline that left by a later close date ÷ the opening
pipeline, in value and in count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlglot
from sqlglot import exp

from pulse.compile.planner import PeriodSpec
from pulse.compute import Computer
from pulse.errors import PulseError, unknown
from pulse.periods import Period
from pulse.pipeline.query import decimal, run, with_models

LINES: tuple[tuple[str, str], ...] = (
    ("new", "New"),
    ("pulled_in", "Pulled in"),
    ("pushed_out", "Pushed out (slipped)"),
    ("period_change", "Period change"),
    ("amount_increased", "Amount increased"),
    ("amount_decreased", "Amount decreased"),
    ("stage_advanced", "Stage advanced"),
    ("stage_regressed", "Stage regressed"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("removed", "Removed (deleted or scrubbed)"),
)
LABELS = dict(LINES)
DIMENSIONS = (
    "owner_id",
    "account_id",
    "type",
    "product_line",
    "region",
    "segment",
    "source",
    "motion",
)


@dataclass(frozen=True)
class Amount:
    """A value and a number of opportunities."""

    value: Decimal
    count: int

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (value as a float)."""
        return {"value": float(self.value), "count": self.count}


@dataclass(frozen=True)
class Line:
    """One line of the bridge.

    ``count`` is the line's contribution to the count identity (joiners +1, leavers −1, value
    changes 0); ``opportunities`` is how many opportunities are behind the line.
    """

    key: str
    value: Decimal
    count: int
    opportunities: int

    @property
    def label(self) -> str:
        """Human name of the line."""
        return LABELS[self.key]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "line": self.key,
            "label": self.label,
            "value": float(self.value),
            "count": self.count,
            "opportunities": self.opportunities,
        }


@dataclass
class Bridge:
    """Opening + lines = closing for one segment (``{}`` for the whole pipeline)."""

    segment: dict[str, Any]
    opening: Amount
    closing: Amount
    lines: list[Line]
    slipped: Amount
    unchanged: Amount

    def line(self, key: str) -> Line:
        """The line called ``key``."""
        for line in self.lines:
            if line.key == key:
                return line
        raise unknown("pipeline-changes line", key, [x.key for x in self.lines])

    @property
    def residual(self) -> Amount:
        """closing − opening − Σ lines (always zero: the identity is exact)."""
        return Amount(
            self.closing.value
            - self.opening.value
            - sum((x.value for x in self.lines), Decimal(0)),
            self.closing.count - self.opening.count - sum(x.count for x in self.lines),
        )

    @property
    def slip_rate(self) -> float | None:
        """Share of the opening pipeline's value that slipped (left by a later close date)."""
        return float(self.slipped.value / self.opening.value) if self.opening.value else None

    @property
    def slip_rate_count(self) -> float | None:
        """Share of the opening pipeline's opportunities that slipped."""
        return self.slipped.count / self.opening.count if self.opening.count else None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "segment": self.segment,
            "opening": self.opening.to_json(),
            "lines": [x.to_json() for x in self.lines],
            "closing": self.closing.to_json(),
            "slipped": self.slipped.to_json(),
            "slip_rate": self.slip_rate,
            "slip_rate_count": self.slip_rate_count,
            "unchanged": self.unchanged.to_json(),
        }


@dataclass
class PipelineChanges:
    """The bridge from the pipeline due in ``period_from`` as of ``date_from`` to the pipeline
    due in ``period_to`` as of ``date_to``, for the whole pipeline and per segment."""

    period_from: Period
    period_to: Period
    date_from: date
    date_to: date
    weighted: bool
    by: str | None
    total: Bridge
    segments: list[Bridge] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "period": self.period_to.to_json()
            if self.period_from == self.period_to
            else {"from": self.period_from.to_json(), "to": self.period_to.to_json()},
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "weighted": self.weighted,
            "by": self.by,
            **self.total.to_json(),
            "segments": [s.to_json() for s in self.segments],
        }


def line_keys(weighted: bool, two_periods: bool) -> list[str]:
    """The lines a bridge shows: stage lines only when weighted, period change only for two
    different periods."""
    keys = []
    for key, _ in LINES:
        if key == "period_change" and not two_periods:
            continue
        if key.startswith("stage_") and not weighted:
            continue
        keys.append(key)
    return keys


def _parts_sql(weighted: bool, dims: list[str]) -> dict[str, str]:
    """CTEs: ``pipeline_states`` (both dates), ``pipeline_bridge`` (one row per opportunity in
    either pipeline) and ``pipeline_parts`` (one row per opportunity and line)."""
    dim_states = "".join(f"s.{d}, " for d in DIMENSIONS)
    dim_bridge = "".join(f"COALESCE(c.{d}, o.{d}) AS {d}, " for d in DIMENSIONS)
    value_from = "o.amount * o.probability" if weighted else "o.amount"
    value_to = "c.amount * c.probability" if weighted else "c.amount"
    states = f"""
SELECT s.period_key, s.opportunity_id, {dim_states}s.stage, s.amount, s.close_date, s.status,
  s.state_source, s.is_deleted,
  CAST(COALESCE(sm.probability, 0) AS DECIMAL(9, 6)) AS probability,
  CASE WHEN s.status = 'open' AND s.close_date BETWEEN p.period_start AND p.period_end
    THEN 1 ELSE 0 END AS in_period
FROM opportunity_states AS s
JOIN periods AS p ON p.period_key = s.period_key
LEFT JOIN stage_map AS sm ON sm.stage = s.stage_key"""
    bridge = f"""
SELECT COALESCE(o.opportunity_id, c.opportunity_id) AS opportunity_id, {dim_bridge}
  CASE WHEN o.opportunity_id IS NULL THEN 0 ELSE 1 END AS exists_from,
  CASE WHEN c.opportunity_id IS NULL THEN 0 ELSE 1 END AS exists_to,
  o.stage AS stage_from, c.stage AS stage_to,
  o.amount AS amount_from, c.amount AS amount_to,
  o.probability AS probability_from, c.probability AS probability_to,
  o.close_date AS close_date_from, c.close_date AS close_date_to,
  o.status AS status_from, c.status AS status_to,
  COALESCE(o.in_period, 0) AS in_from, COALESCE(c.in_period, 0) AS in_to,
  CASE WHEN COALESCE(o.in_period, 0) = 1 THEN {value_from} ELSE 0 END AS value_from,
  CASE WHEN COALESCE(c.in_period, 0) = 1 THEN {value_to} ELSE 0 END AS value_to
FROM (SELECT * FROM pipeline_states WHERE period_key = 'opening'
  AND opportunity_id IN (SELECT opportunity_id FROM pipeline_members)) AS o
FULL OUTER JOIN (SELECT * FROM pipeline_states WHERE period_key = 'closing'
  AND opportunity_id IN (SELECT opportunity_id FROM pipeline_members)) AS c
  ON c.opportunity_id = o.opportunity_id"""
    members = "SELECT DISTINCT opportunity_id FROM pipeline_states WHERE in_period = 1"
    leaver = """CASE
    WHEN b.exists_to = 0 THEN 'removed'
    WHEN b.status_to = 'won' THEN 'won'
    WHEN b.status_to = 'lost' THEN 'lost'
    WHEN b.close_date_to IS NULL THEN 'removed'
    WHEN b.close_date_to > b.close_date_from THEN 'pushed_out'
    WHEN b.close_date_to < b.close_date_from THEN 'pulled_in'
    ELSE 'period_change' END"""
    leaver_reason = """CASE
    WHEN b.exists_to = 0 THEN 'deleted'
    WHEN b.status_to IN ('won', 'lost') THEN 'closed'
    WHEN b.close_date_to IS NULL THEN 'scrubbed'
    ELSE 'left the period' END"""
    joiner = """CASE
    WHEN b.exists_from = 0 THEN 'new'
    WHEN b.status_from <> 'open' THEN 'new'
    WHEN b.close_date_from IS NULL THEN 'new'
    WHEN b.close_date_to < b.close_date_from THEN 'pulled_in'
    WHEN b.close_date_to > b.close_date_from THEN 'pushed_out'
    ELSE 'period_change' END"""
    joiner_reason = """CASE
    WHEN b.exists_from = 0 THEN 'created'
    WHEN b.status_from <> 'open' THEN 'reopened'
    WHEN b.close_date_from IS NULL THEN 'dated'
    ELSE 'joined the period' END"""
    if weighted:
        amount_effect = (
            "(b.amount_to - b.amount_from) * (b.probability_from + b.probability_to) * 0.5"
        )
        stage_effect = (
            "(b.probability_to - b.probability_from) * (b.amount_from + b.amount_to) * 0.5"
        )
    else:
        amount_effect = "b.amount_to - b.amount_from"
        stage_effect = "0"
    keep = (
        "b.opportunity_id, "
        + "".join(f"b.{d}, " for d in dims)
        + "b.stage_from, b.stage_to, b.amount_from, b.amount_to, b.close_date_from, "
        "b.close_date_to, b.status_from, b.status_to"
    )
    parts = f"""
SELECT {keep}, {leaver} AS line, {leaver_reason} AS reason, 'out' AS direction,
  -b.value_from AS value, -1 AS n
FROM pipeline_bridge AS b WHERE b.in_from = 1 AND b.in_to = 0
UNION ALL
SELECT {keep}, {joiner} AS line, {joiner_reason} AS reason, 'in' AS direction,
  b.value_to AS value, 1 AS n
FROM pipeline_bridge AS b WHERE b.in_from = 0 AND b.in_to = 1
UNION ALL
SELECT {keep},
  CASE WHEN {amount_effect} > 0 THEN 'amount_increased' ELSE 'amount_decreased' END AS line,
  'amount changed' AS reason, 'both' AS direction, {amount_effect} AS value, 0 AS n
FROM pipeline_bridge AS b WHERE b.in_from = 1 AND b.in_to = 1 AND {amount_effect} <> 0
UNION ALL
SELECT {keep},
  CASE WHEN {stage_effect} > 0 THEN 'stage_advanced' ELSE 'stage_regressed' END AS line,
  'stage changed' AS reason, 'both' AS direction, {stage_effect} AS value, 0 AS n
FROM pipeline_bridge AS b WHERE b.in_from = 1 AND b.in_to = 1 AND {stage_effect} <> 0
UNION ALL
SELECT {keep}, 'unchanged' AS line, 'no change' AS reason, 'both' AS direction,
  0 AS value, 0 AS n
FROM pipeline_bridge AS b
WHERE b.in_from = 1 AND b.in_to = 1 AND {amount_effect} = 0 AND {stage_effect} = 0"""
    return {
        "pipeline_states": states,
        "pipeline_members": members,
        "pipeline_bridge": bridge,
        "pipeline_parts": parts,
    }


# Only a few opportunities can be in either pipeline, and the states of the others are most of
# the work at scale, so both models read only the candidates (the numbers stay identical):
# - an opportunity in a pipeline has, as of that date, a close date inside the window: its own
#   row's close date or one recorded in its stage_history; so the history looked up is that
#   of the opportunities with such a close date somewhere (their whole history, so the state
#   picked is the same);
# - an opportunity in a pipeline is open then: created by the later date and not closed (by its
#   own row) before the earlier one — and it either has a close date in the windows itself or
#   has history looked up above.
_WINDOWS = (
    "BETWEEN (SELECT MIN(period_start) FROM periods) AND (SELECT MAX(period_end) FROM periods)"
)
# The candidates, as the tables the two models read: the history of the opportunities with a
# close date in the windows somewhere, and the facts of the opportunities that can be in either
# pipeline. :func:`_reading` puts them in place of the models' own tables (by name, in the
# parsed SQL, so the models' wording does not matter).
_HISTORY_CANDIDATES = f"""SELECT * FROM stage_history WHERE opportunity_id IN (
    SELECT opportunity_id FROM stage_history WHERE close_date {_WINDOWS}
    UNION ALL
    SELECT opportunity_id FROM opportunities WHERE close_date {_WINDOWS})"""
_FACTS_CANDIDATES = f"""SELECT * FROM opportunity_facts
  WHERE created_at <= (SELECT MAX(as_of) FROM periods)
    AND (closed_on IS NULL OR closed_on >= (SELECT MIN(as_of) FROM periods))
    AND (close_date {_WINDOWS}
      OR opportunity_id IN (SELECT opportunity_id FROM stage_history_as_of))"""
_CANDIDATES = (
    ("open_candidate_spans", "stage_history", _HISTORY_CANDIDATES),
    ("opportunity_states", "opportunity_facts", _FACTS_CANDIDATES),
)


@lru_cache(maxsize=64)
def _reading(sql: str, table: str, query: str) -> str | None:
    """``sql`` with every read of ``table`` replaced by ``query`` (under the same alias), or
    None when ``sql`` does not read ``table``."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    reads = [t for t in tree.find_all(exp.Table) if t.name == table and not t.db]
    for read in reads:
        alias = exp.TableAlias(this=exp.to_identifier(read.alias_or_name))
        read.replace(exp.Subquery(this=sqlglot.parse_one(query, read="duckdb"), alias=alias))
    return tree.sql(dialect="duckdb") if reads else None


def _candidate_models(computer: Computer) -> dict[str, str]:
    """``open_candidate_spans`` and ``opportunity_states`` reading only the candidates."""
    out = {}
    for model, table, query in _CANDIDATES:
        sql = _reading(computer.catalog.model(model).sql, table, query)
        if sql is None:
            raise PulseError(
                f"internal error: the {model} model no longer reads {table}; "
                "update pipeline changes"
            )
        out[model] = sql
    return out


def _specs(
    period_from: Period, date_from: date, period_to: Period, date_to: date
) -> list[PeriodSpec]:
    return [
        PeriodSpec("opening", period_from.start, period_from.end, date_from),
        PeriodSpec("closing", period_to.start, period_to.end, date_to),
    ]


def _check(date_from: date, date_to: date, by: str | None) -> None:
    if date_to < date_from:
        raise PulseError(
            f"--to {date_to.isoformat()} is before --from {date_from.isoformat()}",
            hint="pipeline changes run forward in time: give the earlier date as --from",
        )
    if by is not None and by not in DIMENSIONS:
        raise unknown("pipeline-changes dimension", by, DIMENSIONS)


def changes_sql(
    computer: Computer,
    period: Period,
    date_from: date,
    date_to: date,
    *,
    period_to: Period | None = None,
    by: str | None = None,
    weighted: bool = False,
) -> str:
    """DuckDB SQL of the bridge: one row per (segment, line, direction) plus the opening and
    closing pipeline as lines ``opening`` and ``closing``."""
    target = period_to or period
    dims = [by] if by else []
    ctes = {**_candidate_models(computer), **_parts_sql(weighted, dims)}
    seg = "".join(f"{d}, " for d in dims)
    body = f"""
SELECT {seg}line, direction, SUM(value) AS value, SUM(n) AS n, COUNT(*) AS opportunities
FROM pipeline_parts GROUP BY {seg}line, direction
UNION ALL
SELECT {seg}'opening' AS line, 'none' AS direction, SUM(value_from) AS value, SUM(in_from) AS n,
  SUM(in_from) AS opportunities
FROM pipeline_bridge GROUP BY {seg.rstrip(", ") or "1 = 1"}
UNION ALL
SELECT {seg}'closing' AS line, 'none' AS direction, SUM(value_to) AS value, SUM(in_to) AS n,
  SUM(in_to) AS opportunities
FROM pipeline_bridge GROUP BY {seg.rstrip(", ") or "1 = 1"}"""
    if not dims:
        body = body.replace(" GROUP BY 1 = 1", "")
    return with_models(
        computer, ["opportunity_states"], _specs(period, date_from, target, date_to), body, ctes
    )


def pipeline_changes(
    computer: Computer,
    period: Period,
    date_from: date,
    date_to: date,
    *,
    period_to: Period | None = None,
    by: str | None = None,
    weighted: bool = False,
) -> PipelineChanges:
    """The bridge from the pipeline due in ``period`` as of ``date_from`` to the pipeline due in
    ``period_to`` (default: the same period) as of ``date_to``."""
    _check(date_from, date_to, by)
    target = period_to or period
    rows = run(
        computer,
        changes_sql(
            computer, period, date_from, date_to, period_to=period_to, by=by, weighted=weighted
        ),
    )
    keys = line_keys(weighted, target != period)
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        seg = (row[by],) if by else ()
        grouped.setdefault(seg, []).append(row)
    if not grouped and not by:
        grouped[()] = []
    bridges = [
        _bridge({by: seg[0]} if by else {}, seg_rows, keys) for seg, seg_rows in grouped.items()
    ]
    bridges.sort(key=lambda b: (-abs(b.opening.value) - abs(b.closing.value), str(b.segment)))
    total = _combine(bridges, keys) if by else bridges[0]
    result = PipelineChanges(
        period, target, date_from, date_to, weighted, by, total, bridges if by else []
    )
    for bridge in [total, *result.segments]:
        if bridge.residual != Amount(Decimal(0), 0):
            raise PulseError(f"internal error: pipeline changes do not add up: {bridge.residual}")
    return result


def _bridge(segment: dict[str, Any], rows: list[dict[str, Any]], keys: list[str]) -> Bridge:
    values = {k: Decimal(0) for k in keys}
    counts = dict.fromkeys(keys, 0)
    opps = dict.fromkeys(keys, 0)
    opening = closing = Amount(Decimal(0), 0)
    slipped = unchanged = Amount(Decimal(0), 0)
    for row in rows:
        line, value, n = row["line"], decimal(row["value"]), int(row["n"] or 0)
        if line == "opening":
            opening = Amount(value, n)
        elif line == "closing":
            closing = Amount(value, n)
        elif line == "unchanged":
            unchanged = Amount(unchanged.value, unchanged.count + int(row["opportunities"]))
        else:
            values[line] += value
            counts[line] += n
            opps[line] += int(row["opportunities"])
            if line == "pushed_out" and row["direction"] == "out":
                slipped = Amount(-value, -n)
    return Bridge(
        segment,
        opening,
        closing,
        [Line(k, values[k], counts[k], opps[k]) for k in keys],
        slipped,
        unchanged,
    )


def _combine(bridges: list[Bridge], keys: list[str]) -> Bridge:
    def add(items: list[Amount]) -> Amount:
        return Amount(sum((a.value for a in items), Decimal(0)), sum(a.count for a in items))

    lines = [
        Line(
            k,
            sum((b.line(k).value for b in bridges), Decimal(0)),
            sum(b.line(k).count for b in bridges),
            sum(b.line(k).opportunities for b in bridges),
        )
        for k in keys
    ]
    return Bridge(
        {},
        add([b.opening for b in bridges]),
        add([b.closing for b in bridges]),
        lines,
        add([b.slipped for b in bridges]),
        add([b.unchanged for b in bridges]),
    )


def changes_detail(
    computer: Computer,
    period: Period,
    date_from: date,
    date_to: date,
    *,
    period_to: Period | None = None,
    by: str | None = None,
    weighted: bool = False,
) -> list[dict[str, Any]]:
    """The opportunities behind every line: one row per opportunity and line (a stayer whose
    weighted value changed by amount and stage has two), largest changes first."""
    _check(date_from, date_to, by)
    target = period_to or period
    dims = [by] if by else []
    ctes = {**_candidate_models(computer), **_parts_sql(weighted, dims)}
    order = " ".join(f"WHEN '{k}' THEN {i}" for i, (k, _) in enumerate(LINES))
    body = (
        "SELECT * FROM pipeline_parts WHERE line <> 'unchanged' "
        f"ORDER BY CASE line {order} END, ABS(value) DESC, opportunity_id"
    )
    sql = with_models(
        computer, ["opportunity_states"], _specs(period, date_from, target, date_to), body, ctes
    )
    rows = run(computer, sql)
    for row in rows:
        row["label"] = LABELS[row["line"]]
    return rows
