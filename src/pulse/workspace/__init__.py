"""Workspaces: one per client company, each with its own database, settings and import log."""

from __future__ import annotations

from pulse.workspace.store import (
    Settings,
    Workspace,
    create_workspace,
    list_workspaces,
    open_workspace,
)

__all__ = ["Settings", "Workspace", "create_workspace", "list_workspaces", "open_workspace"]
