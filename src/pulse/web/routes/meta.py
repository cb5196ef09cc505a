"""``/-/health``, ``/-/version`` and the plotly.js bundle served from the installed package."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from pulse import __version__
from pulse.web.errors import WebError

router = APIRouter(tags=["meta"])


def _version_of(name: str) -> str | None:
    try:
        return package_version(name)
    except PackageNotFoundError:
        return None


def plotly_js_path() -> Path | None:
    """``plotly.min.js`` inside the installed plotly package (no CDN: machines are offline)."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


@router.get("/-/health", operation_id="health")
def health() -> dict[str, Any]:
    """Whether the server is up."""
    return {"ok": True, "status": "healthy"}


@router.get("/-/version", operation_id="version")
def version() -> dict[str, Any]:
    """Versions of Pulse and what it runs on."""
    return {
        "ok": True,
        "pulse": __version__,
        "python": platform.python_version(),
        "duckdb": _version_of("duckdb"),
        "fastapi": _version_of("fastapi"),
        "plotly": _version_of("plotly"),
    }


@router.get("/-/plotly.min.js", operation_id="plotly_js", include_in_schema=False)
def plotly_js() -> FileResponse:
    """The plotly.js bundle, cached by the browser for a day."""
    path = plotly_js_path()
    if path is None:
        raise WebError(404, "plotly is not installed: pip install 'pulse[web]'")
    return FileResponse(
        path,
        media_type="application/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
