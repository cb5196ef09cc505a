"""Load the real datasets in ../shared/data into a workspace as canonical rows.

No column mappings for these sources ship yet, so each loader reads the CSV with DuckDB and
inserts canonical ``subscriptions`` (and ``accounts``) rows, returning the source's own
contradictions as findings. The interpretation of each source is written next to its loader.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pulse.revenue import Finding
from pulse.workspace.store import Workspace


def _csv(path: Path) -> str:
    return "read_csv('" + str(path).replace("'", "''") + "', header = true)"


def load_dbt_playbook(ws: Workspace, data: Path) -> None:
    """dbt Labs' MRR playbook: one line per subscription period, already monthly amounts.

    subscription_id → line_id, customer_id → account_id ('c' + id), monthly_amount → amount
    billed monthly. end_date is exclusive, as in the playbook.
    """
    src = _csv(data / "dbt-mrr-playbook" / "subscription_periods.csv")
    with ws.connection() as con:
        con.execute(
            "INSERT INTO subscriptions (line_id, account_id, product, stream, start_date, end_date, "
            "amount, billing_period) SELECT CAST(subscription_id AS VARCHAR), 'c' || customer_id, "
            f"'plan', 'software', start_date, end_date, monthly_amount, 'month' FROM {src}"
        )
        con.execute("UPDATE _data_version SET version = version + 1")


def load_ravenstack(ws: Workspace, data: Path) -> list[tuple[str, date]]:
    """RavenStack (synthetic SaaS): accounts, and subscriptions read as concurrent line items.

    Each subscription row is one line of the account (accounts hold ~10 at once, on different
    plan tiers): an account's MRR is the sum of its active rows. mrr_amount is the monthly value
    for every row, annual billing included (arr_amount = 12 × mrr_amount on every row), so it
    is loaded as a monthly amount. plan_tier → product; every row is software. Returns the
    churn events (account, date) for reconciliation.
    """
    folder = data / "ravenstack-saas-subscriptions"
    with ws.connection() as con:
        con.execute(
            "INSERT INTO accounts (account_id, name, industry, region, created_at) "
            "SELECT account_id, account_name, industry, country, signup_date "
            f"FROM {_csv(folder / 'ravenstack_accounts.csv')}"
        )
        con.execute(
            "INSERT INTO subscriptions (line_id, account_id, product, stream, start_date, end_date, "
            "amount, billing_period, is_trial) SELECT subscription_id, account_id, plan_tier, "
            "'software', start_date, end_date, mrr_amount, 'month', is_trial "
            f"FROM {_csv(folder / 'ravenstack_subscriptions.csv')}"
        )
        con.execute("UPDATE _data_version SET version = version + 1")
        events = con.execute(
            f"SELECT account_id, churn_date FROM {_csv(folder / 'ravenstack_churn_events.csv')} "
            "ORDER BY account_id, churn_date"
        ).fetchall()
    return [(str(a), d) for a, d in events]


def load_aws_saas_sales(ws: Workspace, data: Path) -> list[Finding]:
    """AWS SaaS Sales: order lines, not subscriptions. Each order line is read as a one-year
    licence from its order date (start = Order Date, end = the same day a year later, amount =
    Sales billed yearly), so a customer's ARR at a month end is the sales of its orders in the
    twelve months to that day. Customer ID → account (segment, industry, first region seen).

    Findings: order lines whose Date Key disagrees with their Order Date, Sales amounts with
    fractions of a cent (kept to four places, rounded to the cent per customer), and lines sold
    at a loss (negative Profit: a margin matter, not a revenue one).
    """
    src = (
        "read_csv('"
        + str(data / "aws-saas-sales" / "SaaS-Sales.csv").replace("'", "''")
        + "', header = true, all_varchar = true)"
    )
    typed = (
        'SELECT "Row ID" AS row_id, "Customer ID" AS customer, "Segment" AS segment, '
        '"Industry" AS industry, "Region" AS region, "Product" AS product, '
        'CAST(strptime("Order Date", \'%m/%d/%Y\') AS DATE) AS ordered, "Date Key" AS date_key, '
        'CAST("Sales" AS DECIMAL(18, 4)) AS sales, "Sales" AS sales_text, '
        f'CAST("Profit" AS DOUBLE) AS profit FROM {src}'
    )
    with ws.connection() as con:
        con.execute(f"CREATE TEMP TABLE aws AS {typed}")
        con.execute(
            "INSERT INTO accounts (account_id, segment, industry, region) "
            "SELECT customer, MIN(segment), MIN(industry), MIN(region) FROM aws GROUP BY customer"
        )
        con.execute(
            "INSERT INTO subscriptions (line_id, account_id, product, stream, start_date, end_date, "
            "amount, billing_period) SELECT row_id, customer, product, 'software', ordered, "
            "CAST(ordered + INTERVAL 1 YEAR AS DATE), sales, 'year' FROM aws"
        )
        con.execute("UPDATE _data_version SET version = version + 1")
        mismatched = con.execute(
            "SELECT row_id, customer, ordered, date_key FROM aws "
            "WHERE strftime(ordered, '%Y%m%d') <> date_key ORDER BY CAST(row_id AS INTEGER)"
        ).fetchall()
        sub_cent = con.execute(
            "SELECT COUNT(*) FROM aws WHERE sales <> ROUND(sales, 2)"
        ).fetchall()[0][0]
        losses = con.execute("SELECT COUNT(*) FROM aws WHERE profit < 0").fetchall()[0][0]
    found = [
        Finding(
            "date_key_mismatch",
            "warning",
            f"Order Date {ordered.isoformat()} but Date Key {key}: the order date is used",
            account_id=str(customer),
            line_id=str(row),
        )
        for row, customer, ordered, key in mismatched
    ]
    found.append(
        Finding(
            "sub_cent_amounts",
            "info",
            f"{sub_cent} order lines have Sales with fractions of a cent: kept to four decimal "
            "places, rounded to the cent per customer",
        )
    )
    found.append(
        Finding(
            "negative_profit",
            "info",
            f"{losses} order lines were sold at a loss (negative Profit): margin, not revenue",
        )
    )
    return found
