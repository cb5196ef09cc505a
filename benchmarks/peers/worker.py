"""Time one engine on the covered scorecard, in its own process so peak memory is its own.

    PYTHONPATH=benchmarks python -m peers.worker --engine pandas --home H --data D --runs 3 \
        --results out.pickle

Prints one JSON line: the wall time of every run, the process's peak resident memory (for Spark
the JVM's peak is reported too), and, after the timed runs, writes the engine's numbers to
``--results`` for the check against Pulse.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pulse.workspace.store import open_workspace

from . import pandas_scorecard, polars_scorecard, pulse_scorecard
from .spec import COVERED, Results, months

ENGINES = ("pulse-duckdb", "pulse-spark", "pandas", "polars")
WORKSPACE = "demo-b2b-saas"


def _peak_bytes(pid: int | str = "self") -> int:
    """Peak resident memory (VmHWM) of process ``pid``; 0 when unknown.

    Not ``ru_maxrss``: Linux carries the parent's peak over into a child across fork and exec,
    so a worker started by a big parent would report at least the parent's peak.
    """
    status = Path(f"/proc/{pid}/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _jvm_peak_bytes() -> int:
    """Peak resident memory of the Spark JVM this process started (0 when unknown)."""
    try:
        from pyspark import SparkContext

        gateway = SparkContext._gateway
        pid = gateway.proc.pid if gateway is not None and gateway.proc is not None else None
    except Exception:
        return 0
    return 0 if pid is None else _peak_bytes(pid)


def _runner(
    engine: str, home: Path, data: Path, anchor: date
) -> tuple[Callable[[], object], Callable[[], Results]]:
    """One whole timed run, and how to get this engine's numbers for the check."""
    window = months(anchor)
    if engine in ("pandas", "polars"):
        module = pandas_scorecard if engine == "pandas" else polars_scorecard
        first: list[Results] = []

        def peer_run() -> object:
            numbers = module.scorecard(data, window, COVERED)
            if not first:
                first.append(numbers)
            return numbers

        return peer_run, lambda: first[0]
    workspace = open_workspace(WORKSPACE, home)
    spark: Any = None
    if engine == "pulse-spark":
        from pulse.engines.spark import SparkEngine

        spark = SparkEngine.for_workspace(workspace)

    def pulse_run() -> object:
        comp = pulse_scorecard.computer(workspace, anchor, engine=spark)
        try:
            return pulse_scorecard.run(comp, anchor, COVERED)
        finally:
            if spark is None:
                comp.close()

    def pulse_numbers() -> Results:
        comp = pulse_scorecard.computer(workspace, anchor, engine=spark)
        try:
            return pulse_scorecard.results(comp, anchor, COVERED)
        finally:
            if spark is None:
                comp.close()

    return pulse_run, pulse_numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=ENGINES, required=True)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--anchor", type=date.fromisoformat, default=date(2026, 9, 30))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--breakdown", action="store_true", help="Pulse: time each query alone")
    args = parser.parse_args()
    run, numbers = _runner(args.engine, args.home, args.data, args.anchor)
    times: list[float] = []
    for _ in range(args.runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    if args.results is not None:  # Pulse's numbers: after the timed runs, not counted
        args.results.write_bytes(pickle.dumps(numbers()))
    split: dict[str, float] = {}
    if args.engine == "pulse-duckdb" and args.breakdown:  # after the peak-relevant runs
        workspace = open_workspace(WORKSPACE, args.home)
        comp = pulse_scorecard.computer(workspace, args.anchor)
        split = pulse_scorecard.breakdown(comp, args.anchor, COVERED)
        comp.close()
    peak = _peak_bytes() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    jvm = _jvm_peak_bytes() if args.engine == "pulse-spark" else 0
    report = {"engine": args.engine, "times": times, "peak": peak, "jvm_peak": jvm}
    print(json.dumps({**report, "breakdown": split}))


if __name__ == "__main__":
    main()
