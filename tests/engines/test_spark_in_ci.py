"""CI runs the KPI suite on both engines: Spark missing there is a failure, not a quiet skip.

The KPI harness computes every case on Spark only where pyspark and Java are installed (a
developer's machine may lack them); ``scripts/test.sh`` installs both, so in CI they must be
there, or the Spark half of the suite would drop out without a failing test.
"""

from __future__ import annotations

import os

import pytest

from pulse.engines.spark import spark_available
from tests.kpis.harness import ENGINES


@pytest.mark.skipif(not os.environ.get("CI"), reason="outside CI, Spark is optional")
def test_ci_computes_the_kpi_suite_on_spark_too() -> None:
    assert spark_available(), "pyspark or Java is missing: scripts/test.sh should install both"
    assert ENGINES == ("duckdb", "spark")
