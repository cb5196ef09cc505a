"""``docs/reference/import-format.md``: the canonical tables and how files are read into them.

Generated from :mod:`pulse.tables` (tables, keys, columns, types, allowed values) and
:mod:`pulse.ingest.coerce` (the value forms each type accepts), so the page cannot drift from
what the importer does.
"""

from __future__ import annotations

from pulse.ingest.coerce import ACCEPTED
from pulse.ingest.quirks import EXAMPLES, MAX_PAIRS, MAX_VALUES, dimension_columns
from pulse.tables import TABLES, Column, ColumnType, Table

TARGET = "docs/reference/import-format.md"

_INTRO = """\
Pulse reads a company's data into **canonical tables**. Every table is optional; each KPI says
which tables and columns it needs. This page is generated from `src/pulse/tables.py`, the only
place columns are declared.

## Importing

```bash
pulse data import NAME TABLE FILE [--mapping PRESET|FILE] [--date-format FMT] [--replace] \\
                                  [--encoding latin-1] [--sheet S] [--match-accounts]
pulse data tables NAME [--format json]     # row count per table
pulse data log NAME [--format json]        # every import: file, SHA-256, counts, time
pulse data matches NAME [--import ID] [--format json]   # how account names were matched
```

- **Files**: CSV (delimiter sniffed: comma, semicolon, tab or pipe; UTF-8 with or without BOM;
  CRLF or LF; quoted fields with delimiters, doubled quotes and line breaks; other encodings
  with `--encoding`), XLSX (`--sheet` by name or position, 1 = first; default the first
  sheet), Parquet, JSON (an array of objects, or an object holding one) and JSON lines;
  also a `.gz` or `.zip` of CSV, JSON or JSON-lines files (members read in archive order,
  a CSV header kept once, JSON arrays concatenated).
- **Headers** are matched after normalising: trimmed, a `(UTC)` suffix dropped, camelCase
  split, case-folded, punctuation and spaces turned into `_`. `Close Date`, `CloseDate` and
  ` close_date (UTC)` all fill `close_date`. Columns that match nothing are listed and ignored.
- **All or nothing**: an import is one transaction. A refused file lists **every** problem as
  `file:line:column: expected …, got '…'` (the first 50 are printed, then a count of the rest)
  and writes nothing. Line 1 is the header; in JSON arrays, Parquet and in-memory records the
  line is the record's position.
- **Upsert by key**: rows whose key is already there are updated (and counted as *restated* in
  the import log when a value changed) or left alone when identical, so importing the same
  file twice changes nothing. Columns the file lacks keep their stored values. An empty key
  column that may be empty (see the tables) matches an empty one. `--replace` swaps the whole
  table for the file's rows.
- **Checks**: values must parse as their column's type; required columns must be present (a
  did-you-mean names the closest header) and non-empty; allowed values are enforced (case and
  `-`/space versus `_` are forgiven: `Self Serve` is `self_serve`); keys must be unique within
  the file.
"""

_MAPPING = """\
## Mapping files

A mapping fits any other export to a table. `--mapping NAME` loads the shipped preset
`src/pulse/ingest/mappings/NAME.yml`; `--mapping path/to/file.yml` loads your own. Every key
is optional:

```yaml
table: opportunities            # the table this mapping is for
format: csv                     # csv | xlsx | parquet | json | jsonl (default: the suffix)
records: data.items             # JSON: where the list of records is
normalizer: stripe_subscriptions  # JSON: a named function flattening nested API objects
date_format: DD/MM/YYYY         # tried first for every date (or %d/%m/%Y)
decimal: ","                    # numbers written 1.234,50
where: "is_deleted <> 'true'"   # SQL over source columns; other rows are skipped
match_accounts: true            # resolve account_id names/domains/e-mails to CRM ids
aggregate: {amount: sum}        # combine rows sharing the key: sum|count|avg|min|max
columns:
  opportunity_id: Id                          # rename
  owner_id: [Opportunity Owner, OwnerId]      # the first of these the file has
  status:                                     # value map, case-insensitive
    from: Stage
    values: {Closed Won: won, Closed Lost: lost}
    default: open                             # for values not listed
  currency: {value: USD}                      # constant
  closed_at: {sql: "CASE WHEN is_closed = 'true' THEN close_date END"}
  created_at: {from: Created, date_format: "MM/DD/YYYY hh:mm AM"}
  period_start: {from: Date, start_of: month}  # first (end_of: last) day: week|month|quarter|year
  category: {from: Account, values: {Advertising: marketing}, unmapped: skip}  # others skipped
```

A file may map several tables under `tables: {opportunities: {...}, stage_history: {...}}`.
SQL expressions name source columns by their normalised header (every source value is text)
and may only be expressions: no queries or tables. In YAML only `true`/`false` are booleans,
so `Y`, `N`, `yes` and `no` can be value-map keys. Precedence of date formats: a column's
`date_format`, then `--date-format`, then the mapping's `date_format`.

**Account matching** (`match_accounts: true` or `--match-accounts`) is for tools that do not
carry the CRM account id (accounting, support, surveys). Each distinct `account_id` value is
looked up in the `accounts` table: exact `account_id`, then domain (a domain, URL or e-mail
compared by registrable host with `www.` stripped against `accounts.domain`), then the name
with case, punctuation and legal suffixes (Inc, LLC, Ltd, GmbH, Corp, Co, …) ignored, then a
fuzzy name score of at least 0.85 (`match_accounts: {threshold: 0.9}` or `--match-threshold`).
Matched values become the CRM id; unmatched and ambiguous ones (two equally good accounts) are
kept as they are, never dropped. The report is printed after the import and kept in the
`_account_matches` table (`pulse data matches`).

**Aggregation** (`aggregate:`) combines the rows of one file that share the table's key, e.g.
tickets into `health_signals` per account and day or expense lines into `spend` per month and
category; other columns take their least value. Every row is checked first, so a bad row is
reported at its own line.
"""


