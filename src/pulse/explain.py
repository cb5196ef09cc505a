"""Why did a KPI move? Split the change between two periods into parts that add up to it.

The decomposition follows the KPI's kind:

- **ratio** N ÷ D: a numerator part and a denominator part, each the average of its effect
  measured at the other's old and new value (the two-factor Shapley split), so
  ``numerator + denominator = change`` exactly;
- **ratio split by segment**: per segment, a *rate* effect ``w̄ · Δr`` and a *mix* effect
  ``r̄ · Δw`` where ``r = N_s ÷ D_s`` is the segment's rate, ``w = D_s ÷ D`` its share of the
  denominator, and bars are the two periods' averages (the midpoint method). Their sum over
  segments is the change exactly. A segment present in one period only takes its rate from the
  other period, so all of its movement is mix;
- **derived** (e.g. sales velocity = opportunities × deal size × win rate ÷ cycle): the Shapley
  value of each reference — its average marginal effect over every order in which the
  references could change — which always sums to the change;
- **additive** KPIs (counts, sums) split by segment: each segment's own change;
- **pipeline coverage** (plain or weighted, without segments): the pipeline-changes lines (new,
  pulled in, slipped, amount changes, won, lost, removed) each ÷ quota, plus the quota change —
  see :mod:`pulse.pipeline.coverage`;
- **ARR / MRR** (without segments): the bridge lines between the two snapshots (new,
  expansion, reactivation, contraction, churn, fx), exact to the cent, with the customers
  behind each line; **NRR / GRR** (without segments): the change of the cohort's expansion,
  contraction and churn shares, with the customers behind them — see
  :mod:`pulse.revenue.explain`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlglot import exp

from pulse.catalog.models import KPI, DerivedFormula, RatioFormula, Unit
from pulse.compile.formula import REF_PREFIX, parse_fragment
from pulse.compute import Computer
from pulse.errors import PulseError
from pulse.format import format_value
from pulse.periods import Period

TOLERANCE = 1e-9


@dataclass
class Part:
    """One driver of the change."""

    name: str
    contribution: float
    kind: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "contribution": self.contribution,
            "kind": self.kind,
            "detail": self.detail,
        }


@dataclass
class Explanation:
    """A KPI's change between two periods, split into parts that add up to it."""

    kpi: KPI
    before: Period
    after: Period
    value_before: float | None
    value_after: float | None
    method: str
    parts: list[Part]
    sentence: str

    @property
    def change(self) -> float | None:
        """after − before."""
        if self.value_before is None or self.value_after is None:
            return None
        return self.value_after - self.value_before

    @property
    def residual(self) -> float:
        """change − Σ parts (zero up to float rounding)."""
        return (self.change or 0.0) - sum(p.contribution for p in self.parts)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kpi": self.kpi.id,
            "from": {**self.before.to_json(), "value": self.value_before},
            "to": {**self.after.to_json(), "value": self.value_after},
            "change": self.change,
            "method": self.method,
            "parts": [p.to_json() for p in self.parts],
            "sentence": self.sentence,
        }


# -- pure decompositions ----------------------------------------------------------------------


def ratio_split(n0: float, d0: float, n1: float, d1: float) -> tuple[float, float]:
    """(numerator part, denominator part) of N1/D1 − N0/D0; both denominators non-zero."""
    numerator = ((n1 - n0) / d0 + (n1 - n0) / d1) / 2
    denominator = ((n0 / d1 - n0 / d0) + (n1 / d1 - n1 / d0)) / 2
    return numerator, denominator


