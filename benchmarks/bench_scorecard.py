"""The whole scorecard of a demo workspace at 100,000 and 1,000,000 opportunities, DuckDB engine.

Builds each demo workspace once (``pulse.demo.build_workspace``), then times the profile's full
scorecard (every core and supporting KPI for one quarter, with the previous quarter for trends):

- *before*: the code of git revision ``--before`` (default ``HEAD``, exported read-only with
  ``git archive`` to a temporary folder) in a child process on the same workspace, so before and
  after run under the same machine load;
- *cold*: this code, a fresh ``Computer`` with the results cache emptied — each model shared by
  several KPIs computed once (``Computer.compute_many``);
- *warm*: a fresh ``Computer`` on unchanged data — served from the results cache (per data
  version).

Reports wall and CPU times, checks that before and cold give the same numbers, and writes the
"Scorecard" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_scorecard.py --opportunities 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulse.compute import RESULTS, Computer
from pulse.demo import build_workspace
from pulse.periods import parse_period
from pulse.scorecard import Scorecard, build_scorecard
from pulse.workspace.store import Workspace
from report import machine, write_section

REPO = Path(__file__).resolve().parents[1]
ANCHOR = date(2026, 9, 30)
PERIOD = "2026-Q3"
# Issue 3: "well under a second" at 100,000, held here to half a second; issue 8: under 2
# seconds at 1,000,000.
AIMS = {100_000: 0.5, 1_000_000: 2.0}

# Run in a child process with the old source tree first on sys.path: one cold scorecard.
BEFORE_SCRIPT = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pulse.compute import Computer
from pulse.periods import parse_period
from pulse.scorecard import build_scorecard
from pulse.workspace.store import open_workspace
ws = open_workspace(sys.argv[2], Path(sys.argv[3]))
computer = Computer(ws, today=date.fromisoformat(sys.argv[4]))
cpu0 = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
card = build_scorecard(computer, parse_period(sys.argv[5]), history=1)
wall = time.perf_counter() - start
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
values = {l.result.kpi.id: [h.value for h in l.history] for l in card.lines()}
print(json.dumps({"wall": wall, "cpu": cpu, "values": values}))
"""


def _export(revision: str) -> Path:
    """The ``src`` tree of ``revision`` in a temporary folder (git archive: read-only)."""
    data = subprocess.run(
        ["git", "archive", revision, "src"], cwd=REPO, check=True, capture_output=True
    ).stdout
    target = Path(tempfile.mkdtemp(prefix="pulse-before-"))
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def _before(src: Path, ws: Workspace) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", BEFORE_SCRIPT, str(src), ws.name, str(ws.path.parent),
         ANCHOR.isoformat(), PERIOD],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _card(ws: Workspace, *, cold: bool = True) -> tuple[float, float, Scorecard]:
    if cold:
        RESULTS.clear()
    computer = Computer(ws, today=ANCHOR)
    cpu = _cpu()
    start = time.perf_counter()
    card = build_scorecard(computer, parse_period(PERIOD), history=1)
    elapsed = time.perf_counter() - start
    cpu = _cpu() - cpu
    computer.close()
    return elapsed, cpu, card


def _values(card: Scorecard) -> dict[str, list[float | None]]:
    return {line.result.kpi.id: [h.value for h in line.history] for line in card.lines()}


