"""Month-by-month movements per customer: what `pulse revenue movements` lists.

Each row is one customer at one month end: how it moved since the previous month end (new,
reactivation, expansion, contraction, churn, or only an exchange-rate change) and by how much.
Blended (whole customers) by default, or one stream's own movements.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pulse.compute import Computer
from pulse.periods import Period
from pulse.revenue.bridge import ZERO, BridgeError, _check_unit
from pulse.revenue.queries import model_rows, period_spec, sql_text


@dataclass(frozen=True)
class Movement:
    """One customer's change between two consecutive month ends.

    ``amount`` is the size of the movement (positive; contraction and churn are subtracted in
    the bridge); ``fx`` is the exchange-rate effect on last month's book, with its sign.
    """

    month_end: date
    account_id: str
    scope: str
    movement: str
    start: Decimal
    amount: Decimal
    fx: Decimal
    end: Decimal

    @property
    def balances(self) -> bool:
        """start ± amount + fx = end exactly."""
        sign = -1 if self.movement in ("contraction", "churn") else 1
        amount = ZERO if self.movement == "fx" else self.amount
        return self.start + sign * amount + self.fx == self.end

    def to_json(self) -> dict[str, Any]:
        """JSON shape with amounts as strings."""
        return {
            "month_end": self.month_end.isoformat(),
            "account_id": self.account_id,
            "scope": self.scope,
            "movement": self.movement,
            "start": str(self.start),
            "amount": str(self.amount),
            "fx": str(self.fx),
            "end": str(self.end),
        }


def _row(r: dict[str, Any], unit: str) -> Movement:
    kind = str(r["movement"])
    amount = ZERO
    if kind in ("new", "reactivation", "expansion", "contraction", "churn"):
        amount = Decimal(r[f"{kind}_{unit}"])
    elif kind == "flat":
        kind = "fx" if Decimal(r[f"fx_{unit}"]) != 0 else "rounding"
        if kind == "rounding":
            # ARR unchanged but MRR moved by a cent of rounding (or the reverse).
            amount = Decimal(r[f"expansion_{unit}"]) - Decimal(r[f"contraction_{unit}"])
    return Movement(
        month_end=r["month_end"],
        account_id=str(r["account_id"]),
        scope=str(r["scope"]),
        movement=kind,
        start=Decimal(r[f"start_{unit}"]),
        amount=amount,
        fx=Decimal(r[f"fx_{unit}"]),
        end=Decimal(r[f"end_{unit}"]),
    )


def movements(
    computer: Computer,
    period: Period,
    customer: str | None = None,
    stream: str | None = None,
    unit: str = "arr",
) -> list[Movement]:
    """Every customer movement at a month end inside ``period``, oldest first.

    ``stream`` lists that stream's own movements instead of whole customers'.
    """
    _check_unit(unit)
    if stream == "cross_stream":
        raise BridgeError(
            "'cross_stream' holds bridge reclassifications, not customer movements",
            hint="list a real stream, or leave --stream out for whole customers",
        )
    conditions = [
        f"month_end >= CAST('{period.start.isoformat()}' AS DATE)",
        f"month_end <= CAST('{period.end.isoformat()}' AS DATE)",
    ]
    if customer is not None:
        conditions.append(f"account_id = {sql_text(customer)}")
    if stream is None:
        model = "customer_movements"
    else:
        model = "scope_movements"
        conditions.append(f"scope = {sql_text(stream)}")
    rows = model_rows(
        computer,
        model,
        [period_spec(period)],
        " AND ".join(conditions),
        "month_end, account_id",
    )
    return [_row(r, unit) for r in rows]