def rate_mix(
    before: Mapping[Any, tuple[float, float]], after: Mapping[Any, tuple[float, float]]
) -> dict[Any, tuple[float, float]]:
    """Per segment (rate effect, mix effect) of a ratio of sums; segments map to (N, D)."""
    total0 = sum(d for _, d in before.values())
    total1 = sum(d for _, d in after.values())
    if not total0 or not total1:
        raise PulseError("a rate/mix split needs a non-zero denominator in both periods")
    out: dict[Any, tuple[float, float]] = {}
    for seg in list(dict.fromkeys([*before, *after])):
        n0, d0 = before.get(seg, (0.0, 0.0))
        n1, d1 = after.get(seg, (0.0, 0.0))
        w0, w1 = d0 / total0, d1 / total1
        r0 = n0 / d0 if d0 else None
        r1 = n1 / d1 if d1 else None
        if r0 is None and r1 is None:
            out[seg] = (0.0, 0.0)
            continue
        r0 = r1 if r0 is None else r0
        r1 = r0 if r1 is None else r1
        assert r0 is not None and r1 is not None
        out[seg] = ((w0 + w1) / 2 * (r1 - r0), (r0 + r1) / 2 * (w1 - w0))
    return out


def shapley(
    f: Callable[[Mapping[str, float]], float],
    before: Mapping[str, float],
    after: Mapping[str, float],
) -> dict[str, float]:
    """Shapley contribution of each input of ``f`` to ``f(after) − f(before)``."""
    names = list(before)
    n = len(names)
    out = dict.fromkeys(names, 0.0)
    for name in names:
        others = [x for x in names if x != name]
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                point = {x: (after[x] if x in subset else before[x]) for x in names}
                without = f(point)
                point[name] = after[name]
                out[name] += weight * (f(point) - without)
    return out


def evaluate(tree: exp.Expr, values: Mapping[str, float]) -> float:
    """Evaluate a derived formula's arithmetic with reference values (NULLIF(x, 0) guards)."""
    if isinstance(tree, exp.Paren):
        return evaluate(tree.this, values)
    if isinstance(tree, exp.Literal):
        return float(tree.this)
    if isinstance(tree, exp.Column):
        name = tree.name[len(REF_PREFIX) :] if tree.name.startswith(REF_PREFIX) else tree.name
        return float(values[name])
    if isinstance(tree, exp.Neg):
        return -evaluate(tree.this, values)
    if isinstance(tree, exp.Nullif):
        value = evaluate(tree.this, values)
        other = evaluate(tree.expression, values)
        return math.nan if value == other else value
    if isinstance(tree, exp.Cast):
        return evaluate(tree.this, values)
    binary: dict[type[exp.Expr], Callable[[float, float], float]] = {
        exp.Add: lambda a, b: a + b,
        exp.Sub: lambda a, b: a - b,
        exp.Mul: lambda a, b: a * b,
        exp.Div: lambda a, b: a / b if b else math.nan,
    }
    for kind, op in binary.items():
        if isinstance(tree, kind):
            return op(evaluate(tree.this, values), evaluate(tree.expression, values))
    raise PulseError(f"cannot evaluate '{tree.sql()}' to explain it")


# -- against a workspace ----------------------------------------------------------------------


