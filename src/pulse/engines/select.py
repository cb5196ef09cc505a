"""Pick the engine a computation runs on: ``--engine``, else the workspace's ``engine`` setting.

``duckdb`` (the default) reads the workspace's own DuckDB file; ``spark`` exports the workspace to
Parquet once per data version and runs the same compiled SQL on Spark SQL. The Spark master comes
from ``--spark-master``, else ``PULSE_SPARK_MASTER``, else ``local[*]``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pulse.engines.base import Engine
from pulse.errors import unknown

if TYPE_CHECKING:
    from pulse.workspace.store import Workspace

ENGINE_NAMES = ("duckdb", "spark")
DEFAULT_SPARK_MASTER = "local[*]"


def check_engine(name: str) -> str:
    """``name`` if it is a known engine, else an error with a did-you-mean."""
    if name not in ENGINE_NAMES:
        raise unknown("engine", name, ENGINE_NAMES)
    return name


def spark_master(master: str | None = None) -> str:
    """The Spark master URL: the argument, else ``PULSE_SPARK_MASTER``, else ``local[*]``."""
    return master or os.environ.get("PULSE_SPARK_MASTER") or DEFAULT_SPARK_MASTER


def open_engine(workspace: Workspace, name: str | None = None, master: str | None = None) -> Engine:
    """An engine on ``workspace``: ``name``, else the workspace setting (default ``duckdb``)."""
    chosen = check_engine(name or workspace.settings.engine)
    if chosen == "spark":
        from pulse.engines.spark import SparkEngine

        return SparkEngine.for_workspace(workspace, spark_master(master))
    from pulse.engines.duckdb import DuckDBEngine

    return DuckDBEngine(workspace.db_path)
