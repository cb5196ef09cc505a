"""Options shared by every command group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Home = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="PULSE_HOME",
        help="Folder holding the workspaces (default: ~/.pulse).",
        show_default=False,
    ),
]
WorkspaceName = Annotated[str, typer.Argument(help="Workspace (client company) name.")]


class Format:
    """Output formats accepted by ``--format``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MD = "md"
