"""Read the KPI YAML files and SQL models from disk into a validated :class:`Catalog`.

Every problem in every file is collected first and reported together, each with its file and
line, so an author fixes a whole batch at once.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import sqlglot
from pydantic import ValidationError
from sqlglot import exp

from pulse.catalog.models import KPI
from pulse.catalog.registry import Catalog, Model
from pulse.catalog.yamlio import line_of, load_yaml, strip_lines
from pulse.errors import CatalogError, Issue
from pulse.tables import TABLES, create_table_sql

CONTEXT_RELATIONS = {
    "periods": "CREATE TABLE periods (period_key VARCHAR, period_start DATE, period_end DATE, as_of DATE)",
    "period_range": "CREATE TABLE period_range (first_day DATE, last_day DATE)",
    "stage_map": "CREATE TABLE stage_map (stage VARCHAR, probability DOUBLE, stage_order INTEGER)",
    "pulse_settings": (
        "CREATE TABLE pulse_settings (today DATE, cycle_from_first_meeting INTEGER, "
        "reactivation_window_months INTEGER, health_threshold DOUBLE, w_usage DOUBLE, "
        "w_tickets DOUBLE, w_nps DOUBLE)"
    ),
}


def _model_description(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if line.startswith("--"):
            lines.append(line[2:].strip())
        elif line.strip():
            break
    return " ".join(lines)


def read_models(model_dir: Path, issues: list[Issue]) -> dict[str, Model]:
    """Parse every ``*.sql`` model and record which tables and models it reads."""
    raw: dict[str, tuple[str, Path, set[str]]] = {}
    for path in sorted(model_dir.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        try:
            tree = sqlglot.parse_one(sql, read="duckdb")
        except sqlglot.errors.ParseError as exc:
            err = exc.errors[0] if exc.errors else {}
            issues.append(
                Issue(
                    f"SQL does not parse: {err.get('description', exc)}", str(path), err.get("line")
                )
            )
            continue
        cte_names = {c.alias for c in tree.find_all(exp.CTE)}
        names = {t.name for t in tree.find_all(exp.Table)} - cte_names
        raw[path.stem] = (sql, path, names)
    models: dict[str, Model] = {}
    for name, (sql, path, names) in raw.items():
        deps = tuple(sorted(n for n in names if n in raw))
        tables = tuple(sorted(n for n in names if n in TABLES))
        unknown_names = sorted(
            n for n in names if n not in raw and n not in TABLES and n not in CONTEXT_RELATIONS
        )
        for n in unknown_names:
            issues.append(Issue(f"reads unknown table or model '{n}'", str(path)))
        body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
        models[name] = Model(
            name=name,
            sql=body.strip().rstrip(";"),
            path=path,
            description=_model_description(sql),
            models=deps,
            tables=tables,
            reads_periods="periods" in names,
            reads_period_range="period_range" in names,
        )
    return models


def bind_models(models: dict[str, Model], issues: list[Issue]) -> dict[str, Model]:
    """Create every model as a view over empty tables in DuckDB to learn and check its columns."""
    con = duckdb.connect()
    for table in TABLES.values():
        con.execute(create_table_sql(table))
    for ddl in CONTEXT_RELATIONS.values():
        con.execute(ddl)
    bound: dict[str, Model] = {}
    on_periods: set[str] = set()  # models that read periods, directly or through another
    pending = dict(models)
    while pending:
        ready = [m for m in pending.values() if all(d in bound for d in m.models)]
        if not ready:
            for m in pending.values():
                issues.append(
                    Issue(
                        f"model dependency cycle or broken dependency: {', '.join(m.models)}",
                        str(m.path),
                    )
                )
            break
        for m in ready:
            del pending[m.name]
            try:
                con.execute(f'CREATE VIEW "{m.name}" AS {m.sql}')
                cols = tuple(r[0] for r in con.execute(f'DESCRIBE "{m.name}"').fetchall())
            except duckdb.Error as exc:
                issues.append(Issue(f"SQL does not run: {str(exc).splitlines()[0]}", str(m.path)))
                continue
            if m.reads_periods and "period_key" not in cols:
                issues.append(
                    Issue("reads 'periods' so it must output a 'period_key' column", str(m.path))
                )
            if m.reads_periods or any(d in on_periods for d in m.models):
                on_periods.add(m.name)
            elif "period_key" in cols:
                issues.append(
                    Issue(
                        "outputs 'period_key' but reads no 'periods', directly or through a model",
                        str(m.path),
                    )
                )
            bound[m.name] = Model(**{**m.__dict__, "columns": cols})
    con.close()
    return bound


def read_kpis(
    kpi_dir: Path, issues: list[Issue]
) -> tuple[dict[str, KPI], dict[str, Path], dict[str, dict[str, object]]]:
    """Parse every KPI YAML file (``kpis/<domain>/<id>.yml``)."""
    kpis: dict[str, KPI] = {}
    paths: dict[str, Path] = {}
    docs: dict[str, dict[str, object]] = {}
    for path in sorted(kpi_dir.rglob("*.yml")):
        try:
            data = load_yaml(path)
        except CatalogError as exc:
            issues.extend(exc.issues)
            continue
        try:
            kpi = KPI.model_validate(strip_lines(data))
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
                issues.append(Issue(f"{loc}: {err['msg']}", str(path), line_of(data, loc)))
            continue
        if kpi.id != path.stem:
            issues.append(
                Issue(
                    f"id '{kpi.id}' must equal the file name '{path.stem}'",
                    str(path),
                    line_of(data, "id"),
                )
            )
        if kpi.id in kpis:
            issues.append(
                Issue(
                    f"duplicate KPI id '{kpi.id}' (also in {paths[kpi.id]})",
                    str(path),
                    line_of(data, "id"),
                )
            )
            continue
        kpis[kpi.id] = kpi
        paths[kpi.id] = path
        docs[kpi.id] = data
    return kpis, paths, docs


def load(kpi_dir: Path, model_dir: Path) -> Catalog:
    """Load and validate KPIs and models; raise one CatalogError listing every issue."""
    from pulse.catalog.validate import validate_catalog

    issues: list[Issue] = []
    models = bind_models(read_models(model_dir, issues), issues)
    kpis, paths, raw = read_kpis(kpi_dir, issues)
    catalog = Catalog(kpis=kpis, models=models, paths=paths)
    issues.extend(validate_catalog(catalog, raw))
    errors = [i for i in issues if i.level == "error"]
    if errors:
        raise CatalogError(f"the KPI catalog has {len(errors)} problem(s)", errors)
    return catalog
