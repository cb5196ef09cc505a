"""The covered scorecard in pandas, written the way a RevOps analyst would: read, merge, groupby.

Every KPI follows its catalog definition (``src/pulse/catalog/kpis``) and model
(``src/pulse/models``): the opportunity facts (segment falling back to the account's, closed on
``closed_at`` else ``close_date``, cycle days of won deals, deal-size band), the lead facts, and
for pipeline coverage the state of every opportunity at the start of each month (the last
stage-history change before that day, else its first one) against the month's prorated quota.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow.parquet as pq

from .spec import COLUMNS, Month, Results, split_name


def _read(data_dir: Path, table: str) -> pd.DataFrame:
    arrow = pq.read_table(data_dir / f"{table}.parquet", columns=list(COLUMNS[table]))
    return arrow.to_pandas(date_as_object=False)


def _month_labels(dates: pd.Series, months: list[Month]) -> pd.Series:
    """Each date's month label, or NaN outside the window."""
    first, last = pd.Timestamp(months[0].start), pd.Timestamp(months[-1].end)
    label = dates.dt.strftime("%Y-%m")
    return label.where((dates >= first) & (dates <= last))


def _collect(
    out: Results, kpi: str, dims: tuple[str, ...], frame: pd.DataFrame, value: str
) -> None:
    for row in frame.itertuples(index=False):
        got = getattr(row, value)
        if pd.isna(got):
            continue
        segment = tuple(None if pd.isna(getattr(row, d)) else getattr(row, d) for d in dims)
        out[(kpi, split_name(dims), row.month, segment)] = float(got)


def opportunity_facts(data_dir: Path, cycle_from_first_meeting: bool = False) -> pd.DataFrame:
    """One row per opportunity with the flags and derived columns the KPIs group."""
    opps = _read(data_dir, "opportunities")
    accounts = _read(data_dir, "accounts")
    facts = opps.merge(accounts, on="account_id", how="left", suffixes=("", "_account"))
    facts["segment"] = facts["segment"].fillna(facts["segment_account"])
    closed = facts["status"].isin(["won", "lost"])
    facts["closed_on"] = facts["closed_at"].fillna(facts["close_date"]).where(closed)
    facts["is_won"] = (facts["status"] == "won").astype(int)
    facts["is_closed"] = closed.astype(int)
    start = facts["created_at"]
    if cycle_from_first_meeting:
        start = facts["first_meeting_at"].fillna(facts["created_at"])
    facts["cycle_days"] = (facts["closed_on"] - start).dt.days.where(facts["is_won"] == 1)
    amount = facts["amount"]
    facts["deal_size_band"] = np.select(
        [amount < 10_000, amount < 50_000, amount < 250_000],
        ["<10k", "10k-50k", "50k-250k"],
        default="250k+",
    )
    return facts


def win_rate(facts: pd.DataFrame, months: list[Month], dims: tuple[str, ...]) -> pd.DataFrame:
    """Won ÷ closed, by month closed."""
    closed = facts[facts["is_closed"] == 1].assign(month=_month_labels(facts["closed_on"], months))
    closed = closed.dropna(subset=["month"])
    table = closed.groupby(["month", *dims], dropna=False).agg(
        won=("is_won", "sum"), closed=("is_closed", "sum")
    )
    table["value"] = table["won"] / table["closed"]
    return table.reset_index()


def sales_cycle_days(
    facts: pd.DataFrame, months: list[Month], dims: tuple[str, ...]
) -> pd.DataFrame:
    """Mean days from creation to close of the won deals, by month closed."""
    won = facts[facts["is_won"] == 1].assign(month=_month_labels(facts["closed_on"], months))
    won = won.dropna(subset=["month"])
    table = won.groupby(["month", *dims], dropna=False).agg(
        days=("cycle_days", "sum"), deals=("cycle_days", "count")
    )
    table["value"] = (table["days"] / table["deals"]).where(table["deals"] > 0)
    return table.reset_index()


def average_deal_size(
    facts: pd.DataFrame, months: list[Month], dims: tuple[str, ...]
) -> pd.DataFrame:
    """Won amount ÷ won deals, by month closed."""
    won = facts[facts["is_won"] == 1].assign(month=_month_labels(facts["closed_on"], months))
    won = won.dropna(subset=["month"])
    table = won.groupby(["month", *dims], dropna=False).agg(
        amount=("amount", lambda s: s.sum(min_count=1)), deals=("is_won", "sum")
    )
    table["value"] = table["amount"] / table["deals"]
    return table.reset_index()


def new_opportunities(
    facts: pd.DataFrame, months: list[Month], dims: tuple[str, ...]
) -> pd.DataFrame:
    """Opportunities created in the month."""
    created = facts.assign(month=_month_labels(facts["created_at"], months))
    created = created.dropna(subset=["month"])
    table = created.groupby(["month", *dims], dropna=False).agg(value=("opportunity_id", "count"))
    table["value"] = table["value"].where(table["value"] > 0)
    return table.reset_index()


