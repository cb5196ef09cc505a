"""The covered scorecard in polars with the lazy API: one plan per KPI, collected together.

The same definitions as :mod:`peers.pandas_scorecard` (and the catalog): opportunity facts, lead
facts, the opportunity states on the first and last day of every month in one as-of join
(pipeline coverage, weighted coverage, sales velocity), quota attainment, CRM completeness and
forecast accuracy; the recurring-revenue KPIs share one plan (:mod:`peers.polars_revenue`).
``pl.collect_all`` runs every plan at once, so the scans the plans share are read once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from . import polars_revenue
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

# The checked components a plan carries under another name (component -> column); the other
# plans carry every checked component (spec.COMPONENTS) under its own name.
COMPONENT_COLUMNS = {
    "weighted_pipeline_coverage": {
        "weighted_open_pipeline_due": "pipeline",
        "period_quota": "quota",
    },
    "sales_velocity": {"open_opportunities": "open"},
}


def _scan(data_dir: Path, table: str) -> pl.LazyFrame:
    return pl.scan_parquet(data_dir / f"{table}.parquet").select(COLUMNS[table])


def _in_window(column: str, months: list[Month]) -> pl.Expr:
    return pl.col(column).is_between(months[0].start, months[-1].end)


def _month(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m").alias("month")


def opportunity_facts(data_dir: Path, cycle_from_first_meeting: bool = False) -> pl.LazyFrame:
    """One row per opportunity with the flags and derived columns the KPIs group."""
    accounts = _scan(data_dir, "accounts").rename({"segment": "segment_account"})
    closed = pl.col("status").is_in(["won", "lost"])
    won = pl.col("status") == "won"
    start = (
        pl.coalesce("first_meeting_at", "created_at")
        if cycle_from_first_meeting
        else pl.col("created_at")
    )
    amount = pl.col("amount")
    return (
        _scan(data_dir, "opportunities")
        .join(accounts, on="account_id", how="left")
        .with_columns(
            segment=pl.coalesce("segment", "segment_account"),
            closed_on=pl.when(closed).then(pl.coalesce("closed_at", "close_date")),
            is_won=won.cast(pl.Int64),
            is_closed=closed.cast(pl.Int64),
            deal_size_band=pl.when(amount < 10_000)
            .then(pl.lit("<10k"))
            .when(amount < 50_000)
            .then(pl.lit("10k-50k"))
            .when(amount < 250_000)
            .then(pl.lit("50k-250k"))
            .otherwise(pl.lit("250k+")),
        )
        .with_columns(cycle_days=pl.when(won).then((pl.col("closed_on") - start).dt.total_days()))
    )


def win_rate(facts: pl.LazyFrame, months: list[Month], dims: tuple[str, ...]) -> pl.LazyFrame:
    """Won ÷ closed, by month closed."""
    return (
        facts.filter((pl.col("is_closed") == 1) & _in_window("closed_on", months))
        .group_by(_month("closed_on"), *dims)
        .agg(value=pl.col("is_won").sum() / pl.col("is_closed").sum())
    )


def sales_cycle_days(
    facts: pl.LazyFrame, months: list[Month], dims: tuple[str, ...]
) -> pl.LazyFrame:
    """Mean days from creation to close of the won deals, by month closed."""
    return (
        facts.filter((pl.col("is_won") == 1) & _in_window("closed_on", months))
        .group_by(_month("closed_on"), *dims)
        .agg(value=pl.col("cycle_days").sum() / pl.col("cycle_days").count())
    )


def average_deal_size(
    facts: pl.LazyFrame, months: list[Month], dims: tuple[str, ...]
) -> pl.LazyFrame:
    """Won amount ÷ won deals, by month closed."""
    amount = pl.when(pl.col("amount").count() > 0).then(pl.col("amount").sum())
    return (
        facts.filter((pl.col("is_won") == 1) & _in_window("closed_on", months))
        .group_by(_month("closed_on"), *dims)
        .agg(value=amount / pl.col("is_won").sum())
    )


def new_opportunities(
    facts: pl.LazyFrame, months: list[Month], dims: tuple[str, ...]
) -> pl.LazyFrame:
    """Opportunities created in the month."""
    return (
        facts.filter(_in_window("created_at", months))
        .group_by(_month("created_at"), *dims)
        .agg(value=pl.col("opportunity_id").count().cast(pl.Float64))
        .filter(pl.col("value") > 0)
    )


def lead_to_opportunity_rate(
    data_dir: Path, months: list[Month], dims: tuple[str, ...]
) -> pl.LazyFrame:
    """Leads created in the month that converted ÷ leads created in the month."""
    converted = (pl.col("opportunity_id").fill_null("").str.strip_chars() != "") | pl.col(
        "converted_at"
    ).is_not_null()
    return (
        _scan(data_dir, "leads")
        .filter(_in_window("created_at", months))
        .group_by(_month("created_at"), *dims)
        .agg(value=converted.sum() / pl.len())
    )


class Pipeline:
    """Opportunity states as of the days the pipeline KPIs look at, in one plan.

    For every as-of day: the opportunities that can be open then (created on or before it, not
    closed by their own row before it, or deleted ones recorded on both sides of it), joined
    as-of to the last stage-history change before that day (``join_asof``, exact matches
    excluded), else their first change; an opportunity without history keeps its own values.
    """

    def __init__(self, facts: pl.LazyFrame, data_dir: Path, days: list[date]) -> None:
        history = _scan(data_dir, "stage_history").select(
            "opportunity_id",
            "changed_at",
            h_changed_at="changed_at",
            h_amount="amount",
            h_close_date="close_date",
            h_status="status",
            h_stage="stage",
        )
        firsts = (
            history.sort("opportunity_id", "changed_at")
            .group_by("opportunity_id")
            .first()
            .select(
                "opportunity_id",
                f_amount="h_amount",
                f_close_date="h_close_date",
                f_status="h_status",
                f_stage="h_stage",
            )
        )
        deleted = (
            history.join(facts.select("opportunity_id"), on="opportunity_id", how="anti")
            .group_by("opportunity_id")
            .agg(
                first_on=pl.col("changed_at").min().dt.date(),
                last_on=pl.col("changed_at").max().dt.date(),
            )
        )
        dates = pl.LazyFrame({"as_of": sorted(set(days))}, schema={"as_of": pl.Date})
        far = date(9999, 12, 31)
        live = (
            facts.select(
                "opportunity_id",
                "amount",
                "close_date",
                "stage",
                "created_at",
                open_until=pl.col("closed_on").fill_null(far),
            )
            .join_where(
                dates,
                pl.col("created_at") <= pl.col("as_of"),
                pl.col("open_until") >= pl.col("as_of"),
            )
            .select("opportunity_id", "amount", "close_date", "stage", "as_of")
        )
        ghosts = deleted.join_where(
            dates, pl.col("first_on") <= pl.col("as_of"), pl.col("last_on") >= pl.col("as_of")
        ).select(
            "opportunity_id",
            pl.lit(None, pl.Float64).alias("amount"),
            pl.lit(None, pl.Date).alias("close_date"),
            pl.lit(None, pl.String).alias("stage"),
            "as_of",
        )
        candidates = [live, ghosts]
        recorded = pl.col("h_changed_at").is_not_null()

        def picked(name: str) -> pl.Expr:
            return pl.when(recorded).then(pl.col(f"h_{name}")).otherwise(pl.col(f"f_{name}"))

        stage = pl.coalesce(picked("stage"), "stage")
        self.states = (
            pl.concat(candidates)
            .with_columns(as_of_at=pl.col("as_of").cast(pl.Datetime("us")))
            .sort("as_of_at")
            .join_asof(
                history.drop("changed_at").sort("h_changed_at"),
                left_on="as_of_at",
                right_on="h_changed_at",
                by="opportunity_id",
                strategy="backward",
                allow_exact_matches=False,  # a change on the as-of day is not yet in force
                check_sortedness=False,  # sorted by time within each opportunity
            )
            .join(firsts, on="opportunity_id", how="left")
            .filter(~picked("status").is_in(["won", "lost"]).fill_null(False))
            .select(
                "as_of",
                amount=pl.coalesce(picked("amount"), "amount"),
                close_date=pl.coalesce(picked("close_date"), "close_date"),
                stage=stage.str.replace_all("_", " ").str.strip_chars().str.to_lowercase(),
            )
        )


def pipeline_coverage(
    pipeline: Pipeline,
    data_dir: Path,
    months: list[Month],
    weights: dict[str, float] | None = None,
) -> pl.LazyFrame:
    """Open pipeline due in the month, as of its first day, ÷ the month's quota.

    With ``weights`` (stage → probability; a stage not in it weighs 0): weighted coverage.
    Columns: month, value, pipeline, quota.
    """
    amount = pl.col("amount")
    if weights is not None:
        amount = amount * pl.col("stage").replace_strict(
            weights, default=0.0, return_dtype=pl.Float64
        )
    starts = pl.LazyFrame(
        {"month": [m.key for m in months], "as_of": [m.start for m in months]},
        schema={"month": pl.String, "as_of": pl.Date},
    ).with_columns(end=pl.col("as_of").dt.month_end())
    pipeline_due = (
        pipeline.states.join(starts, on="as_of")
        .filter(pl.col("close_date").is_between(pl.col("as_of"), pl.col("end")))
        .group_by("month")
        .agg(pipeline=amount.sum())
    )
    spans = pl.LazyFrame(
        {
            "month": [m.key for m in months],
            "start": [m.start for m in months],
            "end": [m.end for m in months],
        }
    )
    overlap_days = (
        pl.min_horizontal("period_end", "end") - pl.max_horizontal("period_start", "start")
    ).dt.total_days() + 1
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    company = pl.col("rep_id").is_null()
    quota = (
        spans.join(_scan(data_dir, "quotas"), how="cross")
        .filter(
            (pl.col("period_start") <= pl.col("end")) & (pl.col("period_end") >= pl.col("start"))
        )
        .with_columns(prorated=pl.col("amount") * overlap_days / length)
        .group_by("month")
        .agg(
            quota=pl.when(company.any())
            .then(pl.col("prorated").filter(company).sum())
            .otherwise(pl.col("prorated").sum())
        )
    )
    return (
        spans.select("month")
        .join(pipeline_due, on="month", how="left")
        .join(quota, on="month", how="left")
        .select(
            "month",
            "quota",
            pipeline=pl.col("pipeline").fill_null(0.0),
            value=pl.when(pl.col("quota") != 0).then(
                pl.col("pipeline").fill_null(0.0) / pl.col("quota")
            ),
        )
    )


def sales_velocity(facts: pl.LazyFrame, pipeline: Pipeline, months: list[Month]) -> pl.LazyFrame:
    """Open deals at the month's end × average deal size × win rate ÷ cycle days (of the month).

    Columns: month, value, open.
    """
    parts = [
        average_deal_size(facts, months, ()).rename({"value": "size"}),
        win_rate(facts, months, ()).rename({"value": "rate"}),
        sales_cycle_days(facts, months, ()).rename({"value": "cycle"}),
    ]
    ends = pl.LazyFrame(
        {"month": [m.key for m in months], "as_of": [m.end for m in months]},
        schema={"month": pl.String, "as_of": pl.Date},
    )
    counts = pipeline.states.join(ends, on="as_of").group_by("month").agg(open=pl.len())
    frame = ends.select("month").join(counts, on="month", how="left")
    frame = frame.with_columns(pl.col("open").fill_null(0).cast(pl.Int64))
    for part in parts:
        frame = frame.join(part, on="month", how="left")
    return frame.select(
        "month",
        "open",
        value=pl.when(pl.col("cycle") != 0).then(
            pl.col("open") * pl.col("size") * pl.col("rate") / pl.col("cycle")
        ),
    )


def _months_frame(months: list[Month]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "month": [m.key for m in months],
            "start": [m.start for m in months],
            "end": [m.end for m in months],
        }
    )


def quota_attainment_distribution(
    facts: pl.LazyFrame, data_dir: Path, months: list[Month]
) -> pl.LazyFrame:
    """Share of reps with a positive quota whose won bookings reached it (to the cent)."""
    overlap_days = (
        pl.min_horizontal("period_end", "end") - pl.max_horizontal("period_start", "start")
    ).dt.total_days() + 1
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    quota = (
        _months_frame(months)
        .join(_scan(data_dir, "quotas").filter(pl.col("rep_id").is_not_null()), how="cross")
        .filter(
            (pl.col("period_start") <= pl.col("end")) & (pl.col("period_end") >= pl.col("start"))
        )
        .group_by("month", owner_id="rep_id")
        .agg(quota=(pl.col("amount") * overlap_days / length).sum())
        .filter(pl.col("quota") > 0)
    )
    bookings = (
        facts.filter(
            (pl.col("is_won") == 1)
            & pl.col("owner_id").is_not_null()
            & _in_window("closed_on", months)
        )
        .group_by(_month("closed_on"), "owner_id")
        .agg(booked=pl.col("amount").sum())
    )
    gap = (pl.col("booked") - pl.col("quota")) * 100
    attainment = pl.col("booked") / pl.col("quota")
    return (
        quota.join(bookings, on=["month", "owner_id"], how="left")
        .with_columns(pl.col("booked").fill_null(0.0))
        .group_by("month")
        .agg(
            reps=pl.len(),
            reps_at_or_above=((gap.sign() * (gap.abs() + 0.5).floor()) >= 0).sum(),
            median=attainment.quantile(0.5, interpolation="linear"),
            p25=attainment.quantile(0.25, interpolation="linear"),
            p75=attainment.quantile(0.75, interpolation="linear"),
        )
        .with_columns(value=pl.col("reps_at_or_above") / pl.col("reps"))
    )


def crm_completeness(facts: pl.LazyFrame, months: list[Month]) -> pl.LazyFrame:
    """Filled required fields ÷ required fields (5 each) of the deals open at the month's end."""

    def missing(column: str, text: bool = True) -> pl.Expr:
        empty = pl.col(column).is_null()
        if text:
            empty = empty | (pl.col(column).str.strip_chars() == "")
        return empty.sum()

    per_month = [
        facts.filter(
            (pl.col("created_at") <= m.end)
            & (pl.col("closed_on").is_null() | (pl.col("closed_on") >= m.end))
        ).select(
            month=pl.lit(m.key),
            open_opportunities=pl.len(),
            missing_amount=missing("amount", text=False),
            missing_close_date=missing("close_date", text=False),
            missing_stage=missing("stage"),
            missing_owner=missing("owner_id"),
            missing_account=missing("account_id"),
        )
        for m in months
    ]
    gaps = pl.sum_horizontal(
        "missing_amount", "missing_close_date", "missing_stage", "missing_owner", "missing_account"
    )
    cells = 5 * pl.col("open_opportunities")
    return (
        pl.concat(per_month)
        .filter(pl.col("open_opportunities") > 0)
        .with_columns(value=(cells - gaps) / cells)
    )


