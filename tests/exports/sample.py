"""A tiny company for the board-pack and alert tests, imported from real CSV files.

2024-Q1: four deals decided, three won (1,000 + 2,000 + 3,000) and one lost → win rate 75%.
2024-Q2: ten decided, one won (7,000) and nine lost → win rate 10%, below the 20% red line.
Five opportunities were created in Q1 (o1-o5) and nine in Q2 (o6-o14). No subscriptions are
loaded, so net revenue retention is missing data.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pulse.catalog.models import Profile
from pulse.catalog.profiles import load_profile
from pulse.ingest import import_file
from pulse.workspace.store import Workspace, create_workspace

PERIOD = "2024-Q2"
TODAY = date(2024, 7, 15)
GENERATED = datetime(2024, 7, 15, 9, 30)

HEADER = "opportunity_id,account_id,owner_id,amount,created_at,close_date,stage,status,closed_at"
ROWS = [
    "o1,a1,r1,1000,2024-01-05,2024-02-10,closed,won,2024-02-10",
    "o2,a2,r1,2000,2024-01-10,2024-03-01,closed,won,2024-03-01",
    "o3,a3,r2,3000,2024-01-15,2024-03-20,closed,won,2024-03-20",
    "o4,a4,r2,500,2024-01-20,2024-03-25,closed,lost,2024-03-25",
    "o5,a5,r1,7000,2024-02-01,2024-05-01,closed,won,2024-05-01",
    *(
        f"o{i},a{i},r2,1000,2024-04-{i:02d},2024-06-{i:02d},closed,lost,2024-06-{i:02d}"
        for i in range(6, 15)
    ),
]


def small_profile() -> Profile:
    """b2b_saas cut down to five KPIs (fast, and every status shows)."""
    return load_profile("b2b_saas").model_copy(
        update={
            "core": ["win_rate", "bookings"],
            "supporting": ["new_opportunities", "average_deal_size", "nrr"],
        }
    )


def write_csv(folder: Path) -> Path:
    """The opportunities file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crm-opportunities.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def build(home: Path, name: str = "acme") -> Workspace:
    """The workspace, with its opportunities imported from a CSV file."""
    ws = create_workspace(name, "b2b_saas", home)
    import_file(ws, "opportunities", write_csv(home.parent / "files"))
    return ws
