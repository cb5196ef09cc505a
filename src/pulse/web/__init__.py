"""The web dashboard: portfolio, client dashboards, KPI pages, data and KPI-set pages.

``create_app(settings)`` builds the FastAPI app; ``pulse serve`` runs it with uvicorn.
"""

from __future__ import annotations

from pulse.web.app import create_app
from pulse.web.config import WebSettings

__all__ = ["WebSettings", "create_app"]
