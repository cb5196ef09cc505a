"""Column mappings: shipped presets and user files that fit any export to a canonical table.

A mapping is a YAML file. ``--mapping NAME`` loads the shipped preset
``src/pulse/ingest/mappings/NAME.yml``; ``--mapping path/to/file.yml`` loads a user file.
The format (every key optional)::

    description: Salesforce opportunity report export
    table: opportunities          # the table this mapping is for (checked against TABLE)
    format: csv                   # csv | xlsx | parquet | json | jsonl (default: from the suffix)
    records: data                 # JSON: dotted path to the list of records
    normalizer: stripe_subscriptions   # JSON: named function turning the document into records
    date_format: "%d/%m/%Y"       # strptime format tried first for every date column
    decimal: ","                  # numbers written 1.234,50 (default ".")
    where: "is_deleted <> 'true'" # SQL filter over source columns; other rows are skipped
    match_accounts: true          # resolve account_id against the accounts table (see below)
    aggregate: {support_tickets: sum, nps: avg}   # combine rows that share the table's key
    columns:                      # canonical column → where its value comes from
      opportunity_id: Id                          # a source column (rename)
      owner_id: [Opportunity Owner, OwnerId]      # the first of these the file has
      status:
        from: Stage
        values: {Closed Won: won, Closed Lost: lost}   # value map (case-insensitive)
        default: open                             # for values the map does not list
      category: {from: Account, values: {Advertising: marketing}, unmapped: skip}
                                                  # rows whose value the map lacks are skipped
      currency: {value: USD}                      # a constant
      closed_at: {sql: "CASE WHEN is_closed = 'true' THEN close_date END"}
      created_at: {from: Created, date_format: "%m/%d/%Y %I:%M %p"}
      period_start: {from: Date, start_of: month}  # a date column: first day of its month
      period_end: {from: Date, end_of: month}      # … or last day (week, month, quarter, year)

A file may instead hold several tables (``tables: {opportunities: {...}, stage_history: {...}}``);
top-level keys are then defaults for each. Source column names are compared after
:func:`~pulse.ingest.names.normalize_header`, so ``Close Date``, ``close_date`` and ``CloseDate``
are the same column; SQL expressions refer to them in that normalised form. Canonical columns a
mapping does not mention are still read from a source column of the same (normalised) name.
``match_accounts: true`` (or ``pulse data import --match-accounts``) is for exports from tools
that do not carry the CRM account id (accounting, support, survey tools): each distinct
account_id value is looked up in the workspace's ``accounts`` table — exact ``account_id``, then
domain (the value is a domain, URL or e-mail address; compared by registrable host with
``www.`` stripped against ``accounts.domain``), then normalised name (lower-case, punctuation
and legal suffixes such as Inc, LLC, Ltd, GmbH stripped), then fuzzy name (score at least 0.85;
``match_accounts: {threshold: 0.9}`` changes it). Matched values become the CRM account id;
unmatched and ambiguous ones are kept as they are and listed in the match report
(``pulse data matches NAME``). See :mod:`pulse.ingest.matching`.

``aggregate`` combines the rows of one file that share the table's key (tickets into
``health_signals`` per account and day, expense lines into ``spend`` per month and category):
each listed column takes ``sum``, ``count`` (rows with a value), ``avg``, ``min`` or ``max`` of
its values; other non-key columns take one of theirs (the least, so re-imports agree). Every row is typed and checked first,
so a bad row is still reported at its own line.

YAML booleans are only ``true``/``false``: ``yes``, ``no``, ``Y`` and ``N`` stay text, so they
can be value-map keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from pulse.errors import Issue, MappingError, did_you_mean, unknown
from pulse.tables import ColumnType, Table

PRESETS_DIR = Path(__file__).resolve().parent / "mappings"
FORMATS = ("csv", "xlsx", "parquet", "json", "jsonl")
_FILE_KEYS = (
    "description",
    "table",
    "format",
    "records",
    "normalizer",
    "date_format",
    "decimal",
    "where",
    "match_accounts",
    "aggregate",
    "columns",
    "tables",
)
_TABLE_KEYS = tuple(k for k in _FILE_KEYS if k not in ("table", "tables"))
_RULE_KEYS = (
    "from",
    "values",
    "default",
    "unmapped",
    "value",
    "sql",
    "date_format",
    "start_of",
    "end_of",
)
PERIODS = ("week", "month", "quarter", "year")


@dataclass(frozen=True)
class ColumnRule:
    """Where one canonical column's value comes from."""

    target: str
    sources: tuple[str, ...] = ()
    values: dict[str, str] | None = None
    default: str | None = None
    value: str | None = None
    sql: str | None = None
    date_format: str | None = None
    skip_unmapped: bool = False  # ``unmapped: skip``: rows whose value the map lacks are skipped
    period: tuple[str, str] | None = None  # ("start" | "end", week | month | quarter | year)
    line: int | None = None


