"""Demo companies: deterministic, realistic data for every industry profile.

``generate(profile_id, opportunities=, seed=, anchor=)`` returns every canonical table as Arrow;
``build_workspace(profile_id, home=, …)`` writes them into the workspace ``demo-<profile>``.
The same inputs always give the same data. See :mod:`pulse.demo.generator` for how a company is
simulated and :mod:`pulse.demo.profiles` for each industry's character.
"""

from __future__ import annotations

from pulse.demo.generator import generate, iter_tables
from pulse.demo.plan import DemoError
from pulse.demo.profiles import PROFILE_IDS
from pulse.demo.write import build_workspace, default_anchor, workspace_name

__all__ = [
    "PROFILE_IDS",
    "DemoError",
    "build_workspace",
    "default_anchor",
    "generate",
    "iter_tables",
    "workspace_name",
]
