"""Board-pack exports: one content builder, one renderer per format.

:func:`render_report` is what the CLI (``pulse report``) and the web app call::

    from pulse.exports import FORMATS, render_report
    data = render_report(workspace, "2024-Q2", "pdf")          # bytes
    FORMATS["pdf"].media_type, FORMATS["pdf"].filename(workspace.name, "2024-Q2")

The registry maps a format (its file extension) to the module that renders a
:class:`~pulse.exports.report.BoardPack`; renderers are imported only when used, so the PDF's
WeasyPrint and the HTML's Jinja load only for those formats.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from pulse.catalog.models import Profile
from pulse.compute import Computer
from pulse.errors import PulseError, unknown
from pulse.exports.report import BoardPack, build_report
from pulse.periods import Period
from pulse.workspace.store import Workspace


@dataclass(frozen=True)
class Format:
    """One export format: its extension, media type and renderer module."""

    name: str
    media_type: str
    module: str
    description: str
    binary: bool = False

    def filename(self, workspace: str, period: str) -> str:
        """A download name such as ``acme-board-pack-2024-Q2.pdf``."""
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{workspace}-board-pack-{period}")
        return f"{safe}.{self.name}"

    def render(self, pack: BoardPack) -> bytes:
        """The pack in this format."""
        try:
            module = importlib.import_module(f"pulse.exports.{self.module}")
        except ImportError as exc:
            raise PulseError(
                f"the {self.name} board pack needs '{exc.name}', which is not installed",
                hint="install the web extra: pip install 'pulse[web]'",
            ) from exc
        data: bytes = module.render(pack)
        return data


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("pdf", "application/pdf", "pdf", "PDF rendered from the HTML pack", binary=True),
        Format(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            "Excel workbook, one sheet per section",
            binary=True,
        ),
        Format("md", "text/markdown; charset=utf-8", "md", "Markdown document"),
        Format("html", "text/html; charset=utf-8", "html", "self-contained HTML page"),
        Format("csv", "text/csv; charset=utf-8", "csvfile", "KPI series as CSV"),
        Format("json", "application/json", "jsonfile", "everything, as JSON"),
    )
}


def get_format(name: str) -> Format:
    """The format called ``name`` or a PulseError with a did-you-mean."""
    key = name.strip().lower().lstrip(".")
    if key in FORMATS:
        return FORMATS[key]
    raise unknown("report format", name, FORMATS)


def render(pack: BoardPack, fmt: str) -> bytes:
    """``pack`` in format ``fmt``."""
    return get_format(fmt).render(pack)


def render_report(
    workspace: Workspace,
    period: Period | str,
    fmt: str,
    *,
    as_of: date | None = None,
    profile: Profile | None = None,
    computer: Computer | None = None,
    history: int = 6,
    today: date | None = None,
    generated_at: datetime | None = None,
) -> bytes:
    """Build the board pack of ``workspace`` for ``period`` and render it as ``fmt``.

    ``profile`` picks the KPIs (pass the KPI set in force when it differs from the workspace's
    profile); ``computer`` reuses an open :class:`~pulse.compute.Computer`.
    """
    chosen = get_format(fmt)  # fail before computing anything
    pack = build_report(
        workspace,
        period,
        computer=computer,
        profile=profile,
        as_of=as_of,
        history=history,
        today=today,
        generated_at=generated_at,
    )
    return chosen.render(pack)


__all__ = [
    "FORMATS",
    "BoardPack",
    "Format",
    "build_report",
    "get_format",
    "render",
    "render_report",
]
