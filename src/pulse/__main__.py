"""``python -m pulse`` runs the CLI."""

from __future__ import annotations

from pulse.cli import main

main()
