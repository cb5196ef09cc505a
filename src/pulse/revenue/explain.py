"""Why ARR, MRR, NRR or GRR moved: the bridge lines and the customers behind them.

- **ARR / MRR** (``arr``, ``arr_bridge``, ``mrr``): the change from one period's end snapshot
  to the other's is exactly the bridge over the month ends in between (start = the earlier
  snapshot, end = the later one), so the parts are its lines — new, expansion, reactivation,
  contraction, churn, fx — each in exact decimals, and each line's largest customers with their
  amounts. Lines add up to the change to the cent.
- **NRR / GRR** (trailing cohort): each period's rate is ``1 + Σ (now − then) ÷ Σ then`` over
  its cohort (GRR: only the losses, ``1 − (contraction + churn) ÷ Σ then``). A cohort customer's
  movement is expansion (now > then), contraction (0 < now < then) or churn (now = 0), so
  ``rate = 1 + E ÷ T − C ÷ T − H ÷ T`` and the change splits exactly into the change of each
  share: ``Δ(E ÷ T)``, ``−Δ(C ÷ T)``, ``−Δ(H ÷ T)``. A customer's part of a line is its
  movement ÷ the later cohort's ARR then, minus its movement ÷ the earlier one's, so customers
  add up to their line.
- **NRR / GRR from the monthly bridge** (``nrr_monthly_bridge``, ``grr_monthly_bridge``): the
  same split with the base = the customers paying at the period's start, its bridge lines
  (expansion, contraction, churn) ÷ its start MRR, plus a "base share of start MRR" line for
  any start MRR outside the base (normally zero).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from pulse.catalog.models import Unit
from pulse.compute import Computer
from pulse.periods import Period
from pulse.revenue.bridge import MOVEMENTS, SIGNS, ZERO, CustomerBridge, customer_bridges
from pulse.revenue.queries import model_rows, period_spec, sql_text

if TYPE_CHECKING:
    from pulse.explain import Explanation

# KPI id → bridge unit.
BRIDGE_KPIS: dict[str, str] = {"arr": "arr", "arr_bridge": "arr", "mrr": "mrr"}
# KPI id → whether expansion counts (net) or not (gross).
RETENTION_KPIS: dict[str, bool] = {
    "nrr": True,
    "grr": False,
    "nrr_monthly_bridge": True,
    "grr_monthly_bridge": False,
}
MONTHLY_BRIDGE_KPIS = ("nrr_monthly_bridge", "grr_monthly_bridge")
# The line holding the start of the base (the rate's 1 before its movements).
BASE_SHARE = "base share of start MRR"
RETENTION_LINES = ("expansion", "contraction", "churn")
TOP = 5


@dataclass(frozen=True)
class CustomerPart:
    """One customer's part of a line: ``contribution`` in the KPI's unit (money or a rate),
    ``amount`` the signed movement behind it (in the later period for a rate)."""

    account_id: str
    name: str | None
    contribution: Decimal
    amount: Decimal
    amount_before: Decimal | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form: the contribution as a float, amounts as strings."""
        out: dict[str, Any] = {
            "account_id": self.account_id,
            "name": self.name,
            "contribution": float(self.contribution),
            "amount": str(self.amount),
        }
        if self.amount_before is not None:
            out["amount_before"] = str(self.amount_before)
        return out

    @property
    def label(self) -> str:
        """The customer's name, else its id."""
        return self.name or self.account_id


@dataclass(frozen=True)
class LinePart:
    """One bridge line's part of the change and the customers behind it (largest first)."""

    line: str
    contribution: Decimal
    customers: list[CustomerPart]

    def top(self, n: int) -> tuple[list[CustomerPart], Decimal, int]:
        """The ``n`` largest customers, what the others add up to, and how many they are."""
        shown = self.customers[:n]
        rest = self.customers[n:]
        return shown, sum((c.contribution for c in rest), ZERO), len(rest)


# -- pure decompositions ----------------------------------------------------------------------


def _largest_first(customers: Iterable[CustomerPart]) -> list[CustomerPart]:
    return sorted(
        (c for c in customers if c.contribution != 0),
        key=lambda c: (-abs(c.contribution), c.account_id),
    )