class Explainer:
    """Explains KPI changes on one workspace."""

    def __init__(self, computer: Computer):
        self.computer = computer

    def _rows(
        self, kpi_id: str, before: Period, after: Period, dims: list[str], as_of: date | None
    ) -> dict[str, list[dict[str, Any]]]:
        rows = self.computer.rows(kpi_id, [before, after], dims, as_of)
        grouped: dict[str, list[dict[str, Any]]] = {before.label: [], after.label: []}
        for row in rows:
            grouped.setdefault(row["period_key"], []).append(row)
        return grouped

    def explain(
        self,
        kpi_id: str,
        before: Period,
        after: Period,
        by: list[str] | None = None,
        as_of: date | None = None,
        top: int = 5,
    ) -> Explanation:
        """Split the change of ``kpi_id`` from ``before`` to ``after``.

        ``top``: how many customers to name behind each line of an ARR, MRR, NRR or GRR
        explanation.
        """
        kpi = self.computer.catalog.get(kpi_id)
        dims = list(by or [])
        self.computer.planner.check_dimensions(kpi, dims)
        missing = self.computer.missing(kpi_id)
        if missing:
            raise PulseError(f"cannot explain {kpi_id}: missing data — {missing}")
        if not dims and self.is_coverage(kpi_id):
            return self._coverage(kpi_id, before, after, as_of)
        from pulse.revenue.explain import RETENTION_KPIS, explain_retention

        if not dims and kpi_id in RETENTION_KPIS:
            return explain_retention(self.computer, kpi_id, before, after, as_of, top)
        total = self._rows(kpi_id, before, after, [], as_of)
        v0 = _value(total[before.label])
        v1 = _value(total[after.label])
        if v0 is None or v1 is None:
            raise PulseError(
                f"cannot explain {kpi_id}: it has no value in {before.label if v0 is None else after.label}"
            )
        from pulse.revenue.explain import BRIDGE_KPIS, explain_bridge

        if not dims and kpi_id in BRIDGE_KPIS:
            return explain_bridge(self.computer, kpi_id, before, after, as_of, top, (v0, v1))
        f = kpi.formula
        if isinstance(f, RatioFormula) and dims:
            method, parts = self._rate_mix(kpi_id, before, after, dims, as_of)
        elif isinstance(f, RatioFormula):
            method, parts = self._ratio(total, before, after, f.scale)
        elif isinstance(f, DerivedFormula):
            method, parts = self._derived(kpi, total, before, after)
        elif dims:
            method, parts = self._segments(kpi_id, before, after, dims, as_of)
        else:
            method, parts = (
                "total change (a simple KPI without segments has one part)",
                [Part("change", v1 - v0, "total")],
            )
        explanation = Explanation(kpi, before, after, v0, v1, method, parts, "")
        explanation.sentence = sentence(explanation, self.computer.workspace.settings.currency)
        return explanation

    @staticmethod
    def is_coverage(kpi_id: str) -> bool:
        """Whether ``kpi_id`` is a pipeline coverage KPI (explained by pipeline changes)."""
        from pulse.pipeline.coverage import COVERAGE_KPIS

        return kpi_id in COVERAGE_KPIS

    def _coverage(
        self, kpi_id: str, before: Period, after: Period, as_of: date | None
    ) -> Explanation:
        """Pipeline coverage: the pipeline-changes lines ÷ quota plus the quota change."""
        from pulse.pipeline.coverage import explain_coverage

        return explain_coverage(self.computer, kpi_id, before, after, as_of)

    def _ratio(
        self, total: dict[str, list[dict[str, Any]]], before: Period, after: Period, scale: float
    ) -> tuple[str, list[Part]]:
        (r0,), (r1,) = total[before.label], total[after.label]
        n0, d0, n1, d1 = (
            float(x or 0)
            for x in (r0["numerator"], r0["denominator"], r1["numerator"], r1["denominator"])
        )
        num, den = ratio_split(n0, d0, n1, d1)
        return (
            "ratio: numerator and denominator effects (two-factor Shapley split)",
            [
                Part("numerator", num * scale, "numerator", {"before": n0, "after": n1}),
                Part("denominator", den * scale, "denominator", {"before": d0, "after": d1}),
            ],
        )

    def _rate_mix(
        self, kpi_id: str, before: Period, after: Period, dims: list[str], as_of: date | None
    ) -> tuple[str, list[Part]]:
        kpi = self.computer.catalog.get(kpi_id)
        assert isinstance(kpi.formula, RatioFormula)
        grouped = self._rows(kpi_id, before, after, dims, as_of)

        def pairs(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[float, float]]:
            return {
                tuple(r[d] for d in dims): (
                    float(r["numerator"] or 0),
                    float(r["denominator"] or 0),
                )
                for r in rows
            }

        split = rate_mix(pairs(grouped[before.label]), pairs(grouped[after.label]))
        scale = kpi.formula.scale
        parts: list[Part] = []
        for seg, (rate, mix) in split.items():
            label = ", ".join(f"{d}={v}" for d, v in zip(dims, seg, strict=True))
            segment = dict(zip(dims, seg, strict=True))
            parts.append(Part(f"{label}: rate", rate * scale, "rate", {"segment": segment}))
            parts.append(Part(f"{label}: mix", mix * scale, "mix", {"segment": segment}))
        return "ratio by segment: rate and mix effects per segment (midpoint method)", parts

    def _derived(
        self, kpi: KPI, total: dict[str, list[dict[str, Any]]], before: Period, after: Period
    ) -> tuple[str, list[Part]]:
        assert isinstance(kpi.formula, DerivedFormula)
        (r0,), (r1,) = total[before.label], total[after.label]
        refs = kpi.refs
        b = {ref: float(r0[f"c_{ref}"] or 0) for ref in refs}
        a = {ref: float(r1[f"c_{ref}"] or 0) for ref in refs}
        tree = parse_fragment(kpi.formula.expr)
        contributions = shapley(lambda values: evaluate(tree, values), b, a)
        parts = [
            Part(ref, contributions[ref], "component", {"before": b[ref], "after": a[ref]})
            for ref in refs
        ]
        return "derived: Shapley contribution of each component", parts

    def _segments(
        self, kpi_id: str, before: Period, after: Period, dims: list[str], as_of: date | None
    ) -> tuple[str, list[Part]]:
        kpi = self.computer.catalog.get(kpi_id)
        if not kpi.additive:
            raise PulseError(
                f"cannot split {kpi_id} by segment: it is neither a ratio nor additive",
                hint="explain it without --by",
            )
        grouped = self._rows(kpi_id, before, after, dims, as_of)
        values0 = {tuple(r[d] for d in dims): float(r["value"] or 0) for r in grouped[before.label]}
        values1 = {tuple(r[d] for d in dims): float(r["value"] or 0) for r in grouped[after.label]}
        parts = []
        for seg in dict.fromkeys([*values0, *values1]):
            label = ", ".join(f"{d}={v}" for d, v in zip(dims, seg, strict=True))
            parts.append(
                Part(
                    label,
                    values1.get(seg, 0.0) - values0.get(seg, 0.0),
                    "segment",
                    {"segment": dict(zip(dims, seg, strict=True))},
                )
            )
        return "additive: each segment's own change", parts


