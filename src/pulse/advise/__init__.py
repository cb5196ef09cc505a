"""Advice before data: which KPIs a fractional CRO should own, whether one fits, what one
costs, the 90-day plan, the playbook of a profile, and a starting profile derived from traits.

Logic lives in the modules below and returns plain dataclasses; rendering is separate
(:mod:`pulse.advise.render_md`, :mod:`pulse.advise.render_html`, :func:`to_data` for JSON), so
the CLI and the web pages call the same functions.
"""

from __future__ import annotations

from pulse.advise.advice import Advice, advise
from pulse.advise.facts import AdviceError, CompanyFacts, Engagement
from pulse.advise.mermaid import mermaid_flowchart
from pulse.advise.playbook import Playbook, build_playbook, playbook_for
from pulse.advise.serialize import to_data

__all__ = [
    "Advice",
    "AdviceError",
    "CompanyFacts",
    "Engagement",
    "Playbook",
    "advise",
    "build_playbook",
    "mermaid_flowchart",
    "playbook_for",
    "to_data",
]