def bridge_lines(customers: Iterable[CustomerBridge], sign: int = 1) -> list[LinePart]:
    """Per movement line (bridge order), its signed total and each customer's signed amount.

    ``sign`` −1 reverses the bridge (explaining a change backwards in time). The lines add up
    to ``sign × (Σ end − Σ start)`` exactly.
    """
    per_line: dict[str, list[CustomerPart]] = {m: [] for m in MOVEMENTS}
    for c in customers:
        for m in MOVEMENTS:
            amount = sign * SIGNS[m] * getattr(c, m)
            if amount:
                per_line[m].append(CustomerPart(c.account_id, None, amount, amount))
    return [
        LinePart(m, sum((x.contribution for x in per_line[m]), ZERO), _largest_first(per_line[m]))
        for m in MOVEMENTS
    ]


def movement(then: Decimal, now: Decimal) -> tuple[str, Decimal] | None:
    """A cohort customer's movement over the span: (line, signed amount), or None when flat."""
    if now == 0:
        return "churn", -then
    if now > then:
        return "expansion", now - then
    if now < then:
        return "contraction", now - then
    return None


def retention_lines(
    before: Mapping[str, tuple[Decimal, Decimal]],
    after: Mapping[str, tuple[Decimal, Decimal]],
    net: bool = True,
) -> list[LinePart]:
    """The change of NRR (``net``) or GRR between two cohorts, per line and customer.

    Cohorts map account → (ARR then, ARR now); each customer's movement (:func:`movement`) is
    its line's amount. See :func:`share_lines`.
    """
    lines = RETENTION_LINES if net else RETENTION_LINES[1:]
    return share_lines(_cohort_base(before), _cohort_base(after), lines)


def _cohort_base(
    cohort: Mapping[str, tuple[Decimal, Decimal]],
) -> dict[str, tuple[Decimal, dict[str, Decimal]]]:
    """A cohort as a base: ARR then, and as amounts its ARR then (:data:`BASE_SHARE`) and its
    movement on its line."""
    out: dict[str, tuple[Decimal, dict[str, Decimal]]] = {}
    for account, (then, now) in cohort.items():
        moved = movement(then, now)
        out[account] = (then, {BASE_SHARE: then, **({moved[0]: moved[1]} if moved else {})})
    return out


def share_lines(
    before: Mapping[str, tuple[Decimal, Mapping[str, Decimal]]],
    after: Mapping[str, tuple[Decimal, Mapping[str, Decimal]]],
    lines: Sequence[str],
) -> list[LinePart]:
    """The change of a rate ``Σ lines ÷ Σ base`` between two bases, per line and customer.

    Bases map account → (its base, its signed amount per line). A line's contribution is
    ``Σ after-amounts ÷ T₁ − Σ before-amounts ÷ T₀`` (T = Σ base), computed to 40 significant
    digits, and each customer's is its own part of that; so customers add up to their line
    (to that precision) and the lines to the change of the rate. Line names outside ``lines`` are left out.
    """
    t0 = sum((base for base, _ in before.values()), Decimal(0))
    t1 = sum((base for base, _ in after.values()), Decimal(0))
    parts: dict[str, dict[str, list[Decimal]]] = {line: {} for line in lines}
    with localcontext() as ctx:
        ctx.prec = 40
        for cohort, total, side in ((before, t0, 0), (after, t1, 1)):
            if not total:
                continue
            for account, (_, moved) in cohort.items():
                for line, amount in moved.items():
                    if line not in parts or not amount:
                        continue
                    entry = parts[line].setdefault(account, [Decimal(0), ZERO, ZERO])
                    share = amount / total
                    entry[0] += share if side else -share
                    entry[2 if side else 1] = amount

        def line_total(line: str) -> Decimal:
            # the ratio of the sums (exact when the sums are equal), not the sum of the shares
            after_sum = sum((v[2] for v in parts[line].values()), Decimal(0))
            before_sum = sum((v[1] for v in parts[line].values()), Decimal(0))
            return (after_sum / t1 if t1 else Decimal(0)) - (before_sum / t0 if t0 else Decimal(0))

        return [
            LinePart(
                line,
                line_total(line),
                _largest_first(
                    CustomerPart(account, None, v[0], v[2], v[1])
                    for account, v in parts[line].items()
                ),
            )
            for line in lines
        ]


# -- against a workspace ----------------------------------------------------------------------


