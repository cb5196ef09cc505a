"""Benchmark: an import with account matching and aggregation (tickets → health_signals).

Creates a fresh workspace in a temporary folder with ``--accounts`` CRM accounts, writes a
support-ticket CSV of ``--rows`` rows whose organisation column holds ``--values`` distinct
values (CRM ids, e-mail domains, upper-cased names, typos, unknown names), and imports it with
``match_accounts: true`` and ``aggregate: {support_tickets: sum}`` per account per day. Prints
the time of the matching alone (distinct values against the accounts) and of the whole import.

    .venv/bin/python benchmarks/bench_match_accounts.py --rows 1000000 --values 5000
"""

from __future__ import annotations

import argparse
import random
import string
import tempfile
import time
from pathlib import Path

from pulse.ingest import import_file, import_records
from pulse.ingest.matching import match_values
from pulse.workspace.store import create_workspace

MAPPING = """table: health_signals
match_accounts: true
aggregate: {support_tickets: sum}
columns:
  account_id: Organization
  observed_at: Created at
  support_tickets: {value: "1"}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--values", type=int, default=5_000)
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(1)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(3000)]
    accounts = []
    for i in range(args.accounts):
        name = " ".join(rng.sample(words, rng.randint(1, 3))).title()
        suffix = rng.choice(["Inc", "LLC", "Ltd", "GmbH", "Corp", ""])
        accounts.append(
            {"account_id": f"A{i:05d}", "name": f"{name} {suffix}".strip(),
             "domain": f"{name.split()[0].lower()}{i}.com"}
        )  # fmt: skip
    values = []
    for _ in range(args.values):
        a = rng.choice(accounts)
        r = rng.random()
        if r < 0.25:
            values.append(a["account_id"])
        elif r < 0.5:
            values.append("support@" + a["domain"])
        elif r < 0.7:
            values.append(a["name"].upper())
        elif r < 0.85:
            values.append(a["name"][:-1] + "x")
        else:
            values.append("".join(rng.choices(string.ascii_lowercase + " ", k=15)).strip())
    with tempfile.TemporaryDirectory() as home:
        ws = create_workspace("bench", "b2b_saas", home)
        import_records(ws, "accounts", accounts, source_name="accounts")
        path = Path(home) / "tickets.csv"
        with path.open("w") as f:
            f.write("Id,Organization,Created at\n")
            for i in range(args.rows):
                day = 1 + i % 28
                f.write(f'{i},"{values[i % len(values)]}",2024-03-{day:02d} 10:00:00\n')
        pairs = [(v, 1) for v in dict.fromkeys(values)]
        triples = [(a["account_id"], a["name"], a["domain"]) for a in accounts]
        start = time.perf_counter()
        report = match_values(pairs, triples, table="health_signals")
        matching = time.perf_counter() - start
        mapping = Path(home) / "m.yml"
        mapping.write_text(MAPPING)
        start = time.perf_counter()
        result = import_file(ws, "health_signals", path, mapping=mapping)
        total = time.perf_counter() - start
    print(
        f"{len(pairs):,} distinct values x {len(accounts):,} accounts: matching {matching:.2f} s "
        f"({report.counts()})"
    )
    print(
        f"{args.rows:,} rows imported with matching and aggregation in {total:.2f} s: "
        f"{result.inserted:,} rows written, {result.combined:,} combined"
    )


if __name__ == "__main__":
    main()
