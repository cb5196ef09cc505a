"""Every coercion, run as the SQL DuckDB executes on import (value in, typed value or NULL out)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from pulse.ingest.coerce import NumberStyle, install_macros, pending_parse_sql, typed_sql
from pulse.ingest.dates import decide, to_strptime
from pulse.tables import Column, ColumnType

C = ColumnType


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    install_macros(connection)
    yield connection
    connection.close()


def coerce(
    con: duckdb.DuckDBPyConnection,
    kind: ColumnType,
    text: str | None,
    style: NumberStyle | None = None,
    fmt: str | None = None,
    allowed: tuple[str, ...] | None = None,
) -> Any:
    column = Column("x", kind, "", allowed=allowed)
    expr = typed_sql(column, "pulse_text(v)", style or NumberStyle(), fmt)
    return con.execute(f"SELECT {expr} FROM (SELECT CAST(? AS VARCHAR) AS v)", [text]).fetchall()[
        0
    ][0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.50", Decimal("1234.5")),
        ("$1,234.50", Decimal("1234.5")),
        ("  $1,234.50  ", Decimal("1234.5")),
        ("(1,200)", Decimal("-1200")),
        ("($1,200.00)", Decimal("-1200")),
        ("-$5", Decimal("-5")),
        ("$-5", Decimal("-5")),
        ("1,234.50 €", Decimal("1234.5")),
        ("€1.5", Decimal("1.5")),
        ("USD 1,234.50", Decimal("1234.5")),
        ("12,345,678.9", Decimal("12345678.9")),
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("", None),
        ("   ", None),
        ("\t", None),
        ("\u00a0", None),
        (None, None),
        # not amounts
        ("abc", None),
        ("75%", None),
        ("1,23", None),
        ("(5", None),
        ("-(5)", None),
        ("1.234,50", None),
        ("1 2", None),
    ],
)
def test_money(con: duckdb.DuckDBPyConnection, text: str | None, expected: Decimal | None) -> None:
    assert coerce(con, C.MONEY, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,50", Decimal("1234.5")),
        ("1234,5", Decimal("1234.5")),
        ("0,75", Decimal("0.75")),
        ("(1.200,00)", Decimal("-1200")),
        ("€ 1.234", Decimal("1234")),
        ("1,234.50", None),
    ],
)
def test_money_with_decimal_comma(
    con: duckdb.DuckDBPyConnection, text: str, expected: Decimal | None
) -> None:
    assert coerce(con, C.MONEY, text, NumberStyle(",")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("75%", 0.75),
        ("12.5 %", 0.125),
        ("1.5", 1.5),
        ("-3", -3.0),
        ("1e3", 1000.0),
        ("(1,200)", -1200.0),
        ("$2.50", 2.5),
        (" ", None),
        ("nan", None),
        ("inf", None),
        ("1.2.3", None),
    ],
)
def test_number(con: duckdb.DuckDBPyConnection, text: str, expected: float | None) -> None:
    assert coerce(con, C.NUMBER, text) == expected


def test_number_with_decimal_comma(con: duckdb.DuckDBPyConnection) -> None:
    assert coerce(con, C.NUMBER, "12,5%", NumberStyle(",")) == 0.125
    assert coerce(con, C.NUMBER, "1.000,25", NumberStyle(",")) == 1000.25


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("-7", -7),
        ("+3", 3),
        ("1,200", 1200),
        ("12.0", 12),
        ("12.5", None),
        ("x", None),
        ("99999999999999999999", None),
        ("", None),
    ],
)
def test_integer(con: duckdb.DuckDBPyConnection, text: str, expected: int | None) -> None:
    assert coerce(con, C.INTEGER, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[(t, True) for t in ("true", "TRUE", "True", "yes", "Yes", "y", "Y", "1", "t", "T")],
        *[(t, False) for t in ("false", "False", "no", "NO", "n", "N", "0", "f", "F")],
        ("", None),
        ("maybe", None),
        ("2", None),
    ],
)
def test_boolean(con: duckdb.DuckDBPyConnection, text: str, expected: bool | None) -> None:
    assert coerce(con, C.BOOLEAN, text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-31", date(2024, 3, 31)),
        ("2024-3-1", date(2024, 3, 1)),
        (" 2024-03-31 ", date(2024, 3, 31)),
        ("2024-03-31 09:00:00", date(2024, 3, 31)),
        ("2024-03-31T23:30:00-05:00", date(2024, 4, 1)),  # converted to UTC first
        ("2024-03-31T09:00:00.000+0000", date(2024, 3, 31)),
        ("2024/03/31", date(2024, 3, 31)),
        ("31.03.2024", date(2024, 3, 31)),
        ("1711843200", date(2024, 3, 31)),  # epoch seconds
        ("1711843200000", date(2024, 3, 31)),  # epoch milliseconds
        # day/month forms wait for the file-level decision: NULL here
        ("03/31/2024", None),
        ("31-03-2024", None),
        # never dates
        ("31/31/2024", None),
        ("2024-02-30", None),
        ("2024-03-31abc", None),
        ("20240331", None),
        ("2024-03-31 25:00", None),
        ("yesterday", None),
    ],
)
def test_date(con: duckdb.DuckDBPyConnection, text: str, expected: date | None) -> None:
    assert coerce(con, C.DATE, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-31 09:00:00", datetime(2024, 3, 31, 9)),
        ("2024-03-31T09:00:00", datetime(2024, 3, 31, 9)),
        ("2024-03-31T09:00:00Z", datetime(2024, 3, 31, 9)),
        ("2024-03-31 09:00:00 UTC", datetime(2024, 3, 31, 9)),
        ("2024-03-31T09:00:00.250+0000", datetime(2024, 3, 31, 9, 0, 0, 250000)),
        ("2024-03-31 09:00+02", datetime(2024, 3, 31, 7)),
        ("2024-03-31T09:00+02:00", datetime(2024, 3, 31, 7)),
        ("2024-03-31 9:05", datetime(2024, 3, 31, 9, 5)),
        ("2024-03-31", datetime(2024, 3, 31)),
        ("31.03.2024 09:05", datetime(2024, 3, 31, 9, 5)),
        ("1711875600", datetime(2024, 3, 31, 9)),
        ("1711875600123", datetime(2024, 3, 31, 9, 0, 0, 123000)),
        ("soon", None),
    ],
)
def test_timestamp(con: duckdb.DuckDBPyConnection, text: str, expected: datetime | None) -> None:
    assert coerce(con, C.TIMESTAMP, text) == expected


def test_explicit_date_format_first_iso_still_accepted(con: duckdb.DuckDBPyConnection) -> None:
    assert coerce(con, C.DATE, "31/03/2024", fmt="%d/%m/%Y") == date(2024, 3, 31)
    assert coerce(con, C.DATE, "2024-03-31", fmt="%d/%m/%Y") == date(2024, 3, 31)
    assert coerce(con, C.DATE, "03/31/2024", fmt="%d/%m/%Y") is None
    assert coerce(con, C.TIMESTAMP, "3/31/2024 9:05 PM", fmt="%m/%d/%Y %I:%M %p") == datetime(
        2024, 3, 31, 21, 5
    )


@pytest.mark.parametrize(
    ("order", "text", "expected"),
    [
        ("mdy", "03/31/2024", date(2024, 3, 31)),
        ("mdy", "3/1/2024", date(2024, 3, 1)),
        ("mdy", "3/31/2024 9:05 PM", date(2024, 3, 31)),
        ("dmy", "31/03/2024", date(2024, 3, 31)),
        ("dmy", "31-03-2024", date(2024, 3, 31)),
        ("dmy", "31/03/2024 17:45", date(2024, 3, 31)),
        ("mdy", "3/31/24", date(2024, 3, 31)),
        ("dmy", "31/03/99 17:45", date(1999, 3, 31)),
        ("dmy", "03/31/2024", None),
        ("mdy", "02/30/2024", None),
    ],
)
def test_pending_day_month_dates(
    con: duckdb.DuckDBPyConnection, order: str, text: str, expected: date | None
) -> None:
    sql = pending_parse_sql(Column("x", C.DATE, ""), "v", order)
    assert (
        con.execute(f"SELECT {sql} FROM (SELECT CAST(? AS VARCHAR) AS v)", [text]).fetchall()[0][0]
        == expected
    )


def test_enum_values_are_folded(con: duckdb.DuckDBPyConnection) -> None:
    allowed = ("self_serve", "assisted")
    assert coerce(con, C.STRING, "Self Serve", allowed=allowed) == "self_serve"
    assert coerce(con, C.STRING, "self-serve", allowed=allowed) == "self_serve"
    assert coerce(con, C.STRING, "assisted", allowed=allowed) == "assisted"
    assert coerce(con, C.STRING, "  Assisted ", allowed=allowed) == "assisted"


def test_strings_are_trimmed_and_blank_is_missing(con: duckdb.DuckDBPyConnection) -> None:
    assert coerce(con, C.STRING, "  ACME  ") == "ACME"
    assert coerce(con, C.STRING, "\tACME\u00a0") == "ACME"
    assert coerce(con, C.STRING, " \t ") is None
    assert coerce(con, C.STRING, "a  b") == "a  b"


@pytest.mark.parametrize(
    ("first", "second", "order", "problem"),
    [
        (31, 12, "dmy", None),
        (12, 31, "mdy", None),
        (12, 12, None, "ambiguous"),
        (13, 13, None, "mixed"),
        (None, None, None, None),
    ],
)
def test_decide_date_order(
    first: int | None, second: int | None, order: str | None, problem: str | None
) -> None:
    decided = decide(first, second)
    assert (decided.order, decided.problem) == (order, problem)


@pytest.mark.parametrize(
    ("pattern", "strptime"),
    [
        ("DD/MM/YYYY", "%d/%m/%Y"),
        ("MM/DD/YYYY hh:mm AM", "%m/%d/%Y %I:%M %p"),
        ("YYYY-MM-DD HH:mm:ss", "%Y-%m-%d %H:%M:%S"),
        ("D.M.YY", "%d.%m.%y"),
        ("%d/%m/%Y", "%d/%m/%Y"),
    ],
)
def test_date_format_patterns(pattern: str, strptime: str) -> None:
    assert to_strptime(pattern) == strptime
