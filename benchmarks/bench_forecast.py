"""Benchmark: the Monte Carlo forecast — 10,000 simulations over 100,000 open opportunities.

Two runs, each in a fresh child process:

- **Monte Carlo**: ``pulse.forecast.montecarlo.simulate`` on 100,000 open deals (amounts
  log-normal, probabilities from a six-stage map) plus a Poisson stream of new deals, 10,000
  simulations: 10⁹ exact Bernoulli draws;
- **whole forecast**: ``pulse.forecast.revenue.forecast_period`` on a synthetic workspace written
  from numpy/pyarrow (100,000 open opportunities due in 2024-Q3 and 200,000 closed ones over
  the two years before): the SQL for the open pipeline, the bookings so far, the calibration and
  the new-deal history, then the same Monte Carlo.

Times are wall time and CPU time (all threads) inside the child after imports; peak memory is
the child's maximum resident set size (``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh
measuring process). The figures, the machine, its load and the command go into the
``## Monte Carlo forecast`` section of ``docs/benchmarks.md``.

    .venv/bin/python benchmarks/bench_forecast.py --open 100000 --simulations 10000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

import report  # benchmarks/report.py: machine() and write_section()

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Monte Carlo forecast"
STAGES = ["qualification", "discovery", "demo", "proposal", "negotiation", "verbal commitment"]
EPOCH = date(1970, 1, 1)

CHILD_MC = """
import json, sys, time
import numpy as np
from pulse.forecast.montecarlo import NewDeals, simulate
n, sims = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
p = rng.choice([0.10, 0.20, 0.35, 0.50, 0.75, 0.90], n)
a = rng.lognormal(10, 1.2, n)
new = NewDeals(25.0, rng.lognormal(9.5, 0.8, 500))
start, cpu = time.perf_counter(), time.process_time()
sim = simulate(a, p, base=1_000_000.0, new=new, simulations=sims, seed=7)
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "p10": sim.p10, "p50": sim.p50,
                  "p90": sim.p90, "expected": 1_000_000.0 + float(p @ a) + new.expected_value}))
"""

CHILD_FORECAST = """
import json, sys, time
from datetime import date
from pulse.compute import Computer
from pulse.forecast.revenue import forecast_period
from pulse.periods import parse_period
from pulse.workspace.store import open_workspace
computer = Computer(open_workspace("bench", sys.argv[1]), today=date(2024, 12, 31))
computer.catalog  # load the catalog before timing
sims = int(sys.argv[2])
start, cpu = time.perf_counter(), time.process_time()
f = forecast_period(computer, parse_period("2024-Q3"), date(2024, 7, 15), simulations=sims, seed=7)
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
r = f.range
print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "open": len(f.deals), "p10": r.p10,
                  "p50": r.p50, "p90": r.p90, "closed": f.calibration.closed_deals}))
