"""The ARR (or MRR) bridge of one period: start + new + expansion + reactivation − contraction
− churn + fx = end, in exact decimals, blended or for one stream, with per-customer detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pulse.compute import Computer
from pulse.errors import PulseError, unknown
from pulse.periods import Period
from pulse.revenue.queries import model_rows, period_spec, sql_text

Unit = Literal["arr", "mrr"]
UNITS: tuple[str, ...] = ("arr", "mrr")
MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn", "fx")
# How each line enters the identity: start + Σ sign × line = end.
SIGNS: dict[str, int] = {
    "new": 1,
    "expansion": 1,
    "reactivation": 1,
    "contraction": -1,
    "churn": -1,
    "fx": 1,
}
ZERO = Decimal("0.00")


class BridgeError(PulseError):
    """A bridge was asked for something it cannot give."""


@dataclass(frozen=True)
class Bridge:
    """One period's bridge in one unit (``arr`` or ``mrr``), blended or for one stream.

    Amounts are positive; contraction and churn are subtracted. ``fx`` carries its sign.
    """

    period: Period
    unit: str
    stream: str | None
    start: Decimal
    new: Decimal
    expansion: Decimal
    reactivation: Decimal
    contraction: Decimal
    churn: Decimal
    fx: Decimal
    end: Decimal
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def net_new(self) -> Decimal:
        """new + expansion + reactivation − contraction − churn (exchange rates excluded)."""
        return self.new + self.expansion + self.reactivation - self.contraction - self.churn

    @property
    def computed_end(self) -> Decimal:
        """start + net new + fx: equals ``end`` to the cent when the bridge balances."""
        return self.start + self.net_new + self.fx

    @property
    def difference(self) -> Decimal:
        """end − (start + every line): zero for a balanced bridge."""
        return self.end - self.computed_end

    @property
    def balances(self) -> bool:
        """Whether start + new + expansion + reactivation − contraction − churn + fx = end exactly."""
        return self.difference == 0

    def lines(self) -> list[tuple[str, str, Decimal]]:
        """(sign, label, amount) rows in bridge order, start to end."""
        unit = self.unit.upper()
        return [
            ("", f"start {unit}", self.start),
            ("+", "new", self.new),
            ("+", "expansion", self.expansion),
            ("+", "reactivation", self.reactivation),
            ("−", "contraction", self.contraction),
            ("−", "churn", self.churn),
            ("±", "fx", self.fx),
            ("=", f"end {unit}", self.end),
        ]

    def to_json(self) -> dict[str, Any]:
        """JSON shape: amounts as strings with two decimals, so no float rounds them."""
        return {
            **self.period.to_json(),
            "unit": self.unit,
            "stream": self.stream,
            "start": str(self.start),
            **{name: str(getattr(self, name)) for name in MOVEMENTS},
            "end": str(self.end),
            "net_new": str(self.net_new),
            "balances": self.balances,
            "customers": self.counts,
        }


@dataclass(frozen=True)
class CustomerBridge:
    """One customer's share of a bridge (all streams together, or one stream)."""

    account_id: str
    segment: str
    start: Decimal
    new: Decimal
    expansion: Decimal
    reactivation: Decimal
    contraction: Decimal
    churn: Decimal
    fx: Decimal
    end: Decimal

    @property
    def balances(self) -> bool:
        """start + new + expansion + reactivation − contraction − churn + fx = end exactly."""
        moved = sum((SIGNS[m] * getattr(self, m) for m in MOVEMENTS), ZERO)
        return self.start + moved == self.end

    def to_json(self) -> dict[str, Any]:
        """JSON shape with amounts as strings."""
        return {
            "account_id": self.account_id,
            "segment": self.segment,
            "start": str(self.start),
            **{m: str(getattr(self, m)) for m in MOVEMENTS},
            "end": str(self.end),
        }


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise BridgeError(f"unknown unit '{unit}'", hint=f"valid units: {', '.join(UNITS)}")


