"""Benchmark: building a demo workspace with ``pulse demo`` at large sizes.

For each size, in a fresh temporary home, this runs the real command in a child process::

    pulse demo --profile b2b_saas --opportunities N --anchor 2025-06-30 --home TMP

and reports the wall time, the child's peak resident memory (``ru_maxrss`` of a dedicated
measuring process per size, so sizes do not mask each other), the rows written and the size of
the DuckDB file. Prints a Markdown table.

    .venv/bin/python benchmarks/bench_demo.py --opportunities 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
PULSE = ROOT / ".venv" / "bin" / "pulse"

MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": done.returncode, "seconds": seconds, "peak": peak, "err": done.stderr[-2000:]}))
"""


def run(profile: str, opportunities: int, anchor: str) -> dict[str, object]:
    """Build one demo in a fresh home and measure it."""
    home = Path(tempfile.mkdtemp(prefix="pulse-bench-demo-"))
    try:
        command = [str(PULSE), "demo", "--profile", profile, "--opportunities", str(opportunities)]
        command += ["--anchor", anchor, "--home", str(home)]
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True
        )
        result = json.loads(out.stdout)
        if result["code"] != 0:
            raise SystemExit(f"pulse demo failed:\n{result['err']}")
        name = "demo-" + profile.replace("_", "-")
        db = home / name / "pulse.duckdb"
        with duckdb.connect(str(db), read_only=True) as con:
            tables = [
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            ]
            rows = sum(
                int(con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchall()[0][0])
                for t in tables
                if not t.startswith("_")
            )
        return {
            "opportunities": opportunities,
            "seconds": round(float(result["seconds"]), 1),
            "peak_gib": round(int(result["peak"]) / 2**30, 2),
            "rows": rows,
            "db_mib": round(db.stat().st_size / 2**20),
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    """Run the sizes given on the command line and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--profile", default="b2b_saas")
    parser.add_argument("--anchor", default="2025-06-30")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}"
    )
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print("| opportunities | rows written | seconds | peak memory (GiB) | DuckDB file (MiB) |")
    print("|---:|---:|---:|---:|---:|")
    for n in args.opportunities:
        r = run(args.profile, n, args.anchor)
        print(
            f"| {n:,} | {r['rows']:,} | {r['seconds']} | {r['peak_gib']} | {r['db_mib']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