@dataclass(frozen=True)
class TableMapping:
    """A mapping resolved for one canonical table."""

    name: str
    file: str
    table: str
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    where: str | None = None
    records: str | None = None
    normalizer: str | None = None
    date_format: str | None = None
    decimal: str = "."
    format: str | None = None
    match_accounts: bool = False
    match_threshold: float | None = None
    aggregate: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, key: str) -> int | None:
        """Line of a top-level key (``where``, ``records``, …) in the mapping file."""
        return self.lines.get(key)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so ``yes``/``no``/``Y``/``N`` stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


class LineDoc:
    """A loaded YAML document that remembers the line of every node, by key path.

    Shared by mappings and event maps. Only ``true``/``false`` are booleans (see ``_Loader``).
    Invalid YAML raises ``error`` (a MappingError type) with ``message`` (default
    ``NAME: invalid YAML``) and the line the parser stopped at.
    """

    def __init__(
        self,
        path: Path,
        text: str,
        message: str | None = None,
        error: type[MappingError] = MappingError,
    ):
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            self.data = self._build(loader, node, ()) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            raise error(
                message or f"{path.name}: invalid YAML",
                [Issue(str(exc).splitlines()[0], str(path), line)],
            ) from exc
        finally:
            loader.dispose()

    def _build(self, loader: _Loader, node: yaml.Node, path: tuple[str, ...]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = _scalar_text(loader.construct_object(key_node))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self._build(loader, value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, (*path, str(i))) for i, item in enumerate(node.value)]
        return loader.construct_object(node)

    def line(self, *path: str) -> int | None:
        return self.lines.get(tuple(path))

    def issue(self, where: tuple[str, ...], message: str) -> Issue:
        """An issue at the line of the node at ``where``."""
        return Issue(message, str(self.path), self.lines.get(where))


def resolve_mapping_path(spec: str | Path) -> tuple[str, Path]:
    """Return ``(name for the log, path)`` for a preset name or a user file."""
    text = str(spec)
    looks_like_file = (
        isinstance(spec, Path)
        or text.endswith((".yml", ".yaml"))
        or "/" in text
        or "\\" in text
        or Path(text).is_file()
    )
    if looks_like_file:
        path = Path(text).expanduser()
        if not path.is_file():
            raise MappingError(f"mapping file {text} does not exist")
        return str(path), path
    preset = PRESETS_DIR / f"{text}.yml"
    if not preset.is_file():
        raise unknown("mapping preset", text, available_presets())
    return text, preset


def available_presets() -> list[str]:
    """Names of the shipped mapping presets."""
    if not PRESETS_DIR.is_dir():
        return []
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yml"))


def load_mapping(spec: str | Path, table: Table) -> TableMapping:
    """Load a preset or user mapping file and resolve it for ``table``.

    Raises :class:`~pulse.errors.MappingError` with every problem found, each with the
    mapping file's path and line.
    """
    name, path = resolve_mapping_path(spec)
    doc = LineDoc(path, path.read_text(encoding="utf-8-sig"))
    issues: list[Issue] = []
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected a mapping (key: value) at the top level")
    _check_keys(doc, data, (), _FILE_KEYS, "key", issues)
    section = data
    prefix: tuple[str, ...] = ()
    if "tables" in data:
        tables = data["tables"]
        if not isinstance(tables, dict):
            issues.append(_issue(doc, ("tables",), "expected a mapping of table name → mapping"))
            raise _mapping_error(name, issues)
        if table.name not in tables:
            guess = did_you_mean(table.name, tables)
            msg = f"mapping '{name}' has no section for table '{table.name}'"
            if guess:
                msg += f". Did you mean '{guess}'?"
            raise MappingError(msg, hint=f"it maps: {', '.join(sorted(tables))}")
        section = tables[table.name] or {}
        prefix = ("tables", table.name)
        if not isinstance(section, dict):
            issues.append(_issue(doc, prefix, "expected a mapping"))
            raise _mapping_error(name, issues)
        _check_keys(doc, section, prefix, _TABLE_KEYS, "key", issues)
    elif data.get("table") not in (None, table.name):
        raise MappingError(
            f"mapping '{name}' is for table '{data['table']}', not '{table.name}'",
            [Issue(f"table: {data['table']}", str(path), doc.line("table"))],
        )

    def setting(key: str) -> tuple[Any, tuple[str, ...]]:
        if key in section:
            return section[key], (*prefix, key)
        return data.get(key), (key,)

    options: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key in ("format", "records", "normalizer", "date_format", "decimal", "where"):
        value, where = setting(key)
        if value is None:
            continue
        line = doc.line(*where)
        if line is not None:
            lines[key] = line
        if not isinstance(value, str):
            issues.append(_issue(doc, where, f"{key}: expected text, got {value!r}"))
            continue
        options[key] = value
    if options.get("format") not in (None, *FORMATS):
        issues.append(
            _issue(
                doc,
                (*prefix, "format"),
                f"format: expected one of {', '.join(FORMATS)}, got '{options['format']}'",
            )
        )
    if options.get("decimal") not in (None, ".", ","):
        issues.append(
            _issue(
                doc,
                (*prefix, "decimal"),
                f"decimal: expected '.' or ',', got '{options['decimal']}'",
            )
        )

    match_accounts, match_threshold = _match_setting(doc, *setting("match_accounts"), issues)

    aggregate = _aggregate_setting(doc, *setting("aggregate"), table, issues)

    columns_raw, where_cols = setting("columns")
    rules: dict[str, ColumnRule] = {}
    if columns_raw is not None:
        if not isinstance(columns_raw, dict):
            issues.append(_issue(doc, where_cols, "columns: expected a mapping of column → source"))
        else:
            for target, spec_value in columns_raw.items():
                rule = _rule(doc, (*where_cols, target), target, spec_value, table, issues)
                if rule is not None:
                    rules[target] = rule
    if issues:
        raise _mapping_error(name, issues)
    return TableMapping(
        name=name,
        file=str(path),
        table=table.name,
        columns=rules,
        where=options.get("where"),
        records=options.get("records"),
        normalizer=options.get("normalizer"),
        date_format=options.get("date_format"),
        decimal=options.get("decimal", "."),
        format=options.get("format"),
        match_accounts=match_accounts,
        match_threshold=match_threshold,
        aggregate=aggregate,
        lines=lines,
    )


