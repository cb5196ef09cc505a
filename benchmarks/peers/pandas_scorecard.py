"""The covered scorecard in pandas, written the way a RevOps analyst would: read, merge, groupby.

Every KPI follows its catalog definition (``src/pulse/catalog/kpis``) and model
(``src/pulse/models``): the opportunity facts (segment falling back to the account's, closed on
``closed_at`` else ``close_date``, cycle days of won deals, deal-size band), the lead facts;
for pipeline coverage, weighted coverage (× the stage's probability) and sales velocity (deals
open at the month's end) the state of every opportunity on the day (the last stage-history
change before that day, else its first one), against the month's prorated quota; quota
attainment per rep; CRM completeness of the deals open at the month's end; forecast accuracy
from the company's locked forecasts. The recurring-revenue KPIs (ARR, the bridge, net new ARR,
NRR, GRR, logo churn, CAC payback, magic number) are in :mod:`peers.pandas_revenue`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow.parquet as pq

from . import pandas_revenue
from .spec import (
    COLUMNS,
    COMPONENTS,
    REVENUE,
    STAGE_PROBABILITIES,
    Month,
    Results,
    component_key,
    split_name,
)


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


def _stage_key(stage: pd.Series) -> pd.Series:
    return stage.str.replace("_", " ").str.strip().str.lower()


class Pipeline:
    """Every opportunity's state as of a day: the stage-history change in force, else its own."""

    def __init__(self, facts: pd.DataFrame, data_dir: Path) -> None:
        history = _read(data_dir, "stage_history").sort_values(["opportunity_id", "changed_at"])
        self.history = history.rename(
            columns={
                "amount": "h_amount",
                "close_date": "h_close_date",
                "status": "h_status",
                "stage": "h_stage",
            }
        )
        # Before an opportunity's first recorded change, the first change stands for its state.
        self.firsts = self.history.groupby("opportunity_id").head(1).set_index("opportunity_id")
        self.facts = facts
        deleted = self.history[~self.history["opportunity_id"].isin(facts["opportunity_id"])]
        self.deleted_span = deleted.groupby("opportunity_id")["changed_at"].agg(["min", "max"])
        self.seen: dict[pd.Timestamp, pd.DataFrame] = {}

    def open_as_of(self, as_of: pd.Timestamp) -> pd.DataFrame:
        """The opportunities open on ``as_of``, with the amount, close date and stage then."""
        if as_of not in self.seen:  # coverage and weighted coverage look at the same days
            self.seen[as_of] = self._open_as_of(as_of)
        return self.seen[as_of]

    def _open_as_of(self, as_of: pd.Timestamp) -> pd.DataFrame:
        facts, history = self.facts, self.history
        # Opportunities that exist and are not closed (by their own row) before the as-of day,
        # and deleted ones (only in stage_history) recorded on both sides of it.
        live = facts.loc[
            (facts["created_at"] <= as_of) & ~(facts["closed_on"] < as_of),
            ["opportunity_id", "amount", "close_date", "stage"],
        ]
        span = self.deleted_span
        alive_deleted = span[
            (span["min"].dt.normalize() <= as_of) & (span["max"].dt.normalize() >= as_of)
        ].index
        candidates = pd.concat([live, pd.DataFrame({"opportunity_id": alive_deleted})])
        before = history[history["changed_at"] < as_of]
        before = before[before["opportunity_id"].isin(candidates["opportunity_id"])]
        in_force = before.groupby("opportunity_id").tail(1).set_index("opportunity_id")
        ids = candidates["opportunity_id"]
        state = in_force.reindex(ids)
        recorded = state["changed_at"].notna()
        state = state.where(recorded, self.firsts.reindex(ids), axis=0).reset_index(drop=True)
        candidates = candidates.reset_index(drop=True)
        open_ = ~state["h_status"].isin(["won", "lost"])
        return pd.DataFrame(
            {
                "amount": state["h_amount"].fillna(candidates["amount"]),
                "close_date": state["h_close_date"].fillna(candidates["close_date"]),
                "stage": _stage_key(state["h_stage"].fillna(candidates["stage"])),
            }
        )[open_]