def forecast_accuracy(
    facts: pl.LazyFrame, data_dir: Path, months: list[Month], today: date
) -> pl.LazyFrame:
    """1 − Σ|forecast − actual| ÷ Σ actual (floored at 0) over the company's locked forecasts of
    the forecast periods that ended in the month and before ``today``, at their coarsest grain."""
    forecasts = _scan(data_dir, "forecasts")
    locks = (
        forecasts.filter(pl.col("snapshot_at").dt.date() <= pl.col("period_start"))
        .group_by("scope", "period_start", "period_end")
        .agg(locked_at=pl.col("snapshot_at").max())
    )
    scope = pl.col("scope")
    level = (
        pl.when(scope == "company")
        .then(pl.lit("company"))
        .when(scope.str.starts_with("team:"))
        .then(pl.lit("team"))
        .when(scope.str.starts_with("rep:"))
        .then(pl.lit("rep"))
        .otherwise(pl.lit("other"))
    )
    locked = (
        locks.join(
            forecasts.drop("period_end").rename({"snapshot_at": "locked_at"}),
            on=["scope", "period_start", "locked_at"],
        )
        .unique(["scope", "period_start", "period_end", "locked_at", "category", "amount"])
        .with_columns(level=level)
        .filter(pl.col("level") != "other")
    )

    def at(name: str) -> pl.Expr:
        return pl.col("amount").filter(pl.col("level") == name)

    def has(name: str) -> pl.Expr:
        return (pl.col("level") == name).any()

    company = locked.group_by("period_start", "period_end").agg(
        forecast=pl.when(has("company"))
        .then(at("company").sum())
        .when(has("team"))
        .then(at("team").sum())
        .otherwise(at("rep").sum())
    )
    won = facts.filter(pl.col("is_won") == 1).select("closed_on", "amount")
    actual = (
        company.select("period_start", "period_end")
        .join(won, how="cross")
        .filter(pl.col("closed_on").is_between(pl.col("period_start"), pl.col("period_end")))
        .group_by("period_start", "period_end")
        .agg(actual=pl.col("amount").sum())
    )
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days()
    grain = (
        pl.when(days < 7)
        .then(1)
        .when(days < 31)
        .then(2)
        .when(days < 92)
        .then(3)
        .when(days < 184)
        .then(4)
        .otherwise(5)
    )
    periods = company.join(actual, on=["period_start", "period_end"], how="left").with_columns(
        pl.col("actual").fill_null(0.0), grain=grain
    )
    ended = (
        _months_frame(months)
        .join(periods, how="cross")
        .filter(
            pl.col("period_end").is_between(pl.col("start"), pl.col("end"))
            & (pl.col("period_end") < today)
        )
        .filter(pl.col("grain") == pl.col("grain").max().over("month"))
    )
    abs_error = (pl.col("forecast") - pl.col("actual")).abs().sum()
    actual_sum = pl.col("actual").sum()
    return (
        ended.group_by("month")
        .agg(
            forecast=pl.col("forecast").sum(),
            actual=actual_sum,
            abs_error=abs_error,
            forecast_periods=pl.len(),
        )
        .filter(pl.col("actual") != 0)
        .with_columns(
            value=(pl.col("actual") - pl.col("abs_error")).clip(lower_bound=0) / pl.col("actual"),
            wape=pl.col("abs_error") / pl.col("actual"),
            bias=(pl.col("forecast") - pl.col("actual")) / pl.col("actual"),
        )
    )


