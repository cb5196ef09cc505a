"""Turning text cells into typed values, as SQL that DuckDB runs over whole columns.

Every source cell arrives as text (or NULL). ``text_sql`` trims it and turns blank or
whitespace-only cells into NULL; ``typed_sql`` then parses it according to the canonical
column's :class:`~pulse.tables.ColumnType`. A cell is *bad* when its text is not NULL but its
typed value is. Nothing here runs row by row in Python: these are SQL expressions (and a few
temporary macros, installed by :func:`install_macros`) that DuckDB evaluates vector by vector.

Dates written with slashes or dashes in day/month order (``03/04/2024``) cannot be parsed
without knowing the file's convention; they are kept aside as *pending* text and resolved for
the whole file at once (see :mod:`pulse.ingest.dates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pulse.tables import Column, ColumnType

WHITESPACE = " \t\r\n\u00a0"

# Number shapes: optional parentheses (negative), sign, currency symbol or code before or after,
# digits with or without thousands separators, decimals, and (numbers only) a percent sign.
_CUR = r"(?:[$€£¥]|[A-Z]{3}\s)"
_CUR_AFTER = r"(?:[$€£¥]|\s[A-Z]{3})"
_US_DIGITS = r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)"
_EU_DIGITS = r"((?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+)"


def _number_pattern(digits: str) -> str:
    return (
        r"^(\()?\s*([-+])?\s*"
        + _CUR
        + r"?\s*([-+])?\s*"
        + digits
        + r"\s*"
        + _CUR_AFTER
        + r"?\s*(%)?\s*(\))?$"
    )


_PARTS = "['open', 's1', 's2', 'num', 'pct', 'close']"

ISO_DATETIME = (
    r"\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(:?\d{2})?)?"
)
# day/month dates: 31/03/2024, 31-03-2024, and with slashes only a two-digit year: 3/31/24
DAY_MONTH_PATTERN = r"(\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{1,2}/\d{1,2}/\d{2})([ T].*)?"
_TIME_SUFFIXES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")


def day_month_formats(order: str, two_digit_year: bool = False) -> list[str]:
    """strptime formats for slash/dash dates in ``order`` ``"dmy"`` or ``"mdy"``."""
    first, second = ("%d", "%m") if order == "dmy" else ("%m", "%d")
    if two_digit_year:
        return [f"{first}/{second}/%y{time}" for time in _TIME_SUFFIXES]
    return [f"{first}{sep}{second}{sep}%Y{time}" for sep in "/-" for time in _TIME_SUFFIXES]


def sql_str(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def sql_list(values: list[str]) -> str:
    """A SQL list literal of strings."""
    return "[" + ", ".join(sql_str(v) for v in values) + "]"


_EDGE_TEST = " OR ".join(f"x LIKE '{c}%' OR x LIKE '%{c}'" for c in " \t\u00a0")
_DOT_FORMATS = sql_list(["%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S"])

_MACROS = {
    # blank or whitespace-only → NULL, otherwise trimmed; the LIKE tests skip trim()'s copy
    # for the usual cell with nothing to trim (a tab or NBSP inside the edges is still trimmed)
    "pulse_text": f"""(x) AS CASE WHEN {_EDGE_TEST} THEN NULLIF(trim(x, {sql_str(WHITESPACE)}), '')
        ELSE NULLIF(x, '') END""",
    "pulse_numparts_us": f"(t) AS regexp_extract(t, {sql_str(_number_pattern(_US_DIGITS))}, {_PARTS})",
    "pulse_numparts_eu": f"(t) AS regexp_extract(t, {sql_str(_number_pattern(_EU_DIGITS))}, {_PARTS})",
    # parts → signed DECIMAL (or NULL when the shape is inconsistent); pct says what to do with '%'
    "pulse_numvalue": """(p, digits) AS CASE
        WHEN p.num = '' OR (p.open = '') <> (p.close = '') OR (p.s1 <> '' AND p.s2 <> '')
             OR (p.open <> '' AND (p.s1 <> '' OR p.s2 <> '')) THEN NULL
        ELSE TRY_CAST(digits AS DECIMAL(38, 10))
             * CASE WHEN p.open <> '' OR p.s1 = '-' OR p.s2 = '-' THEN -1 ELSE 1 END END""",
    "pulse_amount_us": """(t) AS list_transform([pulse_numparts_us(t)], p ->
        CASE WHEN p.pct <> '' THEN NULL ELSE pulse_numvalue(p, replace(p.num, ',', '')) END)[1]""",
    "pulse_amount_eu": """(t) AS list_transform([pulse_numparts_eu(t)], p ->
        CASE WHEN p.pct <> '' THEN NULL
        ELSE pulse_numvalue(p, replace(replace(p.num, '.', ''), ',', '.')) END)[1]""",
    "pulse_number_us": """(t) AS list_transform([pulse_numparts_us(t)], p ->
        CAST(pulse_numvalue(p, replace(p.num, ',', '')) AS DOUBLE)
        / CASE WHEN p.pct <> '' THEN 100 ELSE 1 END)[1]""",
    "pulse_number_eu": """(t) AS list_transform([pulse_numparts_eu(t)], p ->
        CAST(pulse_numvalue(p, replace(replace(p.num, '.', ''), ',', '.')) AS DOUBLE)
        / CASE WHEN p.pct <> '' THEN 100 ELSE 1 END)[1]""",
    # the timestamp forms that need no file-level decision, as a UTC TIMESTAMP (slow path)
    "pulse_ts_slow": f"""(t) AS CASE
        WHEN regexp_full_match(t, {sql_str(ISO_DATETIME)})
            THEN timezone('UTC', TRY_CAST(regexp_replace(
                t, '^(\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}[ T]\\d{{1,2}}:\\d{{2}})([^:\\d].*)?$', '\\1:00\\2')
                AS TIMESTAMPTZ))
        WHEN regexp_full_match(t, '\\d{{4}}/\\d{{1,2}}/\\d{{1,2}}') THEN try_strptime(t, '%Y/%m/%d')
        WHEN regexp_full_match(t, '\\d{{1,2}}\\.\\d{{1,2}}\\.\\d{{4}}( .*)?')
            THEN try_strptime(t, {_DOT_FORMATS})
        WHEN regexp_full_match(t, '\\d{{9,10}}') THEN timezone('UTC', to_timestamp(CAST(t AS BIGINT)))
        WHEN regexp_full_match(t, '\\d{{12,13}}') THEN epoch_ms(CAST(t AS BIGINT))
        END""",
    # fast path first: 'YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD'
    "pulse_ts_auto": """(t) AS COALESCE(
        CASE WHEN length(t) = 19 AND substr(t, 5, 1) = '-'
             THEN try_strptime(t, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S']) END,
        CASE WHEN length(t) = 10 AND substr(t, 5, 1) = '-'
             THEN CAST(CAST(try_strptime(t, '%Y-%m-%d') AS DATE) AS TIMESTAMP) END,
        pulse_ts_slow(t))""",
    "pulse_date_auto": """(t) AS COALESCE(
        CASE WHEN length(t) = 10 AND substr(t, 5, 1) = '-'
             THEN CAST(try_strptime(t, '%Y-%m-%d') AS DATE) END,
        CAST(pulse_ts_slow(t) AS DATE))""",
    # day/month dates valid in at least one order wait for the file's order to be decided
    "pulse_is_day_month": f"""(t) AS regexp_full_match(t, {sql_str(DAY_MONTH_PATTERN)})
        AND (CAST(regexp_extract(t, '^(\\d{{1,2}})', 1) AS INTEGER) <= 12
             OR CAST(regexp_extract(t, '^\\d{{1,2}}[/-](\\d{{1,2}})', 1) AS INTEGER) <= 12)""",
    "pulse_bool": """(t) AS CASE lower(t)
        WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true
        WHEN '1' THEN true WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false
        WHEN 'n' THEN false WHEN '0' THEN false END""",
}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``pulse_*`` temporary macros on a connection (idempotent)."""
    for name, body in _MACROS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {name}{body}")


@dataclass(frozen=True)
class NumberStyle:
    """How numbers in a file are written: ``"."`` (1,234.50) or ``","`` (1.234,50) decimals."""

    decimal: str = "."

    @property
    def suffix(self) -> str:
        """Macro suffix for this style."""
        return "eu" if self.decimal == "," else "us"


def typed_sql(column: Column, t: str, style: NumberStyle, date_format: str | None) -> str:
    """SQL that turns the trimmed text ``t`` into ``column``'s type (NULL when it does not parse).

    ``date_format`` is a strptime format tried first for date and timestamp columns; values in
    ISO form or epoch seconds are accepted either way.
    """
    kind = column.type
    eu = style.suffix == "eu"
    if kind is ColumnType.STRING:
        if column.allowed:
            return enum_sql(t, column.allowed)
        return t
    if kind is ColumnType.MONEY:
        amount = f"TRY_CAST(pulse_amount_{style.suffix}({t}) AS DECIMAL(18, 4))"
        return amount if eu else f"COALESCE(TRY_CAST({t} AS DECIMAL(18, 4)), {amount})"
    if kind is ColumnType.NUMBER:
        slow = f"pulse_number_{style.suffix}({t})"
        if eu:
            return slow
        return (
            f"COALESCE(CASE WHEN regexp_full_match({t}, '[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?') "
            f"THEN TRY_CAST({t} AS DOUBLE) END, {slow})"
        )
    if kind is ColumnType.INTEGER:
        amount = f"pulse_amount_{style.suffix}({t})"
        return (
            f"CASE WHEN regexp_full_match({t}, '[-+]?\\d{{1,18}}') THEN CAST({t} AS BIGINT) "
            f"WHEN {amount} = trunc({amount}) THEN TRY_CAST({amount} AS BIGINT) END"
        )
    if kind is ColumnType.BOOLEAN:
        return f"pulse_bool({t})"
    if kind is ColumnType.DATE:
        auto = f"pulse_date_auto({t})"
        if date_format:
            return f"COALESCE(CAST(try_strptime({t}, {sql_str(date_format)}) AS DATE), {auto})"
        return auto
    if kind is ColumnType.TIMESTAMP:
        auto = f"pulse_ts_auto({t})"
        if date_format:
            return f"COALESCE(try_strptime({t}, {sql_str(date_format)}), {auto})"
        return auto
    raise AssertionError(f"unhandled column type {kind}")  # pragma: no cover


def enum_sql(t: str, allowed: tuple[str, ...]) -> str:
    """Fold an enum value: exact match first, else lower-case with spaces/dashes as ``_``."""
    values = ", ".join(sql_str(v) for v in allowed)
    return (
        f"CASE WHEN {t} IN ({values}) THEN {t} "
        f"ELSE lower(regexp_replace({t}, '[\\s-]+', '_', 'g')) END"
    )


def enum_check_sql(v: str, allowed: tuple[str, ...]) -> str:
    """SQL that is true when a folded enum value is not allowed."""
    return f"{v} NOT IN ({', '.join(sql_str(a) for a in allowed)})"


def pending_parse_sql(column: Column, p: str, order: str) -> str:
    """SQL that parses a pending day/month date ``p`` once the file's order is known."""
    # DuckDB's %Y also reads '24' (as year 24), so two-digit years get their own formats
    short = f"regexp_full_match({p}, '\\d{{1,2}}/\\d{{1,2}}/\\d{{2}}([ T].*)?')"
    parsed = (
        f"CASE WHEN {short} THEN try_strptime({p}, {sql_list(day_month_formats(order, True))}) "
        f"ELSE try_strptime({p}, {sql_list(day_month_formats(order))}) END"
    )
    return f"CAST({parsed} AS DATE)" if column.type is ColumnType.DATE else parsed


EXPECTED = {
    ColumnType.STRING: "a text",
    ColumnType.INTEGER: "a whole number",
    ColumnType.NUMBER: "a number",
    ColumnType.MONEY: "an amount",
    ColumnType.DATE: "a date",
    ColumnType.TIMESTAMP: "a date and time",
    ColumnType.BOOLEAN: "true or false",
}

# What each type accepts; rendered into docs/reference/import-format.md.
ACCEPTED: dict[ColumnType, tuple[str, ...]] = {
    ColumnType.STRING: ("any text; leading and trailing blanks are removed",),
    ColumnType.INTEGER: ("`42`, `-7`, `1,200`, `12.0`", "not `12.5`"),
    ColumnType.NUMBER: (
        "`1234.5`, `1,234.5`, `-3`, `1e3`, `(1,200)` (negative), `75%` (= 0.75)",
        '`1.234,50` with `decimal: ","` in a mapping',
    ),
    ColumnType.MONEY: (
        "`1234.50`, `$1,234.50`, `1,234.50 €`, `USD 1,234.50`, `-$5`, `(1,200)` (negative)",
        '`1.234,50` with `decimal: ","` in a mapping',
    ),
    ColumnType.DATE: (
        "ISO `2024-03-31` (a time part or offset is allowed and converted to UTC)",
        "US `03/31/2024` or European `31/03/2024`, `31-03-2024` (with slashes also a "
        "two-digit year, `3/31/24`) — the order is decided for "
        "the whole file; a file where every such date has day and month ≤ 12 is refused and "
        "asks for `--date-format`",
        "`31.03.2024` (always day first), `2024/03/31`",
        "epoch seconds `1711843200` (or milliseconds, 13 digits), as a UTC date",
    ),
    ColumnType.TIMESTAMP: (
        "ISO `2024-03-31 09:00:00`, `2024-03-31T09:00:00Z`, `2024-03-31T09:00:00.000+0000` "
        "(stored in UTC; no offset means UTC)",
        "the date forms above (midnight), with an optional time such as `9:05 PM`",
        "epoch seconds or milliseconds",
    ),
    ColumnType.BOOLEAN: ("`true`/`false`, `yes`/`no`, `y`/`n`, `t`/`f`, `1`/`0` (any case)",),
}
