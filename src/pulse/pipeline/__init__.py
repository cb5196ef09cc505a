"""Pipeline over time: the pipeline as of any date, what changed between two dates, and the gap
arithmetic that turns a coverage shortfall into opportunities per week."""

from __future__ import annotations

from pulse.pipeline.gap import GapPlan, pipeline_gap_plan

__all__ = ["GapPlan", "pipeline_gap_plan"]
