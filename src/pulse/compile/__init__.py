"""Compile KPI declarations into SQL for each engine (sqlglot does the dialects)."""

from __future__ import annotations
