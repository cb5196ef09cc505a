"""Where Pulse keeps its workspaces, and how that is chosen.

Precedence: the ``--home`` flag, then the ``PULSE_HOME`` environment variable, then
``~/.pulse``.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = Path("~/.pulse")


def resolve_home(home: Path | str | None = None) -> Path:
    """Return the workspace home folder from the flag, the environment or the default."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get("PULSE_HOME")
    if env:
        return Path(env).expanduser()
    return DEFAULT_HOME.expanduser()
