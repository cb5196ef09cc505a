"""The board pack as PDF: WeasyPrint renders the HTML pack (static SVG charts, no JavaScript)."""

from __future__ import annotations

from weasyprint import HTML

from pulse.exports.html import TEMPLATES, render_html
from pulse.exports.report import BoardPack


def render(pack: BoardPack) -> bytes:
    """PDF bytes of the HTML board pack."""
    pdf: bytes = HTML(string=render_html(pack), base_url=str(TEMPLATES)).write_pdf()
    return pdf