def plans(
    data_dir: Path,
    months: list[Month],
    covered: tuple[tuple[str, tuple[str, ...]], ...],
    cycle_from_first_meeting: bool = False,
) -> list[pl.LazyFrame]:
    """One lazy plan per covered KPI and split (columns: month, the split's dims, value).

    The revenue KPIs are left out: they share one plan, :func:`polars_revenue.plan`.
    """
    facts = opportunity_facts(data_dir, cycle_from_first_meeting)
    made: list[Pipeline] = []

    def pipeline() -> Pipeline:
        if not made:
            days = [m.start for m in months] + [m.end for m in months]
            made.append(Pipeline(facts, data_dir, days))
        return made[0]

    out: list[pl.LazyFrame] = []
    for kpi, dims in covered:
        if kpi in REVENUE and not dims:
            continue  # one plan for all of them: see scorecard
        if kpi == "win_rate":
            out.append(win_rate(facts, months, dims))
        elif kpi == "sales_cycle_days":
            out.append(sales_cycle_days(facts, months, dims))
        elif kpi == "average_deal_size":
            out.append(average_deal_size(facts, months, dims))
        elif kpi == "new_opportunities":
            out.append(new_opportunities(facts, months, dims))
        elif kpi == "lead_to_opportunity_rate":
            out.append(lead_to_opportunity_rate(data_dir, months, dims))
        elif kpi == "pipeline_coverage" and not dims:
            out.append(pipeline_coverage(pipeline(), data_dir, months))
        elif kpi == "weighted_pipeline_coverage" and not dims:
            out.append(pipeline_coverage(pipeline(), data_dir, months, STAGE_PROBABILITIES))
        elif kpi == "sales_velocity" and not dims:
            out.append(sales_velocity(facts, pipeline(), months))
        elif kpi == "quota_attainment_distribution" and not dims:
            out.append(quota_attainment_distribution(facts, data_dir, months))
        elif kpi == "crm_completeness" and not dims:
            out.append(crm_completeness(facts, months))
        elif kpi == "forecast_accuracy" and not dims:
            out.append(forecast_accuracy(facts, data_dir, months, months[-1].end))
        else:
            raise ValueError(f"the polars scorecard does not cover {kpi} by {dims}")
    return out


