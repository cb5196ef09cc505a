"""The same numbers from Pulse, through its public API (:class:`pulse.compute.Computer`).

``results`` reads every covered KPI × split over the 24 months with ``Computer.rows`` (the raw
rows ``Computer.compute`` judges: the value, and the components :data:`spec.COMPONENTS` lists)
for the check; ``run`` is what the benchmark times:
``Computer.compute_many`` (what ``build_scorecard`` uses: the KPIs planned together so shared
models run once) for each split, 24 months each, cold — Pulse's per-process result cache
(``pulse.compute.RESULTS``) is emptied first, so every run computes everything.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from pulse.compute import RESULTS, Computer
from pulse.periods import Period, parse_period
from pulse.workspace.store import Workspace

from .spec import COMPONENTS, MONTHS, Results, component_key, split_name


def _periods(anchor: date) -> list[Period]:
    return parse_period(f"{anchor:%Y-%m}").series(MONTHS)


def computer(workspace: Workspace, anchor: date, engine: Any = None) -> Computer:
    """A fresh ``Computer`` on ``workspace`` (``engine``: None for DuckDB)."""
    return Computer(workspace, today=anchor, engine=engine)


def results(
    comp: Computer, anchor: date, covered: tuple[tuple[str, tuple[str, ...]], ...]
) -> Results:
    """Every covered KPI × split × month from Pulse, as :data:`spec.Results`."""
    periods = _periods(anchor)
    out: Results = {}
    for kpi, dims in covered:
        for row in comp.rows(kpi, periods, list(dims)):
            if row["value"] is None:
                continue
            segment = tuple(row[d] for d in dims)
            out[(kpi, split_name(dims), row["period_key"], segment)] = float(row["value"])
            for name in COMPONENTS.get(kpi, ()):
                if row[f"c_{name}"] is not None:
                    key = (component_key(kpi, name), split_name(dims), row["period_key"], segment)
                    out[key] = float(row[f"c_{name}"])
    return out


def run(comp: Computer, anchor: date, covered: tuple[tuple[str, tuple[str, ...]], ...]) -> int:
    """Compute every covered KPI × split (the 24 months), cold; return the number of results."""
    RESULTS.clear()
    last = _periods(anchor)[-1]
    by_split: dict[tuple[str, ...], list[str]] = {}
    for kpi, dims in covered:
        by_split.setdefault(dims, []).append(kpi)
    count = 0
    for dims, kpis in by_split.items():
        computed = comp.compute_many(kpis, last, list(dims), history=MONTHS - 1)
        count += sum(len(results) for results in computed.values())
    return count


def breakdown(
    comp: Computer, anchor: date, covered: tuple[tuple[str, tuple[str, ...]], ...]
) -> dict[str, float]:
    """Seconds of each covered query alone, cold (``Computer.compute``): where the time goes."""
    last = _periods(anchor)[-1]
    out: dict[str, float] = {}
    for kpi, dims in covered:
        RESULTS.clear()
        start = time.perf_counter()
        comp.compute(kpi, last, list(dims), history=MONTHS - 1)
        out[f"{kpi} ({split_name(dims)})"] = time.perf_counter() - start
    return out
