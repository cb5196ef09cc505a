"""The company facts and engagement terms that advice is given from, parsed and checked.

Amounts are exact :class:`~decimal.Decimal` dollars; shares are fractions (0.25 = 25%). The
parsers accept what people type: ``2.5M``, ``500k``, ``$1,200,000``; ``0.25`` or ``25%``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from pulse.errors import PulseError

E = TypeVar("E", bound=StrEnum)


class AdviceError(PulseError):
    """A company fact or engagement term is missing, malformed or out of range."""


class Motion(StrEnum):
    """How the company sells: product-led, sales-led, or both."""

    PLG = "plg"
    SALES_LED = "sales_led"
    HYBRID = "hybrid"


class RevenueModel(StrEnum):
    """How a services business is paid."""

    RETAINER = "retainer"
    PROJECT = "project"
    OUTCOME = "outcome"


class ManufacturingType(StrEnum):
    """Discrete (machinery, parts) or process (chemicals, food ingredients) manufacturing."""

    DISCRETE = "discrete"
    PROCESS = "process"


_SUFFIX = {"": Decimal(1), "k": Decimal(1_000), "m": Decimal(1_000_000), "b": Decimal(10**9)}
_AMOUNT_RE = re.compile(r"^\$?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*([kmb]?)$", re.IGNORECASE)
_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")


def parse_amount(text: str, option: str) -> Decimal:
    """A dollar amount: ``2500000``, ``2.5M``, ``500k``, ``$1,200,000``."""
    match = _AMOUNT_RE.match(text.strip())
    if match is None:
        raise AdviceError(
            f"{option}: '{text}' is not an amount",
            hint="write dollars as 2500000, 2.5M, 500k or $1,200,000",
        )
    number = Decimal(match.group(1).replace(",", ""))
    return number * _SUFFIX[match.group(2).lower()]


def parse_share(text: str, option: str) -> Decimal:
    """A share as a fraction: ``0.25`` or ``25%``; a bare number above 1 is refused."""
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = Decimal(raw.rstrip("%").strip())
    except InvalidOperation:
        raise AdviceError(
            f"{option}: '{text}' is not a share", hint="write 0.25 or 25% for a quarter"
        ) from None
    if not value.is_finite():
        raise AdviceError(f"{option}: '{text}' is not a share", hint="write 0.25 or 25%")
    if percent:
        value = value / 100
    elif value > 1:
        raise AdviceError(
            f"{option}: {text} is above 1",
            hint=f"shares are fractions: 0.25 means 25%; did you mean {value / 100:g}?",
        )
    if not Decimal(0) <= value <= Decimal(1):
        raise AdviceError(f"{option}: {text} is outside 0 to 1 (0% to 100%)")
    return value


def parse_yes_no(text: str, option: str) -> bool:
    """``yes``/``no`` (also y/n, true/false, 1/0)."""
    lowered = text.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise AdviceError(f"{option}: '{text}' is not yes or no", hint="write yes or no")


def parse_choice(text: str, option: str, enum: type[E]) -> E:
    """One value of ``enum``; ``sales-led`` and ``Sales_Led`` read as ``sales_led``."""
    wanted = text.strip().lower().replace("-", "_")
    for member in enum:
        if member.value == wanted:
            return member
    choices = ", ".join(m.value for m in enum)
    raise AdviceError(f"{option}: unknown value '{text}'", hint=f"choose one of: {choices}")


def parse_date(text: str, option: str) -> date:
    """An ISO date, ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AdviceError(f"{option}: '{text}' is not a date", hint="write YYYY-MM-DD") from None


def _non_negative(value: Decimal | int | None, option: str) -> None:
    if value is not None and value < 0:
        raise AdviceError(f"{option}: {value} is negative")


@dataclass(frozen=True)
class CompanyFacts:
    """What the founder knows about the company before any data is loaded.

    ``arr`` is annual recurring revenue, ``revenue`` annual revenue; ``annual_churn`` is the
    share of customers (or revenue) lost in a year. Every fact but ``industry`` is optional;
    a rule whose fact is missing says so instead of guessing.
    """

    industry: str
    arr: Decimal | None = None
    revenue: Decimal | None = None
    customers: int | None = None
    sales_team: int | None = None
    cs_team: int | None = None
    annual_churn: Decimal | None = None
    motion: Motion | None = None
    revenue_model: RevenueModel | None = None
    manufacturing: ManufacturingType | None = None
    has_crm: bool | None = None
    start_date: date | None = None

    def __post_init__(self) -> None:
        for option, value in (
            ("--arr", self.arr),
            ("--revenue", self.revenue),
            ("--customers", self.customers),
            ("--sales-team", self.sales_team),
            ("--cs-team", self.cs_team),
        ):
            _non_negative(value, option)
        if self.annual_churn is not None and not Decimal(0) <= self.annual_churn <= Decimal(1):
            raise AdviceError(
                f"--annual-churn: {self.annual_churn} is outside 0 to 1",
                hint="churn is a fraction of a year: 0.25 means 25% a year",
            )

    def variant_fact(self, fact: str) -> str | None:
        """The value of the company fact a profile's variants are picked by."""
        values: dict[str, StrEnum | None] = {
            "motion": self.motion,
            "revenue_model": self.revenue_model,
            "manufacturing_type": self.manufacturing,
        }
        value = values.get(fact)
        return value.value if value is not None else None


@dataclass(frozen=True)
class Engagement:
    """The terms a fractional CRO would be hired on, and the full-time hire to compare with.

    ``day_rate`` × ``days_per_month`` or a monthly ``retainer`` prices the fractional CRO;
    ``equity_share`` is the part of that package paid in equity. ``vp_monthly`` is a full-time
    VP of Sales' monthly base salary, ``benefits_load`` the benefits on top as a share of it,
    and ``vp_equity_annual`` the yearly value of the VP's equity grant, when known.
    """

    days_per_month: Decimal | None = None
    day_rate: Decimal | None = None
    retainer: Decimal | None = None
    equity_share: Decimal | None = None
    benefits_load: Decimal | None = None
    vp_monthly: Decimal | None = None
    vp_equity_annual: Decimal | None = None

    def __post_init__(self) -> None:
        if self.day_rate is not None and self.retainer is not None:
            raise AdviceError(
                "--day-rate and --retainer were both given",
                hint="price the fractional CRO one way: a day rate or a monthly retainer",
            )
        for option, value in (
            ("--days-per-month", self.days_per_month),
            ("--day-rate", self.day_rate),
            ("--retainer", self.retainer),
            ("--vp-monthly", self.vp_monthly),
            ("--vp-equity", self.vp_equity_annual),
            ("--benefits-load", self.benefits_load),
        ):
            _non_negative(value, option)
        if self.vp_monthly is not None and self.vp_monthly == 0:
            raise AdviceError("--vp-monthly: a VP of Sales' salary cannot be 0")
        if self.days_per_month is not None and self.days_per_month > 31:
            raise AdviceError(
                f"--days-per-month: {self.days_per_month} is more days than a month has"
            )
        if self.equity_share is not None and not Decimal(0) <= self.equity_share <= Decimal(1):
            raise AdviceError(f"--equity-pct: {self.equity_share} is outside 0 to 1")
