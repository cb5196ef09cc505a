"""What a fractional CRO costs against a full-time VP of Sales, for the company's own terms.

The seeds' ranges (seed 002's comparison): a fractional CRO costs $8k-$25k a month for 5-15
days; a full-time VP of Sales $25k-$45k a month plus benefits and equity. A fractional CRO's
package is 70-90% cash and 10-30% equity, the equity vesting on KPI milestones.

Every amount is a :class:`Span` (low, high) of exact Decimals; a figure the company gave is a
span of one value. Differences and shares of spans take the widest honest range (the saving
runs from the dearest fractional against the cheapest VP, to the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pulse.advise.facts import Engagement
from pulse.advise.kpiset import KpiLine, KpiSet
from pulse.advise.seedrules import (
    CASH_SHARE,
    DEFAULT_BENEFITS_LOAD,
    EQUITY_SHARE,
    FRACTIONAL_DAYS,
    FRACTIONAL_MONTHLY,
    MONTHS_PER_YEAR,
    VP_MONTHLY,
)
from pulse.advise.wording import money, share

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Span:
    """A range of amounts or shares, ``low`` ≤ ``high``; one value when they are equal."""

    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, value: Decimal) -> Span:
        """A span of one value."""
        return cls(value, value)

    def __add__(self, other: Span) -> Span:
        return Span(self.low + other.low, self.high + other.high)

    def __sub__(self, other: Span) -> Span:
        return Span(self.low - other.high, self.high - other.low)

    def times(self, factor: Decimal) -> Span:
        """Both ends multiplied by a non-negative factor."""
        return Span(self.low * factor, self.high * factor)

    def scaled(self, other: Span) -> Span:
        """Product of two non-negative spans."""
        return Span(self.low * other.low, self.high * other.high)

    def over(self, other: Span) -> Span:
        """Ratio of two positive spans, widest range."""
        return Span(self.low / other.high, self.high / other.low)

    def rounded(self) -> Span:
        """Both ends to the cent."""
        return Span(cents(self.low), cents(self.high))

    @property
    def single(self) -> bool:
        """True when the span is one value."""
        return self.low == self.high

    def money(self) -> str:
        """``$8,000–$25,000`` or ``$16,500``."""
        if self.single:
            return money(self.low)
        return f"{money(self.low)}–{money(self.high)}"

    def share(self) -> str:
        """``10%–30%`` or ``20%``."""
        if self.single:
            return share(self.low)
        return f"{share(self.low)}–{share(self.high)}"


@dataclass(frozen=True)
class CostLine:
    """One cost, monthly and annual, and how it was arrived at."""

    label: str
    monthly: Span
    annual: Span
    basis: str


def _line(label: str, monthly: Span, basis: str) -> CostLine:
    return CostLine(
        label, monthly.rounded(), monthly.times(Decimal(MONTHS_PER_YEAR)).rounded(), basis
    )


@dataclass(frozen=True)
class Milestone:
    """One equity tranche: the KPI, the condition it vests on, and its share of the equity."""

    kpi_id: str
    kpi_name: str
    condition: str
    tranche: Decimal
    annual_value: Span


@dataclass(frozen=True)
class CashEquity:
    """The fractional CRO's package split into cash and equity, and the vesting milestones."""

    cash_share: Span
    equity_share: Span
    cash: CostLine
    equity: CostLine
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class CostComparison:
    """A fractional CRO against a full-time VP of Sales."""

    fractional: CostLine
    vp_salary: CostLine
    vp_benefits: CostLine
    vp_equity: CostLine | None
    vp_total: CostLine
    saving: CostLine
    fractional_share_of_vp: Span
    split: CashEquity
    notes: tuple[str, ...]


def fractional_monthly(terms: Engagement) -> tuple[Span, str, list[str]]:
    """The fractional CRO's monthly fee, how it was priced, and notes on the seeds' ranges."""
    low_days, high_days = FRACTIONAL_DAYS
    low_fee, high_fee = FRACTIONAL_MONTHLY
    seed_range = f"{money(low_fee)}–{money(high_fee)} a month for {low_days}–{high_days} days"
    notes: list[str] = []
    days = terms.days_per_month
    if days is not None and not low_days <= days <= high_days:
        notes.append(f"{days} days a month is outside the seeds' {low_days}–{high_days} days.")
    if terms.retainer is not None:
        fee, basis = Span.of(terms.retainer), f"retainer of {money(terms.retainer)} a month"
    elif terms.day_rate is not None and days is not None:
        fee = Span.of(terms.day_rate * days)
        basis = f"{money(terms.day_rate)} a day × {days} days a month"
    elif terms.day_rate is not None:
        fee = Span(terms.day_rate * low_days, terms.day_rate * high_days)
        basis = f"{money(terms.day_rate)} a day × {low_days}–{high_days} days a month"
    elif days is not None:
        per_day = (high_fee - low_fee) / (high_days - low_days)
        fee = Span.of(low_fee + (days - low_days) * per_day)
        basis = (
            f"estimated for {days} days a month from the seeds' range ({seed_range}), "
            "straight-line in days"
        )
    else:
        fee, basis = Span(low_fee, high_fee), f"the seeds' range: {seed_range}"
    if fee.single and not low_fee <= fee.low <= high_fee:
        notes.append(f"{money(fee.low)} a month is outside the seeds' {seed_range}.")
    return fee, basis, notes


