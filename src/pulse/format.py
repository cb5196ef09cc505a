"""Format KPI values for people: units, thousands separators, status words."""

from __future__ import annotations

from pulse.catalog.models import Unit


def format_value(value: float | None, unit: Unit | str, currency: str = "USD") -> str:
    """A value in its unit: 25.0%, $1,234, 3.2×, 45 d, 5.3 mo."""
    if value is None:
        return "—"
    unit = Unit(unit)
    if unit == Unit.PERCENT:
        return f"{value * 100:,.1f}%"
    if unit == Unit.CURRENCY:
        symbol = "$" if currency == "USD" else f"{currency} "
        sign = "-" if value < 0 else ""
        return (
            f"{sign}{symbol}{abs(value):,.0f}"
            if abs(value) >= 1000
            else f"{sign}{symbol}{abs(value):,.2f}"
        )
    if unit == Unit.CURRENCY_PER_DAY:
        symbol = "$" if currency == "USD" else f"{currency} "
        return f"{symbol}{value:,.2f}/day"
    if unit == Unit.RATIO:
        return f"{value:,.2f}×"
    if unit == Unit.DAYS:
        return f"{value:,.1f} d"
    if unit == Unit.MONTHS:
        return f"{value:,.1f} mo"
    if unit == Unit.COUNT:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{value:,.2f}"
