"""The board pack as one self-contained HTML page (the PDF is rendered from the same page).

Charts are static inline SVG drawn by :mod:`pulse.exports.charts_svg`, so the page needs no
JavaScript, no network and no files beside it. Every text from the workspace is escaped by Jinja.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from pulse.exports.charts_svg import line_chart, sparkline
from pulse.exports.report import SECTION_TITLES, STATUS_LEGEND, BoardPack, KPIEntry
from pulse.format import format_value

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "board_pack.html.j2"
STATUS_COLOURS = {
    "green": "#2f855a",
    "amber": "#b7791f",
    "red": "#c53030",
}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _chart(k: KPIEntry, currency: str) -> str:
    return line_chart(
        [p.period for p in k.series],
        [p.value for p in k.series],
        target=k.target,
        fmt=lambda v: format_value(v, k.unit, currency),
        title=f"{k.name}: last {len(k.series)} periods",
        width=340,
        height=150,
        color=STATUS_COLOURS.get(k.status, "#1f3a5f"),
    )


def render_html(pack: BoardPack) -> str:
    """The pack as an HTML document."""
    env = _environment()
    charts = {k.id: Markup(_chart(k, pack.currency)) for k in pack.kpis()}
    sparks = {
        k.id: Markup(
            sparkline(
                [p.value for p in k.series],
                color=STATUS_COLOURS.get(k.status, "#1f3a5f"),
                title=f"{k.name} trend",
            )
        )
        for k in pack.kpis()
    }
    text: str = env.get_template(TEMPLATE).render(
        pack=pack,
        charts=charts,
        sparks=sparks,
        summary=pack.summary(),
        legend=STATUS_LEGEND,
        section_titles=SECTION_TITLES,
        previous_label=pack.period.previous().label,
    )
    return text


def render(pack: BoardPack) -> bytes:
    """UTF-8 HTML."""
    return render_html(pack).encode("utf-8")
