"""The peers benchmark stops an engine that outgrows the memory cap instead of the machine."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_peers import _run_capped  # noqa: E402

GROW = "import time; x = bytearray(400 * 2**20); x[::4096] = b'1' * len(x[::4096]); time.sleep(60)"


def test_a_process_past_the_cap_is_stopped_and_says_when() -> None:
    status, _, _, stopped, _, highest = _run_capped(
        [sys.executable, "-c", GROW], dict(os.environ), 100 * 2**20
    )
    assert status != 0  # killed, long before its 60-second sleep ends
    assert stopped.startswith("stopped at the 0.0977 GiB memory cap after ")
    assert stopped.endswith(" s")
    assert highest > 100 * 2**20  # what it was seen at, past the cap


def test_a_process_killed_by_something_else_is_reported_as_stopped() -> None:
    # what the kernel's OOM killer does to a process before it reaches the cap
    kill = "import os, signal; x = bytearray(50 * 2**20); os.kill(os.getpid(), signal.SIGKILL)"
    status, _, _, stopped, _, _ = _run_capped([sys.executable, "-c", kill], dict(os.environ), 2**30)
    assert status == -9
    assert stopped.startswith("killed by SIGKILL after ")
    assert stopped.endswith(" GiB resident")


def test_a_process_under_the_cap_runs_to_the_end() -> None:
    status, out, _, stopped, _, _ = _run_capped(
        [sys.executable, "-c", "print('done')"], dict(os.environ), 2**30
    )
    assert (status, out.strip(), stopped) == (0, "done", "")
