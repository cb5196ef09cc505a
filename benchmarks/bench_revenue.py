"""Benchmark: the ARR bridge and NRR over one million customers × 24 months.

Generates subscriptions straight into a DuckDB workspace with numpy and pyarrow (git-ignored
``benchmarks/.data/``, reused when present): for each customer a main software line (60% from
January 2023, the rest starting over the 24 months; monthly, yearly or quarterly billing; 5% in
EUR with a monthly exchange rate), 30% with a service add-on, 10% with a price change, 30%
cancelled. Then, each in a fresh subprocess on the same workspace:

- **bridge**: ``pulse.revenue.compute_bridge`` for 2024-Q4, exact to the cent (every month
  from the first line classified for every customer, then three months summed);
- **arr_bridge KPI**: ``Computer.latest('arr_bridge', 2024-Q4)`` (also computes 2024-Q3 for
  the trend);
- **nrr KPI**: ``Computer.latest('nrr', 2024-12)`` (trailing-12-month cohort, and 2024-11).

Time is the wall time inside the child; peak memory is the child's maximum resident set size
(``resource.getrusage(RUSAGE_CHILDREN)`` in a measuring process with exactly one child). The
figures go into the ``## Revenue`` section of ``docs/benchmarks.md``.

    .venv/bin/python benchmarks/bench_revenue.py --customers 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

import report  # benchmarks/report.py: machine() and write_section()

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Revenue"
FIRST = date(2023, 1, 1).toordinal()
LAST = date(2024, 12, 31).toordinal()
TODAY = "2024-12-31"

CHILD = """
import json, sys, time
from datetime import date
from pathlib import Path
from pulse.compute import Computer
from pulse.periods import parse_period
from pulse.revenue import compute_bridge
from pulse.workspace.store import open_workspace
home, task = Path(sys.argv[1]), sys.argv[2]
ws = open_workspace("bench", home)
comp = Computer(ws, today=date.fromisoformat(sys.argv[3]))
start = time.perf_counter()
if task == "bridge":
    b = compute_bridge(comp, parse_period("2024-Q4"))
    out = {"balances": b.balances, "start": str(b.start), "end": str(b.end), "new": str(b.new),
           "expansion": str(b.expansion), "contraction": str(b.contraction),
           "churn": str(b.churn), "reactivation": str(b.reactivation), "fx": str(b.fx)}
else:
    (r,) = comp.latest(task, parse_period("2024-Q4" if task == "arr_bridge" else "2024-12"))
    out = {"value": r.value, "components": r.components}
