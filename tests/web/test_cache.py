"""Results are cached per data version: unchanged data is never recomputed."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import FastAPI

from pulse.web.cache import ReadWriteLock, ResultCache
from tests.kpis.harness import load_rows


def test_a_page_is_computed_once_per_data_version(fresh_app: FastAPI, as_user: Any) -> None:
    state = fresh_app.state.pulse
    client, _ = as_user("carol", fresh_app)
    client.get("/clients/acme.json")
    client.get("/clients/acme.json")
    client.get("/clients/acme")
    assert state.cache.stats.computed["dashboard"] == 1
    reads = state.probe.reads
    client.get("/clients/acme.json")
    assert state.probe.reads == reads  # the files did not change: no DuckDB connection
    ws = state.client("acme").ws
    load_rows(ws, {"accounts": [{"account_id": "za3", "name": "Zanzibar Ltd"}]})
    client.get("/clients/acme.json")
    assert state.cache.stats.computed["dashboard"] == 2
    assert state.probe.reads == reads + 1


def test_concurrent_misses_compute_once() -> None:
    cache = ResultCache(8)
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("k", 1, slow)))
        for _ in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 10 and len(calls) == 1


def test_cache_is_bounded() -> None:
    cache = ResultCache(2)
    for i in range(3):
        cache.get_or_compute("k", i, lambda i=i: i)  # type: ignore[misc]
    cache.get_or_compute("k", 0, lambda: -1)
    assert cache.stats.computed["k"] == 4  # entry 0 was evicted and computed again


def test_writer_waits_for_readers() -> None:
    lock = ReadWriteLock()
    order: list[str] = []
    with lock.read():
        writer = threading.Thread(target=lambda: _write(lock, order))
        writer.start()
        time.sleep(0.05)
        order.append("reader done")
    writer.join()
    assert order == ["reader done", "writer"]


def _write(lock: ReadWriteLock, order: list[str]) -> None:
    with lock.write():
        order.append("writer")