def _month_end(day: date) -> date:
    """The last month end on or before ``day``."""
    if (day + timedelta(days=1)).day == 1:
        return day
    return day.replace(day=1) - timedelta(days=1)


def _names(computer: Computer, accounts: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(accounts))
    if not ids:
        return {}
    listed = ", ".join(sql_text(a) for a in ids)
    rows = computer.engine.execute(
        f"SELECT account_id, name FROM accounts WHERE account_id IN ({listed})"
    ).to_pylist()
    return {str(r["account_id"]): str(r["name"]) for r in rows if r["name"]}


def _named(computer: Computer, lines: list[LinePart], top: int) -> list[LinePart]:
    names = _names(computer, (c.account_id for line in lines for c in line.customers[:top]))
    return [
        LinePart(
            line.line,
            line.contribution,
            [
                CustomerPart(
                    c.account_id,
                    names.get(c.account_id),
                    c.contribution,
                    c.amount,
                    c.amount_before,
                )
                for c in line.customers
            ],
        )
        for line in lines
    ]


def _part(line: LinePart, kind: str, top: int, money: bool, unit: Unit, currency: str) -> Any:
    from pulse.explain import Part

    shown, others, n_others = line.top(top)
    customers = [c.to_json() for c in shown]
    detail: dict[str, Any] = {
        "line": line.line,
        "customers": customers,
        "other_customers": n_others,
        "others": str(others) if money else float(others),
        "customers_text": who(customers, n_others, float(others), unit, currency),
    }
    if money:
        detail["amount"] = str(line.contribution)
    return Part(line.line, float(line.contribution), kind, detail)


def who(
    customers: list[dict[str, Any]],
    hidden: int,
    others: float | None,
    unit: Unit,
    currency: str,
) -> str:
    """'Acme +$60,000, Globex +$40,000, 3 others +$20,000' (the others' total when given)."""
    from pulse.explain import _fmt_change

    texts = [
        f"{c['name'] or c['account_id']} {_fmt_change(c['contribution'], unit, currency)}"
        for c in customers
    ]
    if hidden:
        rest = f"{hidden} other{'s' if hidden > 1 else ''}"
        texts.append(rest if others is None else f"{rest} {_fmt_change(others, unit, currency)}")
    return ", ".join(texts)


def explain_bridge(
    computer: Computer,
    kpi_id: str,
    before: Period,
    after: Period,
    as_of: date | None = None,
    top: int = TOP,
    kpi_values: tuple[float, float] | None = None,
) -> Explanation:
    """ARR or MRR: the bridge between the two periods' end snapshots, line by line.

    ``kpi_values`` are the KPI's values in the two periods when the caller has them already.
    """
    from pulse.explain import Explanation, Part

    kpi = computer.catalog.get(kpi_id)
    unit = BRIDGE_KPIS[kpi_id]
    days = [
        min(p.end, computer.as_of(kpi, p, after, as_of)) for p in (before, after)
    ]  # the snapshot day of each period
    ends = [_month_end(d) for d in days]
    sign = 1 if ends[1] >= ends[0] else -1
    lo, hi = (0, 1) if sign == 1 else (1, 0)
    span = Period(
        ends[lo] + timedelta(days=1),
        days[hi],
        f"{(ends[lo] + timedelta(days=1)).isoformat()}..{days[hi].isoformat()}",
        "range",
    )
    customers = (
        customer_bridges(computer, span, unit=unit, as_of=days[hi]) if ends[0] != ends[1] else []
    )
    start = sum((c.start for c in customers), ZERO)
    end = sum((c.end for c in customers), ZERO)
    if not customers:
        start = end = _snapshot(computer, after, unit, days[1])
    value_before, value_after = (start, end) if sign == 1 else (end, start)
    lines = _named(computer, bridge_lines(customers, sign), top)
    currency = computer.workspace.settings.currency
    parts = [
        _part(line, "bridge", top, True, kpi.unit, currency) for line in lines if line.contribution
    ]
    known = _kpi_values(computer, kpi_id, before, after, as_of, kpi_values)
    if known is not None and known != (value_before, value_after):
        # Never expected (the KPI reads the same snapshots); keep the parts honest if it happens.
        gap = (known[1] - known[0]) - (value_after - value_before)
        parts.append(Part("difference to the bridge", float(gap), "other", {"amount": str(gap)}))
        value_before, value_after = known
    explanation = Explanation(
        kpi,
        before,
        after,
        float(value_before),
        float(value_after),
        (
            f"{unit.upper()} bridge from the {ends[lo].isoformat()} snapshot to the "
            f"{ends[hi].isoformat()} one: new, expansion, reactivation, contraction, churn and "
            "fx, exact to the cent, with the customers behind each line"
            + (" (reversed: the later period comes first)" if sign == -1 else "")
        ),
        parts,
        "",
    )
    explanation.sentence = bridge_sentence(explanation, computer.workspace.settings.currency)
    return explanation


