"""The whole scorecard of a demo workspace with 100,000 opportunities, DuckDB engine.

Builds the demo workspace once (``pulse.demo.build_workspace``), then times the profile's full
scorecard (every core and supporting KPI for one quarter, with the previous quarter for trends)
several times in fresh ``Computer`` objects, and reports the median and best wall times and the
process's peak memory. Writes the "Scorecard" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_scorecard.py --opportunities 100000 --profile b2b_saas
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulse.compute import Computer
from pulse.demo import build_workspace
from pulse.periods import parse_period
from pulse.scorecard import build_scorecard
from report import machine, write_section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--profile", default="b2b_saas")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="pulse-bench-scorecard-"))
    anchor = date(2026, 9, 30)
    t0 = time.perf_counter()
    ws = build_workspace(
        args.profile, home=home, opportunities=args.opportunities, seed=7, anchor=anchor
    )
    built = time.perf_counter() - t0
    period = parse_period("2026-Q3")
    times = []
    kpis = 0
    for _ in range(args.runs):
        computer = Computer(ws, today=anchor)
        start = time.perf_counter()
        card = build_scorecard(computer, period, history=1)
        times.append(time.perf_counter() - start)
        kpis = len(card.lines())
        computer.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = f"""## Scorecard

The full scorecard of the `{args.profile}` demo workspace with {args.opportunities:,} opportunities
(every core and supporting KPI of the profile — {kpis} KPIs — for 2026-Q3 with 2026-Q2 for the
trend), on DuckDB, each run in a fresh `Computer` (no cached results). The demo workspace took
{built:.1f} s to build.

| opportunities | KPIs | median | best | runs | peak memory (process) |
|---:|---:|---:|---:|---:|---:|
| {args.opportunities:,} | {kpis} | {statistics.median(times):.2f} s | {min(times):.2f} s | {args.runs} | {peak:.0f} MiB |

Machine: {machine()}.

Command:

```bash
.venv/bin/python benchmarks/bench_scorecard.py --opportunities {args.opportunities} --profile {args.profile}
```
"""
    print(text)
    if not args.no_write:
        write_section("Scorecard", text)


if __name__ == "__main__":
    main()
