"""One test per catalog rule, asserting the exact message with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.catalog.loader import load
from pulse.errors import CatalogError

MODEL = """-- Tiny model for validator tests.
SELECT opportunity_id, amount, status, closed_at AS closed_on, owner_id FROM opportunities
"""

GOOD = """id: {id}
name: Test KPI
description: A KPI for tests.
category: leading
owner: cro
unit: {unit}
direction: higher_is_better
model: {model}
time_dimension: closed_on
dimensions: [{dims}]
needs:
  opportunities: [{needs}]
formula:
  type: {type}
{formula}
docs:
  why: "{why}"
"""


def write_kpi(folder: Path, **fields: str) -> Path:
    values = {
        "id": "test_kpi",
        "unit": "percent",
        "model": "tiny",
        "dims": "owner_id",
        "needs": "status",
        "type": "ratio",
        "formula": '  numerator: "SUM(CASE WHEN status = \'won\' THEN 1 ELSE 0 END)"\n  denominator: "COUNT(*)"',
        "why": "Because.",
    }
    values.update(fields)
    path = folder / "kpis" / f"{values['id'] if 'file' not in fields else fields['file']}.yml"
    path.write_text(GOOD.format(**values), encoding="utf-8")
    return path


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "kpis").mkdir()
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tiny.sql").write_text(MODEL, encoding="utf-8")
    return tmp_path / "kpis", tmp_path / "models"


def problems(dirs: tuple[Path, Path]) -> list[str]:
    with pytest.raises(CatalogError) as err:
        load(*dirs)
    return [str(i) for i in err.value.issues]


def test_a_good_kpi_loads(dirs: tuple[Path, Path]) -> None:
    write_kpi(dirs[0].parent)
    catalog = load(*dirs)
    assert list(catalog.kpis) == ["test_kpi"]
    assert catalog.models["tiny"].columns == (
        "opportunity_id",
        "amount",
        "status",
        "closed_on",
        "owner_id",
    )


def test_unknown_column_with_did_you_mean(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(
        dirs[0].parent,
        formula='  numerator: "SUM(CASE WHEN statuss = \'won\' THEN 1 END)"\n  denominator: "COUNT(*)"',
    )
    assert problems(dirs) == [
        f"{path}:15: formula.numerator: unknown column 'statuss' in model 'tiny'. Did you mean 'status'?"
    ]


def test_filter_where_is_not_portable(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(
        dirs[0].parent,
        formula='  numerator: "COUNT(*) FILTER (WHERE status = \'won\')"\n  denominator: "COUNT(*)"',
    )
    assert problems(dirs) == [
        f"{path}:15: formula.numerator: FILTER (WHERE …) is not portable; use COUNT(CASE WHEN … THEN 1 END)"
    ]


def test_formula_must_parse(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, formula='  numerator: "SUM(amount"\n  denominator: "COUNT(*)"')
    (issue,) = problems(dirs)
    assert issue.startswith(f"{path}:15: formula.numerator: formula does not parse")


def test_unknown_model_with_did_you_mean(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, model="tinny")
    assert problems(dirs) == [f"{path}:8: model: unknown model 'tinny'. Did you mean 'tiny'?"]


def test_unknown_dimension(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, dims="owner")
    assert problems(dirs) == [
        f"{path}:10: dimensions: unknown dimension 'owner' in model 'tiny'. Did you mean 'owner_id'?"
    ]


def test_needs_names_canonical_columns(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, needs="statuz")
    assert problems(dirs) == [
        f"{path}:11: needs: unknown column 'opportunities.statuz'. Did you mean 'status'?"
    ]


def test_percent_must_be_a_ratio(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, type="simple", formula='  expr: "AVG(amount)"')
    assert problems(dirs) == [
        f"{path}:6: unit: a percent KPI must be a ratio or derived formula (ratios of sums)"
    ]


def test_docs_why_is_required(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, why=" ")
    assert problems(dirs) == [f"{path}:18: docs.why: say why the KPI matters"]


def test_id_must_equal_file_stem(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, file="other_name")
    assert problems(dirs) == [f"{path}:1: id 'test_kpi' must equal the file name 'other_name'"]


def test_id_shape(dirs: tuple[Path, Path]) -> None:
    path = write_kpi(dirs[0].parent, id="Bad__id", file="Bad__id")
    (issue,) = problems(dirs)
    assert issue.startswith(f"{path}:1: id: Value error, id 'Bad__id' must match")


def test_unknown_reference_and_cycle(dirs: tuple[Path, Path]) -> None:
    folder = dirs[0].parent
    write_kpi(
        folder, id="a_kpi", unit="ratio", type="derived", formula='  expr: "{b_kpi} * 2"', dims=""
    )
    write_kpi(
        folder,
        id="b_kpi",
        unit="ratio",
        type="derived",
        formula='  expr: "{a_kpi} + {c_kpi}"',
        dims="",
    )
    found = problems(dirs)
    assert (
        f"{folder / 'kpis' / 'b_kpi.yml'}:13: formula: unknown KPI reference '{{c_kpi}}'. Did you mean 'a_kpi'?"
        in found
    )
    assert any(p.endswith("formula: references form a cycle") for p in found)


def test_every_problem_is_reported_at_once(dirs: tuple[Path, Path]) -> None:
    folder = dirs[0].parent
    write_kpi(folder, id="one_kpi", model="nope")
    write_kpi(folder, id="two_kpi", why="")
    assert len(problems(dirs)) == 2


def test_model_sql_must_run(dirs: tuple[Path, Path]) -> None:
    bad = dirs[1] / "broken.sql"
    bad.write_text("SELECT no_such_column FROM opportunities", encoding="utf-8")
    found = problems(dirs)
    assert len(found) == 1 and found[0].startswith(f"{bad}: SQL does not run: Binder Error")


def test_point_in_time_model_needs_period_key(dirs: tuple[Path, Path]) -> None:
    bad = dirs[1] / "asof.sql"
    bad.write_text(
        "SELECT o.amount FROM opportunities AS o CROSS JOIN periods AS p", encoding="utf-8"
    )
    assert problems(dirs) == [f"{bad}: reads 'periods' so it must output a 'period_key' column"]


def test_period_key_must_come_from_periods(dirs: tuple[Path, Path]) -> None:
    bad = dirs[1] / "keyed.sql"
    bad.write_text("SELECT 'x' AS period_key, o.amount FROM opportunities AS o", encoding="utf-8")
    assert problems(dirs) == [
        f"{bad}: outputs 'period_key' but reads no 'periods', directly or through a model"
    ]


def test_a_model_is_keyed_by_period_through_the_model_it_reads(dirs: tuple[Path, Path]) -> None:
    (dirs[1] / "open_rows.sql").write_text(
        "SELECT p.period_key, o.amount FROM opportunities AS o CROSS JOIN periods AS p",
        encoding="utf-8",
    )
    (dirs[1] / "summed.sql").write_text(
        "SELECT period_key, SUM(amount) AS amount FROM open_rows GROUP BY period_key",
        encoding="utf-8",
    )
    catalog = load(*dirs)
    asof, summed = catalog.model("open_rows"), catalog.model("summed")
    assert (asof.reads_periods, asof.per_period) == (True, True)
    assert (summed.reads_periods, summed.per_period) == (False, True)
    assert not catalog.model("tiny").per_period
    # so a KPI on it needs no time dimension: it is met on period_key
    kpi = write_kpi(
        dirs[0].parent,
        model="summed",
        unit="currency",
        dims="",
        needs="amount",
        type="simple",
        formula='  expr: "SUM(amount)"',
    )
    kpi.write_text(kpi.read_text().replace("time_dimension: closed_on\n", ""))
    assert load(*dirs).get("test_kpi").time_dimension is None


def test_model_reading_an_unknown_table(dirs: tuple[Path, Path]) -> None:
    bad = dirs[1] / "ghost.sql"
    bad.write_text("SELECT * FROM ghosts", encoding="utf-8")
    found = problems(dirs)
    assert f"{bad}: reads unknown table or model 'ghosts'" in found


def test_a_profile_is_validated_against_the_catalog_on_load(tmp_path: Path) -> None:
    from pulse.catalog.profiles import load_profile

    (tmp_path / "odd.yml").write_text(
        'id: odd\nname: "Odd"\ncore: [win_rat]\nsources: ["test"]\n', encoding="utf-8"
    )
    with pytest.raises(CatalogError) as err:
        load_profile("odd", (tmp_path,))
    assert [str(i) for i in err.value.issues] == [
        f"{tmp_path / 'odd.yml'}:3: core: unknown KPI 'win_rat'. Did you mean 'win_rate'?"
    ]
