"""The connected demo: a CRM from the generator, the rest of the stack from tool exports.

``build_connected(home=…)`` creates the workspace ``demo-connected`` (profile b2b_saas): its
CRM tables come from the demo generator, its product, accounting, call, forecast, engagement and
support data from files written in each vendor's export format (``<workspace>/exports/``) and
imported through the shipped presets with account matching. ``pulse demo --connected`` builds
it and prints the matching report and the scorecard. See docs/how-to/connect-your-tools.md.
"""

from __future__ import annotations

from pulse.demo.connected.build import NAME, ConnectedDemo, build_connected

__all__ = ["NAME", "ConnectedDemo", "build_connected"]
