"""Generated funnels with known stage win probabilities, written straight into a workspace."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from pulse.workspace.store import Workspace, create_workspace

B2B_STAGES = ["qualification", "discovery", "demo", "proposal", "negotiation", "verbal commitment"]
TRUE_P = [0.08, 0.15, 0.27, 0.45, 0.62, 0.81]  # P(won | reached stage), unlike the profile's


def funnel(
    n: int, seed: int, true_p: list[float] = TRUE_P, start: date = date(2022, 1, 1)
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` closed deals walking the funnel: from stage s a deal moves on with probability
    p(s)/p(s+1) (from the last stage it is won with p(last)), else it is lost there. So
    P(won | reached s) = p(s) exactly. Every stage reached is a stage_history row."""
    rng = np.random.default_rng(seed)
    advance = [true_p[i] / true_p[i + 1] for i in range(len(true_p) - 1)] + [true_p[-1]]
    opps: list[dict[str, Any]] = []
    hist: list[dict[str, Any]] = []
    for i in range(n):
        created = start + timedelta(days=int(rng.integers(0, 500)))
        t = datetime.combine(created, datetime.min.time())
        stage = 0
        while True:
            hist.append(
                {"opportunity_id": f"f{i}", "changed_at": t, "stage": B2B_STAGES[stage],
                 "amount": 1000, "close_date": created + timedelta(days=90), "status": "open"}
            )  # fmt: skip
            t += timedelta(days=int(rng.integers(1, 10)), hours=1)
            if rng.random() >= advance[stage]:
                status = "lost"
                break
            if stage == len(B2B_STAGES) - 1:
                status = "won"
                break
            stage += 1
        hist.append(
            {"opportunity_id": f"f{i}", "changed_at": t, "stage": B2B_STAGES[stage], "amount": 1000,
             "close_date": t.date(), "status": status}
        )  # fmt: skip
        opps.append(
            {"opportunity_id": f"f{i}", "owner_id": f"r{i % 3}", "amount": 1000,
             "created_at": created, "close_date": t.date(), "status": status,
             "closed_at": t.date(), "stage": B2B_STAGES[stage]}
        )  # fmt: skip
    return opps, hist


def write(ws: Workspace, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Insert rows through Arrow (fast)."""
    from tests.pipeline.conftest import _load

    with ws.connection() as con:
        _load(con, tables)
        con.execute("UPDATE _data_version SET version = version + 1")


def funnel_workspace(home: Path, n: int, seed: int) -> Workspace:
    """A b2b_saas workspace holding a generated funnel."""
    ws = create_workspace("funnel", "b2b_saas", home)
    opps, hist = funnel(n, seed)
    write(ws, {"opportunities": opps, "stage_history": hist})
    return ws


__all__ = ["B2B_STAGES", "TRUE_P", "funnel", "funnel_workspace", "pa", "write"]
