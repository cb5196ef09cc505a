"""Property: over random opportunities and stage histories, opening + lines = closing exactly
(value and count), and every line matches the plain-Python reading of the rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulse.periods import Period
from pulse.pipeline.changes import pipeline_changes
from tests.pipeline.conftest import Scratch
from tests.pipeline.oracle import bridge

BASE = date(2024, 1, 1)
STAGES = ["early", "late", "Late", "other", None]


def day(n: int) -> date:
    return BASE + timedelta(days=n)


@st.composite
def workspaces(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    opps: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    n = draw(st.integers(0, 9))
    for i in range(n):
        oid = f"o{i}"
        created = draw(st.integers(0, 90))
        status = draw(st.sampled_from(["open", "open", "won", "lost"]))
        closed = draw(st.one_of(st.none(), st.integers(created, 120))) if status != "open" else None
        opps.append(
            {
                "opportunity_id": oid,
                "owner_id": draw(st.sampled_from(["r1", "r2", None])),
                "amount": Decimal(draw(st.integers(0, 1000))),
                "created_at": day(created),
                "close_date": draw(st.one_of(st.none(), st.integers(0, 130).map(day))),
                "status": status,
                "closed_at": None if closed is None else day(closed),
                "stage": draw(st.sampled_from(STAGES)),
            }
        )
        history += draw(_history(oid, nullable=True))
    for j in range(draw(st.integers(0, 3))):  # deleted: history only
        history += draw(_history(f"x{j}", nullable=False))
    return {"opportunities": opps, "stage_history": history}


def _history(oid: str, nullable: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    maybe = (lambda s: st.one_of(st.none(), s)) if nullable else (lambda s: s)
    row = st.fixed_dictionaries(
        {
            "offset": st.integers(0, 120 * 24 - 1),
            "stage": st.sampled_from(STAGES),
            "amount": maybe(st.integers(0, 1000).map(Decimal)),
            "close_date": st.one_of(st.none(), st.integers(0, 130).map(day)),
            "status": maybe(st.sampled_from(["open", "won", "lost"])),
        }
    )

    def build(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: dict[int, dict[str, Any]] = {r["offset"]: r for r in rows}  # key: (opp, changed_at)
        return [
            {
                "opportunity_id": oid,
                "changed_at": datetime.combine(BASE, datetime.min.time()) + timedelta(hours=h),
                "stage": r["stage"],
                "amount": r["amount"],
                "close_date": r["close_date"],
                "status": r["status"],
            }
            for h, r in seen.items()
        ]

    return st.lists(row, min_size=0 if nullable else 1, max_size=4).map(build)


windows = st.tuples(st.integers(0, 100), st.integers(0, 40)).map(
    lambda t: Period(day(t[0]), day(t[0] + t[1]), f"{day(t[0])}..{day(t[0] + t[1])}", "range")
)
dates = st.tuples(st.integers(0, 125), st.integers(0, 60)).map(
    lambda t: (day(t[0]), day(t[0] + t[1]))
)


def _check(
    scratch: Scratch,
    data: dict[str, list[dict[str, Any]]],
    w1: Period,
    w2: Period,
    d: tuple[date, date],
    weighted: bool,
) -> None:
    scratch.fill(data)
    report = pipeline_changes(scratch.computer, w1, d[0], d[1], period_to=w2, weighted=weighted)
    total = report.total
    # the identity, exactly
    assert total.opening.value + sum(x.value for x in total.lines) == total.closing.value
    assert total.opening.count + sum(x.count for x in total.lines) == total.closing.count
    probs = {"early": Decimal("0.25"), "late": Decimal("0.75")} if weighted else None
    expected = bridge(
        data["opportunities"],
        data["stage_history"],
        (w1.start, w1.end),
        d[0],
        (w2.start, w2.end),
        d[1],
        probs,
    )
    assert (total.opening.value, total.opening.count) == tuple(expected["opening"])
    assert (total.closing.value, total.closing.count) == tuple(expected["closing"])
    for line in total.lines:
        v, n, opps = expected["lines"].get(line.key, [Decimal(0), 0, 0])
        assert (line.value, line.count, line.opportunities) == (v, n, opps), line.key
    assert set(expected["lines"]) <= {x.key for x in total.lines}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=workspaces(), window=windows, d=dates)
def test_identity_and_rules_one_period(
    scratch: Scratch, data: dict[str, list[dict[str, Any]]], window: Period, d: tuple[date, date]
) -> None:
    _check(scratch, data, window, window, d, weighted=False)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=workspaces(), w1=windows, w2=windows, d=dates, weighted=st.booleans())
def test_identity_and_rules_two_periods_and_weighted(
    scratch: Scratch,
    data: dict[str, list[dict[str, Any]]],
    w1: Period,
    w2: Period,
    d: tuple[date, date],
    weighted: bool,
) -> None:
    _check(scratch, data, w1, w2, d, weighted)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=workspaces(), window=windows, d=dates)
def test_segments_add_up_to_the_total(
    scratch: Scratch, data: dict[str, list[dict[str, Any]]], window: Period, d: tuple[date, date]
) -> None:
    scratch.fill(data)
    total = pipeline_changes(scratch.computer, window, d[0], d[1]).total
    split = pipeline_changes(scratch.computer, window, d[0], d[1], by="owner_id")
    assert split.total.opening == total.opening
    assert split.total.closing == total.closing
    assert [(x.key, x.value, x.count) for x in split.total.lines] == [
        (x.key, x.value, x.count) for x in total.lines
    ]
    for seg in split.segments:
        assert seg.opening.value + sum(x.value for x in seg.lines) == seg.closing.value
        assert seg.opening.count + sum(x.count for x in seg.lines) == seg.closing.count
