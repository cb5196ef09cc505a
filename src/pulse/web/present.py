"""How results read on a page: status symbol and word, values in their unit, trends, sparklines.

Status is never colour alone: every status carries a symbol and a word (the CSS adds colour
on top). The helpers here return plain strings and numbers so the JSON twin and the HTML
show the same thing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from pulse.catalog.models import KPI, Unit
from pulse.format import format_value
from pulse.judge import Status, Trend

STATUS_WORDS: dict[str, str] = {
    Status.GREEN.value: "On track",
    Status.AMBER.value: "Watch",
    Status.RED.value: "Off track",
    Status.NO_TARGET.value: "No target",
    Status.MISSING_DATA.value: "Missing data",
}


def status_json(status: Status | str) -> dict[str, str]:
    """``{"status", "symbol", "word"}`` for one status."""
    s = Status(status)
    return {"status": s.value, "symbol": s.symbol, "word": STATUS_WORDS[s.value]}


def value_text(value: float | None, unit: Unit | str, currency: str) -> str:
    """A value in its unit, or an em dash for none."""
    return format_value(value, unit, currency) if value is not None else "—"


def change_text(change: float, unit: Unit | str, currency: str) -> str:
    """A signed change in the KPI's unit (percentages as points)."""
    u = Unit(unit)
    if u == Unit.PERCENT:
        return f"{change * 100:+.1f} pts"
    sign = "+" if change >= 0 else "−"
    return sign + format_value(abs(change), u, currency)


def trend_json(trend: Trend, kpi: KPI, currency: str, previous_label: str) -> dict[str, Any]:
    """The trend with an arrow and a sentence fragment."""
    out = {**trend.to_json(), "arrow": trend.arrow, "against": previous_label}
    if trend.direction == "unknown" or trend.change is None:
        out["text"] = f"no comparison with {previous_label}"
    elif trend.direction == "flat":
        out["text"] = f"→ unchanged from {previous_label}"
    else:
        moved = change_text(trend.change, kpi.unit, currency)
        judged = f", {trend.assessment}" if trend.assessment in ("better", "worse") else ""
        previous = value_text(trend.previous, kpi.unit, currency)
        out["text"] = f"{trend.arrow} {moved} vs {previous_label} ({previous}){judged}"
    return out


def jsonable(value: Any) -> Any:
    """Dates as ISO strings, decimals as floats, containers recursively."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def sparkline(history: list[dict[str, Any]], width: int = 120, height: int = 32) -> Markup:
    """An inline SVG line of ``history`` values (None values leave a gap).

    Drawn on the server so it shows without JavaScript and in printed board packs; each point
    has a ``<title>`` tooltip with its period and value text.
    """
    values = [h.get("value") for h in history]
    known = [float(v) for v in values if v is not None]
    label = "trend over " + ", ".join(str(h.get("period")) for h in history)
    if len(known) < 2:
        return Markup(
            f'<svg class="spark" width="{width}" height="{height}" role="img" '
            f'aria-label="{escape(label)}: not enough data"></svg>'
        )
    low, high = min(known), max(known)
    span = high - low or 1.0
    pad = 3
    step = (width - 2 * pad) / max(1, len(values) - 1)
    segments: list[list[str]] = [[]]
    dots: list[str] = []
    for i, (h, v) in enumerate(zip(history, values, strict=True)):
        if v is None:
            if segments[-1]:
                segments.append([])
            continue
        x = pad + i * step
        y = pad + (height - 2 * pad) * (1 - (float(v) - low) / span)
        segments[-1].append(f"{x:.1f},{y:.1f}")
        tip = escape(f"{h.get('period')}: {h.get('text', v)}")
        last = i == len(values) - 1
        radius = 2.5 if last else 1.5
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"><title>{tip}</title></circle>')
    lines = "".join(
        f'<polyline points="{" ".join(seg)}" fill="none"></polyline>' for seg in segments if seg
    )
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}">{lines}{"".join(dots)}</svg>'
    )


def _number(value: Any) -> str:
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def parts_text(components: dict[str, Any], limit: int = 4) -> str:
    """What a value is made of: its named components, else numerator ÷ denominator."""
    named = {
        k: v
        for k, v in components.items()
        if k not in ("numerator", "denominator") and isinstance(v, int | float)
    }
    if named:
        return " · ".join(
            f"{k.replace('_', ' ')} {_number(v)}" for k, v in list(named.items())[:limit]
        )
    n, d = components.get("numerator"), components.get("denominator")
    if isinstance(n, int | float) and isinstance(d, int | float):
        return f"{_number(n)} ÷ {_number(d)}"
    return ""


def threshold_text(threshold: dict[str, Any] | None, unit: Unit | str, currency: str) -> str:
    """A profile threshold in the KPI's unit: target, healthy range, red line, window, note."""
    if not threshold:
        return ""
    parts: list[str] = []
    if threshold.get("target") is not None:
        parts.append(f"target {value_text(threshold['target'], unit, currency)}")
    if threshold.get("healthy") is not None:
        low, high = threshold["healthy"]
        parts.append(
            f"healthy {value_text(low, unit, currency)} to {value_text(high, unit, currency)}"
        )
    if threshold.get("red_below") is not None:
        parts.append(f"red below {value_text(threshold['red_below'], unit, currency)}")
    if threshold.get("red_above") is not None:
        parts.append(f"red above {value_text(threshold['red_above'], unit, currency)}")
    if threshold.get("period"):
        parts.append(f"judged over {threshold['period']}")
    text = "; ".join(parts)
    if threshold.get("note"):
        text += f". {threshold['note']}"
    return text
