"""A plain-Python reading of the pipeline rules, written from docs/concepts/pipeline-changes.md.

The property tests compare the SQL (opportunity_states + the bridge) against this, line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class State:
    """An opportunity as of a date."""

    stage: str | None
    amount: Decimal
    close_date: date | None
    status: str


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _ts(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def state(opp: dict[str, Any] | None, history: list[dict[str, Any]], day: date) -> State | None:
    """The state of one opportunity as of ``day`` (None: it does not exist then)."""
    rows = sorted(history, key=lambda r: _ts(r["changed_at"]))
    picked = None
    if rows:
        before = [r for r in rows if _ts(r["changed_at"]).date() < day]
        picked = before[-1] if before else rows[0]
    if opp is None:
        if not rows:
            return None
        first, last = _ts(rows[0]["changed_at"]).date(), _ts(rows[-1]["changed_at"]).date()
        if not first <= day <= last:
            return None
        assert picked is not None
        status = picked["status"] if picked["status"] in ("won", "lost") else "open"
        return State(
            picked["stage"], Decimal(str(picked["amount"] or 0)), _d(picked["close_date"]), status
        )
    if _d(opp["created_at"]) > day:  # type: ignore[operator]
        return None
    closed_on = None
    if opp["status"] in ("won", "lost"):
        closed_on = _d(opp.get("closed_at")) or _d(opp.get("close_date"))

    def pick(column: str) -> Any:
        if picked is not None and picked.get(column) is not None:
            return picked[column]
        return opp.get(column)

    if closed_on is not None and closed_on < day:
        status = opp["status"]
    elif picked is not None and picked.get("status") in ("won", "lost"):
        status = picked["status"]
    else:
        status = "open"
    amount = pick("amount")
    return State(
        pick("stage"),
        Decimal(str(amount if amount is not None else 0)),
        _d(pick("close_date")),
        status,
    )


def bridge(
    opps: list[dict[str, Any]],
    history: list[dict[str, Any]],
    w1: tuple[date, date],
    d1: date,
    w2: tuple[date, date],
    d2: date,
    probabilities: dict[str, Decimal] | None = None,
) -> dict[str, Any]:
    """Opening, closing and every line's (value, count) per the documented rules."""
    by_id = {o["opportunity_id"]: o for o in opps}
    hist: dict[str, list[dict[str, Any]]] = {}
    for h in history:
        hist.setdefault(h["opportunity_id"], []).append(h)
    ids = sorted(set(by_id) | set(hist))
    lines: dict[str, list[Decimal | int]] = {}
    opening = [Decimal(0), 0]
    closing = [Decimal(0), 0]

    def value(s: State) -> Decimal:
        if probabilities is None:
            return s.amount
        return s.amount * probabilities.get(_key(s.stage), Decimal(0))

    def add(line: str, v: Decimal, n: int) -> None:
        entry = lines.setdefault(line, [Decimal(0), 0, 0])
        entry[0] += v  # type: ignore[operator]
        entry[1] += n  # type: ignore[operator]
        entry[2] += 1  # type: ignore[operator]

    for oid in ids:
        s1 = state(by_id.get(oid), hist.get(oid, []), d1)
        s2 = state(by_id.get(oid), hist.get(oid, []), d2)
        in1 = (
            s1 is not None
            and s1.status == "open"
            and s1.close_date is not None
            and w1[0] <= s1.close_date <= w1[1]
        )
        in2 = (
            s2 is not None
            and s2.status == "open"
            and s2.close_date is not None
            and w2[0] <= s2.close_date <= w2[1]
        )
        if in1:
            assert s1 is not None
            opening[0] += value(s1)
            opening[1] += 1
        if in2:
            assert s2 is not None
            closing[0] += value(s2)
            closing[1] += 1
        if in1 and in2:
            assert s1 is not None and s2 is not None
            if probabilities is None:
                amount_effect, stage_effect = s2.amount - s1.amount, Decimal(0)
            else:
                p1 = probabilities.get(_key(s1.stage), Decimal(0))
                p2 = probabilities.get(_key(s2.stage), Decimal(0))
                amount_effect = (s2.amount - s1.amount) * (p1 + p2) * Decimal("0.5")
                stage_effect = (p2 - p1) * (s1.amount + s2.amount) * Decimal("0.5")
            if amount_effect:
                add(
                    "amount_increased" if amount_effect > 0 else "amount_decreased",
                    amount_effect,
                    0,
                )
            if stage_effect:
                add("stage_advanced" if stage_effect > 0 else "stage_regressed", stage_effect, 0)
        elif in1:
            assert s1 is not None and s1.close_date is not None
            if s2 is None:
                line = "removed"
            elif s2.status in ("won", "lost"):
                line = s2.status
            elif s2.close_date is None:
                line = "removed"
            elif s2.close_date > s1.close_date:
                line = "pushed_out"
            elif s2.close_date < s1.close_date:
                line = "pulled_in"
            else:
                line = "period_change"
            add(line, -value(s1), -1)
        elif in2:
            assert s2 is not None and s2.close_date is not None
            if s1 is None or s1.status != "open" or s1.close_date is None:
                line = "new"
            elif s2.close_date < s1.close_date:
                line = "pulled_in"
            elif s2.close_date > s1.close_date:
                line = "pushed_out"
            else:
                line = "period_change"
            add(line, value(s2), 1)
    return {"opening": opening, "closing": closing, "lines": lines}


def _key(stage: str | None) -> str:
    return " ".join((stage or "").replace("_", " ").lower().split())