def _value(rows: list[dict[str, Any]]) -> float | None:
    if not rows or rows[0]["value"] is None:
        return None
    return float(rows[0]["value"])


def _fmt_change(value: float, unit: Unit, currency: str) -> str:
    if unit == Unit.PERCENT:
        return f"{value * 100:+.1f} pts"
    text = format_value(abs(value), unit, currency)
    return ("+" if value >= 0 else "−") + text


def sentence(e: Explanation, currency: str = "USD") -> str:
    """One sentence a founder can read, largest parts first."""
    unit = e.kpi.unit
    v0 = format_value(e.value_before, unit, currency)
    v1 = format_value(e.value_after, unit, currency)
    change = e.change or 0.0
    verb = "rose" if change > TOLERANCE else "fell" if change < -TOLERANCE else "held"
    head = (
        f"{e.kpi.name} {verb} from {v0} to {v1}" if verb != "held" else f"{e.kpi.name} held at {v1}"
    )
    significant = sorted(
        (p for p in e.parts if abs(p.contribution) > TOLERANCE), key=lambda p: -abs(p.contribution)
    )
    if not significant:
        return head + "."
    shown = significant[:4]
    text = ", ".join(f"{_fmt_change(p.contribution, unit, currency)} from {p.name}" for p in shown)
    rest = len(significant) - len(shown)
    if rest:
        text += f", and {_fmt_change(sum(p.contribution for p in significant[4:]), unit, currency)} from {rest} smaller part(s)"
    return f"{head}: {text}."
