"""How advice writes numbers and names: money, shares, targets, windows and owners.

Threshold values are written in their KPI's unit exactly as the profile file states them
(1.10 → 110%, 3.0 → 3×, 270 → 270 days), so a reader can find every number in the file.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from pulse.catalog.models import KPI, Direction, Threshold, Unit

DASH = "—"
OWNER_LABELS = {
    "cro": "CRO",
    "operations": "Operations",
    "marketing": "Marketing",
    "customer_success": "Customer success",
    "vp_sales": "VP of Sales",
    "finance": "Finance",
}
OWNER_PHRASES = {
    "cro": "the CRO",
    "operations": "operations",
    "marketing": "marketing",
    "customer_success": "customer success",
    "vp_sales": "the VP of Sales",
    "finance": "finance",
}
FACT_LABELS = {
    "motion": "sales motion",
    "revenue_model": "revenue model",
    "manufacturing_type": "manufacturing type",
}
# Words that keep their capitals when an id is written as words.
_ACRONYMS = {
    "arr": "ARR",
    "nrr": "NRR",
    "grr": "GRR",
    "acv": "ACV",
    "cac": "CAC",
    "dso": "DSO",
    "ttfv": "TTFV",
    "mql": "MQL",
    "mqls": "MQLs",
    "pql": "PQL",
    "nps": "NPS",
    "csat": "CSAT",
    "crm": "CRM",
    "sdr": "SDR",
}
_PERIOD_RE = re.compile(r"^rolling-([0-9]+)([dmq])$")
_PERIOD_UNITS = {"d": "days", "m": "months", "q": "quarters"}
_PERIOD_WORDS = {
    "month": "each month",
    "quarter": "each quarter",
    "year": "each year",
    "next_quarter": "next quarter",
}
CENT = Decimal("0.01")


def words(name: str) -> str:
    """A snake_case id as words: ``mql_volume`` → ``MQL volume``."""
    parts = [_ACRONYMS.get(p, p) for p in name.split("_")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:] if text else text


DIMENSION_WORDS = {"owner_id": "rep", "deal_size_band": "deal-size band"}


def dimension(name: str) -> str:
    """A split dimension in words: ``owner_id`` → ``rep``, ``product_line`` → ``product line``."""
    return DIMENSION_WORDS.get(name, name.replace("_", " "))


def lower_first(text: str) -> str:
    """``Production efficiency`` → ``production efficiency``; ``MQL volume`` stays."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def owner_phrase(owner: str) -> str:
    """An owner inside a sentence: ``vp_sales`` → ``the VP of Sales``."""
    return OWNER_PHRASES.get(owner, words(owner).lower())


def owner_label(owner: str) -> str:
    """``customer_success`` → ``Customer success``."""
    return OWNER_LABELS.get(owner, words(owner))


def money(value: Decimal) -> str:
    """Whole dollars with separators, cents only when there are any: ``$16,500``, ``$1,666.67``."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    rounded = abs(rounded)
    if rounded == rounded.to_integral_value():
        return f"{sign}${rounded:,.0f}"
    return f"{sign}${rounded:,.2f}"


def share(value: Decimal) -> str:
    """A fraction as a percentage without needless decimals: 0.25 → 25%, 0.142 → 14.2%."""
    percent = (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{percent:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def number(value: float, unit: Unit | None) -> str:
    """A threshold value in its unit: 110%, 3×, 270 days, 14 months, $50,000."""
    if unit is Unit.PERCENT:
        return f"{round(value * 100, 4):g}%"
    if unit is Unit.RATIO:
        return f"{value:g}×"
    if unit is Unit.DAYS:
        return f"{value:g} days"
    if unit is Unit.MONTHS:
        return f"{value:g} months"
    if unit in (Unit.CURRENCY, Unit.CURRENCY_PER_DAY):
        return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"
    return f"{value:g}"


def window(period: str | None) -> str:
    """A threshold's judging window in words: ``rolling-90d`` → ``rolling 90 days``."""
    if not period:
        return ""
    match = _PERIOD_RE.match(period)
    if match:
        return f"rolling {match.group(1)} {_PERIOD_UNITS[match.group(2)]}"
    return _PERIOD_WORDS.get(period, period.replace("_", " "))


def healthy_text(threshold: Threshold | None, kpi: KPI | None) -> str:
    """The healthy range as a person reads it: ``3×–5×``, ``≥ 80%``, ``≤ 18 months``."""
    if threshold is None or threshold.healthy is None:
        return ""
    unit = kpi.unit if kpi is not None else None
    low, high = threshold.healthy
    direction = kpi.direction if kpi is not None else None
    if direction is Direction.LOWER_IS_BETTER and low == 0:
        return f"≤ {number(high, unit)}"
    if direction is Direction.HIGHER_IS_BETTER and unit is Unit.PERCENT and high == 1.0:
        return f"≥ {number(low, unit)}"
    return f"{number(low, unit)}–{number(high, unit)}"


def target_text(threshold: Threshold | None, kpi: KPI | None) -> str:
    """The target alone: ``110%``; empty when the profile sets none."""
    if threshold is None or threshold.target is None:
        return ""
    return number(threshold.target, kpi.unit if kpi is not None else None)


def goal_text(target: str, healthy: str) -> str:
    """Target with its healthy range: ``3× (healthy 3×–5×)``, ``healthy ≤ 20%``, or empty."""
    if target and healthy:
        return f"{target} (healthy {healthy})"
    if healthy:
        return f"healthy {healthy}"
    return target


def red_text(threshold: Threshold | None, kpi: KPI | None) -> str:
    """The red line: ``below 3×``, ``above 24 months``; empty when there is none."""
    if threshold is None:
        return ""
    unit = kpi.unit if kpi is not None else None
    parts = []
    if threshold.red_below is not None:
        parts.append(f"below {number(threshold.red_below, unit)}")
    if threshold.red_above is not None:
        parts.append(f"above {number(threshold.red_above, unit)}")
    return " or ".join(parts)


def join_words(items: list[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def industry_phrase(name: str) -> str:
    """``Manufacturing`` → ``a manufacturing company``; ``IoT`` → ``an IoT company``."""
    keeps_capitals = any(ch.isupper() for ch in name[1:])
    text = name if keeps_capitals else name[:1].lower() + name[1:]
    if not text.lower().endswith(("company", "business", "firm")):
        text += " company"
    article = "an" if text[:1].lower() in "aeiou" else "a"
    return f"{article} {text}"