def _accepted() -> list[str]:
    out = ["## Values", "", "| type | stored as | accepts |", "|---|---|---|"]
    for kind in ColumnType:
        forms = "; ".join(ACCEPTED[kind])
        out.append(f"| {kind.value} | `{kind.sql}` | {forms} |")
    out += [
        "",
        "Blank and whitespace-only cells are missing values. Timestamps are stored in UTC.",
        "",
    ]
    return out


_FINDINGS = """\
## Findings

Some quirks of real data do not make a row invalid but deserve a look. After an import
commits, Pulse checks the rows it wrote and prints each finding as a `note:` line after the
import's summary; the findings are also appended to the import's note in `pulse data log`.
Findings never refuse a file: the rows stay as they were imported.

- **Spelling variants** in a table's categorical columns (listed below): two values equal once
  lower-cased with spaces and punctuation removed (`GTXPro` and `GTX Pro`), or, both 6
  characters or more, one edit apart (`technolgy` and `technology`). Values differing only in
  their digits (`Stage 1`, `Stage 2`) are not variants, and a column with more than {max_values:,}
  distinct values is not compared. Rows from earlier imports count: a pair is reported when
  the import brought at least one of its values. The rarer value comes first, at most {max_pairs} per
  column.

  `accounts.industry: 'technolgy' (12 rows) looks like 'Technology' (67 rows) spelled
  differently; map one to the other with a value map in the mapping file`

- **Closed before created**: a won or lost opportunity whose `closed_at` (else `close_date`)
  is before its `created_at`, or before the `created_at` of the lead that converted into it
  (`leads.opportunity_id`; checked when either table is imported). Up to {examples} examples,
  with their file lines.

  `opportunities: 1 deal closed (won or lost) before its lead arrived (leads.created_at),
  e.g. 'b91cf8812365f50ff4bda4bcd6206b05' (line 669, lead created 2018-03-08, closed
  2018-03-06)`

- **Blank-space numbers**: cells of an integer, number or money column holding only spaces
  (or tabs) are read as missing (a required column still refuses them). An empty cell is the
  usual way to write a missing value and is not reported.

  `health_signals.usage: 11 values hold only spaces in column 'TotalCharges' and were read as
  missing, e.g. lines 490, 755, 938`

Categorical columns compared for spelling variants: text columns outside the key that are not
ids (`*_id`), names or domains, and have no fixed set of allowed values.
"""


def _findings() -> list[str]:
    out = [
        _FINDINGS.format(max_values=MAX_VALUES, max_pairs=MAX_PAIRS, examples=EXAMPLES),
        "| table | categorical columns |",
        "|---|---|",
    ]
    for table in TABLES.values():
        columns = dimension_columns(table)
        if columns:
            out.append(f"| `{table.name}` | {', '.join(f'`{c.name}`' for c in columns)} |")
    out.append("")
    return out


def _required(table: Table, column: Column) -> str:
    if column.name in table.key:
        return "key, may be empty" if column.may_be_empty else "key"
    return "yes" if column.required else ""


def _table(table: Table) -> list[str]:
    key = ", ".join(f"`{k}`" for k in table.key)
    out = [f"### `{table.name}`", "", table.description, "", f"Key: {key}.", ""]
    out += ["| column | type | required | allowed values | description |", "|---|---|---|---|---|"]
    for column in table.columns:
        allowed = ", ".join(f"`{a}`" for a in column.allowed) if column.allowed else ""
        out.append(
            f"| `{column.name}` | {column.type.value} | {_required(table, column)} | {allowed} "
            f"| {column.description} |"
        )
    out.append("")
    return out


def render() -> str:
    """The whole reference page."""
    out = [
        "# Import format",
        "",
        "<!-- Generated from src/pulse/tables.py by scripts/gen_docs.py; do not edit by hand. -->",
        "",
        _INTRO,
        *_accepted(),
        *_findings(),
        _MAPPING,
        "## Tables",
        "",
        "| table | key | required columns |",
        "|---|---|---|",
    ]
    for table in TABLES.values():
        key = ", ".join(f"`{k}`" for k in table.key)
        required = ", ".join(f"`{c}`" for c in table.required)
        out.append(f"| [`{table.name}`](#{table.name}) | {key} | {required} |")
    out.append("")
    for table in TABLES.values():
        out += _table(table)
    return "\n".join(out).rstrip() + "\n"
