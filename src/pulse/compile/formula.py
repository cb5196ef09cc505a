"""Formula fragments: parse with sqlglot, allow only portable constructs, rewrite columns.

A fragment is an aggregate expression over one model (``COUNT(CASE WHEN status = 'won' THEN 1
END)``) or arithmetic over other KPIs written as ``{kpi_id}``. Only constructs that compile
to every engine are allowed: aggregates, ``CASE``, arithmetic, comparisons, ``NULLIF`` /
``COALESCE``, casts. ``FILTER (WHERE …)``, window functions and subqueries are refused.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

from pulse.catalog.models import REF_RE
from pulse.errors import FormulaError

REF_PREFIX = "ref_"

AGGREGATES: tuple[type[exp.Expr], ...] = (
    exp.Sum,
    exp.Count,
    exp.Avg,
    exp.Min,
    exp.Max,
    exp.Median,
    exp.Quantile,
    exp.PercentileCont,
    exp.Stddev,
)

ALLOWED: tuple[type[exp.Expr], ...] = (
    *AGGREGATES,
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Paren,
    exp.Star,
    exp.Distinct,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.Mod,
    exp.Neg,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Like,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Case,
    exp.If,
    exp.Coalesce,
    exp.Nullif,
    exp.Cast,
    exp.DataType,
    exp.DataTypeParam,
    exp.Abs,
    exp.Round,
    exp.Greatest,
    exp.Least,
    exp.Floor,
    exp.Ceil,
    exp.Sqrt,
    exp.Pow,
    exp.Lower,
    exp.Upper,
)


def _ref_column(kpi_id: str) -> str:
    return f"{REF_PREFIX}{kpi_id}"


def parse_fragment(text: str) -> exp.Expr:
    """Parse a fragment (``{kpi}`` refs become columns ``ref_<kpi>``) or raise FormulaError."""
    source = REF_RE.sub(lambda m: _ref_column(m.group(1)), text)
    try:
        tree = sqlglot.parse_one(source, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        first = exc.errors[0]["description"] if exc.errors else str(exc)
        raise FormulaError(f"formula does not parse: {first}: {text!r}") from exc
    if tree is None:
        raise FormulaError(f"formula is empty: {text!r}")
    return tree


def check_fragment(tree: exp.Expr) -> list[str]:
    """Problems with a parsed fragment: constructs that are not portable or not allowed."""
    problems = []
    inside_filter = {id(n) for f in tree.find_all(exp.Filter) for n in f.walk() if n is not f}
    for node in tree.walk():
        if id(node) in inside_filter:
            continue
        if isinstance(node, exp.Filter):
            problems.append("FILTER (WHERE …) is not portable; use COUNT(CASE WHEN … THEN 1 END)")
        elif isinstance(node, exp.Window):
            problems.append("window functions are not allowed in a formula; put them in a model")
        elif isinstance(node, exp.Select | exp.Subquery):
            problems.append("subqueries are not allowed in a formula; put them in a model")
        elif not isinstance(node, ALLOWED):
            problems.append(
                f"'{node.sql(dialect='duckdb')}' ({type(node).__name__}) is not an allowed construct"
            )
    return sorted(set(problems))


def columns_of(tree: exp.Expr) -> list[str]:
    """Model columns a fragment reads (references excluded)."""
    names = []
    for col in tree.find_all(exp.Column):
        if not col.name.startswith(REF_PREFIX) and col.name not in names:
            names.append(col.name)
    return names


def has_aggregate(tree: exp.Expr) -> bool:
    """Whether the fragment aggregates rows."""
    return any(isinstance(n, AGGREGATES) for n in tree.walk())


def refs_of(text: str) -> list[str]:
    """KPI ids referenced as ``{kpi_id}``."""
    return list(dict.fromkeys(REF_RE.findall(text)))


def render(text: str, alias: str | None = None, refs: dict[str, str] | None = None) -> str:
    """DuckDB SQL for a fragment with model columns qualified by ``alias`` and refs replaced.

    ``refs`` maps a KPI id to the SQL expression holding that KPI's value. Rendered once per
    process for each (fragment, alias, refs): a scorecard renders the same formulas every time.
    """
    return _render(text, alias, tuple(sorted((refs or {}).items())))


@lru_cache(maxsize=4096)
def _render(text: str, alias: str | None, refs: tuple[tuple[str, str], ...]) -> str:
    tree = parse_fragment(text)
    ref_sql = dict(refs)

    def rewrite(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and not node.table:
            if node.name.startswith(REF_PREFIX):
                kpi_id = node.name[len(REF_PREFIX) :]
                if kpi_id in ref_sql:
                    return sqlglot.parse_one(ref_sql[kpi_id], read="duckdb")
                return node
            if alias:
                return exp.column(node.name, table=alias, quoted=False)
        return node

    return tree.transform(rewrite).sql(dialect="duckdb")


IDENT_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
