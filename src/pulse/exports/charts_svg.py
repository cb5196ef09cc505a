"""Static SVG charts (no JavaScript), for the HTML and PDF board pack.

WeasyPrint runs no JavaScript, so the pack draws its own charts: :func:`line_chart` for a KPI's
series (with its target as a dashed line) and :func:`sparkline` for the scorecard. Both return
SVG markup as a string; every piece of text in it is XML-escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

INK = "#1f3a5f"
MUTED = "#8a94a6"
GRID = "#e3e7ee"
TARGET = "#b5651d"
CHAR_WIDTH = 5.4  # average width of a 9px glyph, to fit the y-axis labels


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _scale(values: Sequence[float], extra: Sequence[float] = ()) -> tuple[float, float]:
    """Low and high of the y-axis: the values (and target) with a little room around them."""
    every = [*values, *extra]
    low, high = min(every), max(every)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return low - pad, high + pad


def _runs(ys: Sequence[float | None]) -> list[list[int]]:
    """Indexes of consecutive non-missing values (a gap breaks the line)."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, y in enumerate(ys):
        if y is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


def line_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    target: float | None = None,
    fmt: Callable[[float], str] = _num,
    title: str = "",
    width: int = 520,
    height: int = 170,
    color: str = INK,
) -> str:
    """A line chart of ``values`` over ``labels``, with the target as a dashed line."""
    left, right, top, bottom = 40, 24, 14, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}</title>"
    )
    if not known:
        return (
            head + f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">no values to chart</text></svg>'
        )
    low, high = _scale(known, [target] if target is not None else [])
    n = len(values)
    widest = max(len(fmt(v)) for v in (min(known), max(known)))
    left = max(left, 12 + round(widest * CHAR_WIDTH))  # room for the y-axis labels
    plot_w = width - left - right

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    parts = [head]
    for v in (min(known), max(known)) if min(known) != max(known) else (known[0],):
        parts.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(v) + 3.5:.1f}" text-anchor="end" font-size="9" '
            f'fill="{MUTED}">{escape(fmt(v))}</text>'
        )
    if target is not None:
        parts.append(
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{width - right}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-width="1.2" stroke-dasharray="4 3"/>'
            f'<text x="{width - right}" y="{y(target) - 4:.1f}" text-anchor="end" font-size="9" '
            f'fill="{TARGET}">target {escape(fmt(target))}</text>'
        )
    for run in _runs(values):
        points = " ".join(f"{x(i):.1f},{y(values[i] or 0.0):.1f}" for i in run)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2" '
            'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    step = max(1, -(-n // 8))  # at most about eight x labels
    for i, (label, point) in enumerate(zip(labels, values, strict=True)):
        if point is not None:
            radius = 3.5 if i == n - 1 else 2.2
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(point):.1f}" r="{radius}" fill="{color}"/>'
            )
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 9}" text-anchor="middle" '
                f'font-size="8" fill="{MUTED}">{escape(label)}</text>'
            )
    last = values[-1]
    if last is not None:
        parts.append(
            f'<text x="{x(n - 1) - 6:.1f}" y="{y(last) - 7:.1f}" text-anchor="end" '
            f'font-size="10" font-weight="bold" fill="{color}">{escape(fmt(last))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(
    values: Sequence[float | None],
    *,
    width: int = 90,
    height: int = 22,
    color: str = INK,
    title: str = "",
) -> str:
    """A tiny line of ``values`` with the last point marked; blank when nothing is known."""
    pad = 3
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    )
    known = [v for v in values if v is not None]
    if not known:
        return head + "</svg>"
    low, high = _scale(known)
    n = len(values)

    def x(i: int) -> float:
        return pad + (0.5 if n == 1 else (width - 2 * pad) * i / (n - 1))

    def y(v: float) -> float:
        return pad + (height - 2 * pad) * (1 - (v - low) / (high - low))

    parts = [head]
    for run in _runs(values):
        points = " ".join(f"{x(i):.1f},{y(values[i] or 0.0):.1f}" for i in run)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.5"/>'
        )
    last_index = max(i for i, v in enumerate(values) if v is not None)
    last = values[last_index]
    assert last is not None
    parts.append(f'<circle cx="{x(last_index):.1f}" cy="{y(last):.1f}" r="2" fill="{color}"/>')
    parts.append("</svg>")
    return "".join(parts)