def milestones(kpis: KpiSet, equity_annual: Span) -> tuple[Milestone, ...]:
    """One equal equity tranche per core KPI, vesting when it reaches the profile's target."""
    core: list[KpiLine] = list(kpis.core)
    if not core:
        return ()
    tranche = Decimal(1) / len(core)
    out = []
    for line in core:
        if line.target:
            condition = f"{line.name} reaches its target of {line.target}"
        elif line.healthy:
            condition = f"{line.name} is within its healthy range ({line.healthy})"
        elif line.red_line:
            condition = f"{line.name} stays clear of its red line ({line.red_line}) and beats its day-90 baseline"
        else:
            condition = f"{line.name} beats its day-90 baseline"
        if line.window:
            condition += f", measured over {line.window}"
        out.append(
            Milestone(
                line.id, line.name, condition, tranche, equity_annual.times(tranche).rounded()
            )
        )
    return tuple(out)


def compare(terms: Engagement, kpis: KpiSet) -> CostComparison:
    """The comparison for the company's own terms (seeds' ranges where none are given)."""
    fee, basis, notes = fractional_monthly(terms)
    fractional = _line("Fractional CRO", fee, basis)

    salary = Span.of(terms.vp_monthly) if terms.vp_monthly is not None else Span(*VP_MONTHLY)
    salary_basis = (
        f"{money(terms.vp_monthly)} a month"
        if terms.vp_monthly is not None
        else f"the seeds' range: {Span(*VP_MONTHLY).money()} a month"
    )
    load = terms.benefits_load if terms.benefits_load is not None else DEFAULT_BENEFITS_LOAD
    load_basis = f"{share(load)} of salary" + (
        "" if terms.benefits_load is not None else " (Pulse's default; set --benefits-load)"
    )
    vp_salary = _line("VP of Sales: salary", salary, salary_basis)
    benefits = salary.times(load)
    vp_benefits = _line("VP of Sales: benefits", benefits, load_basis)
    total = salary + benefits
    vp_equity = None
    if terms.vp_equity_annual is not None:
        equity_monthly = Span.of(terms.vp_equity_annual / MONTHS_PER_YEAR)
        vp_equity = _line(
            "VP of Sales: equity",
            equity_monthly,
            f"{money(terms.vp_equity_annual)} a year of equity value",
        )
        total = total + equity_monthly
    else:
        notes.append(
            "The VP of Sales' equity grant is not priced (give --vp-equity for its yearly "
            "value), so the full-time cost is understated."
        )
    vp_total = _line(
        "VP of Sales: total", total, "salary + benefits" + (" + equity" if vp_equity else "")
    )
    saving = _line(
        "Saving with a fractional CRO",
        total - fee,
        "VP of Sales total − fractional CRO (widest range)",
    )

    if terms.equity_share is not None:
        equity_share = Span.of(terms.equity_share)
        low, high = EQUITY_SHARE
        if not low <= terms.equity_share <= high:
            notes.append(
                f"An equity share of {share(terms.equity_share)} is outside the seeds' "
                f"{Span(low, high).share()}."
            )
    else:
        equity_share = Span(*EQUITY_SHARE)
    cash_share = Span(Decimal(1) - equity_share.high, Decimal(1) - equity_share.low)
    if terms.equity_share is None:
        cash_share = Span(*CASH_SHARE)
    cash = _line("Fractional CRO: cash", fee.scaled(cash_share), f"{cash_share.share()} of the fee")
    equity = _line(
        "Fractional CRO: equity", fee.scaled(equity_share), f"{equity_share.share()} of the fee"
    )
    split = CashEquity(cash_share, equity_share, cash, equity, milestones(kpis, equity.annual))
    return CostComparison(
        fractional=fractional,
        vp_salary=vp_salary,
        vp_benefits=vp_benefits,
        vp_equity=vp_equity,
        vp_total=vp_total,
        saving=saving,
        fractional_share_of_vp=fee.over(total),
        split=split,
        notes=tuple(notes),
    )