def scorecard(
    data_dir: Path,
    months: list[Month],
    covered: tuple[tuple[str, tuple[str, ...]], ...],
    cycle_from_first_meeting: bool = False,
) -> Results:
    """Every covered KPI × split × month, as :data:`spec.Results`."""
    revenue = tuple(kpi for kpi, dims in covered if kpi in REVENUE and not dims)
    lazy = plans(data_dir, months, covered, cycle_from_first_meeting)
    if revenue:
        lazy.append(polars_revenue.plan(data_dir, months))
    frames = pl.collect_all(lazy)
    out: Results = polars_revenue.results(frames.pop(), revenue) if revenue else {}
    others = [(kpi, dims) for kpi, dims in covered if kpi not in revenue]
    for (kpi, dims), frame in zip(others, frames, strict=True):
        for row in frame.iter_rows(named=True):
            if row["value"] is None:
                continue
            segment = tuple(row[d] for d in dims)
            out[(kpi, split_name(dims), row["month"], segment)] = float(row["value"])
            columns = COMPONENT_COLUMNS.get(kpi, {c: c for c in COMPONENTS.get(kpi, ())})
            for name, column in columns.items():
                if row[column] is not None:
                    key = (component_key(kpi, name), split_name(dims), row["month"], segment)
                    out[key] = float(row[column])
    return out