seconds = time.perf_counter() - start
comp.close()
print(json.dumps({"seconds": seconds, **out}))
"""


def _days(rng: np.random.Generator, low: np.ndarray, high: int) -> np.ndarray:
    span = np.maximum(high - low, 1)
    out: np.ndarray = low + (rng.random(low.shape[0]) * span).astype(np.int64)
    return out


def subscriptions(customers: int, seed: int = 7) -> pa.Table:
    """The generated subscription lines (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(customers)
    base = rng.random(customers) < 0.6
    start = np.where(
        base,
        FIRST + rng.integers(0, 31, customers),
        FIRST + rng.integers(0, LAST - FIRST, customers),
    )
    cancelled = rng.random(customers) < 0.3
    end = np.where(cancelled, _days(rng, start + 31, LAST + 1), -1)
    billing = rng.choice(np.array(["month", "year", "quarter"]), customers, p=[0.6, 0.3, 0.1])
    factor = np.select([billing == "year", billing == "quarter"], [12, 3], 1)
    amount = np.round(rng.lognormal(4.5, 0.8, customers) * factor, 2)
    currency = np.array([None] * customers, dtype=object)
    currency[rng.random(customers) < 0.05] = "EUR"

    addon = rng.random(customers) < 0.3
    a_start = _days(rng, start[addon] + 1, LAST + 1)
    a_end = np.where(end[addon] > 0, np.maximum(end[addon], a_start + 1), -1)
    a_amount = np.round(rng.lognormal(3.0, 0.5, int(addon.sum())), 2)

    change = (rng.random(customers) < 0.1) & ~cancelled
    c_day = _days(rng, start[change] + 35, LAST)
    c_amount = np.round(amount[change] * rng.choice([0.8, 1.25], int(change.sum())), 2)
    main_end = end.copy()
    main_end[change] = c_day

    def dates(days: np.ndarray) -> pa.Array:
        epoch = date(1970, 1, 1).toordinal()
        return pa.array(np.where(days > 0, days - epoch, 0).astype("int32"), pa.int32()).cast(
            pa.date32()
        )

    parts = [
        (ids, "software", "core", start, main_end, amount, billing, currency),
        (ids[addon], "service", "care", a_start, a_end, a_amount, np.full(int(addon.sum()), "month"), currency[addon]),
        (ids[change], "software", "core", c_day, np.full(int(change.sum()), -1), c_amount, billing[change], currency[change]),
    ]  # fmt: skip
    tables = []
    offset = 0
    for cust, stream, product, s, e, amt, bp, cur in parts:
        n = len(cust)
        end_dates = dates(e)
        tables.append(
            pa.table(
                {
                    "line_id": pa.array(np.char.add("L", (np.arange(n) + offset).astype(str))),
                    "account_id": pa.array(np.char.add("C", cust.astype(str))),
                    "product": pa.array(np.full(n, product)),
                    "stream": pa.array(np.full(n, stream)),
                    "start_date": dates(s),
                    "end_date": pa.array(
                        [
                            None if x < 0 else v
                            for x, v in zip(e, end_dates.to_pylist(), strict=True)
                        ],
                        pa.date32(),
                    ),
                    "amount": pa.array(amt).cast(pa.decimal128(18, 4)),
                    "billing_period": pa.array(bp.astype(str)),
                    "currency": pa.array(cur, pa.string()),
                    "is_trial": pa.array(np.zeros(n, dtype=bool)),
                }
            )
        )
        offset += n
    return pa.concat_tables(tables)


def fx_rates() -> pa.Table:
    months = [date(2023 + m // 12, m % 12 + 1, 1) for m in range(24)]
    rates = [round(1.05 + 0.05 * np.sin(m / 3), 4) for m in range(24)]
    return pa.table({"currency": ["EUR"] * 24, "date": months, "rate_to_reporting": rates})


def prepare(customers: int) -> tuple[Path, dict[str, int]]:
    """The benchmark workspace for ``customers`` customers, generated once."""
    from pulse.workspace.store import create_workspace

    home = DATA / f"revenue-{customers}"
    marker = home / "ready.json"
    if marker.is_file():
        return home, json.loads(marker.read_text())
    if home.exists():
        import shutil

        shutil.rmtree(home)
    ws = create_workspace("bench", "b2b_saas", home)
    lines = subscriptions(customers)
    with ws.connection() as con:
        con.register("lines", lines)
        con.execute(
            f"INSERT INTO subscriptions ({', '.join(lines.column_names)}) SELECT * FROM lines"
        )
        con.register("fx", fx_rates())
        con.execute("INSERT INTO fx_rates (currency, date, rate_to_reporting) SELECT * FROM fx")
        con.execute("UPDATE _data_version SET version = version + 1")
        counts = {
            "customers": customers,
            "lines": int(con.execute("SELECT COUNT(*) FROM subscriptions").fetchall()[0][0]),
        }
    marker.write_text(json.dumps(counts))
    return home, counts


def measure(home: Path, task: str) -> dict[str, object]:
    """One task in a child process; its figures, CPU seconds and peak RSS in MiB."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), task, TODAY],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{task} failed:\n{proc.stderr}")
    figures: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures["peak_mib"] = usage.ru_maxrss / 1024  # KiB on Linux
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return figures


def machine() -> str:
    """The machine, as every benchmark describes it."""
    return report.machine()


TASKS = (
    ("bridge", "ARR bridge 2024-Q4, exact (`pulse revenue bridge`)"),
    ("arr_bridge", "`arr_bridge` KPI, 2024-Q4 and 2024-Q3"),
    ("nrr", "`nrr` KPI, 2024-12 and 2024-11 (trailing-12-month cohort)"),
)


def section(
    counts: dict[str, int], results: dict[str, dict[str, object]], command: str, where: str
) -> str:
    bridge = results["bridge"]
    lines = [
        SECTION,
        "",
        f"Subscriptions of {counts['customers']:,} customers over 24 months (2023-01 to 2024-12;",
        f"{counts['lines']:,} lines: monthly, yearly and quarterly billing, add-ons in a second",
        "stream, price changes, cancellations, 5% in EUR with a monthly rate), generated into a",
        "DuckDB workspace. Each figure is one fresh process on the default DuckDB engine: wall",
        "time of the computation, CPU (user + system, all threads, start-up included) and the",
        "process's peak resident memory.",
        "",
        "| computation | time | CPU | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for task, label in TASKS:
        r = results[task]
        lines.append(
            f"| {label} | {float(r['seconds']):.1f} s | {float(r['cpu_seconds']):.1f} s "  # type: ignore[arg-type]
            f"| {float(r['peak_mib']):,.0f} MiB |"  # type: ignore[arg-type]
        )
    nrr = results["nrr"]
    lines += [
        "",
        f"The 2024-Q4 bridge: start {bridge['start']} + new {bridge['new']} + expansion "
        f"{bridge['expansion']} + reactivation {bridge['reactivation']} − contraction "
        f"{bridge['contraction']} − churn {bridge['churn']} + fx {bridge['fx']} = end "
        f"{bridge['end']} (balances: {bridge['balances']}); NRR at 2024-12 "
        f"{float(nrr['value']):.4f}.",  # type: ignore[arg-type]
        "",
        f"Machine: {where}.",
        "",
        "Command:",
        "",
        "```bash",
        command,
        "```",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace this script's section of docs/benchmarks.md."""
    report.write_section(SECTION.removeprefix("## "), text)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the ARR bridge and NRR.")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument("--measure", nargs=2, metavar=("HOME", "TASK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        home, task = args.measure
        print(json.dumps(measure(Path(home), task)))
        return
    where = machine()
    started = time.perf_counter()
    home, counts = prepare(args.customers)
    print(f"workspace ready in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
    results: dict[str, dict[str, object]] = {}
    for task, _ in TASKS:
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", str(home), task],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(proc.stdout + proc.stderr)
        results[task] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(task, json.dumps(results[task]), flush=True)
    command = f".venv/bin/python benchmarks/bench_revenue.py --customers {args.customers}"
    text = section(counts, results, command, where)
    print(text)
    if not args.no_doc:
        write_section(text)


if __name__ == "__main__":
    main()