def _stream_filter(stream: str | None) -> str:
    return "" if stream is None else f"stream = {sql_text(stream)}"


def _dec(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def _check_stream(computer: Computer, stream: str | None) -> None:
    if stream is not None:
        known = _streams(computer)
        if stream not in known:
            raise unknown("stream", stream, known)


def _bridge_rows(
    computer: Computer, period: Period, stream: str | None, as_of: date | None
) -> list[dict[str, Any]]:
    _check_stream(computer, stream)
    return model_rows(
        computer, "customer_bridge", [period_spec(period, as_of)], _stream_filter(stream)
    )


def _streams(computer: Computer) -> list[str]:
    """Streams present in the subscriptions, plus the blending segment ``cross_stream``."""
    rows = computer.engine.execute(
        "SELECT DISTINCT COALESCE(stream, '(none)') AS stream FROM subscriptions"
    ).to_pylist()
    return sorted([str(r["stream"]) for r in rows] + ["cross_stream"])


def compute_bridge(
    computer: Computer,
    period: Period,
    stream: str | None = None,
    unit: str = "arr",
    as_of: date | None = None,
) -> Bridge:
    """The bridge of ``period``: all streams blended, or one ``stream`` on its own.

    Summed by the engine (DECIMAL sums are exact); customers are counted at the start and end.
    """
    _check_unit(unit)
    _check_stream(computer, stream)
    lines = ("start", *MOVEMENTS, "end")
    counts = ("new", "reactivation", "expansion", "contraction", "churn")
    select = ", ".join(
        [
            *(f"SUM({name}_{unit}) AS {name}" for name in lines),
            *(f"SUM({name}_count) AS {name}_count" for name in counts),
            f"COUNT(DISTINCT CASE WHEN start_{unit} > 0 THEN account_id END) AS start_count",
            f"COUNT(DISTINCT CASE WHEN end_{unit} > 0 THEN account_id END) AS end_count",
        ]
    )
    (row,) = model_rows(
        computer,
        "customer_bridge",
        [period_spec(period, as_of)],
        _stream_filter(stream),
        select=select,
    )
    return Bridge(
        period=period,
        unit=unit,
        stream=stream,
        start=_dec(row["start"]),
        new=_dec(row["new"]),
        expansion=_dec(row["expansion"]),
        reactivation=_dec(row["reactivation"]),
        contraction=_dec(row["contraction"]),
        churn=_dec(row["churn"]),
        fx=_dec(row["fx"]),
        end=_dec(row["end"]),
        counts={name: int(row[f"{name}_count"] or 0) for name in (*counts, "start", "end")},
    )


def customer_bridges(
    computer: Computer,
    period: Period,
    stream: str | None = None,
    unit: str = "arr",
    as_of: date | None = None,
) -> list[CustomerBridge]:
    """Each customer's bridge for ``period`` (blended: its stream rows summed), biggest end first.

    Customers with nothing at the start, nothing at the end and no movement are left out.
    """
    _check_unit(unit)
    by_customer: dict[str, dict[str, Any]] = {}
    for r in _bridge_rows(computer, period, stream, as_of):
        acc = by_customer.setdefault(
            str(r["account_id"]),
            {"segment": r["segment"], **dict.fromkeys(("start", *MOVEMENTS, "end"), ZERO)},
        )
        for k in ("start", *MOVEMENTS, "end"):
            acc[k] += _dec(r[f"{k}_{unit}"])
    out = [
        CustomerBridge(
            account_id=account,
            segment=str(v["segment"]),
            start=v["start"],
            new=v["new"],
            expansion=v["expansion"],
            reactivation=v["reactivation"],
            contraction=v["contraction"],
            churn=v["churn"],
            fx=v["fx"],
            end=v["end"],
        )
        for account, v in by_customer.items()
        if any(v[k] != 0 for k in ("start", *MOVEMENTS, "end"))
    ]
    return sorted(out, key=lambda c: (-c.end, -c.start, c.account_id))