def lead_facts(data_dir: Path) -> pd.DataFrame:
    """One row per lead with whether it became an opportunity."""
    leads = _read(data_dir, "leads")
    has_opportunity = leads["opportunity_id"].fillna("").str.strip() != ""
    leads["is_converted"] = (has_opportunity | leads["converted_at"].notna()).astype(int)
    return leads


def lead_to_opportunity_rate(
    leads: pd.DataFrame, months: list[Month], dims: tuple[str, ...]
) -> pd.DataFrame:
    """Leads created in the month that converted ÷ leads created in the month."""
    cohort = leads.assign(month=_month_labels(leads["created_at"], months))
    cohort = cohort.dropna(subset=["month"])
    table = cohort.groupby(["month", *dims], dropna=False).agg(
        converted=("is_converted", "sum"), leads=("lead_id", "size")
    )
    table["value"] = table["converted"] / table["leads"]
    return table.reset_index()


def pipeline_coverage(facts: pd.DataFrame, data_dir: Path, months: list[Month]) -> pd.DataFrame:
    """Open pipeline due in the month, as of its first day, ÷ the month's quota."""
    history = _read(data_dir, "stage_history").sort_values(["opportunity_id", "changed_at"])
    history = history.rename(
        columns={"amount": "h_amount", "close_date": "h_close_date", "status": "h_status"}
    )
    # Before an opportunity's first recorded change, the first change stands for its state.
    firsts = history.groupby("opportunity_id").head(1).set_index("opportunity_id")
    quotas = _read(data_dir, "quotas")
    deleted = history[~history["opportunity_id"].isin(facts["opportunity_id"])]
    deleted_span = deleted.groupby("opportunity_id")["changed_at"].agg(["min", "max"])
    rows: list[dict[str, Any]] = []
    for month in months:
        start, end = pd.Timestamp(month.start), pd.Timestamp(month.end)
        as_of = start
        # Opportunities that exist and are not closed (by their own row) before the as-of day,
        # and deleted ones (only in stage_history) recorded on both sides of it.
        live = facts.loc[
            (facts["created_at"] <= as_of) & ~(facts["closed_on"] < as_of),
            ["opportunity_id", "amount", "close_date"],
        ]
        alive_deleted = deleted_span[
            (deleted_span["min"].dt.normalize() <= as_of)
            & (deleted_span["max"].dt.normalize() >= as_of)
        ].index
        candidates = pd.concat([live, pd.DataFrame({"opportunity_id": alive_deleted})])
        before = history[history["changed_at"] < as_of]
        before = before[before["opportunity_id"].isin(candidates["opportunity_id"])]
        in_force = before.groupby("opportunity_id").tail(1).set_index("opportunity_id")
        ids = candidates["opportunity_id"]
        state = in_force.reindex(ids)
        recorded = state["changed_at"].notna()
        state = state.where(recorded, firsts.reindex(ids), axis=0).reset_index(drop=True)
        candidates = candidates.reset_index(drop=True)
        open_ = ~state["h_status"].isin(["won", "lost"])
        amount = state["h_amount"].fillna(candidates["amount"])[open_]
        close_date = state["h_close_date"].fillna(candidates["close_date"])[open_]
        due = (close_date >= start) & (close_date <= end)
        pipeline = amount[due].sum(min_count=1)
        overlap = quotas[(quotas["period_start"] <= end) & (quotas["period_end"] >= start)]
        days = (
            np.minimum(overlap["period_end"], end) - np.maximum(overlap["period_start"], start)
        ).dt.days + 1
        length = (overlap["period_end"] - overlap["period_start"]).dt.days + 1
        prorated = overlap["amount"] * days / length
        company = overlap["rep_id"].isna()
        quota = prorated[company].sum() if company.any() else prorated.sum(min_count=1)
        pipeline = 0.0 if pd.isna(pipeline) else pipeline
        value = pipeline / quota if pd.notna(quota) and quota != 0 else np.nan
        rows.append({"month": month.key, "value": value})
    return pd.DataFrame(rows)


def scorecard(
    data_dir: Path,
    months: list[Month],
    covered: tuple[tuple[str, tuple[str, ...]], ...],
    cycle_from_first_meeting: bool = False,
) -> Results:
    """Every covered KPI × split × month, as :data:`spec.Results`."""
    facts = opportunity_facts(data_dir, cycle_from_first_meeting)
    leads = (
        lead_facts(data_dir) if any(k == "lead_to_opportunity_rate" for k, _ in covered) else None
    )
    out: Results = {}
    for kpi, dims in covered:
        if kpi == "win_rate":
            table = win_rate(facts, months, dims)
        elif kpi == "sales_cycle_days":
            table = sales_cycle_days(facts, months, dims)
        elif kpi == "average_deal_size":
            table = average_deal_size(facts, months, dims)
        elif kpi == "new_opportunities":
            table = new_opportunities(facts, months, dims)
        elif kpi == "lead_to_opportunity_rate" and leads is not None:
            table = lead_to_opportunity_rate(leads, months, dims)
        elif kpi == "pipeline_coverage" and not dims:
            table = pipeline_coverage(facts, data_dir, months)
        else:
            raise ValueError(f"the pandas scorecard does not cover {kpi} by {dims}")
        _collect(out, kpi, dims, table, "value")
    return out