"""


def _days(values: np.ndarray) -> pa.Array:
    return pa.array((values + (date(2022, 7, 1) - EPOCH).days).astype(np.int32), pa.date32())


def build(home: Path, open_deals: int, closed: int, seed: int = 3) -> None:
    """Workspace ``bench``: open deals due in 2024-Q3 (day 731..822 from 2022-07-01) and
    closed deals over the two years before."""
    from pulse.workspace.store import create_workspace

    rng = np.random.default_rng(seed)
    n = open_deals + closed
    is_open = np.arange(n) < open_deals
    created = np.where(is_open, rng.integers(600, 745, n), rng.integers(0, 700, n))
    cycle = rng.integers(5, 200, n)
    close = np.where(is_open, rng.integers(731, 823, n), np.minimum(created + cycle, 744))
    stage = rng.integers(0, 6, n)
    won = rng.random(n) < (stage + 1) / 8
    status = np.where(is_open, "open", np.where(won, "won", "lost")).astype(object)
    closed_at = np.where(is_open, -1, close)
    table = pa.table(
        {
            "opportunity_id": pa.array([f"O{i:07d}" for i in range(n)], pa.string()),
            "owner_id": pa.array([f"R{i:03d}" for i in rng.integers(0, 200, n)], pa.string()),
            "amount": pa.array(np.round(rng.lognormal(10, 1.2, n), 2), pa.float64()),
            "created_at": _days(created),
            "close_date": _days(close),
            "stage": pa.array(np.asarray(STAGES, dtype=object)[stage], pa.string()),
            "status": pa.array(status, pa.string()),
            "closed_at": pa.array(
                np.where(closed_at >= 0, closed_at + (date(2022, 7, 1) - EPOCH).days, 0).astype(
                    np.int32
                ),
                pa.date32(),
                mask=closed_at < 0,
            ),
        }
    )
    shutil.rmtree(home, ignore_errors=True)
    ws = create_workspace("bench", "b2b_saas", home)
    with ws.connection() as con:
        con.register("__bench", table)
        cols = ", ".join(table.column_names)
        con.execute(f"INSERT INTO opportunities ({cols}) SELECT {cols} FROM __bench")
        con.unregister("__bench")


def measure(kind: str, args: list[str]) -> dict[str, float]:
    """One timed run in a child process; its figures and its peak RSS in MiB."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    code = CHILD_MC if kind == "mc" else CHILD_FORECAST
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr}")
    figures: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def run(kind: str, args: list[str]) -> dict[str, float]:
    """Measure in a fresh measuring process, so RUSAGE_CHILDREN sees exactly one child."""
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", kind, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stdout + proc.stderr)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def machine() -> str:
    """The machine, as every benchmark describes it."""
    return report.machine()


def write_section(text: str) -> None:
    """Replace this script's section of docs/benchmarks.md."""
    report.write_section(SECTION.removeprefix("## "), text)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the Monte Carlo forecast.")
    parser.add_argument("--open", type=int, default=100_000, help="open opportunities")
    parser.add_argument(
        "--closed", type=int, default=200_000, help="closed history (whole forecast)"
    )
    parser.add_argument("--simulations", type=int, default=10_000)
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1:])))
        return
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    mc = run("mc", [str(args.open), str(args.simulations)])
    home = DATA / f"forecast-{args.open}"
    build(home, args.open, args.closed)
    whole = run("forecast", [str(home), str(args.simulations)])
    shutil.rmtree(home, ignore_errors=True)
    print(json.dumps({"mc": mc, "whole": whole}))
    command = (
        f".venv/bin/python benchmarks/bench_forecast.py --open {args.open} "
        f"--closed {args.closed} --simulations {args.simulations}"
    )
    cells = args.open * args.simulations
    text = "\n".join(
        [
            SECTION,
            "",
            f"{args.simulations:,} simulations of a period over {args.open:,} open opportunities "
            f"({cells:,} exact Bernoulli draws, one random byte each; see `pulse.forecast.montecarlo`).",
            "*Monte Carlo* is the simulation alone (numpy); *whole forecast* is `forecast_period` on a",
            f"workspace with {args.open:,} open opportunities due in the period and {args.closed:,} closed",
            "ones: SQL for the pipeline as of the date and the bookings so far, calibration, the new-deal",
            "history, then the same simulation. Wall time and CPU time (all threads) are measured inside",
            "a fresh process after imports; peak memory is that process's maximum resident set size.",
            "",
            "| run | wall time | CPU time | peak memory | P10 / P50 / P90 |",
            "|---|---:|---:|---:|---|",
            f"| Monte Carlo | {mc['seconds']:.2f} s | {mc['cpu']:.2f} s | {mc['peak_mib']:,.0f} MiB "
            f"| {mc['p10']:,.0f} / {mc['p50']:,.0f} / {mc['p90']:,.0f} (expected {mc['expected']:,.0f}) |",
            f"| whole forecast | {whole['seconds']:.2f} s | {whole['cpu']:.2f} s | {whole['peak_mib']:,.0f} MiB "
            f"| {whole['p10']:,.0f} / {whole['p50']:,.0f} / {whole['p90']:,.0f} |",
            "",
            f"Machine: {machine()}; load average at the start: {load}.",
            "",
            "Command:",
            "",
            "```bash",
            command,
            "```",
            "",
        ]
    )
    print(text)
    if not args.no_doc:
        write_section(text)


if __name__ == "__main__":
    main()
