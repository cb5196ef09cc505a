"""The covered scorecard in polars with the lazy API: one plan per KPI, collected together.

The same definitions as :mod:`peers.pandas_scorecard` (and the catalog): opportunity facts, lead
facts, and pipeline coverage from each opportunity's state at the start of each month against
the month's prorated quota. ``pl.collect_all`` runs every plan at once, so the scans the plans
share are read once.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .spec import COLUMNS, Month, Results, split_name


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


def _pipeline_month(
    facts: pl.LazyFrame,
    history: pl.LazyFrame,
    firsts: pl.LazyFrame,
    deleted: pl.LazyFrame,
    month: Month,
) -> pl.LazyFrame:
    """Open pipeline due in ``month`` as of its first day (one row: month, pipeline)."""
    as_of = month.start
    live = facts.filter(
        (pl.col("created_at") <= as_of)
        & (pl.col("closed_on").is_null() | (pl.col("closed_on") >= as_of))
    ).select("opportunity_id", "amount", "close_date")
    ghosts = deleted.filter((pl.col("first_on") <= as_of) & (pl.col("last_on") >= as_of)).select(
        "opportunity_id",
        pl.lit(None, pl.Float64).alias("amount"),
        pl.lit(None, pl.Date).alias("close_date"),
    )
    candidates = pl.concat([live, ghosts])
    # The change in force: the last one before the as-of day, else the first one recorded.
    last_before = (
        history.filter(pl.col("changed_at") < pl.lit(as_of).cast(pl.Datetime("us")))
        .join(candidates.select("opportunity_id"), on="opportunity_id", how="semi")
        .sort("opportunity_id", "changed_at")
        .group_by("opportunity_id")
        .last()
    )
    state = (
        candidates.join(last_before, on="opportunity_id", how="left")
        .join(firsts, on="opportunity_id", how="left")
        .with_columns(
            h_amount=pl.coalesce("h_amount", "f_amount"),
            h_close_date=pl.coalesce("h_close_date", "f_close_date"),
            h_status=pl.when(pl.col("h_changed_at").is_not_null())
            .then(pl.col("h_status"))
            .otherwise(pl.col("f_status")),
        )
    )
    close_date = pl.coalesce("h_close_date", "close_date")
    return (
        state.filter(~pl.col("h_status").is_in(["won", "lost"]).fill_null(False))
        .filter(close_date.is_between(month.start, month.end))
        .select(month=pl.lit(month.key), pipeline=pl.coalesce("h_amount", "amount").sum())
    )


def pipeline_coverage(facts: pl.LazyFrame, data_dir: Path, months: list[Month]) -> pl.LazyFrame:
    """Open pipeline due in the month, as of its first day, ÷ the month's quota."""
    history = _scan(data_dir, "stage_history").select(
        "opportunity_id",
        h_changed_at="changed_at",
        h_amount="amount",
        h_close_date="close_date",
        h_status="status",
        changed_at="changed_at",
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
        )
    )
    known = facts.select("opportunity_id")
    deleted = (
        history.join(known, on="opportunity_id", how="anti")
        .group_by("opportunity_id")
        .agg(
            first_on=pl.col("changed_at").min().dt.date(),
            last_on=pl.col("changed_at").max().dt.date(),
        )
    )
    pipeline = pl.concat([_pipeline_month(facts, history, firsts, deleted, m) for m in months])
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
        .join(pipeline, on="month", how="left")
        .join(quota, on="month", how="left")
        .select(
            "month",
            value=pl.when(pl.col("quota") != 0).then(
                pl.col("pipeline").fill_null(0.0) / pl.col("quota")
            ),
        )
    )


def plans(
    data_dir: Path,
    months: list[Month],
    covered: tuple[tuple[str, tuple[str, ...]], ...],
    cycle_from_first_meeting: bool = False,
) -> list[pl.LazyFrame]:
    """One lazy plan per covered KPI and split (columns: month, the split's dims, value)."""
    facts = opportunity_facts(data_dir, cycle_from_first_meeting)
    out: list[pl.LazyFrame] = []
    for kpi, dims in covered:
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
            out.append(pipeline_coverage(facts, data_dir, months))
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
    frames = pl.collect_all(plans(data_dir, months, covered, cycle_from_first_meeting))
    out: Results = {}
    for (kpi, dims), frame in zip(covered, frames, strict=True):
        for row in frame.iter_rows(named=True):
            if row["value"] is None:
                continue
            segment = tuple(row[d] for d in dims)
            out[(kpi, split_name(dims), row["month"], segment)] = float(row["value"])
    return out
