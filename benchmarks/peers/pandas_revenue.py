"""The recurring-revenue KPIs in pandas: ARR, the ARR bridge, net new ARR, NRR, GRR, logo churn.

Written the way an analyst would, month by month: for each month end, the subscription lines
active then (``start_date <= month end < end_date``), each line's monthly value (amount ÷ the
months in its billing period, to 6 decimals) converted at the latest rate dated on or before the
month end (to 6 decimals), summed per customer and stream and rounded to the cent (ARR as
12 × the unrounded sum, never below zero), then summed per customer (all streams together).
Money is kept in integers — micro-units per line, cents per customer — so every sum is exact,
as the catalog's ``docs.conventions`` ask (``src/pulse/catalog/kpis/revenue``).

Per month ``m`` of the window, per customer: ARR now, at ``m − 1`` (the bridge's start and logo
churn's base), at ``m − 12`` (the NRR and GRR cohort), and the book: the lines active at
``m − 1`` valued at ``m``'s rates (the fx line). A customer paying at both month ends expanded or
contracted by now − book, and the fx line is book − before; one paying before and not now
churned; one paying now and not before is new the first month it ever pays (the workspace's
default reactivation window: any gap is a reactivation), else a reactivation. The magic number
divides net new ARR by the previous month's spend (rows prorated by days); CAC payback is the
month's spend per new customer ÷ (their starting MRR each × the gross margin of the month's
invoices, converted at the rate in force on the issue date).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow.parquet as pq

from .spec import COLUMNS, Month, Results, component_key

WORDS = {
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


def _read(data_dir: Path, table: str) -> pd.DataFrame:
    arrow = pq.read_table(data_dir / f"{table}.parquet", columns=list(COLUMNS[table]))
    return arrow.to_pandas(date_as_object=False)


def _half_up(values: pd.Series) -> pd.Series:
    """Round half away from zero to a whole number (how a DOUBLE becomes a DECIMAL)."""
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def _month_end(index: int) -> pd.Timestamp:
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1) + pd.offsets.MonthEnd(0)


def subscription_lines(data_dir: Path) -> pd.DataFrame:
    """Non-trial lines with their monthly value in micro-units of their currency."""
    subs = _read(data_dir, "subscriptions")
    subs = subs[
        ~subs["is_trial"].fillna(False).astype(bool)
        & subs["account_id"].notna()
        & subs["start_date"].notna()
    ].copy()
    word = subs["billing_period"].fillna("").str.strip().str.lower()
    numeric = pd.to_numeric(word, errors="coerce")
    months = word.map(WORDS).fillna(numeric.where((numeric > 0) & (numeric % 1 == 0)))
    weekly = months == 12 / 52
    monthly = (subs["amount"] * 52 / 12).where(weekly, subs["amount"] / months)
    subs["micros"] = _half_up(monthly * 1e6)
    subs = subs[subs["micros"].notna()]
    subs["stream"] = subs["stream"].fillna("(none)")
    subs["first_index"] = _month_index(subs["start_date"])
    subs["end_index"] = _month_index(subs["end_date"])  # NaN: ongoing
    return subs[["account_id", "stream", "currency", "first_index", "end_index", "micros"]]


def month_rates(data_dir: Path, indexes: list[int]) -> pd.DataFrame:
    """The rate in force per currency at each month end: the latest one dated on or before it."""
    fx = _read(data_dir, "fx_rates").dropna(subset=["rate_to_reporting"])
    fx["date"] = fx["date"].astype("datetime64[ns]")
    ends = pd.DataFrame({"month_index": indexes, "month_end": [_month_end(i) for i in indexes]})
    ends["month_end"] = ends["month_end"].astype("datetime64[ns]")
    out = []
    for currency, rates in fx.groupby("currency"):
        found = pd.merge_asof(
            ends.sort_values("month_end"),
            rates.sort_values("date"),
            left_on="month_end",
            right_on="date",
        )
        out.append(found.assign(currency=currency).dropna(subset=["rate_to_reporting"]))
    return pd.concat(out)[["currency", "month_index", "rate_to_reporting"]]


def snapshot(lines: pd.DataFrame, rates: pd.DataFrame, at: int, rate_month: int) -> pd.DataFrame:
    """ARR and MRR in cents per customer of the lines active at ``at``, at ``rate_month``'s rates."""
    active = lines[(lines["first_index"] <= at) & ~(lines["end_index"] <= at)]
    rate = active["currency"].map(
        rates[rates["month_index"] == rate_month].set_index("currency")["rate_to_reporting"]
    )
    value = active["micros"].where(rate.isna(), _half_up(active["micros"] / 1e6 * rate * 1e6))
    streams = (
        active.assign(value=value.astype("int64"))
        .groupby(["account_id", "stream"])["value"]
        .sum()
        .clip(lower=0)
    )
    cents = (
        pd.DataFrame({"arr": (12 * streams + 5000) // 10000, "mrr": (streams + 5000) // 10000})
        .groupby("account_id")[["arr", "mrr"]]
        .sum()
    )
    return cents


def _overlap_days(rows: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Days each row's [period_start, period_end] shares with [first, last] (0 when none)."""
    days = (
        np.minimum(rows["period_end"], last) - np.maximum(rows["period_start"], first)
    ).dt.days + 1
    return days.clip(lower=0)


def spend(data_dir: Path, months: list[Month]) -> pd.DataFrame:
    """Per month: the spend rows overlapping it, prorated by days (NaN: no row overlaps), and
    those of the month before (NaN: no row overlaps either month)."""
    rows = _read(data_dir, "spend")
    length = (rows["period_end"] - rows["period_start"]).dt.days + 1
    out = []
    for month in months:
        start, end = pd.Timestamp(month.start), pd.Timestamp(month.end)
        before = start - pd.offsets.MonthBegin(1)
        here = _overlap_days(rows, start, end) > 0
        either = _overlap_days(rows, before, end) > 0
        now = (rows["amount"] * _overlap_days(rows, start, end) / length)[here]
        then = rows["amount"] * _overlap_days(rows, before, start - pd.Timedelta(days=1)) / length
        out.append(
            {
                "month": month.key,
                "spend": now.sum(min_count=1),
                "previous": then[either].sum(min_count=1),
            }
        )
    return pd.DataFrame(out).set_index("month")


def gross_margin(data_dir: Path, months: list[Month]) -> pd.Series:
    """Per month: Σ(amount − cost) ÷ Σ amount of the invoices issued in it that carry a cost,
    in the reporting currency at the rate in force on the issue date."""
    invoices = _read(data_dir, "invoices").dropna(subset=["issued_at", "cost"])
    invoices["issued_at"] = invoices["issued_at"].astype("datetime64[ns]")
    fx = _read(data_dir, "fx_rates").dropna(subset=["rate_to_reporting"])
    fx["date"] = fx["date"].astype("datetime64[ns]")
    priced = pd.merge_asof(
        invoices.sort_values("issued_at"),
        fx.sort_values("date"),
        left_on="issued_at",
        right_on="date",
        by="currency",
    )
    rate = priced["rate_to_reporting"].fillna(1.0)
    priced["revenue"] = priced["amount"] * rate
    priced["profit"] = (priced["amount"] - priced["cost"]) * rate
    priced["month"] = _month_labels(priced["issued_at"], months)
    sums = priced.groupby("month")[["profit", "revenue"]].sum()
    return (sums["profit"] / sums["revenue"]).where(sums["revenue"] != 0)


def _month_labels(dates: pd.Series, months: list[Month]) -> pd.Series:
    first, last = pd.Timestamp(months[0].start), pd.Timestamp(months[-1].end)
    return dates.dt.strftime("%Y-%m").where((dates >= first) & (dates <= last))


def scorecard(data_dir: Path, months: list[Month], kpis: tuple[str, ...]) -> Results:
    """The revenue KPIs in ``kpis`` (no split) over ``months``, values and checked components."""
    lines = subscription_lines(data_dir)
    window = [m.start.year * 12 + m.start.month - 1 for m in months]
    rates = month_rates(data_dir, list(range(window[0] - 12, window[-1] + 1)))
    levels = {i: snapshot(lines, rates, i, i) for i in range(window[0] - 12, window[-1] + 1)}
    # The first month end each customer ever pays: a line active at some month end.
    lasting = lines[~(lines["end_index"] <= lines["first_index"]) & (lines["micros"] > 0)]
    first_paid = lasting.groupby("account_id")["first_index"].min()
    out: Results = {}

    spent = spend(data_dir, months)
    margin = gross_margin(data_dir, months)

    def put(kpi: str, key: str, value: float | None, parts: dict[str, float | None]) -> None:
        if kpi not in kpis or value is None or pd.isna(value):
            return
        out[(kpi, "-", key, ())] = float(value)
        for name, part in parts.items():
            if part is not None and not pd.isna(part):
                out[(component_key(kpi, name), "-", key, ())] = float(part)

    for month, index in zip(months, window, strict=True):
        now, before, then = levels[index], levels[index - 1], levels[index - 12]
        book = snapshot(lines, rates, index - 1, index)
        frame = pd.DataFrame(
            {
                "now_mrr": now["mrr"],
                "now": now["arr"],
                "before": before["arr"],
                "book": book["arr"],
                "then": then["arr"],
            }
        ).fillna(0)
        frame = frame.astype("int64")
        paying_now, paying_before = frame["now"] > 0, frame["before"] > 0
        staying = paying_now & paying_before
        arriving = frame[paying_now & ~paying_before]
        is_new = first_paid.reindex(arriving.index) == index
        bridge = {
            "start": frame["before"].sum() / 100,
            "new": arriving["now"][is_new].sum() / 100,
            "expansion": (frame["now"] - frame["book"]).clip(lower=0)[staying].sum() / 100,
            "reactivation": arriving["now"][~is_new].sum() / 100,
            "contraction": (frame["book"] - frame["now"]).clip(lower=0)[staying].sum() / 100,
            "churn": frame["before"][paying_before & ~paying_now].sum() / 100,
            "fx": (frame["book"] - frame["before"])[staying].sum() / 100,
            "end": frame["now"].sum() / 100,
            "new_customers": float(is_new.sum()),
            "churned_customers": float((paying_before & ~paying_now).sum()),
        }
        end = bridge["end"]
        put(
            "arr",
            month.key,
            end,
            {"mrr": now["mrr"].sum() / 100, "customers": float((now["arr"] > 0).sum())},
        )
        put("arr_bridge", month.key, end, bridge)
        net = (
            frame["now"][paying_now & ~paying_before].sum()
            + (frame["now"] - frame["book"])[staying].sum()
            - frame["before"][paying_before & ~paying_now].sum()
        ) / 100
        moves = ("new", "expansion", "reactivation", "contraction", "churn", "fx")
        put("net_new_arr", month.key, net, {k: bridge[k] for k in moves})
        cohort = frame[frame["then"] > 0]
        retention = {
            "arr_then": cohort["then"].sum() / 100,
            "arr_now": cohort["now"].sum() / 100,
            "arr_retained": np.minimum(cohort["now"], cohort["then"]).sum() / 100,
            "cohort_customers": float(len(cohort)),
            "retained_customers": float((cohort["now"] > 0).sum()),
        }
        if retention["arr_then"]:
            put("nrr", month.key, retention["arr_now"] / retention["arr_then"], retention)
            put("grr", month.key, retention["arr_retained"] / retention["arr_then"], retention)
        previous = spent.at[month.key, "previous"]
        magic = net / previous if pd.notna(previous) and previous != 0 else None
        put(
            "magic_number",
            month.key,
            magic,
            {"net_new_arr": net, "sm_spend_previous_period": previous},
        )
        new_count = int(is_new.sum())
        new_mrr = frame["now_mrr"].reindex(arriving.index)[is_new].sum() / 100
        cost = spent.at[month.key, "spend"]
        cac = cost / new_count if new_count and pd.notna(cost) else None
        gm = margin.get(month.key)
        payback = None
        if cac is not None and gm is not None and pd.notna(gm) and new_mrr and gm:
            payback = cac / (new_mrr / new_count * gm)
        payback_parts = {
            "cac": cac,
            "new_customer_mrr": new_mrr,
            "new_customers": new_count,
            "gross_margin": gm,
        }
        put("cac_payback_months", month.key, payback, payback_parts)
        base = int(paying_before.sum())
        lost = int((paying_before & ~paying_now).sum())
        if base:
            put(
                "logo_churn_rate",
                month.key,
                lost / base,
                {"lost": lost, "customers_at_start": base},
            )
    return out
