"""Every KPI compiles to the checked-in SQL for every dialect (tests/compile/golden/<kpi>/<dialect>.sql).

Regenerate after a deliberate change with ``pytest tests/compile --update-golden`` and review the
diff: a changed golden file is a changed number somewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.catalog.registry import load_catalog
from pulse.cli.kpi import sample_sql
from pulse.compile.planner import DIALECTS

GOLDEN = Path(__file__).parent / "golden"
KPIS = sorted(load_catalog().kpis)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("kpi_id", KPIS)
def test_golden_sql(kpi_id: str, dialect: str, update_golden: bool) -> None:
    sql = sample_sql(kpi_id, dialect) + "\n"
    path = GOLDEN / kpi_id / f"{dialect}.sql"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
        return
    assert path.is_file(), (
        f"no golden SQL for {kpi_id} ({dialect}); run pytest tests/compile --update-golden"
    )
    assert sql == path.read_text(encoding="utf-8"), (
        f"{kpi_id} compiles differently for {dialect}; review and --update-golden"
    )


def test_no_stale_golden_files() -> None:
    stale = (
        sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name not in KPIS)
        if GOLDEN.is_dir()
        else []
    )
    assert not stale, f"golden SQL for KPIs that no longer exist: {stale}"


def test_compiled_sql_is_portable() -> None:
    for kpi_id in KPIS:
        for dialect in DIALECTS:
            sql = sample_sql(kpi_id, dialect).upper()
            assert "FILTER (WHERE" not in sql, kpi_id
