"""``--engine`` and ``--spark-master``: the options of every command that computes KPIs."""

from __future__ import annotations

from typing import Annotated

import typer

from pulse.compute import Computer
from pulse.engines.select import check_engine
from pulse.workspace.store import Workspace

EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="Engine to compute on: duckdb or spark (default: the workspace's engine setting).",
        show_default=False,
    ),
]
SparkMasterOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        envvar="PULSE_SPARK_MASTER",
        help="Spark master URL for --engine spark, e.g. spark://host:7077 (default: local[*]).",
        show_default=False,
    ),
]


def make_computer(ws: Workspace, engine: str | None, spark_master: str | None) -> Computer:
    """A :class:`Computer` on ``--engine`` (else the workspace setting) and ``--spark-master``."""
    if engine is not None:
        check_engine(engine)
    return Computer(ws, engine_name=engine, spark_master=spark_master)
