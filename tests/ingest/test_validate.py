"""Every validation rule, with its exact message; a refused file writes nothing."""

from __future__ import annotations

import pytest

from pulse.errors import ImportValidationError, UnknownNameError
from pulse.ingest import ImportRefused, import_file
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows, snapshot

HEADER = "opportunity_id,amount,created_at,status,close_date,is_pilot,motion,deployments\n"


def refuse(ws: Workspace, path, **kwargs) -> ImportRefused:  # type: ignore[no-untyped-def]
    before = snapshot(ws)
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "opportunities", path, **kwargs)
    assert snapshot(ws) == before, "a refused import must not change the workspace"
    return excinfo.value


def messages(error: ImportValidationError) -> list[str]:
    return [str(i) for i in error.issues]


def test_every_bad_row_is_reported(ws: Workspace, write) -> None:
    data = (
        HEADER
        + (
            "A,100,2024-01-31,open,2024-03-31,yes,assisted,3\n"  # line 2: fine
            "B,abc,31/31/2024,open,,maybe,assisted,1.5\n"  # line 3: amount, created_at, is_pilot, deployments
            "C,5,2024-01-31,Won,,,self serve,\n"  # line 4: fine (enum values folded)
            "D,5,2024-01-31,closed,,,online,\n"  # line 5: status, motion
            "E,,2024-01-31,open,,,,\n"  # line 6: amount required
            "F,  ,,open,,,,\n"  # line 7: amount, created_at required
        )
    )
    error = refuse(ws, write("o.csv", data))
    assert error.message == "o.csv: 9 problems found; nothing was imported"
    assert messages(error) == [
        "o.csv:3:amount: expected an amount, got 'abc'",
        "o.csv:3:created_at: expected a date, got '31/31/2024'",
        "o.csv:3:is_pilot: expected true or false, got 'maybe'",
        "o.csv:3:deployments: expected a whole number, got '1.5'",
        "o.csv:5:status: expected one of open, won, lost, got 'closed'",
        "o.csv:5:motion: expected one of self_serve, assisted, got 'online'",
        "o.csv:6:amount: expected a value, got ''",
        "o.csv:7:amount: expected a value, got ''",
        "o.csv:7:created_at: expected a value, got ''",
    ]
    assert error.hint == "fix these rows (or map their values with --mapping) and import again"


def test_timestamp_and_number_messages(ws: Workspace, write) -> None:
    data = "opportunity_id,changed_at,amount\nA,later,1\nA,2024-01-01 10:00:00,x\n"
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "stage_history", write("h.csv", data))
    assert messages(excinfo.value) == [
        "h.csv:2:changed_at: expected a date and time, got 'later'",
        "h.csv:3:amount: expected an amount, got 'x'",
    ]
    data = "account_id,observed_at,usage\nA,2024-01-01,lots\n"
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "health_signals", write("s.csv", data))
    assert messages(excinfo.value) == ["s.csv:2:usage: expected a number, got 'lots'"]


def test_missing_required_columns_with_did_you_mean(ws: Workspace, write) -> None:
    error = refuse(ws, write("o.csv", "Opportunity ID,Amnt,Created Date,Stage\nA,1,2024-01-01,x\n"))
    assert (
        error.message == "o.csv: the columns do not fit table 'opportunities'; nothing was imported"
    )
    assert messages(error) == [
        "o.csv:1:amount: missing required column 'amount'. Did you mean 'Amnt'?",
        "o.csv:1:created_at: missing required column 'created_at'. Did you mean 'Created Date'?",
        "o.csv:1:status: missing required column 'status'",
    ]
    assert error.hint is not None and "--mapping" in error.hint


def test_headers_are_normalised(ws: Workspace, write) -> None:
    data = " Opportunity ID ,AMOUNT,CreatedAt,Status (UTC),Close Date\nA,1,2024-01-01,open,2024-02-01\n"
    import_file(ws, "opportunities", write("o.csv", data))
    assert rows(ws, "SELECT opportunity_id, close_date::VARCHAR FROM opportunities") == [
        ("A", "2024-02-01")
    ]


