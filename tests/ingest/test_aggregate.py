"""The mapping's ``aggregate``: rows sharing the table's key within one file are combined."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pulse.errors import ImportValidationError, MappingError
from pulse.ingest import import_file
from pulse.ingest.mapping import load_mapping
from pulse.tables import get_table
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

TICKETS_MAP = """table: health_signals
aggregate: {support_tickets: count, nps: avg, usage: max}
columns:
  account_id: Organization
  observed_at: {from: Created, date_format: "%Y-%m-%d %H:%M"}
  support_tickets: Ticket ID
  nps: Score
  usage: Seats
"""

TICKETS = """Ticket ID,Organization,Created,Score,Seats
101,acme,2024-03-01 09:00,9,10
102,acme,2024-03-01 17:30,6,12
103,acme,2024-03-02 08:00,,12
104,globex,2024-03-01 10:00,10,3
"""


def test_rows_sharing_a_key_are_combined(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    mapping = write("m.yml", TICKETS_MAP)
    result = import_file(ws, "health_signals", write("t.csv", TICKETS), mapping=mapping)
    assert (result.rows_read, result.inserted, result.combined) == (4, 3, 1)
    assert rows(
        ws,
        "SELECT account_id, observed_at, support_tickets, nps, usage FROM health_signals "
        "ORDER BY 1, 2",
    ) == [
        ("acme", date(2024, 3, 1), 2, 7.5, 12.0),  # two tickets, avg(9, 6), max(10, 12)
        ("acme", date(2024, 3, 2), 1, None, 12.0),  # avg of no answer is empty
        ("globex", date(2024, 3, 1), 1, 10.0, 3.0),
    ]
    log = rows(ws, "SELECT rows_read, rows_inserted, note FROM _import_log")
    assert log == [(4, 3, "1 row combined by the mapping's aggregate")]
    # importing the same file again changes nothing
    again = import_file(ws, "health_signals", write("t.csv", TICKETS), mapping=mapping)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_money_sum_per_month_and_unmapped_skipped(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    mapping = write(
        "m.yml",
        """table: spend
aggregate: {amount: sum}
columns:
  period_start: {from: Date, start_of: month}
  period_end: {from: Date, end_of: month}
  category:
    from: Account
    values: {Advertising: marketing, Sales Commissions: sales}
    unmapped: skip
  amount: Amount
""",
    )
    data = (
        "Date,Account,Amount\n"
        '01/03/2024,Sales Commissions,100.10\n01/20/2024,sales commissions,"1,000.05"\n'
        "01/31/2024,Advertising,50\n01/31/2024,Rent,900\n02/29/2024,Sales Commissions,-20.15\n"
        "03/05/2024,,7\n"
    )
    result = import_file(ws, "spend", write("s.csv", data), mapping=mapping)
    assert (result.rows_read, result.skipped, result.combined, result.inserted) == (6, 2, 1, 3)
    assert rows(
        ws, "SELECT period_start, category, period_end, amount FROM spend ORDER BY 1, 2"
    ) == [
        (date(2024, 1, 1), "marketing", date(2024, 1, 31), Decimal("50")),
        (date(2024, 1, 1), "sales", date(2024, 1, 31), Decimal("1100.15")),
        (date(2024, 2, 1), "sales", date(2024, 2, 29), Decimal("-20.15")),
    ]
    assert ws.import_log()[-1]["note"] == (
        "1 row combined by the mapping's aggregate; "
        "2 rows skipped by the mapping's where or unmapped values"
    )


@pytest.mark.parametrize(
    ("unit", "edge", "expected"),
    [
        ("quarter", "start_of", date(2024, 4, 1)),
        ("quarter", "end_of", date(2024, 6, 30)),
        ("year", "end_of", date(2024, 12, 31)),
        ("week", "start_of", date(2024, 5, 13)),  # ISO weeks start on Monday
    ],
)
def test_start_and_end_of_periods(
    ws: Workspace, write, unit: str, edge: str, expected: date
) -> None:  # type: ignore[no-untyped-def]
    mapping = write("m.yml", f"columns:\n  observed_at: {{from: d, {edge}: {unit}}}\n")
    import_file(
        ws, "health_signals", write("h.csv", "account_id,d\nA,2024-05-15\n"), mapping=mapping
    )
    assert rows(ws, "SELECT observed_at FROM health_signals") == [(expected,)]


def test_bad_rows_reported_at_their_own_line(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    mapping = write("m.yml", TICKETS_MAP)
    bad = TICKETS.replace("102,acme,2024-03-01 17:30,6,12", "102,acme,2024-03-01 17:30,six,12")
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "health_signals", write("t.csv", bad), mapping=mapping)
    assert [str(i) for i in err.value.issues] == ["t.csv:3:Score: expected a number, got 'six'"]
    assert rows(ws, "SELECT count(*) FROM health_signals") == [(0,)]


def test_without_aggregate_shared_keys_are_duplicates(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    mapping = write(
        "m.yml",
        TICKETS_MAP.replace("aggregate: {support_tickets: count, nps: avg, usage: max}\n", ""),
    )
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "health_signals", write("t.csv", TICKETS), mapping=mapping)
    assert "expected a unique (account_id, observed_at)" in str(err.value.issues[0])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aggregate: {ticketz: sum}", "aggregate: unknown column 'ticketz' of table 'health_signals'"),
        ("aggregate: {account_id: max}", "aggregate: 'account_id' is part of the key of 'health_signals' (account_id, observed_at): rows are combined by it, not summed"),
        ("aggregate: {nps: median}", "aggregate.nps: expected one of sum, count, avg, min, max, got 'median'"),
        ("aggregate: [nps]", "aggregate: expected a mapping of column → sum/count/avg/min/max"),
        ("columns: {observed_at: {from: d, end_of: day}}", "columns.observed_at.end_of: expected one of week, month, quarter, year, got 'day'"),
        ("columns: {nps: {from: d, start_of: month}}", "columns.nps.start_of: needs a date column"),
        ("columns: {account_id: {from: a, values: {x: y}, unmapped: drop}}", "columns.account_id.unmapped: expected skip or keep, got 'drop'"),
        ("columns: {account_id: {from: a, unmapped: skip}}", "columns.account_id: unmapped: skip needs a values map and no default"),
    ],
)  # fmt: skip
def test_aggregate_key_errors(write, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = write("m.yml", text + "\n")
    with pytest.raises(MappingError) as err:
        load_mapping(path, get_table("health_signals"))
    assert [i.message for i in err.value.issues] == [message]
    assert err.value.issues[0].line == 1


def test_sum_needs_a_number_column(write) -> None:  # type: ignore[no-untyped-def]
    path = write("m.yml", "aggregate: {name: sum}\n")
    with pytest.raises(MappingError) as err:
        load_mapping(path, get_table("opportunities"))
    assert err.value.issues[0].message == (
        "aggregate.name: sum needs a number column, 'name' is a string"
    )
