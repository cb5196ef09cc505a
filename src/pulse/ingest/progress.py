"""A progress bar for long imports, fed by DuckDB's own query progress.

DuckDB reports how far the running statement is (``query_progress()``); a background thread
polls it and moves a rich progress bar on standard error. The bar appears only when asked for
and when standard error is a terminal, so scripts, pipes and tests stay quiet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import duckdb
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class ImportProgress:
    """Shows ``description … [bar] pct`` per phase of an import while statements run."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, enabled: bool, console: Console | None = None
    ):
        self.con = con
        self.console = console or Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ImportProgress:
        self.con.execute(f"SET enable_progress_bar = {str(self.enabled).lower()}")
        self.con.execute("SET enable_progress_bar_print = false")
        if not self.enabled:
            return self
        self.con.execute("SET progress_bar_time = 0")
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("importing", total=100)
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            try:
                value = self.con.query_progress()
            except duckdb.Error:  # pragma: no cover - the connection is closing
                return
            if value >= 0 and self._progress is not None and self._task is not None:
                self._progress.update(self._task, completed=value)

    @contextmanager
    def phase(self, description: str) -> Iterator[None]:
        """Label the statements run inside the block."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=description, completed=0)
        yield

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._progress is not None:
            self._progress.stop()
