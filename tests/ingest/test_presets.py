"""Shipped mapping presets: each one imports a small sample written from documented column names."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pulse.errors import ImportValidationError, MappingError
from pulse.ingest import import_file
from pulse.ingest.mapping import available_presets
from pulse.workspace.store import Workspace
from tests.ingest.conftest import rows

SAMPLES = Path(__file__).parent / "fixtures" / "presets"


def test_presets_are_shipped() -> None:
    names = set(available_presets())
    assert {
        "salesforce_opportunities",
        "salesforce_opportunity_report",
        "salesforce_opportunity_history",
        "stripe_subscriptions_api",
        "stripe_subscriptions_csv",
        "hubspot_deals",
        "hubspot_deals_export",
        "pipedrive_deals",
        "chargebee_subscriptions",
    } <= names


def test_salesforce_api_export_status_from_flags_not_stage_text(ws: Workspace) -> None:
    result = import_file(
        ws, "opportunities", SAMPLES / "sf_opps_api.csv", mapping="salesforce_opportunities"
    )
    assert (result.rows_read, result.inserted) == (3, 3)
    got = rows(
        ws,
        "SELECT opportunity_id, account_id, owner_id, type, amount, currency, created_at,"
        " close_date, stage, status, closed_at FROM opportunities ORDER BY 1",
    )
    assert got == [
        # "Closed Won" stage, IsWon=true → won, closed on the close date
        ("006A1", "001A1", "005U1", "renewal", Decimal("1200.5"), "USD", date(2024, 1, 10),
         date(2024, 3, 31), "Closed Won", "won", date(2024, 3, 31)),
        # a renamed, translated stage with no flags set stays open
        ("006A2", "001A2", "005U1", "new", Decimal("800"), "USD", date(2024, 2, 1),
         date(2024, 4, 15), "Gewonnen-Phase", "open", None),
        ("006A3", "001A3", "005U2", "expansion", Decimal("300"), "EUR", date(2024, 2, 20),
         date(2024, 5, 1), "Closed Lost", "lost", date(2024, 5, 1)),
    ]  # fmt: skip


def test_salesforce_report_export_ui_labels(ws: Workspace) -> None:
    result = import_file(
        ws,
        "opportunities",
        SAMPLES / "sf_opps_report.csv",
        mapping="salesforce_opportunity_report",
    )
    assert result.rows_read == 2
    got = rows(
        ws,
        "SELECT opportunity_id, name, account_id, owner_id, type, amount, stage, status"
        " FROM opportunities ORDER BY 1",
    )
    assert got == [
        # stage "Signed" is the org's own name; the Won flag decides
        ("006B1", "Acme expansion", "Acme", "Ana Ruiz", "expansion", Decimal("1500"), "Signed",
         "won"),
        # stage text says "Closed Won" but the flags say open: flags win
        ("006B2", "Globex new", "Globex", "Ana Ruiz", "new", Decimal("2000"), "Closed Won",
         "open"),
    ]  # fmt: skip


def test_salesforce_opportunity_history_to_stage_history(ws: Workspace) -> None:
    result = import_file(
        ws, "stage_history", SAMPLES / "sf_history.csv", mapping="salesforce_opportunity_history"
    )
    assert result.rows_read == 3
    assert result.ignored_columns == ("Id", "Probability")
    assert rows(ws, "SELECT * FROM stage_history ORDER BY changed_at") == [
        ("006A1", datetime(2024, 1, 10, 9, 15), "Prospecting", Decimal("1000"),
         date(2024, 3, 31), None),
        ("006A1", datetime(2024, 2, 10, 9, 15), "Negotiation/Review", Decimal("1200.5"),
         date(2024, 3, 31), None),
        ("006A1", datetime(2024, 3, 30, 16, 0), "Closed Won", Decimal("1200.5"),
         date(2024, 3, 31), None),
    ]  # fmt: skip


def test_salesforce_preset_without_flags_is_refused_clearly(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    path = write("opps.csv", "Id,Amount,CreatedDate,StageName\n006X,10,2024-01-01,Closed Won\n")
    with pytest.raises(MappingError) as err:
        import_file(ws, "opportunities", path, mapping="salesforce_opportunities")
    assert "columns.status.sql: unknown column 'is_won'" in err.value.render()
    assert rows(ws, "SELECT count(*) FROM opportunities") == [(0,)]


SUBSCRIPTION_COLUMNS = (
    "SELECT line_id, account_id, product, amount, currency, billing_period, start_date,"
    " end_date, is_trial FROM subscriptions ORDER BY 1"
)


def test_stripe_api_json_one_row_per_item(ws: Workspace) -> None:
    result = import_file(
        ws,
        "subscriptions",
        SAMPLES / "stripe_subscriptions.json",
        mapping="stripe_subscriptions_api",
    )
    assert result.rows_read == 4
    assert rows(ws, SUBSCRIPTION_COLUMNS) == [
        # trialing; period on the item (API 2025-03-31.basil); JPY has no minor unit:
        # 5000 × 2 = 10000; 2 × month → "2"; no start_date → created 1717200000 = 2024-06-01
        ("si_jp", "cus_B", "prod_jp", Decimal("10000"), "JPY", "2", date(2024, 6, 1), None,
         True),
        # period on the subscription (older API); cancel_at_period_end → current_period_end
        # 1719792000 = 2024-07-01, not canceled_at; 120000 cents × 1 = 1200.00
        ("si_platform", "cus_A", "prod_platform", Decimal("1200"), "USD", "year",
         date(2024, 1, 2), date(2024, 7, 1), False),
        # 1250 cents × 3 = 37.50 per 3 months
        ("si_seats", "cus_A", "prod_seats", Decimal("37.5"), "USD", "quarter",
         date(2024, 1, 2), date(2024, 7, 1), False),
        # ended_at (1709251200 = 2024-03-01) wins over the period end; unit_amount_decimal 999.5
        ("si_weekly", "cus_C", "prod_w", Decimal("9.995"), "EUR", "week", date(2024, 1, 1),
         date(2024, 3, 1), False),
    ]  # fmt: skip


def test_stripe_api_unusable_prices_are_listed(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    doc = {
        "data": [
            {
                "id": "sub_x",
                "customer": "cus_x",
                "created": 1704067200,
                "items": {
                    "data": [
                        {"id": "si_tiered", "price": {"id": "price_t", "unit_amount": None,
                                                      "billing_scheme": "tiered"}},
                        {"id": "si_id_only", "price": "price_123"},
                        {"id": "si_daily", "price": {"id": "price_d", "unit_amount": 100,
                                                     "recurring": {"interval": "day",
                                                                   "interval_count": 1}}},
                    ]
                },
            }
        ]
    }  # fmt: skip
    path = write("subs.json", json.dumps(doc))
    with pytest.raises(ImportValidationError) as err:
        import_file(ws, "subscriptions", path, mapping="stripe_subscriptions_api")
    assert err.value.render() == (
        "stripe_subscriptions: 3 problem(s) in the document\n"
        "  - stripe_subscriptions: subscription sub_x item si_tiered: price price_t has no"
        " unit_amount (tiered pricing)\n"
        "  - stripe_subscriptions: subscription sub_x item si_id_only: expected an expanded"
        " price object, got 'price_123'\n"
        "  - stripe_subscriptions: subscription sub_x item si_daily: expected a recurring"
        " interval of week, month or year, got 1 × 'day'"
    )
    assert rows(ws, "SELECT count(*) FROM subscriptions") == [(0,)]


def test_stripe_dashboard_csv(ws: Workspace) -> None:
    result = import_file(
        ws,
        "subscriptions",
        SAMPLES / "stripe_subscriptions.csv",
        mapping="stripe_subscriptions_csv",
    )
    assert result.rows_read == 3
    assert rows(ws, SUBSCRIPTION_COLUMNS) == [
        # Amount 49.00 per unit × Quantity 3
        ("sub_1", "cus_1", "Pro", Decimal("147"), "USD", "month", date(2024, 1, 5), None, False),
        # "1,200.00"; Ended At wins over Canceled At
        ("sub_2", "cus_2", "Enterprise", Decimal("1200"), "USD", "year", date(2023, 3, 1),
         date(2024, 3, 1), False),
        ("sub_3", "cus_3", "Pro", Decimal("49"), "USD", "month", date(2024, 6, 20), None, True),
    ]  # fmt: skip


OPPORTUNITY_COLUMNS = (
    "SELECT opportunity_id, name, account_id, owner_id, amount, currency, created_at,"
    " close_date, stage, status, closed_at FROM opportunities ORDER BY 1"
)


def test_hubspot_internal_names_status_from_flags(ws: Workspace) -> None:
    result = import_file(
        ws, "opportunities", SAMPLES / "hubspot_deals.csv", mapping="hubspot_deals"
    )
    assert result.rows_read == 3
    assert result.ignored_columns == ("pipeline",)
    assert rows(ws, OPPORTUNITY_COLUMNS) == [
        ("9001", "Acme platform", None, "71", Decimal("5000"), None, date(2024, 1, 15),
         date(2024, 3, 31), "closedwon", "won", date(2024, 3, 31)),
        ("9002", "Globex pilot", None, "72", Decimal("2500.5"), None, date(2024, 2, 1),
         date(2024, 4, 30), "contractsent", "open", None),
        # a custom stage id: hs_is_closed without hs_is_closed_won is lost
        ("9003", "Initech seats", None, "71", Decimal("1200"), None, date(2024, 2, 10),
         date(2024, 5, 15), "e1f2-custom-stage", "lost", date(2024, 5, 15)),
    ]  # fmt: skip


def test_hubspot_label_export_status_from_flags(ws: Workspace) -> None:
    result = import_file(
        ws, "opportunities", SAMPLES / "hubspot_deals_export.csv", mapping="hubspot_deals_export"
    )
    assert result.rows_read == 2
    assert rows(ws, OPPORTUNITY_COLUMNS) == [
        # a localised stage name; the flags decide
        ("9101", "Umbrella renewal", "Umbrella", "Dana Lee", Decimal("7500"), None,
         date(2024, 3, 1), date(2024, 6, 30), "Vertrag unterzeichnet", "won", date(2024, 6, 30)),
        ("9102", "Hooli expansion", "Hooli", "Sam Park", Decimal("3000"), None, date(2024, 3, 5),
         date(2024, 7, 31), "Closed Won", "open", None),
    ]  # fmt: skip


def test_pipedrive_api_names_status_field(ws: Workspace) -> None:
    result = import_file(
        ws, "opportunities", SAMPLES / "pipedrive_deals.csv", mapping="pipedrive_deals"
    )
    assert result.rows_read == 3
    assert rows(ws, OPPORTUNITY_COLUMNS) == [
        ("101", "Acme deal", "301", "11", Decimal("1000"), "EUR", date(2024, 1, 5),
         date(2024, 2, 1), "5", "won", date(2024, 2, 1)),
        ("102", "Globex deal", "302", "12", Decimal("2000.5"), "EUR", date(2024, 1, 10), None,
         "3", "open", None),
        ("103", "Initech deal", "303", "11", Decimal("300"), "USD", date(2024, 1, 12),
         date(2024, 3, 1), "4", "lost", date(2024, 3, 1)),
    ]  # fmt: skip


def test_pipedrive_export_deleted_status_is_refused(ws: Workspace) -> None:
    with pytest.raises(ImportValidationError) as err:
        import_file(
            ws, "opportunities", SAMPLES / "pipedrive_deals_export.csv", mapping="pipedrive_deals"
        )
    assert err.value.render() == (
        "pipedrive_deals_export.csv: 1 problem found; nothing was imported\n"
        "  - pipedrive_deals_export.csv:2:Deal - Status: expected one of open, won, lost,"
        " got 'deleted'\n"
        "hint: fix these rows (or map their values with --mapping) and import again"
    )
    assert rows(ws, "SELECT count(*) FROM opportunities") == [(0,)]


def test_chargebee_items_and_legacy_plans(ws: Workspace) -> None:
    result = import_file(
        ws,
        "subscriptions",
        SAMPLES / "chargebee_subscriptions.json",
        mapping="chargebee_subscriptions",
    )
    assert result.rows_read == 4  # the one-off setup-fee charge is not a subscription line
    assert rows(ws, SUBSCRIPTION_COLUMNS) == [
        # amount 5000 cents wins over unit_price × quantity
        ("AzZ1:pro-USD-monthly", "cust_1", "pro-USD-monthly", Decimal("50"), "USD", "month",
         date(2024, 1, 2), None, False),
        # no amount: unit_price 750 × 2 = 1500 cents
        ("AzZ1:support-USD-monthly", "cust_1", "support-USD-monthly", Decimal("15"), "USD",
         "month", date(2024, 1, 2), None, False),
        # in_trial; no started_at → created_at 1717200000 = 2024-06-01
        ("AzZ2:team-EUR-yearly", "cust_2", "team-EUR-yearly", Decimal("999"), "EUR", "year",
         date(2024, 6, 1), None, True),
        # Catalog 1.0 plan: 4500 × 2 = 9000 cents per 6 months; non_renewing ends at term end
        ("AzZ3", "cust_3", "legacy-basic", Decimal("90"), "USD", "half_year", date(2024, 1, 1),
         date(2024, 7, 1), False),
    ]  # fmt: skip


def test_salesforce_fivetran_snake_case_names(ws: Workspace, write) -> None:  # type: ignore[no-untyped-def]
    """Fivetran copies use snake_case API names; they normalise to the same columns."""
    path = write(
        "opportunity.csv",
        "id,account_id,owner_id,name,stage_name,amount,close_date,created_date,is_closed,is_won\n"
        "006F1,001F1,005F1,Deal,Stage 9,99.90,2024-02-29,2024-01-01,true,false\n",
    )
    import_file(ws, "opportunities", path, mapping="salesforce_opportunities")
    assert rows(
        ws, "SELECT opportunity_id, stage, amount, status, closed_at FROM opportunities"
    ) == [("006F1", "Stage 9", Decimal("99.9"), "lost", date(2024, 2, 29))]