def test_ambiguous_headers_are_refused(ws: Workspace, write) -> None:
    error = refuse(
        ws,
        write("o.csv", "opportunity_id,Amount,AMOUNT,created_at,status\nA,1,1,2024-01-01,open\n"),
    )
    assert messages(error) == [
        "o.csv:1:amount: columns 'Amount' and 'AMOUNT' both match 'amount'; rename one or map it"
    ]


def test_duplicate_keys(ws: Workspace, write) -> None:
    data = (
        HEADER.split(",is_pilot")[0]
        + "\n"
        + (
            "A,1,2024-01-01,open,\n"  # 2
            "B,1,2024-01-01,open,\n"  # 3
            "A,2,2024-01-01,open,\n"  # 4
            "A,3,2024-01-01,open,\n"  # 5
            "B,1,2024-01-01,open,\n"  # 6
        )
    )
    error = refuse(ws, write("o.csv", data))
    assert messages(error) == [
        "o.csv:4:opportunity_id: expected a unique opportunity_id, got 'A' again (first on line 2)",
        "o.csv:5:opportunity_id: expected a unique opportunity_id, got 'A' again (first on line 2)",
        "o.csv:6:opportunity_id: expected a unique opportunity_id, got 'B' again (first on line 3)",
    ]


def test_duplicate_composite_keys_are_null_safe(ws: Workspace, write) -> None:
    data = (
        "rep_id,period_start,period_end,amount\n"
        ",2024-01-01,2024-03-31,1000\n"  # company quota
        "R1,2024-01-01,2024-03-31,100\n"
        ",2024-01-01,2024-03-31,1200\n"  # company quota again
    )
    with pytest.raises(ImportRefused) as excinfo:
        import_file(ws, "quotas", write("q.csv", data))
    assert messages(excinfo.value) == [
        "q.csv:4:rep_id, period_start: expected a unique (rep_id, period_start), "
        "got ('', '2024-01-01') again (first on line 2)"
    ]


def test_key_values_are_required_unless_they_may_be_empty(ws: Workspace, write) -> None:
    data = "opportunity_id,amount,created_at,status\n,1,2024-01-01,open\n"
    error = refuse(ws, write("o.csv", data))
    assert messages(error) == ["o.csv:2:opportunity_id: expected a value, got ''"]
    quotas = "period_start,period_end,amount\n2024-01-01,2024-03-31,1000\n"
    result = import_file(ws, "quotas", write("q.csv", quotas))
    assert result.inserted == 1
    assert rows(ws, "SELECT rep_id, amount FROM quotas") == [(None, 1000)]


def test_first_fifty_are_shown_and_the_rest_counted(ws: Workspace, write) -> None:
    body = "".join(f"O{i},x{i},2024-01-01,open\n" for i in range(120))
    error = refuse(ws, write("o.csv", "opportunity_id,amount,created_at,status\n" + body))
    assert error.total == 120
    assert len(error.issues) == 120
    text = error.render()
    lines = text.splitlines()
    assert lines[0] == "o.csv: 120 problems found (amount 120); nothing was imported"
    assert lines[1] == "  - o.csv:2:amount: expected an amount, got 'x0'"
    assert lines[50] == "  - o.csv:51:amount: expected an amount, got 'x49'"
    assert lines[51] == "  … and 70 more"
    assert lines[52].startswith("hint: ")


def test_unknown_table(ws: Workspace, write) -> None:
    with pytest.raises(
        UnknownNameError, match=r"unknown table 'opportunity'. Did you mean 'opportunities'\?"
    ):
        import_file(ws, "opportunity", write("o.csv", "a\n1\n"))


def test_unmapped_columns_are_reported_not_imported(ws: Workspace, write) -> None:
    data = "opportunity_id,amount,created_at,status,Probability (%)\nA,1,2024-01-01,open,50\n"
    result = import_file(ws, "opportunities", write("o.csv", data))
    assert result.ignored_columns == ("Probability (%)",)
