"""The memory-bandwidth bound: the bytes the queries must read ÷ how fast this machine reads memory.

Bandwidth is measured with numpy: sum a 512 MiB float64 array (far larger than any cache), on one
thread and on every core at once (each thread summing its share; numpy releases the GIL), several
times, keeping the best. A query that reads each needed column once cannot finish faster than
``bytes ÷ bandwidth``.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

ARRAY_BYTES = 512 * 2**20


def measure(repeats: int = 7) -> tuple[float, float]:
    """Best read bandwidth in bytes per second: (one thread, all cores)."""
    data = np.ones(ARRAY_BYTES // 8, dtype=np.float64)
    data.sum()  # fault the pages in
    single = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        data.sum()
        single = max(single, data.nbytes / (time.perf_counter() - start))
    threads = os.cpu_count() or 1
    parts = np.array_split(data, threads)
    multi = 0.0
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(repeats):
            start = time.perf_counter()
            list(pool.map(np.sum, parts))
            multi = max(multi, data.nbytes / (time.perf_counter() - start))
    return single, multi


def bound_seconds(nbytes: int, bandwidth: float) -> float:
    """The fastest any engine can read ``nbytes`` once at ``bandwidth`` bytes per second."""
    return nbytes / bandwidth
