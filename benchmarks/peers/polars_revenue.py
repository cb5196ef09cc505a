"""The recurring-revenue KPIs in polars: ARR, the ARR bridge, net new ARR, NRR, GRR, logo churn.

The same conventions as :mod:`peers.pandas_revenue` (and the catalog), in one lazy plan: the
subscription lines crossed with the month ends they can be active at, each line-month valued at
the month's rate (and, for the book, the next month's) in integer micro-units, rounded to the
cent per customer and stream, then summed per customer and month; every month of the window then
reads its customers' ARR now, a month before, twelve months before and the book; spend and
gross margin per month join in for the magic number and CAC payback.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .spec import COLUMNS, Month, Results, component_key

MONTHS_IN = {
    "week": 12 / 52,
    "weekly": 12 / 52,
    "month": 1.0,
    "monthly": 1.0,
    "quarter": 3.0,
    "quarterly": 3.0,
    "half_year": 6.0,
    "half-year": 6.0,
    "semiannual": 6.0,
    "semi_annual": 6.0,
    "semiannually": 6.0,
    "year": 12.0,
    "yearly": 12.0,
    "annual": 12.0,
    "annually": 12.0,
}
BRIDGE = (
    "start",
    "new",
    "expansion",
    "reactivation",
    "contraction",
    "churn",
    "fx",
    "end",
    "new_customers",
    "churned_customers",
)
RETENTION = ("arr_then", "arr_now", "arr_retained", "cohort_customers", "retained_customers")


def _scan(data_dir: Path, table: str) -> pl.LazyFrame:
    return pl.scan_parquet(data_dir / f"{table}.parquet").select(COLUMNS[table])


def _half_up(expr: pl.Expr) -> pl.Expr:
    """Round half away from zero to a whole number (how a DOUBLE becomes a DECIMAL)."""
    return expr.sign() * (expr.abs() + 0.5).floor()


def _index(column: str) -> pl.Expr:
    return pl.col(column).dt.year().cast(pl.Int64) * 12 + pl.col(column).dt.month() - 1


def lines(data_dir: Path) -> pl.LazyFrame:
    """Non-trial lines with their monthly value in micro-units of their currency."""
    word = pl.col("billing_period").fill_null("").str.strip_chars().str.to_lowercase()
    number = word.cast(pl.Int64, strict=False)
    months = word.replace_strict(MONTHS_IN, default=None, return_dtype=pl.Float64).fill_null(
        pl.when(number > 0).then(number.cast(pl.Float64))
    )
    # Divisors are columns, never literals: polars divides by a literal as a multiplication by
    # its reciprocal, which is a different double one time in a few (and the cent can flip).
    weekly = months == 12 / 52
    monthly = (
        pl.col("amount")
        * pl.when(weekly).then(pl.lit(52.0)).otherwise(pl.lit(1.0))
        / pl.when(weekly).then(pl.lit(12.0)).otherwise(months)
    )
    return (
        _scan(data_dir, "subscriptions")
        .filter(
            ~pl.col("is_trial").fill_null(False)
            & pl.col("account_id").is_not_null()
            & pl.col("start_date").is_not_null()
        )
        .select(
            "account_id",
            "currency",
            stream=pl.col("stream").fill_null("(none)"),
            first_index=_index("start_date"),
            end_index=_index("end_date"),
            micros=_half_up(monthly * 1e6),
        )
        .filter(pl.col("micros").is_not_null())
    )


def _asof_by_currency(ends: pl.LazyFrame, fx: pl.LazyFrame) -> pl.LazyFrame:
    """The rate in force per currency at each month end: the latest dated on or before it."""
    return (
        ends.join(fx.select("currency").unique(), how="cross")
        .sort("month_end")
        .join_asof(
            fx.select("currency", "date", rate="rate_to_reporting").sort("date"),
            left_on="month_end",
            right_on="date",
            by="currency",
            strategy="backward",
            check_sortedness=False,  # sorted by month end within each currency
        )
        .filter(pl.col("rate").is_not_null())
        # 1e6 as a column to divide by (see lines): the rate's micro-units scale.
        .select("currency", "rate_index", "rate", million=pl.col("rate") * 0 + 1e6)
    )


def levels(data_dir: Path, window: list[int]) -> pl.LazyFrame:
    """ARR in cents per customer and month of the window: now, before, then, book; and MRR now."""
    first, last = window[0], window[-1]
    # Each snapshot: which month end's lines, at which month end's rates, for which month and
    # role (now: m; before: m − 1; then: m − 12; book: m − 1's lines at m's rates).
    snaps = pl.LazyFrame(
        {
            "at": [*range(first - 12, last + 1), *(i - 1 for i in window)],
            "rate_index": [*range(first - 12, last + 1), *window],
            "book": [False] * (last - first + 13) + [True] * len(window),
        },
        schema={"at": pl.Int64, "rate_index": pl.Int64, "book": pl.Boolean},
    )
    rates = _asof_by_currency(
        pl.LazyFrame({"rate_index": list(range(first - 12, last + 1))}).with_columns(
            month_end=pl.date(
                pl.col("rate_index") // 12, pl.col("rate_index") % 12 + 1, 1
            ).dt.month_end()
        ),
        _scan(data_dir, "fx_rates").filter(pl.col("rate_to_reporting").is_not_null()),
    )
    value = (
        pl.when(pl.col("rate").is_null())
        .then(pl.col("micros"))
        .otherwise(_half_up(pl.col("micros") / pl.col("million") * pl.col("rate") * 1e6))
        .cast(pl.Int64)
    )
    streams = (
        lines(data_dir)
        .with_columns(active_until=pl.col("end_index").fill_null(10**9))
        .join_where(
            snaps,
            pl.col("first_index") <= pl.col("at"),
            pl.col("active_until") > pl.col("at"),
        )
        .join(rates, on=["currency", "rate_index"], how="left")
        .group_by("at", "rate_index", "book", "account_id", "stream")
        .agg(micros=value.sum().clip(lower_bound=0))
        .with_columns(
            arr=(12 * pl.col("micros") + 5000) // 10000, mrr=(pl.col("micros") + 5000) // 10000
        )
        .group_by("at", "rate_index", "book", "account_id")
        .agg(pl.col("arr").sum(), pl.col("mrr").sum())
    )
    plain = streams.filter(~pl.col("book"))
    roles = [
        plain.select("account_id", month="at", now="arr", mrr="mrr"),
        plain.select("account_id", month=pl.col("at") + 1, before="arr"),
        plain.select("account_id", month=pl.col("at") + 12, then="arr"),
        streams.filter(pl.col("book")).select("account_id", month="rate_index", book="arr"),
    ]
    long = pl.concat(roles, how="diagonal").filter(pl.col("month").is_between(first, last))
    return long.group_by("month", "account_id").agg(
        pl.col("now", "before", "then", "book", "mrr").sum()
    )


def _spans(months: list[Month]) -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "key": [m.key for m in months],
            "start": [m.start for m in months],
            "end": [m.end for m in months],
        }
    ).with_columns(before=pl.col("start").dt.offset_by("-1mo"))


def _overlap(first: str, last: str) -> pl.Expr:
    days = pl.min_horizontal("period_end", last) - pl.max_horizontal("period_start", first)
    return (days.dt.total_days() + 1).clip(lower_bound=0)


def spend(data_dir: Path, months: list[Month]) -> pl.LazyFrame:
    """Per month (key): spend prorated by days, and that of the month before (null: no row)."""
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    here = _overlap("start", "end") > 0
    either = _overlap("before", "end") > 0
    previous = pl.col("amount") * _overlap("before", "last_before") / length
    return (
        _spans(months)
        .with_columns(last_before=pl.col("start").dt.offset_by("-1d"))
        .join(_scan(data_dir, "spend"), how="cross")
        .group_by("key")
        .agg(
            spend=pl.when(here.any()).then(
                (pl.col("amount") * _overlap("start", "end") / length).filter(here).sum()
            ),
            previous=pl.when(either.any()).then(previous.filter(either).sum()),
        )
    )


def gross_margin(data_dir: Path, months: list[Month]) -> pl.LazyFrame:
    """Per month (key): Σ(amount − cost) ÷ Σ amount of the invoices issued in it with a cost."""
    fx = _scan(data_dir, "fx_rates").filter(pl.col("rate_to_reporting").is_not_null())
    rate = pl.col("rate_to_reporting").fill_null(1.0)
    return (
        _scan(data_dir, "invoices")
        .filter(
            pl.col("issued_at").is_not_null()
            & pl.col("cost").is_not_null()
            & pl.col("issued_at").is_between(months[0].start, months[-1].end)
        )
        .sort("issued_at")
        .join_asof(
            fx.sort("date"),
            left_on="issued_at",
            right_on="date",
            by="currency",
            strategy="backward",
            check_sortedness=False,  # sorted by date within each currency
        )
        .group_by(key=pl.col("issued_at").dt.strftime("%Y-%m"))
        .agg(
            profit=((pl.col("amount") - pl.col("cost")) * rate).sum(),
            revenue=(pl.col("amount") * rate).sum(),
        )
        .select(
            "key",
            gross_margin=pl.when(pl.col("revenue") != 0).then(pl.col("profit") / pl.col("revenue")),
        )
    )


def plan(data_dir: Path, months: list[Month]) -> pl.LazyFrame:
    """One row per month of the window: every revenue KPI's value and components, in cents."""
    window = [m.start.year * 12 + m.start.month - 1 for m in months]
    lasting = lines(data_dir).filter(
        (pl.col("end_index").is_null() | (pl.col("end_index") > pl.col("first_index")))
        & (pl.col("micros") > 0)
    )
    first_paid = lasting.group_by("account_id").agg(first_paid=pl.col("first_index").min())
    now, before, then, book = pl.col("now"), pl.col("before"), pl.col("then"), pl.col("book")
    staying = (now > 0) & (before > 0)
    arriving = (now > 0) & (before == 0)
    leaving = (before > 0) & (now == 0)
    is_new = arriving & (pl.col("first_paid") == pl.col("month"))
    cohort = then > 0
    labels = pl.LazyFrame({"month": window, "key": [m.key for m in months]})
    return (
        levels(data_dir, window)
        .join(first_paid, on="account_id", how="left")
        .group_by("month")
        .agg(
            start=before.sum(),
            new=now.filter(is_new).sum(),
            new_mrr=pl.col("mrr").filter(is_new).sum(),
            expansion=(now - book).clip(lower_bound=0).filter(staying).sum(),
            reactivation=now.filter(arriving & ~is_new).sum(),
            contraction=(book - now).clip(lower_bound=0).filter(staying).sum(),
            churn=before.filter(leaving).sum(),
            fx=(book - before).filter(staying).sum(),
            end=now.sum(),
            mrr=pl.col("mrr").sum(),
            customers=(now > 0).sum(),
            new_customers=is_new.sum(),
            churned_customers=leaving.sum(),
            arr_then=then.filter(cohort).sum(),
            arr_now=now.filter(cohort).sum(),
            arr_retained=pl.min_horizontal(now, then).filter(cohort).sum(),
            cohort_customers=cohort.sum(),
            retained_customers=(cohort & (now > 0)).sum(),
            base=(before > 0).sum(),
        )
        .join(labels, on="month")
        .join(spend(data_dir, months), on="key", how="left")
        .join(gross_margin(data_dir, months), on="key", how="left")
    )