def _snapshot(computer: Computer, period: Period, unit: str, day: date) -> Decimal:
    (row,) = model_rows(
        computer, "period_arr", [period_spec(period, day)], select=f"SUM({unit}) AS v"
    )
    return ZERO if row["v"] is None else Decimal(row["v"])


def _kpi_values(
    computer: Computer,
    kpi_id: str,
    before: Period,
    after: Period,
    as_of: date | None,
    known: tuple[float, float] | None,
) -> tuple[Decimal, Decimal] | None:
    if known is None:
        rows = {r["period_key"]: r for r in computer.rows(kpi_id, [before, after], [], as_of)}
        values = [rows.get(p.label, {}).get("value") for p in (before, after)]
        if values[0] is None or values[1] is None:
            return None
        known = (float(values[0]), float(values[1]))
    return Decimal(str(known[0])).quantize(ZERO), Decimal(str(known[1])).quantize(ZERO)


def cohorts(
    computer: Computer, kpi_id: str, before: Period, after: Period, as_of: date | None
) -> tuple[dict[str, tuple[Decimal, Decimal]], dict[str, tuple[Decimal, Decimal]]]:
    """Each period's cohort: account → (ARR then, ARR now), all streams blended."""
    kpi = computer.catalog.get(kpi_id)
    specs = [period_spec(p, computer.as_of(kpi, p, after, as_of)) for p in (before, after)]
    rows = model_rows(
        computer,
        "retention_cohort",
        specs,
        select="period_key, account_id, SUM(arr_then) AS arr_then, SUM(arr_now) AS arr_now",
        group_by="period_key, account_id",
    )
    out: dict[str, dict[str, tuple[Decimal, Decimal]]] = {before.label: {}, after.label: {}}
    for r in rows:
        then, now = Decimal(r["arr_then"] or 0), Decimal(r["arr_now"] or 0)
        if then > 0:
            out.setdefault(r["period_key"], {})[str(r["account_id"])] = (then, now)
    return out[before.label], out[after.label]


def bridge_bases(
    computer: Computer, kpi_id: str, before: Period, after: Period, as_of: date | None
) -> tuple[
    dict[str, tuple[Decimal, dict[str, Decimal]]], dict[str, tuple[Decimal, dict[str, Decimal]]]
]:
    """Each period's base for the bridge-based retention KPIs: account → (start MRR, and when it
    paid at the start its start MRR (:data:`BASE_SHARE`) and its signed expansion, contraction
    and churn)."""
    kpi = computer.catalog.get(kpi_id)
    specs = [period_spec(p, computer.as_of(kpi, p, after, as_of)) for p in (before, after)]
    rows = model_rows(
        computer,
        "bridge_retention",
        specs,
        select=(
            "period_key, account_id, SUM(start_mrr) AS start, MAX(customer_at_start) AS at_start, "
            "SUM(expansion_mrr) AS expansion, SUM(contraction_mrr) AS contraction, "
            "SUM(churn_mrr) AS churn"
        ),
        group_by="period_key, account_id",
    )
    out: dict[str, dict[str, tuple[Decimal, dict[str, Decimal]]]] = {
        before.label: {},
        after.label: {},
    }
    for r in rows:
        start = Decimal(r["start"] or 0)
        moved: dict[str, Decimal] = {}
        if r["at_start"] == 1:
            moved = {
                BASE_SHARE: start,
                "expansion": Decimal(r["expansion"] or 0),
                "contraction": -Decimal(r["contraction"] or 0),
                "churn": -Decimal(r["churn"] or 0),
            }
        out.setdefault(r["period_key"], {})[str(r["account_id"])] = (start, moved)
    return out[before.label], out[after.label]


