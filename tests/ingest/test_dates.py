"""Dates across a whole file: day-first vs month-first is decided, never guessed."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pulse.errors import ImportValidationError
from pulse.ingest import ImportRefused, import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows, snapshot

HEADER = "opportunity_id,amount,created_at,close_date,status\n"
DATES = "SELECT opportunity_id, created_at, close_date FROM opportunities ORDER BY 1"


def test_us_dates_decided_by_a_day_above_12(ws: Workspace, write) -> None:
    data = HEADER + "A,1,03/04/2024,04/05/2024,open\nB,1,3/31/2024,,open\n"
    import_file(ws, "opportunities", write("o.csv", data))
    assert rows(ws, DATES) == [
        ("A", date(2024, 3, 4), date(2024, 4, 5)),
        ("B", date(2024, 3, 31), None),
    ]


def test_european_dates_decided_in_another_column(ws: Workspace, write) -> None:
    # created_at alone is ambiguous; close_date shows the file is day-first
    data = HEADER + "A,1,03/04/2024,25-12-2024,open\nB,1,01.02.2024,,open\n"
    import_file(ws, "opportunities", write("o.csv", data))
    assert rows(ws, DATES) == [
        ("A", date(2024, 4, 3), date(2024, 12, 25)),
        ("B", date(2024, 2, 1), None),
    ]


def test_ambiguous_file_is_refused_asking_for_a_format(ws: Workspace, write) -> None:
    data = HEADER + "A,1,2024-01-31,03/04/2024,open\nB,1,2024-01-31,05/06/2024,open\n"
    path = write("o.csv", data)
    before = snapshot(ws)
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "opportunities", path)
    assert snapshot(ws) == before
    assert [str(i) for i in excinfo.value.issues] == [
        "o.csv:2:close_date: expected a date order, got '03/04/2024': day-first or month-first? "
        "Every date written like it in this file has day and month 12 or less"
    ]
    assert excinfo.value.hint == (
        "pass --date-format %d/%m/%Y (day first) or --date-format %m/%d/%Y (month first)"
    )
    import_file(ws, "opportunities", path, date_format="%d/%m/%Y")
    assert rows(ws, "SELECT close_date FROM opportunities ORDER BY 1") == [
        (date(2024, 4, 3),),
        (date(2024, 6, 5),),
    ]
    result = import_file(ws, "opportunities", path, date_format="MM/DD/YYYY")
    assert result.updated == 2
    assert rows(ws, "SELECT close_date FROM opportunities ORDER BY 1") == [
        (date(2024, 3, 4),),
        (date(2024, 5, 6),),
    ]


def test_mixed_orders_are_refused(ws: Workspace, write) -> None:
    data = HEADER + "A,1,31/01/2024,,open\nB,1,01/31/2024,,open\n"
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "opportunities", write("o.csv", data))
    assert [str(i) for i in excinfo.value.issues] == [
        "o.csv:3:created_at: expected one date order, got '01/31/2024' (month first) "
        "and '31/01/2024' (day first, line 2)"
    ]


def test_a_date_impossible_in_the_decided_order(ws: Workspace, write) -> None:
    data = HEADER + "A,1,12/31/2024,,open\nB,1,02/30/2024,,open\n"
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "opportunities", write("o.csv", data))
    assert [str(i) for i in excinfo.value.issues] == [
        "o.csv:3:created_at: expected a date, got '02/30/2024'"
    ]


def test_invalid_date_format(ws: Workspace, write) -> None:
    path = write("o.csv", HEADER + "A,1,2024-01-01,,open\n")
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path, date_format="%Q")
    assert excinfo.value.message.startswith("invalid --date-format '%Q': ")
    with pytest.raises(ImportValidationError) as excinfo:
        import_file(ws, "opportunities", path, date_format="whenever")
    assert excinfo.value.message == "invalid --date-format 'whenever': no date fields"


def test_epoch_seconds_and_utc_suffixed_headers(ws: Workspace, write) -> None:
    data = (
        "Opportunity ID,Changed At (UTC),Stage\n"
        "A,2024-03-31 09:00:00,Prospecting\n"
        "A,1711962000,Qualified\n"
        "A,2024-04-02T09:00:00+02:00,Proposal\n"
    )
    import_file(ws, "stage_history", write("h.csv", data))
    assert rows(ws, "SELECT changed_at, stage FROM stage_history ORDER BY 1") == [
        (datetime(2024, 3, 31, 9), "Prospecting"),
        (datetime(2024, 4, 1, 9), "Qualified"),
        (datetime(2024, 4, 2, 7), "Proposal"),
    ]