def _quota(quotas: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """The month's quota: company rows if any, else the reps', prorated by days of overlap."""
    overlap = quotas[(quotas["period_start"] <= end) & (quotas["period_end"] >= start)]
    days = (
        np.minimum(overlap["period_end"], end) - np.maximum(overlap["period_start"], start)
    ).dt.days + 1
    length = (overlap["period_end"] - overlap["period_start"]).dt.days + 1
    prorated = overlap["amount"] * days / length
    company = overlap["rep_id"].isna()
    return float(prorated[company].sum() if company.any() else prorated.sum(min_count=1))


def pipeline_coverage(
    pipeline: Pipeline,
    data_dir: Path,
    months: list[Month],
    weights: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Open pipeline due in the month, as of its first day, ÷ the month's quota.

    With ``weights`` (stage → probability; a stage not in it weighs 0): weighted coverage.
    """
    quotas = _read(data_dir, "quotas")
    rows: list[dict[str, Any]] = []
    for month in months:
        start, end = pd.Timestamp(month.start), pd.Timestamp(month.end)
        open_ = pipeline.open_as_of(start)
        amount = open_["amount"]
        if weights is not None:
            amount = amount * open_["stage"].map(weights).fillna(0.0)
        due = (open_["close_date"] >= start) & (open_["close_date"] <= end)
        value = amount[due].sum(min_count=1)
        quota = _quota(quotas, start, end)
        value = 0.0 if pd.isna(value) else value
        ratio = value / quota if pd.notna(quota) and quota != 0 else np.nan
        rows.append({"month": month.key, "value": ratio, "pipeline": value, "quota": quota})
    return pd.DataFrame(rows)


def sales_velocity(facts: pd.DataFrame, pipeline: Pipeline, months: list[Month]) -> pd.DataFrame:
    """Open deals at the month's end × average deal size × win rate ÷ cycle days (of the month)."""
    size = average_deal_size(facts, months, ()).set_index("month")["value"]
    rate = win_rate(facts, months, ()).set_index("month")["value"]
    cycle = sales_cycle_days(facts, months, ()).set_index("month")["value"]
    rows: list[dict[str, Any]] = []
    for month in months:
        count = len(pipeline.open_as_of(pd.Timestamp(month.end)))
        parts = [size.get(month.key), rate.get(month.key), cycle.get(month.key)]
        value = np.nan
        if all(p is not None and pd.notna(p) for p in parts) and parts[2] != 0:
            value = count * parts[0] * parts[1] / parts[2]
        rows.append({"month": month.key, "value": value, "open": count})
    return pd.DataFrame(rows)


def quota_attainment_distribution(
    facts: pd.DataFrame, data_dir: Path, months: list[Month]
) -> pd.DataFrame:
    """Share of reps with a positive quota whose won bookings reached it (to the cent)."""
    quotas = _read(data_dir, "quotas")
    quotas = quotas[quotas["rep_id"].notna()]
    length = (quotas["period_end"] - quotas["period_start"]).dt.days + 1
    won = facts[(facts["is_won"] == 1) & facts["owner_id"].notna()]
    won = won.assign(month=_month_labels(won["closed_on"], months)).dropna(subset=["month"])
    bookings = won.groupby(["month", "owner_id"])["amount"].sum()
    rows: list[dict[str, Any]] = []
    for month in months:
        start, end = pd.Timestamp(month.start), pd.Timestamp(month.end)
        overlap = (quotas["period_start"] <= end) & (quotas["period_end"] >= start)
        here = quotas[overlap]
        days = (
            np.minimum(here["period_end"], end) - np.maximum(here["period_start"], start)
        ).dt.days + 1
        quota = (here["amount"] * days / length[overlap]).groupby(here["rep_id"]).sum()
        quota = quota[quota > 0]
        if quota.empty:
            continue
        booked = bookings.get(month.key, pd.Series(dtype=float)).reindex(quota.index).fillna(0)
        attainment = booked / quota
        gap = (booked - quota) * 100
        at_or_above = (np.sign(gap) * np.floor(np.abs(gap) + 0.5)) >= 0
        rows.append(
            {
                "month": month.key,
                "value": at_or_above.sum() / len(quota),
                "reps": len(quota),
                "reps_at_or_above": at_or_above.sum(),
                "median": attainment.quantile(0.5),
                "p25": attainment.quantile(0.25),
                "p75": attainment.quantile(0.75),
            }
        )
    return pd.DataFrame(rows)


def crm_completeness(facts: pd.DataFrame, months: list[Month]) -> pd.DataFrame:
    """Filled required fields ÷ required fields (5 each) of the deals open at the month's end."""

    def filled(column: str) -> pd.Series:
        values = facts[column]
        if values.dtype == object:
            return values.fillna("").str.strip() != ""
        return values.notna()

    fields = {
        "missing_amount": filled("amount"),
        "missing_close_date": filled("close_date"),
        "missing_stage": filled("stage"),
        "missing_owner": filled("owner_id"),
        "missing_account": filled("account_id"),
    }
    rows: list[dict[str, Any]] = []
    for month in months:
        as_of = pd.Timestamp(month.end)
        open_ = (facts["created_at"] <= as_of) & ~(facts["closed_on"] < as_of)
        count = int(open_.sum())
        if not count:
            continue
        row: dict[str, Any] = {"month": month.key, "open_opportunities": count}
        for name, has in fields.items():
            row[name] = int(count - has[open_].sum())
        row["value"] = (5 * count - sum(row[name] for name in fields)) / (5 * count)
        rows.append(row)
    return pd.DataFrame(rows)


def _grain(start: pd.Series, end: pd.Series) -> pd.Series:
    """A forecast period's grain: week 1, month 2, quarter 3, half 4, year 5 (by its days)."""
    days = (end - start).dt.days
    return pd.Series(
        np.select([days < 7, days < 31, days < 92, days < 184], [1, 2, 3, 4], 5), index=days.index
    )


def forecast_accuracy(
    facts: pd.DataFrame, data_dir: Path, months: list[Month], today: pd.Timestamp
) -> pd.DataFrame:
    """1 − Σ|forecast − actual| ÷ Σ actual (floored at 0) over the company's locked forecasts of
    the forecast periods that ended in the month and before ``today``, at their coarsest grain."""
    forecasts = _read(data_dir, "forecasts")
    # Locked: each scope's last snapshot taken on or before its forecast period's first day.
    early = forecasts[forecasts["snapshot_at"].dt.normalize() <= forecasts["period_start"]]
    locks = early.groupby(["scope", "period_start", "period_end"], as_index=False).agg(
        locked_at=("snapshot_at", "max")
    )
    locked = locks.merge(
        forecasts.drop(columns=["period_end"]).rename(columns={"snapshot_at": "locked_at"}),
        on=["scope", "period_start", "locked_at"],
    ).drop_duplicates(["scope", "period_start", "period_end", "locked_at", "category", "amount"])
    scope = locked["scope"]
    locked["level"] = np.select(
        [scope == "company", scope.str.startswith("team:"), scope.str.startswith("rep:")],
        ["company", "team", "rep"],
        "other",
    )
    locked = locked[locked["level"] != "other"]
    # The company's forecast: its own row, else its teams', else its reps'.
    by_level = locked.pivot_table(
        index=["period_start", "period_end"], columns="level", values="amount", aggfunc="sum"
    )
    present = locked.pivot_table(
        index=["period_start", "period_end"], columns="level", values="scope", aggfunc="size"
    )
    forecast = pd.Series(np.nan, index=by_level.index)
    for level in ("rep", "team", "company"):
        if level in present:
            forecast = by_level[level].where(present[level].fillna(0) > 0, forecast)
    company = forecast.rename("forecast").reset_index()
    won = facts[facts["is_won"] == 1]
    company["actual"] = [
        won.loc[won["closed_on"].between(start, end), "amount"].sum()
        for start, end in zip(company["period_start"], company["period_end"], strict=True)
    ]
    company["grain"] = _grain(company["period_start"], company["period_end"])
    rows: list[dict[str, Any]] = []
    for month in months:
        start, end = pd.Timestamp(month.start), pd.Timestamp(month.end)
        ended = company[company["period_end"].between(start, end) & (company["period_end"] < today)]
        ended = ended[ended["grain"] == ended["grain"].max()]
        actual = ended["actual"].sum()
        if ended.empty or actual == 0:
            continue
        abs_error = (ended["forecast"] - ended["actual"]).abs().sum()
        rows.append(
            {
                "month": month.key,
                "value": max(actual - abs_error, 0) / actual,
                "forecast": ended["forecast"].sum(),
                "actual": actual,
                "wape": abs_error / actual,
                "bias": (ended["forecast"].sum() - actual) / actual,
                "forecast_periods": len(ended),
            }
        )
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
    made: list[Pipeline] = []

    def pipeline() -> Pipeline:
        if not made:
            made.append(Pipeline(facts, data_dir))
        return made[0]

    out: Results = {}
    revenue = tuple(kpi for kpi, dims in covered if kpi in REVENUE and not dims)
    if revenue:
        out.update(pandas_revenue.scorecard(data_dir, months, revenue))
    for kpi, dims in covered:
        if kpi in revenue:
            continue
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
            table = pipeline_coverage(pipeline(), data_dir, months)
        elif kpi == "weighted_pipeline_coverage" and not dims:
            table = pipeline_coverage(pipeline(), data_dir, months, STAGE_PROBABILITIES)
            _collect(out, component_key(kpi, "weighted_open_pipeline_due"), dims, table, "pipeline")
            _collect(out, component_key(kpi, "period_quota"), dims, table, "quota")
        elif kpi == "quota_attainment_distribution" and not dims:
            table = quota_attainment_distribution(facts, data_dir, months)
            for name in COMPONENTS[kpi]:
                _collect(out, component_key(kpi, name), dims, table, name)
        elif kpi == "forecast_accuracy" and not dims:
            today = pd.Timestamp(months[-1].end)
            table = forecast_accuracy(facts, data_dir, months, today)
            for name in COMPONENTS[kpi]:
                _collect(out, component_key(kpi, name), dims, table, name)
        elif kpi == "crm_completeness" and not dims:
            table = crm_completeness(facts, months)
            for name in COMPONENTS[kpi]:
                _collect(out, component_key(kpi, name), dims, table, name)
        elif kpi == "sales_velocity" and not dims:
            table = sales_velocity(facts, pipeline(), months)
            _collect(out, component_key(kpi, "open_opportunities"), dims, table, "open")
        else:
            raise ValueError(f"the pandas scorecard does not cover {kpi} by {dims}")
        _collect(out, kpi, dims, table, "value")
    return out
