"""The numbers the advice rests on that are not in any profile: readiness lines, costs, the
ramp plan. Each is written once here with the seed (``../shared/seeds``) or MISSION.md
section it comes from, so readiness, cost and plan texts and their tests read one source.
"""

from __future__ import annotations

from decimal import Decimal

# -- readiness ("Advice before data"; seeds 001, 002, 003, 004) --------------------------------
#: Below about this ARR a fractional CRO is premature: founder-led sales first (seed 004).
FOUNDER_LED_BELOW = Decimal(500_000)
#: Fewer paying customers than this: founder-led sales first (seeds 001, 004).
MIN_CUSTOMERS = 10
#: A sales team smaller than this wants a fractional VP of Sales, not a CRO (seed 001).
MIN_SALES_TEAM = 3
#: Annual churn above this is a product or implementation problem, not sales (seed 001).
MAX_ANNUAL_CHURN = Decimal("0.20")
#: The ARR band where a fractional CRO fits software companies best (seed 003, martech).
SOFTWARE_SWEET_SPOT = (Decimal(2_000_000), Decimal(15_000_000))
#: Services revenue above this is where seed 002's decision flow hires a fractional CRO.
SERVICES_SWEET_SPOT_ABOVE = Decimal(5_000_000)
#: Seed 002's comparison: a fractional CRO is ideal for services firms from about this size.
SERVICES_FRACTIONAL_FROM = Decimal(1_000_000)
#: Beyond about this ARR (or services revenue) the company needs a full-time CRO (seeds 002, 003).
FULL_TIME_ABOVE = Decimal(15_000_000)
#: Sales plus customer-success people where the fractional model shines (seed 001).
SHINES_TEAM = (5, 15)
#: After this many months a fractional CRO hands over to a full-time leader (seed 001).
HANDOVER_MONTHS = (12, 18)
#: Weeks to stand up a simple pipeline when there is no CRM (seed 000).
CRM_SETUP_WEEKS = (4, 6)
#: Required pipeline fields complete below this share: fix the data first (seed 001).
CRM_COMPLETENESS_FLOOR = Decimal("0.80")

# -- cost ("Advice before data"; seed 002's comparison table) -----------------------------------
#: A fractional CRO's monthly fee for 5-15 days a month.
FRACTIONAL_MONTHLY = (Decimal(8_000), Decimal(25_000))
FRACTIONAL_DAYS = (Decimal(5), Decimal(15))
#: A full-time VP of Sales' monthly cost before benefits and equity.
VP_MONTHLY = (Decimal(25_000), Decimal(45_000))
#: Cash and equity shares of a fractional CRO's package (seed 002, step 4).
CASH_SHARE = (Decimal("0.70"), Decimal("0.90"))
EQUITY_SHARE = (Decimal("0.10"), Decimal("0.30"))
#: Benefits on top of a salary when none is given. Not from a seed: Pulse's default.
DEFAULT_BENEFITS_LOAD = Decimal("0.25")
MONTHS_PER_YEAR = 12

# -- the 90-day ramp ("Cadence, ramp and governance"; seeds 002, 003, 004) ---------------------
#: (first day, last day, phase) of the ramp; day 1 is the start date.
PHASES = ((1, 30, "audit"), (31, 60, "implement"), (61, 90, "baseline"))
#: Review days: have at least two leading KPIs improved? (seeds 000, 003)
REVIEW_DAYS = (90, 180)
#: The KPI set may change in the first quarter and is locked at this day (seed 004).
LOCK_DAY = 90
#: How many leading KPIs must have improved at a review (seed 003).
LEADING_IMPROVED = 2
