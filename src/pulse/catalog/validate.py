"""Catalog rules, metricflow-style: each rule returns issues, all are collected and reported.

Rules: the model exists; formula fragments parse and use only portable constructs; columns,
the time dimension and dimensions exist on the model; ``{refs}`` resolve without cycles and
derived KPIs only split by dimensions every reference has; ``needs`` names canonical tables and
columns; percent KPIs are ratios or derived; ``docs.why`` is present.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pulse.catalog.models import KPI, DerivedFormula, RatioFormula, SimpleFormula, Unit
from pulse.catalog.registry import Catalog
from pulse.catalog.yamlio import line_of
from pulse.compile.formula import check_fragment, columns_of, has_aggregate, parse_fragment
from pulse.errors import FormulaError, Issue, did_you_mean
from pulse.tables import TABLES

Rule = Callable[[KPI, Catalog], Iterator[tuple[str, str]]]


def _model_columns(kpi: KPI, catalog: Catalog) -> tuple[str, ...] | None:
    if kpi.model is None or kpi.model not in catalog.models:
        return None
    return catalog.models[kpi.model].columns


def rule_model(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """A KPI over rows names an existing model; a derived KPI needs none."""
    if isinstance(kpi.formula, DerivedFormula):
        return
    uses_refs = bool(kpi.refs)
    if kpi.model is None and not uses_refs:
        yield "model", "a simple or ratio KPI must name the model it reads"
    elif kpi.model is not None and kpi.model not in catalog.models:
        guess = did_you_mean(kpi.model, catalog.models)
        yield (
            "model",
            f"unknown model '{kpi.model}'" + (f". Did you mean '{guess}'?" if guess else ""),
        )


def rule_fragments(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """Every fragment parses, is portable, and reads only the model's columns."""
    f = kpi.formula
    parts: dict[str, str] = {}
    if isinstance(f, SimpleFormula | DerivedFormula):
        parts["formula.expr"] = f.expr
    else:
        parts["formula.numerator"] = f.numerator
        parts["formula.denominator"] = f.denominator
    for name, text in kpi.components.items():
        parts[f"components.{name}"] = text
    cols = _model_columns(kpi, catalog)
    for where, text in parts.items():
        try:
            tree = parse_fragment(text)
        except FormulaError as exc:
            yield where, exc.message
            continue
        for problem in check_fragment(tree):
            yield where, problem
        is_ref_expr = bool(kpi.refs) and "{" in text
        if is_ref_expr:
            if has_aggregate(tree):
                yield where, "an expression over {kpi} references must not aggregate"
            if columns_of(tree):
                yield where, "an expression over {kpi} references cannot also read model columns"
            continue
        if cols is None:
            continue
        if not has_aggregate(tree) and not where.startswith("components."):
            yield where, "must aggregate rows (SUM, COUNT, AVG, MEDIAN, …)"
        for col in columns_of(tree):
            if col not in cols:
                guess = did_you_mean(col, cols)
                yield (
                    where,
                    f"unknown column '{col}' in model '{kpi.model}'"
                    + (f". Did you mean '{guess}'?" if guess else ""),
                )


def rule_refs(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """References resolve, have no cycles, and support every dimension the KPI splits by."""
    for ref in kpi.refs:
        if ref not in catalog.kpis:
            guess = did_you_mean(ref, [k for k in catalog.kpis if k != kpi.id])
            yield (
                "formula",
                f"unknown KPI reference '{{{ref}}}'"
                + (f". Did you mean '{guess}'?" if guess else ""),
            )
            continue
        missing = [d for d in kpi.dimensions if d not in catalog.kpis[ref].dimensions]
        if missing:
            yield "dimensions", f"reference '{ref}' cannot be split by {', '.join(missing)}"
    stack: list[str] = []

    def visit(current: str) -> bool:
        if current in stack:
            return True
        if current not in catalog.kpis:
            return False
        stack.append(current)
        found = any(visit(r) for r in catalog.kpis[current].refs)
        stack.pop()
        return found

    if any(visit(r) for r in kpi.refs if r == kpi.id or r in catalog.kpis):
        yield "formula", "references form a cycle"


def rule_dimensions(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """The time dimension and split dimensions are columns of the model."""
    cols = _model_columns(kpi, catalog)
    if cols is None:
        return
    model = catalog.models[kpi.model or ""]
    if kpi.time_dimension is None and not model.per_period:
        yield (
            "time_dimension",
            f"model '{model.name}' has no period_key, so the KPI needs a time_dimension",
        )
    if kpi.time_dimension is not None and kpi.time_dimension not in cols:
        yield "time_dimension", f"unknown column '{kpi.time_dimension}' in model '{model.name}'"
    for dim in kpi.dimensions:
        if dim not in cols:
            guess = did_you_mean(dim, cols)
            yield (
                "dimensions",
                f"unknown dimension '{dim}' in model '{model.name}'"
                + (f". Did you mean '{guess}'?" if guess else ""),
            )


def rule_needs(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """``needs`` names canonical tables and columns (the 'what to load' message)."""
    if not kpi.needs and not isinstance(kpi.formula, DerivedFormula) and not kpi.refs:
        yield "needs", "say which canonical tables and columns the KPI needs"
    for table, columns in kpi.needs.items():
        if table not in TABLES:
            guess = did_you_mean(table, TABLES)
            yield (
                "needs",
                f"unknown table '{table}'" + (f". Did you mean '{guess}'?" if guess else ""),
            )
            continue
        names = TABLES[table].column_names
        for col in columns:
            if col not in names:
                guess = did_you_mean(col, names)
                yield (
                    "needs",
                    f"unknown column '{table}.{col}'"
                    + (f". Did you mean '{guess}'?" if guess else ""),
                )


def rule_unit(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """A percent is a ratio (or derived from one); docs say why the KPI matters."""
    if kpi.unit == Unit.PERCENT and isinstance(kpi.formula, SimpleFormula):
        yield "unit", "a percent KPI must be a ratio or derived formula (ratios of sums)"
    if isinstance(kpi.formula, RatioFormula) and kpi.additive:
        yield "additive", "a ratio is never additive across segments"
    if not kpi.docs.why.strip():
        yield "docs.why", "say why the KPI matters"


def rule_detail(kpi: KPI, catalog: Catalog) -> Iterator[tuple[str, str]]:
    """A detail model exists and can be placed in a period."""
    if kpi.detail is None:
        return
    if kpi.detail not in catalog.models:
        guess = did_you_mean(kpi.detail, catalog.models)
        yield (
            "detail",
            f"unknown model '{kpi.detail}'" + (f". Did you mean '{guess}'?" if guess else ""),
        )
        return
    model = catalog.models[kpi.detail]
    if not model.per_period and kpi.detail_time_dimension not in model.columns:
        yield (
            "detail_time_dimension",
            f"model '{model.name}' has no period_key, so name a date column of it",
        )


RULES: tuple[Rule, ...] = (
    rule_detail,
    rule_model,
    rule_fragments,
    rule_refs,
    rule_dimensions,
    rule_needs,
    rule_unit,
)


def validate_catalog(catalog: Catalog, raw: dict[str, dict[str, Any]]) -> list[Issue]:
    """Run every rule on every KPI; return the issues with file and line."""
    issues: list[Issue] = []
    for kpi_id, kpi in catalog.kpis.items():
        path: Path | None = catalog.paths.get(kpi_id)
        data = raw.get(kpi_id, {})
        for rule in RULES:
            for where, message in rule(kpi, catalog):
                issues.append(
                    Issue(f"{where}: {message}", str(path) if path else None, line_of(data, where))
                )
    return issues
