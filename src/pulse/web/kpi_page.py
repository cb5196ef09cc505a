"""The KPI page: series, segments, the last change explained, the definition and its data."""

from __future__ import annotations

from typing import Any

from pulse.catalog.models import KPI
from pulse.compile.planner import transpile
from pulse.compute import Computer, KPIResult
from pulse.errors import PulseError
from pulse.explain import Explainer
from pulse.periods import Period
from pulse.web.present import (
    change_text,
    jsonable,
    parts_text,
    status_json,
    threshold_text,
    trend_json,
    value_text,
)
from pulse.web.state import Client

DETAIL_ROWS = 200


def _point(r: KPIResult, currency: str) -> dict[str, Any]:
    return {
        **r.period.to_json(),
        "value": r.value,
        "value_text": value_text(r.value, r.kpi.unit, currency),
        "target": r.target,
        "target_text": value_text(r.target, r.kpi.unit, currency) if r.target is not None else None,
        **status_json(r.status),
        "missing": r.missing,
    }


def _segment_row(r: KPIResult, dim: str, currency: str) -> dict[str, Any]:
    segment = r.segment.get(dim)
    return {
        "segment": segment,
        "segment_text": "(none)" if segment is None else str(segment),
        "value": r.value,
        "value_text": value_text(r.value, r.kpi.unit, currency),
        **status_json(r.status),
        "trend": trend_json(r.trend, r.kpi, currency, r.period.previous().label),
        "components": jsonable(r.components),
        "parts_text": parts_text(r.components),
    }


def split_dimensions(client: Client, kpi: KPI, extra: str | None) -> list[str]:
    """The profile's required splits for ``kpi``, then ``extra`` (a ``?by=`` choice)."""
    dims = list(client.profile.required_splits.get(kpi.id, []))
    if extra and extra not in dims:
        dims.append(extra)
    return dims


def segments(
    computer: Computer, kpi: KPI, period: Period, dims: list[str], client: Client
) -> list[dict[str, Any]]:
    """One table per dimension: the value of each segment in ``period``."""
    required = client.profile.required_splits.get(kpi.id, [])
    tables = []
    for dim in dims:
        entry: dict[str, Any] = {"dimension": dim, "required": dim in required, "rows": []}
        try:
            results = computer.latest(kpi.id, period, [dim])
            entry["rows"] = [_segment_row(r, dim, client.currency) for r in results]
        except PulseError as exc:
            entry["error"] = exc.message
        tables.append(entry)
    return tables


def explanation(computer: Computer, kpi: KPI, period: Period, currency: str) -> dict[str, Any]:
    """The last change explained (from the previous period to ``period``), or why not."""
    before = period.previous()
    try:
        result = Explainer(computer).explain(kpi.id, before, period)
    except PulseError as exc:
        return {"from": before.label, "to": period.label, "error": exc.message}
    out = jsonable(result.to_json())
    for part in out["parts"]:
        part["contribution_text"] = change_text(part["contribution"], kpi.unit, currency)
    out["change_text"] = (
        change_text(result.change, kpi.unit, currency) if result.change is not None else None
    )
    return dict(out)


def definition(computer: Computer, kpi: KPI, period: Period, currency: str) -> dict[str, Any]:
    """What the KPI is and the exact SQL that computed it."""
    from pulse.cli.kpi import formula_text

    threshold = computer.threshold(kpi.id)
    dumped = threshold.model_dump(exclude_defaults=True) if threshold else None
    try:
        sql = transpile(
            computer.sql(kpi.id, [period.previous(), period], []), "duckdb", pretty=True
        )
    except PulseError as exc:
        sql = f"-- could not compile: {exc.message}"
    return {
        "description": kpi.description,
        "formula": formula_text(kpi.id),
        "formula_kind": kpi.formula.type,
        "unit": kpi.unit.value,
        "direction": kpi.direction.value,
        "category": kpi.category.value,
        "owner": kpi.owner.value,
        "grain": kpi.grain,
        "model": kpi.model,
        "time_dimension": kpi.time_dimension,
        "dimensions": kpi.dimensions,
        "references": kpi.refs,
        "threshold": dumped,
        "threshold_text": threshold_text(dumped, kpi.unit, currency),
        "docs": kpi.docs.model_dump(),
        "sql": sql,
    }


def data_used(client: Client, computer: Computer, kpi: KPI) -> dict[str, Any]:
    """The tables and columns the KPI reads, their row counts and the imports into them."""
    needs: dict[str, list[str]] = {}
    for kid in [*computer.catalog.dependencies(kpi.id), kpi.id]:
        for table, cols in computer.catalog.get(kid).needs.items():
            known = needs.setdefault(table, [])
            known.extend(c for c in cols if c not in known)
    counts = client.ws.table_counts()
    log = [jsonable(e) for e in client.ws.import_log() if e["table_name"] in needs]
    return {
        "tables": [
            {"table": t, "columns": cols, "rows": counts.get(t, 0)} for t, cols in needs.items()
        ],
        "models": computer.catalog.kpi_models(kpi.id),
        "imports": list(reversed(log)),
    }


def compute_kpi_page(
    client: Client, computer: Computer, kpi: KPI, period: Period, by: str | None
) -> dict[str, Any]:
    """Everything on the KPI page (uncached; see :func:`kpi_page`)."""
    currency = client.currency
    history = client.state.settings.chart_history
    series = computer.compute(kpi.id, period, None, None, history=history)
    current = next((r for r in series if r.period == period), None)
    missing = computer.missing(kpi.id)
    detail: dict[str, Any] | None = None
    if kpi.detail and not missing:
        try:
            rows = computer.detail(kpi.id, period)
            detail = {"rows": jsonable(rows[:DETAIL_ROWS]), "total": len(rows)}
        except PulseError as exc:
            detail = {"rows": [], "total": 0, "error": exc.message}
    return {
        "kpi": {
            "id": kpi.id,
            "name": kpi.name,
            "category": kpi.category.value,
            "unit": kpi.unit.value,
            "cadence": client.profile.cadence.get(kpi.id, kpi.cadence).value,
            "core": kpi.id in client.profile.core,
            "in_kpi_set": kpi.id in client.profile.kpis,
        },
        **period.to_json(),
        "period_kind": period.kind,
        "data_version": client.data_version(),
        "current": {
            **_point(current, currency),
            "trend": trend_json(current.trend, kpi, currency, period.previous().label),
            "components": jsonable(current.components),
        }
        if current
        else None,
        "series": [_point(r, currency) for r in series],
        "segments": []
        if missing
        else segments(computer, kpi, period, split_dimensions(client, kpi, by), client),
        "dimensions": kpi.dimensions,
        "explanation": {
            "from": period.previous().label,
            "to": period.label,
            "error": f"missing data: {missing}",
        }
        if missing
        else explanation(computer, kpi, period, currency),
        "definition": definition(computer, kpi, period, currency),
        "data": data_used(client, computer, kpi),
        "detail": detail,
    }


def kpi_page(client: Client, kpi: KPI, period: Period, by: str | None) -> dict[str, Any]:
    """The KPI page payload, computed once per data version."""

    def compute() -> dict[str, Any]:
        with client.computer() as computer:
            return compute_kpi_page(client, computer, kpi, period, by)

    return client.cached("kpi", (kpi.id, period.label, period.start, by), compute)
