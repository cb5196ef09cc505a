"""Pipeline changes on a hand-computed workspace where every line has an opportunity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pulse.errors import PulseError, UnknownNameError
from pulse.periods import parse_period
from pulse.pipeline.changes import changes_detail, pipeline_changes
from tests.kpis.harness import computer, make_workspace

OPPS = {
    "columns": [
        "opportunity_id", "owner_id", "amount", "created_at", "close_date", "status",
        "closed_at", "stage",
    ],
    "rows": [
        ["n1", "r1", 300, "2024-04-10", "2024-05-20", "open", None, "early"],  # new
        ["p1", "r1", 200, "2024-03-01", "2024-06-15", "open", None, "early"],  # pulled in
        ["s1", "r2", 400, "2024-03-01", "2024-07-20", "open", None, "early"],  # slipped
        ["a1", "r1", 150, "2024-03-01", "2024-06-10", "open", None, "early"],  # +50
        ["a2", "r2", 350, "2024-03-01", "2024-05-30", "open", None, "early"],  # −150
        ["w1", "r1", 600, "2024-02-01", "2024-05-05", "won", "2024-05-05", "late"],
        ["l1", "r2", 250, "2024-03-01", "2024-06-20", "lost", "2024-05-20", "early"],
        ["r1", "r2", 120, "2024-03-01", None, "open", None, "early"],  # scrubbed
        ["u1", "r1", 1000, "2024-01-15", "2024-06-25", "open", None, "late"],  # unchanged
        ["o1", "r1", 700, "2024-01-15", "2024-09-01", "open", None, "late"],  # never due in Q2
        ["re1", "r2", 90, "2024-02-01", "2024-06-01", "open", None, "early"],  # re-opened
    ],
}  # fmt: skip
HISTORY = {
    "columns": ["opportunity_id", "changed_at", "stage", "amount", "close_date", "status"],
    "rows": [
        ["p1", "2024-03-01 09:00:00", "early", 200, "2024-08-10", "open"],
        ["p1", "2024-04-15 09:00:00", "early", 200, "2024-06-15", "open"],
        ["s1", "2024-03-01 09:00:00", "early", 400, "2024-05-15", "open"],
        ["s1", "2024-05-01 09:00:00", "early", 400, "2024-07-20", "open"],
        ["a1", "2024-03-01 09:00:00", "early", 100, "2024-06-10", "open"],
        ["a1", "2024-05-10 09:00:00", "early", 150, "2024-06-10", "open"],
        ["a2", "2024-03-01 09:00:00", "early", 500, "2024-05-30", "open"],
        ["a2", "2024-05-12 09:00:00", "early", 350, "2024-05-30", "open"],
        ["l1", "2024-03-01 09:00:00", "early", 250, "2024-06-20", "open"],
        ["l1", "2024-05-20 09:00:00", "early", 250, "2024-06-20", "lost"],
        ["r1", "2024-03-01 09:00:00", "early", 120, "2024-05-25", "open"],
        ["r1", "2024-05-02 09:00:00", "early", 120, None, "open"],
        ["r2", "2024-03-01 09:00:00", "early", 80, "2024-06-05", "open"],  # deleted
        ["r2", "2024-04-20 09:00:00", "early", 80, "2024-06-05", "open"],
        ["re1", "2024-03-01 09:00:00", "early", 90, "2024-06-01", "lost"],
        ["re1", "2024-05-01 09:00:00", "early", 90, "2024-06-01", "open"],
    ],
}
Q2 = parse_period("2024-Q2")
D1, D2 = date(2024, 4, 1), date(2024, 6, 1)


@pytest.fixture
def comp(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = make_workspace(
        tmp_path,
        {"opportunities": OPPS, "stage_history": HISTORY},
        settings={"stage_probabilities": {"early": 0.25, "late": 0.75}},
    )
    c = computer(ws)
    yield c
    c.close()


def test_every_line_by_hand(comp) -> None:  # type: ignore[no-untyped-def]
    report = pipeline_changes(comp, Q2, D1, D2)
    t = report.total
    # opening: s1 400, a1 100, a2 500, w1 600, l1 250, r1 120, r2 80, u1 1000
    assert (t.opening.value, t.opening.count) == (Decimal(3050), 8)
    # closing: n1 300, p1 200, a1 150, a2 350, u1 1000, re1 90
    assert (t.closing.value, t.closing.count) == (Decimal(2090), 6)
    got = {x.key: (x.value, x.count, x.opportunities) for x in t.lines}
    assert got == {
        "new": (Decimal(390), 2, 2),  # n1 created, re1 re-opened
        "pulled_in": (Decimal(200), 1, 1),
        "pushed_out": (Decimal(-400), -1, 1),
        "amount_increased": (Decimal(50), 0, 1),
        "amount_decreased": (Decimal(-150), 0, 1),
        "won": (Decimal(-600), -1, 1),
        "lost": (Decimal(-250), -1, 1),
        "removed": (Decimal(-200), -2, 2),  # r1 scrubbed, r2 deleted
    }
    assert t.residual.value == 0 and t.residual.count == 0
    assert t.slip_rate == pytest.approx(400 / 3050)
    assert t.slip_rate_count == pytest.approx(1 / 8)
    assert t.unchanged.count == 1


def test_detail_names_each_opportunity_and_reason(comp) -> None:  # type: ignore[no-untyped-def]
    rows = changes_detail(comp, Q2, D1, D2)
    found = {(r["opportunity_id"], r["line"], r["reason"]) for r in rows}
    assert found == {
        ("n1", "new", "created"),
        ("re1", "new", "reopened"),
        ("p1", "pulled_in", "joined the period"),
        ("s1", "pushed_out", "left the period"),
        ("a1", "amount_increased", "amount changed"),
        ("a2", "amount_decreased", "amount changed"),
        ("w1", "won", "closed"),
        ("l1", "lost", "closed"),
        ("r1", "removed", "scrubbed"),
        ("r2", "removed", "deleted"),
    }
    s1 = next(r for r in rows if r["opportunity_id"] == "s1")
    assert (s1["close_date_from"], s1["close_date_to"]) == (date(2024, 5, 15), date(2024, 7, 20))
    assert s1["value"] == Decimal(-400)


def test_split_by_owner_adds_up(comp) -> None:  # type: ignore[no-untyped-def]
    report = pipeline_changes(comp, Q2, D1, D2, by="owner_id")
    segs = {b.segment["owner_id"]: b for b in report.segments}
    assert set(segs) == {"r1", "r2", None}  # r2 (deleted) has no owner
    assert segs["r1"].opening.value == Decimal(1700)  # a1 100 + w1 600 + u1 1000
    assert segs[None].line("removed").value == Decimal(-80)
    assert report.total.closing.value == Decimal(2090)


def test_weighted_pipeline_splits_amount_and_stage(tmp_path: Path) -> None:
    ws = make_workspace(
        tmp_path,
        {
            "opportunities": {
                "columns": [
                    "opportunity_id",
                    "amount",
                    "created_at",
                    "close_date",
                    "status",
                    "stage",
                ],
                "rows": [["x", 150, "2024-03-01", "2024-05-01", "open", "late"]],
            },
            "stage_history": {
                "columns": ["opportunity_id", "changed_at", "stage", "amount", "close_date"],
                "rows": [
                    ["x", "2024-03-01 09:00:00", "early", 100, "2024-05-01"],
                    ["x", "2024-04-10 09:00:00", "late", 150, "2024-05-01"],
                ],
            },
        },
        settings={"stage_probabilities": {"early": 0.25, "late": 0.75}},
    )
    c = computer(ws)
    t = pipeline_changes(c, Q2, D1, D2, weighted=True).total
    c.close()
    # 100 × 0.25 = 25 → 150 × 0.75 = 112.5; amount effect 50 × ½(0.25 + 0.75) = 25,
    # stage effect 0.5 × ½(100 + 150) = 62.5
    assert t.opening.value == Decimal(25) and t.closing.value == Decimal("112.5")
    assert t.line("amount_increased").value == Decimal(25)
    assert t.line("stage_advanced").value == Decimal("62.5")
    assert t.line("stage_advanced").count == 0


def test_two_periods_show_the_period_change(comp) -> None:  # type: ignore[no-untyped-def]
    q3 = parse_period("2024-Q3")
    report = pipeline_changes(comp, Q2, D1, date(2024, 7, 1), period_to=q3)
    t = report.total
    # Q3 as of 07-01: s1 (slipped to 07-20, so in both pipelines: unchanged) and o1 (09-01)
    assert (t.closing.value, t.closing.count) == (Decimal(1100), 2)
    # the period moved, the close dates did not: o1 +700 joins, a1 −100, a2 −500 and u1 −1000
    # (still due in Q2) leave
    line = t.line("period_change")
    assert (line.value, line.count, line.opportunities) == (Decimal(-900), -2, 4)
    assert t.line("won").value == Decimal(-600)
    assert t.line("pushed_out").value == 0
    assert t.opening.value + sum(x.value for x in t.lines) == t.closing.value


def test_bad_dates_and_dimensions_are_refused(comp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PulseError, match="--to 2024-03-01 is before --from 2024-04-01"):
        pipeline_changes(comp, Q2, D1, date(2024, 3, 1))
    with pytest.raises(UnknownNameError) as err:
        pipeline_changes(comp, Q2, D1, D2, by="ownr_id")
    assert "Did you mean 'owner_id'?" in err.value.message