def _same(a: dict[str, list[Any]], b: dict[str, list[Any]]) -> bool:
    def close(x: float | None, y: float | None) -> bool:
        if x is None or y is None:
            return x is y
        return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))

    return a.keys() == b.keys() and all(
        close(x, y) for k in a for x, y in zip(a[k], b[k], strict=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opportunities", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--profile", default="b2b_saas")
    parser.add_argument("--runs", type=int, default=5, help="cold runs per size")
    parser.add_argument("--before", default="HEAD", help="git revision to compare with")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load = machine()
    before_src = _export(args.before)
    rows: list[str] = []
    notes: list[str] = []
    kpis = 0
    for n in args.opportunities:
        home = Path(tempfile.mkdtemp(prefix="pulse-bench-scorecard-"))
        try:
            t0 = time.perf_counter()
            ws = build_workspace(args.profile, home=home, opportunities=n, seed=7, anchor=ANCHOR)
            built = time.perf_counter() - t0
            before = _before(before_src, ws)
            cold = [_card(ws) for _ in range(args.runs)]
            warm = [_card(ws, cold=False) for _ in range(args.runs)]
        finally:
            shutil.rmtree(home, ignore_errors=True)
        card = cold[-1][2]
        kpis = len(card.lines())
        same = _same(before["values"], _values(card))
        median = statistics.median(t for t, _, _ in cold)
        cpu = statistics.median(c for _, c, _ in cold)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            f"| {n:,} | {kpis} | {before['wall']:.2f} s | {before['cpu']:.2f} s | "
            f"{median:.2f} s | {min(t for t, _, _ in cold):.2f} s | {cpu:.2f} s | "
            f"{statistics.median(t for t, _, _ in warm) * 1000:.0f} ms | "
            f"{before['wall'] / median:.1f}× | {before['cpu'] / cpu:.1f}× | "
            f"{'yes' if same else 'NO'} | {peak:,.0f} MiB | {built:.0f} s |"
        )
        print(rows[-1], flush=True)
        aim = AIMS.get(n)
        if aim is not None:
            verdict = (
                f"meets the {aim:g}-second aim"
                if median <= aim
                else f"misses the {aim:g}-second aim by {median - aim:.2f} s ({median / aim:.1f}×)"
            )
            notes.append(f"- {n:,} opportunities: the cold scorecard {verdict}.")
    shutil.rmtree(before_src.parent, ignore_errors=True)
    table = "\n".join(rows)
    notes_text = "\n".join(notes)
    text = f"""## Scorecard

The full scorecard of the `{args.profile}` demo workspace (every core and supporting KPI of the
profile — {kpis} KPIs — for 2026-Q3 with 2026-Q2 for the trend) on DuckDB. *Before* is git
revision `{args.before}`, run once in a child process on the same workspace during the same run.
*Cold* is this code in a fresh `Computer` with the results cache emptied: the KPIs are planned
together, and an aggregating model that two or more separate statements would compute is
computed once into a table of its own, while one read several times inside a single statement
stays a CTE, which DuckDB computes once (median and best of {args.runs}). *Warm* is a fresh
`Computer` on unchanged data: every statement comes from the results cache, keyed by the
workspace's data version. CPU is user + system time over all DuckDB threads, less distorted by
the machine's other load than wall time. *Same numbers*: before and cold agree to 1e-9 on every
KPI and period. Peak memory is this process's maximum resident set size so far.

| opportunities | KPIs | before | before CPU | cold (median) | cold (best) | cold CPU | warm | wall ratio | CPU ratio | same numbers | peak memory | demo build |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|
{table}

{notes_text}

What changed against the previous pass (same numbers, checked above and by the KPI suites): the
open pipeline's states meet each as-of day through the months a stage-history span touches (an
equality join on the month, `open_candidate_states`) instead of a range join that sorted every
span; NRR and GRR add up the retention cohort once per segment (`retention_totals`), whose pairs
look up the ARR now among the end month ends' rows by month, customer and stream; models that
generate rows (UNNEST of a series: the open states, the bridge's movement rows, the month spine)
count as work worth computing once; and the per-customer models that joined every row with
`periods` only to be keyed by them (logo churn, the retention cohort, the bridge rows) no longer
read it: a model is keyed by period through the models it reads. These matter most for the
24-month peers scorecard at 10,000,000 opportunities (see "Peers"); this one-quarter scorecard
changes little. Earlier passes: the open pipeline's spans are computed once for every as-of date
in the same range of days (`open_candidate_spans`), the ARR-bridge KPIs add up the start and end
snapshots once per segment (`bridge_snapshot_totals`), results are built with Python's cyclic
garbage collector paused, the statements of a batch run two at a time on this 2-core machine,
each as soon as the models it reads are computed, with one DuckDB thread per statement
(`DuckDBEngine.run_many`), and each aggregating model that several statements read is computed
once.

Where an aim is missed, the cold time goes to models that each run once but stay heavy at that
size: the bridge's movements (per customer-stream windows over every month end where revenue
can change), the month-end snapshots and retention cohort (one row per customer, stream and
month end), the duplicate-name matching (candidate pairs within blocks of the same first three
characters and digits) and the stage-history lookup. They run once per data version; after
that the scorecard is warm. Other contributors' jobs share this 2-core machine, so wall times
swing from run to run (CPU time less so).

Machine: {load}.

Command:

```bash
.venv/bin/python benchmarks/bench_scorecard.py --opportunities {" ".join(str(n) for n in args.opportunities)} --profile {args.profile} --before {args.before}
```
"""
    print(text)
    if not args.no_write:
        write_section("Scorecard", text)


if __name__ == "__main__":
    main()
