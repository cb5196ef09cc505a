"""Golden KPI values on tiny hand-computed data: every file in tests/kpis/cases/.

A case file holds the data (canonical tables), then one or more checks::

    kpi: win_rate                      # default KPI for the checks
    profile: b2b_saas                  # optional
    settings: {cycle_start: first_meeting_at}   # optional workspace settings
    today: 2024-12-31                  # optional
    data:
      opportunities:
        columns: [opportunity_id, amount, created_at, close_date, status, closed_at]
        rows:
          - [a, 100, 2024-01-01, 2024-04-10, won, 2024-04-10]
    checks:
      - period: 2024-Q2
        by: [owner_id]                 # optional
        as_of: 2024-04-01              # optional
        expect:                        # one entry per segment, in any order
          - {segment: {owner_id: r1}, value: 0.5, components: {won: 1}}
          - {segment: {}, status: missing_data}

Values compare to 1e-9 relative; ``value: null`` expects no number.

Every case runs on every engine (DuckDB, and Spark in local mode when pyspark is installed). A
known engine gap is declared in the case file, with its reason, and is a strict xfail — so a fixed
gap fails until its marker goes::

    engines:
      spark: "notimpl: MEDIAN is approximate on Spark"
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pulse.periods import parse_period
from tests.kpis.harness import ENGINES, case_files, computer, load_case, make_workspace


def _close(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    return bool(actual == expected)


def _params() -> list[Any]:
    params = []
    for path in case_files():
        gaps = load_case(path).get("engines", {})
        for engine in ENGINES:
            marks: list[Any] = [pytest.mark.spark] if engine == "spark" else []
            if engine in gaps:
                marks.append(pytest.mark.xfail(reason=gaps[engine], strict=True))
            params.append(pytest.param(path, engine, id=f"{path.stem}-{engine}", marks=marks))
    return params


@pytest.mark.parametrize(("path", "engine"), _params())
def test_case(path: Path, engine: str, tmp_path: Path) -> None:
    case = load_case(path)
    ws = make_workspace(
        tmp_path,
        case.get("data", {}),
        case.get("profile", "b2b_saas"),
        settings=case.get("settings"),
    )
    today = case.get("today")
    comp = computer(ws, today if isinstance(today, date) else None, engine=engine)
    try:
        for check in case["checks"]:
            kpi_id = check.get("kpi", case.get("kpi"))
            as_of = check.get("as_of")
            period = parse_period(str(check["period"]), as_of, ws.settings.fiscal_year_start_month)
            results = comp.latest(kpi_id, period, list(check.get("by", [])), as_of)
            got = {tuple(sorted(r.segment.items())): r for r in results}
            for exp in check["expect"]:
                key = tuple(sorted(exp.get("segment", {}).items()))
                where = f"{path.name}: {kpi_id} {period.label} segment {dict(key)}"
                assert key in got, f"{where}: no result; got segments {list(got)}"
                r = got[key]
                if "value" in exp:
                    assert _close(r.value, exp["value"]), (
                        f"{where}: value {r.value!r} != {exp['value']!r}"
                    )
                if "status" in exp:
                    assert r.status.value == exp["status"], (
                        f"{where}: status {r.status.value} != {exp['status']}"
                    )
                for name, value in exp.get("components", {}).items():
                    assert name in r.components, (
                        f"{where}: no component '{name}' in {list(r.components)}"
                    )
                    assert _close(r.components[name], value), (
                        f"{where}: component {name} {r.components[name]!r} != {value!r}"
                    )
            if check.get("exact_segments"):
                assert len(got) == len(check["expect"]), (
                    f"{path.name}: {kpi_id}: segments {list(got)}"
                )
    finally:
        comp.close()