def explain_retention(
    computer: Computer,
    kpi_id: str,
    before: Period,
    after: Period,
    as_of: date | None = None,
    top: int = TOP,
) -> Explanation:
    """NRR or GRR (cohort or monthly bridge): the change of the expansion, contraction and churn
    shares of the base, with the customers behind them."""
    from pulse.errors import PulseError
    from pulse.explain import Explanation

    kpi = computer.catalog.get(kpi_id)
    net = RETENTION_KPIS[kpi_id]
    names = RETENTION_LINES if net else RETENTION_LINES[1:]
    if kpi_id in MONTHLY_BRIDGE_KPIS:
        b0, b1 = bridge_bases(computer, kpi_id, before, after, as_of)
        names = (BASE_SHARE, *names)
        shares = share_lines(b0, b1, names)
        # The start MRR of the customers paying at the start ÷ all start MRR; 100%
        # unless some start MRR sits outside that base. Not a customer story: no names.
        shares = [
            LinePart(x.line, x.contribution, []) if x.line == BASE_SHARE else x for x in shares
        ]
        bases = (b0, b1)
        method = (
            "bridge retention: the change of the base's "
            + ("expansion, contraction and churn" if net else "contraction and churn")
            + " as shares of the start MRR (each customer's movement ÷ its period's start MRR, "
            "later period minus earlier), which add up to the change exactly"
        )
    else:
        c0, c1 = cohorts(computer, kpi_id, before, after, as_of)
        shares = retention_lines(c0, c1, net)
        bases = (_cohort_base(c0), _cohort_base(c1))
        method = (
            "retention: the change of the cohort's "
            + ("expansion, contraction and churn" if net else "contraction and churn")
            + " as shares of its starting ARR (each customer's movement ÷ its cohort's ARR then, "
            "later period minus earlier), which add up to the change exactly"
        )
    for label, base in zip((before.label, after.label), bases, strict=True):
        if not sum((b for b, _ in base.values()), Decimal(0)):
            raise PulseError(
                f"cannot explain {kpi_id}: it has no customers at the start in {label}"
            )
    lines = _named(computer, shares, top)

    def rate(base: Mapping[str, tuple[Decimal, Mapping[str, Decimal]]]) -> float:
        total = sum((b for b, _ in base.values()), Decimal(0))
        kept = sum(
            (
                v
                for _, moved in base.values()
                for k, v in moved.items()
                if k in (BASE_SHARE, *names)
            ),
            Decimal(0),
        )
        return float(kept / total)

    currency = computer.workspace.settings.currency
    parts = [
        _part(line, "retention", top, False, kpi.unit, currency)
        for line in lines
        if line.contribution
    ]
    explanation = Explanation(kpi, before, after, rate(bases[0]), rate(bases[1]), method, parts, "")
    explanation.sentence = bridge_sentence(explanation, computer.workspace.settings.currency)
    return explanation


def bridge_sentence(e: Explanation, currency: str = "USD", customers: int = 3) -> str:
    """A CRO's sentence: 'ARR rose from $1.0M to $1.1M: new +$150,000 (Acme +$60,000, …), …'."""
    from pulse.explain import _fmt_change
    from pulse.format import format_value

    unit = e.kpi.unit
    v0 = format_value(e.value_before, unit, currency)
    v1 = format_value(e.value_after, unit, currency)
    change = e.change or 0.0
    if not e.parts:
        return f"{e.kpi.name} held at {v1}."
    verb = "rose" if change > 0 else "fell" if change < 0 else "held"
    head = (
        f"{e.kpi.name} {verb} from {v0} to {v1}" if verb != "held" else f"{e.kpi.name} held at {v1}"
    )
    texts = []
    for p in e.parts:
        listed = p.detail.get("customers", [])
        hidden = len(listed[customers:]) + int(p.detail.get("other_customers", 0))
        names = who(listed[:customers], hidden, None, unit, currency)
        change_text = _fmt_change(p.contribution, unit, currency)
        if not re.search(r"[1-9]", change_text):
            continue  # rounds to nothing: in the parts, not worth a word
        text = f"{p.name} {change_text}"
        texts.append(text + (f" ({names})" if names else ""))
    return f"{head}: {'; '.join(texts)}."