def results(frame: pl.DataFrame, kpis: tuple[str, ...]) -> Results:
    """The collected :func:`plan` as :data:`spec.Results` (money back from cents)."""
    out: Results = {}
    money = {"start", "new", "expansion", "reactivation", "contraction", "churn", "fx", "end"}
    money |= {"mrr", "new_mrr", "arr_then", "arr_now", "arr_retained"}
    kept = {"spend", "previous", "gross_margin"}

    def put(kpi: str, key: str, value: float | None, parts: dict[str, float | None]) -> None:
        if kpi not in kpis or value is None:
            return
        out[(kpi, "-", key, ())] = value
        for name, part in parts.items():
            if part is not None:
                out[(component_key(kpi, name), "-", key, ())] = part

    for row in frame.iter_rows(named=True):
        got = {
            k: (v / 100 if k in money else float(v))
            for k, v in row.items()
            if k != "key" and k not in kept
        }
        key = row["key"]
        put("arr", key, got["end"], {"mrr": got["mrr"], "customers": got["customers"]})
        put("arr_bridge", key, got["end"], {k: got[k] for k in BRIDGE})
        moves = ("new", "expansion", "reactivation", "contraction", "churn", "fx")
        net = (row["new"] + row["expansion"] + row["reactivation"]) - (
            row["contraction"] + row["churn"]
        )
        put("net_new_arr", key, net / 100, {k: got[k] for k in moves})
        retention = {k: got[k] for k in RETENTION}
        if row["arr_then"]:
            put("nrr", key, row["arr_now"] / row["arr_then"], retention)
            put("grr", key, row["arr_retained"] / row["arr_then"], retention)
        previous = row["previous"]
        magic = net / 100 / previous if previous else None
        parts = {"net_new_arr": net / 100, "sm_spend_previous_period": previous}
        put("magic_number", key, magic, parts)
        count, cost, margin = row["new_customers"], row["spend"], row["gross_margin"]
        cac = cost / count if count and cost is not None else None
        payback = None
        if cac is not None and margin and row["new_mrr"]:
            payback = cac / (got["new_mrr"] / count * margin)
        parts = {
            "cac": cac,
            "new_customer_mrr": got["new_mrr"],
            "new_customers": float(count),
            "gross_margin": margin,
        }
        put("cac_payback_months", key, payback, parts)
        if row["base"]:
            lost = {"lost": got["churned_customers"], "customers_at_start": got["base"]}
            put("logo_churn_rate", key, row["churned_customers"] / row["base"], lost)
    return out
