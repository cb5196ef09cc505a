"""The scale-out engine: Apache Spark SQL through pyspark (the optional extra ``pulse[spark]``).

A workspace's canonical tables are exported to Parquet (one folder per data version, so an
unchanged workspace is exported once) or read from a Parquet location the user gives, then
registered as temporary views; the same compiled SQL the DuckDB engine runs is transpiled to
Spark SQL by sqlglot and executed. ``--spark-master`` picks the cluster (default ``local[*]``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pyarrow as pa

from pulse.errors import EngineError
from pulse.tables import TABLES

_SESSIONS: dict[str, Any] = {}


def spark_available() -> bool:
    """Whether pyspark can be imported and a Java runtime is on the PATH (or JAVA_HOME)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return bool(shutil.which("java") or os.environ.get("JAVA_HOME"))


def get_session(master: str = "local[*]") -> Any:
    """One SparkSession per master per process, configured for small local runs."""
    if master in _SESSIONS:
        return _SESSIONS[master]
    if not spark_available():
        raise EngineError(
            "the Spark engine needs pyspark",
            hint="install the extra: pip install 'pulse[spark]' (Java 17 must be on the PATH)",
        )
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warehouse = Path(tempfile.mkdtemp(prefix="pulse-spark-warehouse-"))
    session = (
        SparkSession.builder.master(master)
        .appName("pulse")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", os.environ.get("PULSE_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        .config(map=_extra_conf())
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    _SESSIONS[master] = session
    return session


def _extra_conf() -> dict[str, bool | float | int | str | None]:
    """Extra Spark SQL settings from ``PULSE_SPARK_CONF`` ("key=value,key=value")."""
    text = os.environ.get("PULSE_SPARK_CONF", "")
    pairs = [item.split("=", 1) for item in text.split(",") if "=" in item]
    return {k.strip(): v.strip() for k, v in pairs}


def export_parquet(db_path: Path, target: Path) -> Path:
    """Write every canonical table of a workspace database to ``target/<table>.parquet``."""
    import duckdb

    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for name in TABLES:
            out = target / f"{name}.parquet"
            if not out.exists():
                tmp = target / f".{name}.parquet.tmp"
                con.execute(f"COPY \"{name}\" TO '{tmp}' (FORMAT PARQUET)")
                tmp.replace(out)
    finally:
        con.close()
    return target


class SparkEngine:
    """Runs Spark SQL over a workspace's tables registered as temporary views."""

    name = "spark"
    dialect = "spark"

    def __init__(
        self, parquet_dir: Path, master: str = "local[*]", cache_key: Hashable | None = None
    ):
        self.session = get_session(master)
        self.parquet_dir = parquet_dir
        self.master = master
        # The export's identity (results computed from it may be cached), None when unknown.
        self.cache_key = cache_key
        for name in TABLES:
            if not (parquet_dir / f"{name}.parquet").exists():
                raise EngineError(f"no Parquet file for table '{name}' in {parquet_dir}")
        self._registered: set[str] = set()

    def _register(self, sql: str) -> None:
        """Register (as temporary views) the canonical tables a query reads, once each."""
        import sqlglot
        from sqlglot import exp

        names = {t.name for t in sqlglot.parse_one(sql, read="spark").find_all(exp.Table)}
        for name in sorted(names & set(TABLES) - self._registered):
            path = self.parquet_dir / f"{name}.parquet"
            self.session.read.parquet(str(path)).createOrReplaceTempView(name)
            self._registered.add(name)

    @classmethod
    def for_workspace(cls, workspace: Any, master: str = "local[*]") -> SparkEngine:
        """Export the workspace (once per data version) and register its tables."""
        version = workspace.data_version()
        target = Path(workspace.path) / "parquet" / f"v{version}"
        db_path = Path(workspace.db_path)
        export_parquet(db_path, target)
        stat = db_path.stat()
        key = ("spark", str(target.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
        return cls(target, master, key)

    def execute(self, sql: str) -> pa.Table:
        """Run Spark SQL and return an Arrow table."""
        try:
            self._register(sql)
            frame = self.session.sql(sql)
            if hasattr(frame, "toArrow"):
                return frame.toArrow()
            return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
        except Exception as exc:  # pyspark raises many exception types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EngineError(f"Spark could not run the query: {first}") from exc

    def close(self) -> None:
        """The session is shared per process; nothing to release per engine."""
