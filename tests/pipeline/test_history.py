"""The pipeline as of a date: the last change before the day, else the first; current values
without history; deleted opportunities until their last change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pulse.periods import parse_period
from pulse.pipeline.history import pipeline_as_of
from tests.kpis.harness import computer, make_workspace

DATA = {
    "opportunities": {
        "columns": [
            "opportunity_id",
            "amount",
            "created_at",
            "close_date",
            "status",
            "closed_at",
            "stage",
        ],
        "rows": [
            ["h", 500, "2024-03-01", "2024-08-15", "open", None, "late"],
            ["n", 200, "2024-03-10", "2024-06-10", "won", "2024-05-01", "early"],
        ],
    },
    "stage_history": {
        "columns": ["opportunity_id", "changed_at", "stage", "amount", "close_date", "status"],
        "rows": [
            ["h", "2024-03-05 09:00:00", "early", 300, "2024-05-15", "open"],
            ["h", "2024-04-20 09:00:00", None, None, "2024-08-15", "open"],
            ["x", "2024-03-01 09:00:00", "early", 250, "2024-06-01", "open"],
            ["x", "2024-04-10 09:00:00", "early", 260, "2024-06-01", "open"],
        ],
    },
}
Q2 = parse_period("2024-Q2")


def test_states_follow_the_documented_rules(tmp_path: Path) -> None:
    comp = computer(
        make_workspace(tmp_path, DATA, settings={"stage_probabilities": {"early": 0.5}})
    )
    try:
        # 03-02: h exists (created 03-01) with its first recorded state; x too; n not yet
        early = pipeline_as_of(comp, date(2024, 3, 2), Q2, with_rows=True)
        rows = {r["opportunity_id"]: r for r in early.rows}
        assert set(rows) == {"h", "x"}
        assert rows["h"]["amount"] == Decimal(300) and rows["h"]["state_source"] == "stage_history"
        # 04-20: the change made on 04-20 is not yet in force; x was deleted after 04-10
        day = pipeline_as_of(comp, date(2024, 4, 20), Q2, with_rows=True)
        rows = {r["opportunity_id"]: r for r in day.rows}
        assert set(rows) == {"h", "n"}
        assert (rows["h"]["amount"], rows["h"]["close_date"]) == (Decimal(300), date(2024, 5, 15))
        assert rows["n"]["state_source"] == "opportunity"
        assert (day.due_count, day.due_value) == (2, Decimal(500))
        assert day.due_weighted == Decimal(250)  # both at 'early' 50%
        assert day.sources == {"stage_history": 1, "opportunity": 1}
        # 04-21: h's empty stage and amount fall back to its current values; n is open on the
        # day it closed and gone the day after
        later = pipeline_as_of(comp, date(2024, 5, 1), Q2, with_rows=True)
        rows = {r["opportunity_id"]: r for r in later.rows}
        assert (rows["h"]["stage"], rows["h"]["amount"]) == ("late", Decimal(500))
        assert "n" in rows
        assert "n" not in {
            r["opportunity_id"]
            for r in pipeline_as_of(comp, date(2024, 5, 2), Q2, with_rows=True).rows
        }
        assert later.to_json()["due_in_period"] == {"count": 1, "value": 200.0, "weighted": 100.0}
    finally:
        comp.close()
