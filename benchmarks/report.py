"""Shared by the benchmarks: describe the machine, and replace one section of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import duckdb
import numpy as np

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    """Cores, CPU model, memory and the versions that matter, in one line."""
    cpu = platform.processor() or platform.machine()
    info = Path("/proc/cpuinfo")
    for line in info.read_text().splitlines() if info.exists() else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, numpy {np.__version__}; load average at the start: {load}"
    )


def write_section(section: str, text: str) -> None:
    """Replace (or append) the ``## section`` of docs/benchmarks.md with ``text``."""
    heading = f"## {section}"
    current = DOC.read_text(encoding="utf-8") if DOC.is_file() else "# Benchmarks\n"
    lines = current.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if not text.startswith(heading):
        text = f"{heading}\n\n{text}"
    if start is None:
        body = current.rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        after = "\n".join(lines[end:])
        body = (
            "\n".join(lines[:start]) + "\n" + text.rstrip("\n") + ("\n\n" + after if after else "")
        )
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(body.rstrip("\n") + "\n", encoding="utf-8")
