"""The canonical tables: Pulse's public import format, defined once.

Every table is optional; each KPI says which tables and columns it needs. The import reader,
the validator, the workspace schema, the demo generator and ``docs/reference/import-format.md``
all read these definitions; nothing else declares a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pulse.errors import unknown


class ColumnType(StrEnum):
    """The value types a canonical column can hold."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    TIMESTAMP = "timestamp"
    BOOLEAN = "boolean"

    @property
    def sql(self) -> str:
        """The DuckDB column type used to store this type."""
        return _SQL_TYPES[self]


_SQL_TYPES = {
    ColumnType.STRING: "VARCHAR",
    ColumnType.INTEGER: "BIGINT",
    ColumnType.NUMBER: "DOUBLE",
    ColumnType.MONEY: "DECIMAL(18,4)",
    ColumnType.DATE: "DATE",
    ColumnType.TIMESTAMP: "TIMESTAMP",
    ColumnType.BOOLEAN: "BOOLEAN",
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: ColumnType
    description: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    may_be_empty: bool = False  # a key column whose value may be empty (matched NULL-safely)


@dataclass(frozen=True)
class Table:
    """One canonical table: its key, its columns and what it is for."""

    name: str
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        """Column names in declaration order."""
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        """Names of the columns a file must provide (keys are, unless they may be empty)."""
        return [
            c.name
            for c in self.columns
            if (c.required or c.name in self.key) and not c.may_be_empty
        ]

    def column(self, name: str) -> Column:
        """Return the column called ``name`` or raise with a did-you-mean."""
        for col in self.columns:
            if col.name == name:
                return col
        raise unknown(f"column of table '{self.name}'", name, self.column_names)


S, INT, N, M, D, T, B = (
    ColumnType.STRING,
    ColumnType.INTEGER,
    ColumnType.NUMBER,
    ColumnType.MONEY,
    ColumnType.DATE,
    ColumnType.TIMESTAMP,
    ColumnType.BOOLEAN,
)

STREAMS = ("software", "service", "maintenance", "spares", "hardware")
OPPORTUNITY_STATUS = ("open", "won", "lost")
OPPORTUNITY_TYPES = ("new", "expansion", "renewal")
MOTIONS = ("self_serve", "assisted")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "accounts",
            ("account_id",),
            "Customer and prospect companies.",
            (
                Column("account_id", S, "Stable id of the account in the source system."),
                Column("name", S, "Company name."),
                Column("segment", S, "Customer segment (e.g. SMB, mid-market, enterprise)."),
                Column("region", S, "Sales region or territory."),
                Column("industry", S, "The customer's industry."),
                Column("domain", S, "Web domain, used to match records across tools."),
                Column("created_at", D, "Date the account was created."),
            ),
        ),
        Table(
            "reps",
            ("rep_id",),
            "Sales representatives (opportunity owners).",
            (
                Column("rep_id", S, "Stable id of the rep; opportunities.owner_id refers to it."),
                Column("name", S, "Rep name."),
                Column("team", S, "Team."),
                Column("territory", S, "Territory."),
                Column("hired_at", D, "Start date; ramp time counts from here."),
                Column("left_at", D, "Leaving date, empty while employed."),
            ),
        ),
        Table(
            "quotas",
            ("rep_id", "period_start"),
            "Quota per rep per period; a row without rep_id is the company quota.",
            (
                Column(
                    "rep_id",
                    S,
                    "Rep the quota belongs to; empty for the company quota.",
                    may_be_empty=True,
                ),
                Column("period_start", D, "First day of the quota period."),
                Column("period_end", D, "Last day of the quota period (inclusive).", required=True),
                Column("amount", M, "Quota amount in the reporting currency.", required=True),
            ),
        ),
        Table(
            "leads",
            ("lead_id",),
            "Inquiries and leads, with what became of them.",
            (
                Column("lead_id", S, "Stable id of the lead."),
                Column("created_at", D, "Date the lead arrived.", required=True),
                Column("source", S, "Lead source (trade show, referral, inbound RFQ, …)."),
                Column("account_id", S, "Account the lead belongs to, when known."),
                Column("is_mql", B, "Whether marketing qualified the lead."),
                Column("pql_at", D, "Date the lead became product-qualified."),
                Column("opportunity_id", S, "Opportunity the lead converted into."),
                Column("converted_at", D, "Date the lead became an opportunity."),
                Column("quoted_at", D, "Date the lead received a formal quote."),
            ),
        ),
        Table(
            "opportunities",
            ("opportunity_id",),
            "Deals in the CRM, as they stand now.",
            (
                Column("opportunity_id", S, "Stable id of the opportunity."),
                Column("name", S, "Opportunity name."),
                Column("account_id", S, "Account the deal is with."),
                Column("owner_id", S, "Rep who owns the deal (reps.rep_id)."),
                Column("type", S, "new, expansion or renewal.", allowed=OPPORTUNITY_TYPES),
                Column("product_line", S, "Product line."),
                Column("region", S, "Region."),
                Column("segment", S, "Customer segment."),
                Column("source", S, "How the deal was sourced (sales, partner, marketing, …)."),
                Column("motion", S, "self_serve or assisted.", allowed=MOTIONS),
                Column("amount", M, "Deal value.", required=True),
                Column("list_amount", M, "Value at list price, before discount."),
                Column("currency", S, "ISO currency code; empty means the workspace currency."),
                Column("created_at", D, "Date the opportunity was created.", required=True),
                Column("first_meeting_at", D, "Date of the first meeting."),
                Column("close_date", D, "Expected (open) or actual (closed) close date."),
                Column("stage", S, "Stage name, the company's own."),
                Column(
                    "status", S, "open, won or lost.", required=True, allowed=OPPORTUNITY_STATUS
                ),
                Column("closed_at", D, "Date the deal was won or lost."),
                Column("is_pilot", B, "Whether the deal is a pilot."),
                Column("pilot_converted", B, "For a decided pilot: did it become production."),
                Column("deployments", INT, "Installed units or sites the contract covers."),
                Column("includes_service", B, "Whether an equipment deal includes a service plan."),
                Column("pricing_model", S, "retainer, project or outcome (services)."),
            ),
        ),
        Table(
            "stage_history",
            ("opportunity_id", "changed_at"),
            "Every change of an opportunity's stage, amount, close date or status.",
            (
                Column("opportunity_id", S, "Opportunity that changed."),
                Column("changed_at", T, "When the change happened."),
                Column("stage", S, "Stage after the change."),
                Column("amount", M, "Amount after the change."),
                Column("close_date", D, "Close date after the change."),
                Column("status", S, "Status after the change.", allowed=OPPORTUNITY_STATUS),
            ),
        ),
        Table(
            "quotes",
            ("quote_id",),
            "Quotes and proposals.",
            (
                Column("quote_id", S, "Stable id of the quote."),
                Column("opportunity_id", S, "Opportunity the quote belongs to."),
                Column("account_id", S, "Account quoted."),
                Column("quoted_at", D, "Date the quote was sent.", required=True),
                Column("amount", M, "Quoted amount.", required=True),
                Column("list_amount", M, "Amount at list price."),
                Column(
                    "status",
                    S,
                    "open, accepted or rejected.",
                    allowed=("open", "accepted", "rejected"),
                ),
                Column("decided_at", D, "Date the quote was accepted or rejected."),
                Column("invoiced_amount", M, "What was finally invoiced for the quote."),
            ),
        ),
        Table(
            "subscriptions",
            ("line_id",),
            "Recurring contract lines (subscriptions, service contracts, maintenance, spares).",
            (
                Column("line_id", S, "Stable id of the subscription line."),
                Column("account_id", S, "Customer.", required=True),
                Column("product", S, "Product or module."),
                Column("stream", S, "Revenue stream.", allowed=STREAMS),
                Column("start_date", D, "First day the line is active.", required=True),
                Column("end_date", D, "First day the line is no longer active; empty = ongoing."),
                Column(
                    "amount",
                    M,
                    "Amount billed per billing period, net of discounts.",
                    required=True,
                ),
                Column(
                    "billing_period",
                    S,
                    "week, month, quarter, half_year, year, or a number of months.",
                    required=True,
                ),
                Column("currency", S, "ISO currency code; empty means the workspace currency."),
                Column("is_trial", B, "Trial lines never count as revenue."),
            ),
        ),
        Table(
            "invoices",
            ("invoice_id",),
            "Invoices (or invoice lines) with their direct cost.",
            (
                Column("invoice_id", S, "Stable id of the invoice or invoice line."),
                Column("account_id", S, "Customer invoiced."),
                Column("issued_at", D, "Issue date.", required=True),
                Column("due_at", D, "Due date."),
                Column("paid_at", D, "Date paid; empty while outstanding."),
                Column("amount", M, "Invoiced revenue.", required=True),
                Column("cost", M, "Direct cost of what was invoiced."),
                Column("product_line", S, "Product line."),
                Column("stream", S, "Revenue stream.", allowed=STREAMS),
                Column("rep_id", S, "Rep credited."),
                Column("territory", S, "Territory."),
                Column("is_recurring", B, "Whether the revenue is recurring."),
                Column("opportunity_id", S, "Deal the invoice belongs to."),
                Column("is_outcome_based", B, "Whether the contract is priced on outcomes."),
                Column("currency", S, "ISO currency code; empty means the workspace currency."),
            ),
        ),
        Table(
            "forecasts",
            ("snapshot_at", "period_start", "scope"),
            "Forecast submissions and snapshots.",
            (
                Column("snapshot_at", T, "When the forecast was made."),
                Column("period_start", D, "First day of the forecast period."),
                Column("scope", S, "company, or team:NAME, or rep:ID."),
                Column("period_end", D, "Last day of the forecast period.", required=True),
                Column("amount", M, "Forecast amount.", required=True),
                Column("category", S, "Forecast category (commit, best case, …)."),
            ),
        ),
        Table(
            "spend",
            ("period_start", "category", "channel"),
            "Sales and marketing spend per period.",
            (
                Column("period_start", D, "First day of the spend period."),
                Column(
                    "category",
                    S,
                    "sales, marketing or pipeline_generation.",
                    allowed=("sales", "marketing", "pipeline_generation"),
                ),
                Column("channel", S, "Channel or cost centre; empty when none.", may_be_empty=True),
                Column("period_end", D, "Last day of the spend period.", required=True),
                Column("amount", M, "Amount spent.", required=True),
            ),
        ),
        Table(
            "meetings",
            ("meeting_id",),
            "Sales meetings held.",
            (
                Column("meeting_id", S, "Stable id of the meeting."),
                Column("held_at", D, "Date held.", required=True),
                Column("is_qualified", B, "Whether the meeting counts as qualified."),
                Column("rep_id", S, "Rep who held it."),
                Column("account_id", S, "Account met."),
                Column("source", S, "Source of the meeting."),
            ),
        ),
        Table(
            "delivery",
            ("period_start",),
            "Services delivery: billable heads, hours and delivery cost per period.",
            (
                Column("period_start", D, "First day of the period."),
                Column("period_end", D, "Last day of the period.", required=True),
                Column("billable_heads", N, "Billable consultants (average over the period)."),
                Column("engagement_hours", N, "Engagement hours delivered."),
                Column("labour_cost", M, "Direct labour cost."),
                Column("subcontractor_cost", M, "Subcontractor cost."),
            ),
        ),
        Table(
            "health_signals",
            ("account_id", "observed_at"),
            "Product usage, support tickets and NPS per account over time.",
            (
                Column("account_id", S, "Account observed."),
                Column("observed_at", D, "Date of the observation."),
                Column("usage", N, "Usage measure (e.g. active users, events)."),
                Column("support_tickets", INT, "Support tickets opened."),
                Column("nps", N, "NPS answer (-100..100 or 0..10 scaled by the profile)."),
            ),
        ),
        Table(
            "value_events",
            ("account_id", "occurred_at", "kind"),
            "Customer value milestones (first value, go-live, …).",
            (
                Column("account_id", S, "Account."),
                Column("occurred_at", D, "Date of the event."),
                Column("kind", S, "Event kind, e.g. first_value."),
            ),
        ),
        Table(
            "devices",
            ("account_id", "observed_at"),
            "Active connected devices per account over time.",
            (
                Column("account_id", S, "Account."),
                Column("observed_at", D, "Date of the observation."),
                Column("active_devices", INT, "Devices active on that date.", required=True),
            ),
        ),
        Table(
            "coaching",
            ("rep_id", "held_at", "kind"),
            "Ride-alongs and deal reviews.",
            (
                Column("rep_id", S, "Rep coached."),
                Column("held_at", D, "Date held."),
                Column(
                    "kind",
                    S,
                    "ride_along or deal_review.",
                    allowed=("ride_along", "deal_review"),
                ),
            ),
        ),
        Table(
            "signups",
            ("account_id",),
            "Self-serve sign-ups and their progress to paid and upgraded.",
            (
                Column("account_id", S, "Account that signed up."),
                Column("signed_up_at", D, "Sign-up date.", required=True),
                Column("activated_at", D, "Activation date."),
                Column("pql_at", D, "Date it became a product-qualified lead."),
                Column("paid_at", D, "First payment date."),
                Column("upgraded_at", D, "Date of the first tier upgrade."),
            ),
        ),
        Table(
            "fx_rates",
            ("currency", "date"),
            "Exchange rates into the workspace's reporting currency.",
            (
                Column("currency", S, "ISO currency code."),
                Column("date", D, "Date (or first day of the month) the rate applies from."),
                Column(
                    "rate_to_reporting", N, "Units of reporting currency per unit.", required=True
                ),
            ),
        ),
    )
}


def get_table(name: str) -> Table:
    """Return the canonical table called ``name`` or raise with a did-you-mean."""
    try:
        return TABLES[name]
    except KeyError:
        raise unknown("table", name, TABLES) from None


def create_table_sql(table: Table) -> str:
    """DuckDB DDL for one canonical table (no constraints: keys are enforced on import)."""
    cols = ",\n  ".join(f'"{c.name}" {c.type.sql}' for c in table.columns)
    return f'CREATE TABLE IF NOT EXISTS "{table.name}" (\n  {cols}\n)'
