"""The demo generator: deterministic, canonical, and internally consistent.

The consistency checks run as SQL over the generated Arrow tables in an in-memory DuckDB, the
way the KPI engine will read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from pulse.demo import PROFILE_IDS, DemoError, generate
from pulse.demo.columns import schema
from pulse.demo.generator import stages_for
from pulse.errors import UnknownNameError
from pulse.tables import TABLES

ANCHOR = date(2025, 6, 30)
SMALL = 300

# Tables each profile fills; every other canonical table stays empty.
EVERYWHERE = {
    "accounts",
    "reps",
    "quotas",
    "leads",
    "opportunities",
    "stage_history",
    "quotes",
    "subscriptions",
    "invoices",
    "forecasts",
    "spend",
    "meetings",
    "health_signals",
    "value_events",
    "coaching",
    "fx_rates",
}
FILLED = {
    "manufacturing": EVERYWHERE,
    "supply_chain_software": EVERYWHERE,
    "services": EVERYWHERE | {"delivery"},
    "martech": EVERYWHERE | {"signups"},
    "iot": EVERYWHERE | {"devices"},
    "b2b_saas": EVERYWHERE | {"signups"},
}


@pytest.fixture(scope="module")
def saas() -> dict[str, pa.Table]:
    return generate("b2b_saas", opportunities=2000, seed=7, anchor=ANCHOR)


@pytest.fixture(scope="module")
def db(saas: dict[str, pa.Table]) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    for name, table in saas.items():
        con.register(name, table)
    yield con
    con.close()


def one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchall()[0][0]


def test_profiles_cover_the_six_industries() -> None:
    assert set(PROFILE_IDS) == set(FILLED)


def test_same_inputs_give_identical_tables() -> None:
    a = generate("b2b_saas", opportunities=SMALL, seed=7, anchor=ANCHOR)
    b = generate("b2b_saas", opportunities=SMALL, seed=7, anchor=ANCHOR)
    assert list(a) == list(TABLES)
    for name in TABLES:
        assert a[name].equals(b[name]), name


def test_another_seed_or_anchor_gives_other_data() -> None:
    a = generate("b2b_saas", opportunities=SMALL, seed=7, anchor=ANCHOR)
    b = generate("b2b_saas", opportunities=SMALL, seed=8, anchor=ANCHOR)
    c = generate("b2b_saas", opportunities=SMALL, seed=7, anchor=date(2025, 5, 31))
    assert not a["opportunities"].equals(b["opportunities"])
    assert not a["opportunities"].equals(c["opportunities"])
    assert a["opportunities"].num_rows == b["opportunities"].num_rows == SMALL


@pytest.mark.parametrize("profile", sorted(FILLED))
def test_each_profile_fills_its_tables_with_canonical_columns(profile: str) -> None:
    tables = generate(profile, opportunities=SMALL, seed=3, anchor=ANCHOR)
    filled = {name for name, t in tables.items() if t.num_rows}
    assert filled == FILLED[profile]
    for name, table in tables.items():
        assert table.schema == schema(name), name
    sources = set(tables["leads"].column("source").to_pylist())
    assert {"trade show", "referral", "inbound RFQ", "website", "partner", "outbound"} <= sources
    stages = set(stages_for(profile))
    got = set(tables["opportunities"].column("stage").drop_null().to_pylist())
    assert got <= stages and len(got) >= 3


def test_scale_of_the_other_tables(saas: dict[str, pa.Table]) -> None:
    rows = {name: t.num_rows for name, t in saas.items()}
    assert rows["opportunities"] == 2000
    assert rows["accounts"] == 500 + 300  # opportunities / 4, plus 60% more free sign-ups
    assert 4.0 <= rows["stage_history"] / rows["opportunities"] <= 6.0


def test_keys_are_unique(db: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES.values():
        key = ", ".join(f'"{k}"' for k in table.key)
        dupes = one(
            db,
            f'SELECT COUNT(*) FROM (SELECT {key} FROM "{table.name}" GROUP BY ALL HAVING COUNT(*) > 1)',
        )
        assert dupes == 0, table.name


def test_references_point_at_existing_rows(db: duckdb.DuckDBPyConnection) -> None:
    checks = [
        ("opportunities", "account_id", "accounts", "account_id"),
        ("opportunities", "owner_id", "reps", "rep_id"),
        ("stage_history", "opportunity_id", "opportunities", "opportunity_id"),
        ("quotes", "opportunity_id", "opportunities", "opportunity_id"),
        ("leads", "opportunity_id", "opportunities", "opportunity_id"),
        ("leads", "account_id", "accounts", "account_id"),
        ("subscriptions", "account_id", "accounts", "account_id"),
        ("invoices", "account_id", "accounts", "account_id"),
        ("invoices", "opportunity_id", "opportunities", "opportunity_id"),
        ("invoices", "rep_id", "reps", "rep_id"),
        ("quotas", "rep_id", "reps", "rep_id"),
        ("meetings", "rep_id", "reps", "rep_id"),
        ("health_signals", "account_id", "accounts", "account_id"),
        ("value_events", "account_id", "accounts", "account_id"),
        ("signups", "account_id", "accounts", "account_id"),
        ("coaching", "rep_id", "reps", "rep_id"),
    ]
    for table, column, target, key in checks:
        orphans = one(
            db,
            f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL "
            f"AND {column} NOT IN (SELECT {key} FROM {target})",
        )
        assert orphans == 0, f"{table}.{column}"


def test_nothing_happens_after_the_anchor(db: duckdb.DuckDBPyConnection) -> None:
    dated = [
        ("opportunities", "created_at"),
        ("opportunities", "closed_at"),
        ("opportunities", "first_meeting_at"),
        ("stage_history", "changed_at"),
        ("leads", "created_at"),
        ("quotes", "quoted_at"),
        ("quotes", "decided_at"),
        ("subscriptions", "start_date"),
        ("invoices", "issued_at"),
        ("invoices", "paid_at"),
        ("meetings", "held_at"),
        ("health_signals", "observed_at"),
        ("value_events", "occurred_at"),
        ("coaching", "held_at"),
        ("signups", "paid_at"),
        ("quotas", "period_end"),
    ]
    for table, column in dated:
        latest = one(db, f"SELECT MAX({column})::DATE FROM {table}")
        assert latest is not None and latest <= ANCHOR, f"{table}.{column}"


def test_stage_history_ends_in_the_opportunitys_state(db: duckdb.DuckDBPyConnection) -> None:
    mismatches = one(
        db,
        """
        WITH last AS (
          SELECT opportunity_id, arg_max(stage, changed_at) AS stage, arg_max(status, changed_at) AS status,
                 arg_max(amount, changed_at) AS amount, arg_max(close_date, changed_at) AS close_date,
                 min(changed_at)::DATE AS first_day, count(*) AS n
          FROM stage_history GROUP BY opportunity_id)
        SELECT COUNT(*) FROM opportunities o LEFT JOIN last h USING (opportunity_id)
        WHERE h.n IS NULL OR h.status <> o.status OR h.stage IS DISTINCT FROM o.stage
           OR h.amount <> o.amount OR h.close_date <> o.close_date OR h.first_day <> o.created_at
        """,
    )
    assert mismatches == 0


def test_history_holds_slips_pull_ins_and_amount_changes(db: duckdb.DuckDBPyConnection) -> None:
    moves = db.execute(
        """
        WITH h AS (
          SELECT close_date, amount, status,
                 lag(close_date) OVER w AS prev_close, lag(amount) OVER w AS prev_amount
          FROM stage_history WINDOW w AS (PARTITION BY opportunity_id ORDER BY changed_at))
        SELECT
          COUNT(*) FILTER (WHERE status = 'open' AND close_date > prev_close
                           AND date_trunc('quarter', close_date) > date_trunc('quarter', prev_close)),
          COUNT(*) FILTER (WHERE status = 'open' AND close_date < prev_close),
          COUNT(*) FILTER (WHERE amount <> prev_amount)
        FROM h
        """
    ).fetchall()[0]
    slipped_a_quarter, pulled_in, amount_changes = moves
    assert slipped_a_quarter > 50 and pulled_in > 20 and amount_changes > 100


def test_closed_deals_have_a_closed_at_and_open_ones_do_not(db: duckdb.DuckDBPyConnection) -> None:
    assert (
        one(db, "SELECT COUNT(*) FROM opportunities WHERE status <> 'open' AND closed_at IS NULL")
        == 0
    )
    assert (
        one(
            db, "SELECT COUNT(*) FROM opportunities WHERE status = 'open' AND closed_at IS NOT NULL"
        )
        == 0
    )
    assert (
        one(
            db,
            "SELECT COUNT(*) FROM opportunities WHERE status = 'won' AND close_date <> closed_at",
        )
        == 0
    )
    assert one(db, "SELECT COUNT(*) FROM opportunities WHERE closed_at < created_at") == 0
    assert one(db, "SELECT COUNT(*) FROM opportunities WHERE list_amount < amount") == 0


def test_crm_defects_are_planted_on_open_deals(db: duckdb.DuckDBPyConnection) -> None:
    no_stage, past_close, stale = db.execute(
        f"""
        WITH touched AS (SELECT opportunity_id, max(changed_at)::DATE AS last FROM stage_history GROUP BY 1)
        SELECT COUNT(*) FILTER (WHERE stage IS NULL),
               COUNT(*) FILTER (WHERE close_date < DATE '{ANCHOR}'),
               COUNT(*) FILTER (WHERE last < DATE '{ANCHOR}' - 90)
        FROM opportunities JOIN touched USING (opportunity_id) WHERE status = 'open'
        """
    ).fetchall()[0]
    assert no_stage >= 1 and past_close >= 1 and stale >= 1
    assert (
        one(db, "SELECT COUNT(*) FROM opportunities WHERE status <> 'open' AND stage IS NULL") == 0
    )


def test_near_duplicate_accounts_exist(db: duckdb.DuckDBPyConnection) -> None:
    names = {r[0] for r in db.execute("SELECT name FROM accounts").fetchall()}
    assert {"Acme Corp", "ACME Corporation", "Initech", "Initech LLC"} <= names
    assert one(db, "SELECT COUNT(DISTINCT name) = COUNT(*) FROM accounts")


def test_quotas_cover_every_rep_month_and_the_company(db: duckdb.DuckDBPyConnection) -> None:
    missing = one(
        db,
        """
        WITH months AS (SELECT DISTINCT period_start AS m, period_end AS e FROM quotas)
        SELECT COUNT(*) FROM reps r JOIN months ON r.hired_at <= e AND (r.left_at IS NULL OR r.left_at >= m)
        WHERE NOT EXISTS (SELECT 1 FROM quotas q WHERE q.rep_id = r.rep_id AND q.period_start = m)
        """,
    )
    assert missing == 0
    assert one(db, "SELECT COUNT(DISTINCT period_start) FROM quotas") == 30
    assert one(db, "SELECT COUNT(*) FROM quotas WHERE rep_id IS NULL") == 30
    assert one(db, "SELECT COUNT(*) FROM quotas WHERE amount <= 0") == 0


def test_subscriptions_are_well_formed(db: duckdb.DuckDBPyConnection) -> None:
    assert one(db, "SELECT COUNT(*) FROM subscriptions WHERE end_date <= start_date") == 0
    periods = {
        r[0] for r in db.execute("SELECT DISTINCT billing_period FROM subscriptions").fetchall()
    }
    assert {"month", "year", "36"} <= periods
    assert one(db, "SELECT COUNT(*) FROM subscriptions WHERE is_trial") > 0
    assert one(db, "SELECT COUNT(DISTINCT currency) FROM subscriptions") >= 2
    assert one(db, "SELECT COUNT(DISTINCT currency) FROM fx_rates") == 2
    # Churn (lines ending), reactivation (an account starting again after a gap) both occur.
    assert (
        one(db, "SELECT COUNT(*) FROM subscriptions WHERE end_date IS NOT NULL AND NOT is_trial")
        > 20
    )
    returned = one(
        db,
        """
        SELECT COUNT(DISTINCT b.account_id) FROM subscriptions a JOIN subscriptions b
          ON a.account_id = b.account_id AND b.start_date > a.end_date + 30
        WHERE NOT a.is_trial AND NOT b.is_trial AND NOT EXISTS (
          SELECT 1 FROM subscriptions c WHERE c.account_id = a.account_id AND NOT c.is_trial
            AND c.start_date <= a.end_date AND (c.end_date IS NULL OR c.end_date > a.end_date))
        """,
    )
    assert returned >= 1


def test_invoices_carry_costs_below_revenue_and_payment_dates(
    db: duckdb.DuckDBPyConnection,
) -> None:
    share = one(db, "SELECT AVG(CASE WHEN cost < amount THEN 1.0 ELSE 0 END) FROM invoices")
    assert isinstance(share, float) and share > 0.95
    assert (
        one(db, "SELECT COUNT(*) FROM invoices WHERE due_at < issued_at OR paid_at < issued_at")
        == 0
    )
    assert one(db, "SELECT COUNT(*) FROM invoices WHERE paid_at IS NULL") > 0
    assert one(db, "SELECT COUNT(DISTINCT is_recurring) FROM invoices") == 2


def test_forecast_snapshots_lock_before_their_period(db: duckdb.DuckDBPyConnection) -> None:
    late = db.execute(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE period_end > last_day(period_start)) "
        "FROM forecasts WHERE snapshot_at >= period_start"
    ).fetchall()[0]
    assert late[0] == late[1] == 20  # only the quarter updates at the start of months two and three
    firsts = one(
        db,
        "SELECT COUNT(*) FROM (SELECT period_start, MIN(snapshot_at) AS first FROM forecasts "
        "GROUP BY period_start, period_end, scope) WHERE first >= period_start",
    )
    assert firsts == 0
    scopes = {r[0] for r in db.execute("SELECT DISTINCT scope FROM forecasts").fetchall()}
    assert "company" in scopes and any(s.startswith("rep:REP-") for s in scopes)
    months, quarters = db.execute(
        """
        SELECT COUNT(*) FILTER (WHERE period_end = last_day(period_start)),
               COUNT(DISTINCT period_start) FILTER (WHERE period_end > last_day(period_start))
        FROM forecasts WHERE scope = 'company'
        """
    ).fetchall()[0]
    assert months == 30 and quarters == 10


def test_spend_has_every_category_each_month(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT period_start, COUNT(DISTINCT category) FROM spend GROUP BY 1 HAVING COUNT(DISTINCT category) <> 3"
    ).fetchall()
    assert rows == [] and one(db, "SELECT COUNT(DISTINCT period_start) FROM spend") == 30


def test_signups_progress_in_order(db: duckdb.DuckDBPyConnection) -> None:
    out_of_order = one(
        db,
        """SELECT COUNT(*) FROM signups WHERE activated_at < signed_up_at OR pql_at < activated_at
           OR paid_at < signed_up_at OR upgraded_at < paid_at""",
    )
    assert out_of_order == 0
    assert one(db, "SELECT COUNT(*) FROM signups WHERE upgraded_at IS NOT NULL") > 0


def test_iot_pilots_devices_and_first_value() -> None:
    tables = generate("iot", opportunities=1500, seed=5, anchor=ANCHOR)
    con = duckdb.connect()
    for name, table in tables.items():
        con.register(name, table)
    pilots = con.execute(
        "SELECT COUNT(*) FILTER (WHERE pilot_converted), COUNT(*) FILTER (WHERE NOT pilot_converted) "
        "FROM opportunities WHERE is_pilot"
    ).fetchall()[0]
    assert pilots[0] > 0 and pilots[1] > 0
    assert (
        one(con, "SELECT COUNT(*) FROM opportunities WHERE status = 'won' AND deployments IS NULL")
        == 0
    )
    # Connected but not transacting: devices online in the last month, no paid line active then.
    dark = one(
        con,
        f"""
        SELECT COUNT(DISTINCT d.account_id) FROM devices d
        WHERE d.observed_at = DATE '{ANCHOR}' AND d.active_devices > 0 AND NOT EXISTS (
          SELECT 1 FROM subscriptions s WHERE s.account_id = d.account_id AND NOT s.is_trial
            AND s.start_date <= DATE '{ANCHOR}' AND (s.end_date IS NULL OR s.end_date > DATE '{ANCHOR}'))
        """,
    )
    assert dark >= 1
    ttfv = one(
        con,
        """
        WITH signed AS (
          SELECT account_id, MIN(closed_at) AS signed_on FROM opportunities WHERE status = 'won' GROUP BY 1)
        SELECT MEDIAN(v.occurred_at - signed.signed_on) FROM value_events v JOIN signed USING (account_id)
        """,
    )
    assert isinstance(ttfv, float) and 60 <= ttfv <= 120
    con.close()


def test_manufacturing_sells_equipment_with_service_plans() -> None:
    tables = generate("manufacturing", opportunities=800, seed=5, anchor=ANCHOR)
    opps = tables["opportunities"].to_pylist()
    equipment = [o for o in opps if o["includes_service"] is not None]
    assert equipment and any(o["includes_service"] for o in equipment)
    assert all(
        o["includes_service"] is None for o in opps if o["product_line"] == "Spare parts agreements"
    )
    streams = set(tables["subscriptions"].column("stream").to_pylist())
    assert {"maintenance", "spares"} <= streams
    sources = set(tables["leads"].column("source").to_pylist())
    assert {"trade show", "referral", "inbound RFQ", "website", "partner", "outbound"} <= sources
    assert tables["opportunities"].column("stage").to_pylist().count("site visit completed") > 0


def test_services_prices_by_model_and_tracks_delivery() -> None:
    tables = generate("services", opportunities=800, seed=5, anchor=ANCHOR)
    models = set(tables["opportunities"].column("pricing_model").to_pylist())
    assert models == {"retainer", "project", "outcome"}
    assert any(tables["invoices"].column("is_outcome_based").to_pylist())
    assert tables["delivery"].num_rows == 30


def test_bad_requests_are_refused_with_a_clear_message() -> None:
    with pytest.raises(
        DemoError, match="the anchor must be the last day of a month, got 2025-06-15"
    ):
        generate("b2b_saas", opportunities=10, anchor=date(2025, 6, 15))
    with pytest.raises(UnknownNameError, match="unknown demo profile 'saas'"):
        generate("saas", opportunities=10, anchor=ANCHOR)
    with pytest.raises(DemoError, match="--opportunities must be at least 1, got 0"):
        generate("b2b_saas", opportunities=0, anchor=ANCHOR)


def test_a_single_opportunity_still_works() -> None:
    tables = generate("martech", opportunities=1, anchor=ANCHOR)
    assert tables["opportunities"].num_rows == 1
    assert tables["stage_history"].num_rows >= 1
