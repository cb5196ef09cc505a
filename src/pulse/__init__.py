"""Pulse: the revenue KPI system a fractional CRO runs a company on."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