AGGREGATES = ("sum", "count", "avg", "min", "max")
_NUMERIC = (ColumnType.INTEGER, ColumnType.NUMBER, ColumnType.MONEY)


def _aggregate_setting(
    doc: LineDoc, value: Any, where: tuple[str, ...], table: Table, issues: list[Issue]
) -> dict[str, str]:
    """``aggregate``: canonical column → sum | count | avg | min | max (non-key columns)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        issues.append(
            _issue(doc, where, "aggregate: expected a mapping of column → sum/count/avg/min/max")
        )
        return {}
    out: dict[str, str] = {}
    for column, func in value.items():
        at = (*where, column)
        if column not in table.column_names:
            guess = did_you_mean(column, table.column_names)
            hint = f". Did you mean '{guess}'?" if guess else ""
            issues.append(
                _issue(
                    doc, at, f"aggregate: unknown column '{column}' of table '{table.name}'{hint}"
                )
            )
            continue
        if column in table.key:
            issues.append(
                _issue(
                    doc,
                    at,
                    f"aggregate: '{column}' is part of the key of '{table.name}' "
                    f"({', '.join(table.key)}): rows are combined by it, not summed",
                )
            )
            continue
        if func not in AGGREGATES:
            issues.append(
                _issue(
                    doc,
                    at,
                    f"aggregate.{column}: expected one of {', '.join(AGGREGATES)}, got {func!r}",
                )
            )
            continue
        kind = table.column(column).type
        if func in ("sum", "avg", "count") and kind not in _NUMERIC:
            issues.append(
                _issue(
                    doc,
                    at,
                    f"aggregate.{column}: {func} needs a number column, '{column}' is a {kind}",
                )
            )
            continue
        out[column] = func
    return out


def _match_setting(
    doc: LineDoc, value: Any, where: tuple[str, ...], issues: list[Issue]
) -> tuple[bool, float | None]:
    """``match_accounts``: true/false, or ``{threshold: 0.9}`` (which turns matching on)."""
    if value is None or isinstance(value, bool):
        return bool(value), None
    if isinstance(value, dict):
        _check_keys(doc, value, where, ("threshold",), "key", issues)
        threshold = value.get("threshold")
        if threshold is None:
            return True, None
        number = isinstance(threshold, int | float) and not isinstance(threshold, bool)
        if number and 0 < threshold <= 1:
            return True, float(threshold)
        issues.append(
            _issue(
                doc,
                (*where, "threshold"),
                f"match_accounts.threshold: expected a number between 0 and 1, got {threshold!r}",
            )
        )
        return True, None
    issues.append(
        _issue(
            doc, where, f"match_accounts: expected true, false or {{threshold: …}}, got {value!r}"
        )
    )
    return False, None


def _issue(doc: LineDoc, path: tuple[str, ...], message: str) -> Issue:
    return doc.issue(path, message)


def _mapping_error(name: str, issues: list[Issue]) -> MappingError:
    return MappingError(f"mapping '{name}' is invalid", issues)


def _check_keys(
    doc: LineDoc,
    data: dict[str, Any],
    prefix: tuple[str, ...],
    allowed: tuple[str, ...],
    kind: str,
    issues: list[Issue],
) -> None:
    for key in data:
        if key not in allowed:
            guess = did_you_mean(key, allowed)
            hint = (
                f". Did you mean '{guess}'?"
                if guess
                else f" (expected one of {', '.join(allowed)})"
            )
            label = ".".join((*prefix, key))
            issues.append(_issue(doc, (*prefix, key), f"unknown {kind} '{label}'{hint}"))


def _rule(
    doc: LineDoc,
    where: tuple[str, ...],
    target: str,
    spec: Any,
    table: Table,
    issues: list[Issue],
) -> ColumnRule | None:
    label = ".".join(where[-2:])
    line = doc.line(*where)
    if target not in table.column_names:
        guess = did_you_mean(target, table.column_names)
        hint = f". Did you mean '{guess}'?" if guess else ""
        issues.append(
            _issue(doc, where, f"unknown column '{target}' of table '{table.name}'{hint}")
        )
        return None
    if isinstance(spec, str):
        return ColumnRule(target, sources=(spec,), line=line)
    if isinstance(spec, list):
        if not spec or not all(isinstance(s, str) for s in spec):
            issues.append(_issue(doc, where, f"{label}: expected a list of source column names"))
            return None
        return ColumnRule(target, sources=tuple(spec), line=line)
    if not isinstance(spec, dict):
        issues.append(
            _issue(
                doc,
                where,
                f"{label}: expected a source column, a list, or a mapping with from/value/sql",
            )
        )
        return None
    before = len(issues)
    _check_keys(doc, spec, where, _RULE_KEYS, "key", issues)
    chosen = [k for k in ("from", "value", "sql") if k in spec]
    if len(chosen) != 1:
        issues.append(_issue(doc, where, f"{label}: expected exactly one of from, value, sql"))
    sources: tuple[str, ...] = ()
    if "from" in spec:
        raw = spec["from"]
        if isinstance(raw, str):
            sources = (raw,)
        elif isinstance(raw, list) and raw and all(isinstance(s, str) for s in raw):
            sources = tuple(raw)
        else:
            issues.append(
                _issue(doc, (*where, "from"), f"{label}.from: expected a column name or a list")
            )
    values: dict[str, str] | None = None
    if "values" in spec:
        raw_values = spec["values"]
        if not isinstance(raw_values, dict):
            issues.append(_issue(doc, (*where, "values"), f"{label}.values: expected a mapping"))
        else:
            values = {
                _scalar_text(k).strip().lower(): _scalar_text(v) for k, v in raw_values.items()
            }
        if "value" in spec:
            issues.append(
                _issue(doc, (*where, "values"), f"{label}: values cannot apply to a constant")
            )
    sql = spec.get("sql")
    if sql is not None and not isinstance(sql, str):
        issues.append(_issue(doc, (*where, "sql"), f"{label}.sql: expected an SQL expression"))
    date_format = spec.get("date_format")
    if date_format is not None and not isinstance(date_format, str):
        issues.append(_issue(doc, (*where, "date_format"), f"{label}.date_format: expected text"))
    period: tuple[str, str] | None = None
    for edge in ("start_of", "end_of"):
        if edge not in spec:
            continue
        unit = spec[edge]
        if unit not in PERIODS:
            issues.append(
                _issue(
                    doc,
                    (*where, edge),
                    f"{label}.{edge}: expected one of {', '.join(PERIODS)}, got {unit!r}",
                )
            )
        elif table.column(target).type is not ColumnType.DATE:
            issues.append(_issue(doc, (*where, edge), f"{label}.{edge}: needs a date column"))
        elif period is not None:
            issues.append(_issue(doc, where, f"{label}: expected start_of or end_of, not both"))
        else:
            period = (edge.removesuffix("_of"), unit)
    unmapped = spec.get("unmapped")
    if unmapped is not None:
        if unmapped not in ("skip", "keep"):
            issues.append(
                _issue(
                    doc,
                    (*where, "unmapped"),
                    f"{label}.unmapped: expected skip or keep, got {unmapped!r}",
                )
            )
        elif unmapped == "skip" and (values is None or "default" in spec):
            issues.append(
                _issue(
                    doc,
                    (*where, "unmapped"),
                    f"{label}: unmapped: skip needs a values map and no default",
                )
            )
    if len(issues) > before:
        return None
    return ColumnRule(
        target,
        sources=sources,
        values=values,
        default=_scalar_text(spec["default"]) if "default" in spec else None,
        value=_scalar_text(spec["value"]) if "value" in spec else None,
        sql=sql,
        date_format=date_format,
        skip_unmapped=unmapped == "skip",
        period=period,
        line=line,
    )
