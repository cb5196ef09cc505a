"""Results cached per workspace data version, and the locks that keep DuckDB consistent.

A page never recomputes unchanged data: every computed payload is cached under a key that
holds the workspace's identity, its data version (bumped by every import), a fingerprint of
its settings and the KPI-set version. Reading the data version costs a DuckDB connection
(~50 ms), so it is read again only when the database files' ``stat`` changes.

DuckDB refuses, within one process, a read-write connection while a read-only one is open (and
the reverse). :class:`WorkspaceLocks` is a readers-writer lock per workspace: pages read
under the read side, an import writes under the write side.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pulse.workspace.store import Workspace

T = TypeVar("T")


class ReadWriteLock:
    """Many readers or one writer; a waiting writer holds new readers back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        """Hold the read side."""
        with self._cond:
            while self._writer or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        """Hold the write side (waits for every reader to finish)."""
        with self._cond:
            self._waiting_writers += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class WorkspaceLocks:
    """One :class:`ReadWriteLock` per workspace folder."""

    def __init__(self) -> None:
        self._locks: dict[Path, ReadWriteLock] = {}
        self._guard = threading.Lock()

    def lock(self, ws: Workspace) -> ReadWriteLock:
        """The lock of ``ws``."""
        key = ws.path.resolve()
        with self._guard:
            return self._locks.setdefault(key, ReadWriteLock())

    @contextmanager
    def reading(self, ws: Workspace) -> Iterator[None]:
        """Read ``ws``'s database."""
        with self.lock(ws).read():
            yield

    @contextmanager
    def writing(self, ws: Workspace) -> Iterator[None]:
        """Write ``ws``'s database."""
        with self.lock(ws).write():
            yield


def _stat_key(ws: Workspace) -> tuple[Any, ...]:
    parts: list[Any] = []
    for path in (ws.db_path, ws.db_path.with_name(ws.db_path.name + ".wal")):
        try:
            st = path.stat()
        except FileNotFoundError:
            parts.append(None)
            continue
        parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(parts)


class VersionProbe:
    """A workspace's data version, read from DuckDB only when its files changed."""

    def __init__(self, locks: WorkspaceLocks) -> None:
        self.locks = locks
        self._known: dict[Path, tuple[tuple[Any, ...], int]] = {}
        self._guard = threading.Lock()
        self.reads = 0

    def version(self, ws: Workspace) -> int:
        """The data version of ``ws``."""
        key = ws.path.resolve()
        stat = _stat_key(ws)
        with self._guard:
            known = self._known.get(key)
        if known is not None and known[0] == stat:
            return known[1]
        with self.locks.reading(ws):
            stat = _stat_key(ws)
            value = ws.data_version()
            self.reads += 1
        with self._guard:
            self._known[key] = (stat, value)
        return value


def fingerprint(ws: Workspace) -> str:
    """A short hash of the workspace's identity and settings (targets, stage map, …)."""
    text = ws.settings.model_dump_json()
    return hashlib.sha256(f"{ws.path.resolve()}|{text}".encode()).hexdigest()[:16]


@dataclass
class CacheStats:
    """How the cache has been used (tests and the benchmark read these)."""

    hits: int = 0
    misses: int = 0
    computed: dict[str, int] = field(default_factory=dict)


class ResultCache:
    """A bounded LRU of computed payloads with one computation per key at a time.

    When twenty people open the same uncomputed dashboard at once, one computes and nineteen
    wait for its result.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._guard = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self.stats = CacheStats()

    def get_or_compute(self, kind: str, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``(kind, key)``, computing it once when absent."""
        full = (kind, key)
        with self._guard:
            if full in self._data:
                self._data.move_to_end(full)
                self.stats.hits += 1
                value: T = self._data[full]
                return value
            key_lock = self._key_locks.setdefault(full, threading.Lock())
        with key_lock:
            with self._guard:
                if full in self._data:
                    self.stats.hits += 1
                    found: T = self._data[full]
                    return found
            result = compute()
            with self._guard:
                self.stats.misses += 1
                self.stats.computed[kind] = self.stats.computed.get(kind, 0) + 1
                self._data[full] = result
                self._data.move_to_end(full)
                while len(self._data) > self.max_entries:
                    self._data.popitem(last=False)
                self._key_locks.pop(full, None)
        return result

    def clear(self) -> None:
        """Forget everything."""
        with self._guard:
            self._data.clear()
