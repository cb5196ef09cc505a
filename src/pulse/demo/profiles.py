"""The character of each demo industry: what it sells, to whom, how fast, and how it retains.

One :class:`Shape` per profile id, taken from MISSION.md and the seeds: manufacturing sells
capital equipment on long cycles with service contracts and spare-parts agreements attached;
supply chain software sells multi-year enterprise subscriptions with implementation work;
services sells retainers, projects and outcome-priced work; martech mixes a self-serve
(product-led) motion with a sales-led one; IoT pilots before it deploys, ships hardware and
bills connectivity; generic B2B SaaS is the plain subscription business. Amounts are USD.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pulse.errors import unknown

Kind = Literal["recurring", "equipment", "project", "iot", "services"]
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
OPP_SOURCES = ("sales", "partner", "marketing")


@dataclass(frozen=True)
class ProductLine:
    """A product line: how its deals turn into revenue, and how big and slow they are.

    ``kind``: ``recurring`` deals become subscription lines in ``stream``; ``equipment`` deals are
    invoiced once (deposit and balance) and may carry a service contract; ``project`` deals are
    invoiced once; ``iot`` deals become a connectivity subscription plus a hardware invoice;
    ``services`` deals follow their pricing model (retainer, project or outcome).
    """

    name: str
    kind: Kind
    stream: str
    weight: float
    size: float = 1.0
    cycle: float = 1.0
    cost: float = 0.2
    billing: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class LeadSource:
    """Where leads come from, which opportunity source they feed, and how well they convert."""

    name: str
    opp_source: str
    weight: float
    conversion: float
    mql: float


DEFAULT_LEAD_SOURCES = (
    LeadSource("trade show", "marketing", 0.2, 0.2, 0.9),
    LeadSource("inbound RFQ", "marketing", 0.3, 0.45, 0.95),
    LeadSource("website", "marketing", 0.5, 0.25, 0.8),
    LeadSource("partner", "partner", 1.0, 0.4, 0.5),
    LeadSource("outbound", "sales", 0.7, 0.15, 0.1),
    LeadSource("referral", "sales", 0.3, 0.5, 0.3),
)

MANUFACTURING_STAGES = (
    "initial inquiry",
    "technical review",
    "site visit completed",
    "proposal sent",
    "final negotiation",
    "verbal commitment",
)
SAAS_STAGES = (
    "prospecting",
    "qualification",
    "discovery",
    "proposal",
    "negotiation",
    "verbal_commit",
)


@dataclass(frozen=True)
class Shape:
    """Everything the generator needs to know about one industry."""

    id: str
    stages: tuple[str, ...]
    product_lines: tuple[ProductLine, ...]
    industries: tuple[str, ...]
    segment_weights: tuple[float, float, float]
    regions: tuple[str, ...]
    region_weights: tuple[float, ...]
    deal_size: tuple[float, float, float]
    cycle_days: tuple[float, float, float]
    win_rate: float
    billing: tuple[tuple[str, float], ...]
    churn_rate: float
    teams: tuple[str, ...]
    opp_source_weights: tuple[float, float, float] = (0.4, 0.15, 0.45)
    lead_sources: tuple[LeadSource, ...] = DEFAULT_LEAD_SOURCES
    self_serve: tuple[float, float, float] = (0.0, 0.0, 0.0)
    self_serve_size: float = 2400.0
    self_serve_win: float = 0.55
    signups: float = 0.0
    pilot_share: float = 0.0
    pilot_conversion: float = 0.6
    service_attach: float = 0.0
    pricing_models: tuple[tuple[str, float], ...] = ()
    expansion_size: float = 0.5
    renewal_share: float = 0.2
    upsell: float = 0.2
    downgrade: float = 0.08
    module_drop: float = 0.06
    reactivation: float = 0.15
    trial_share: float = 0.3
    installed_share: float = 0.25
    growth: float = 0.3
    seasonality: float = 0.1
    warmup_months: int = 6
    rep_load: float = 6.0
    ramp_months: int = 4
    attrition: float = 0.3
    discount_share: float = 0.45
    max_discount: float = 0.3
    implementation: tuple[float, float] = (0.0, 0.0)
    ttfv_days: float = 30.0
    spend_of_arr: float | None = 0.15
    accounts_per_opportunity: float = 0.25
    spend_of_bookings: float = 0.1
    forecast_noise: float = 0.08
    forecast_bias: float = 0.03
    delivery: bool = False
    devices: bool = False
    first_meeting_before: bool = False
    second_currency_share: float = 0.4
    ride_alongs: float = 0.3
    deal_reviews: float = 2.0
    margin_squeeze: str | None = None

    @property
    def product_names(self) -> tuple[str, ...]:
        """Product line names in declaration order."""
        return tuple(p.name for p in self.product_lines)


_REGIONS = ("North America", "EMEA", "APAC", "LATAM")

SHAPES: dict[str, Shape] = {
    s.id: s
    for s in (
        Shape(
            id="manufacturing",
            stages=MANUFACTURING_STAGES,
            product_lines=(
                ProductLine("CNC machining centers", "equipment", "hardware", 0.25, 1.0, 1.0, 0.58),
                ProductLine("Automation cells", "equipment", "hardware", 0.18, 1.4, 1.15, 0.56),
                ProductLine("Packaging lines", "equipment", "hardware", 0.15, 1.1, 1.05, 0.6),
                ProductLine("Retrofits & upgrades", "project", "hardware", 0.12, 0.3, 0.6, 0.55),
                ProductLine(
                    "Spare parts agreements",
                    "recurring",
                    "spares",
                    0.18,
                    0.12,
                    0.3,
                    0.58,
                    (("quarter", 0.5), ("month", 0.3), ("year", 0.2)),
                ),
                ProductLine(
                    "Service contracts",
                    "recurring",
                    "maintenance",
                    0.12,
                    0.1,
                    0.35,
                    0.48,
                    (("year", 0.75), ("quarter", 0.25)),
                ),
            ),
            industries=(
                "Automotive",
                "Aerospace",
                "Food & Beverage",
                "Pharmaceuticals",
                "Electronics",
                "Metal Fabrication",
                "Plastics",
            ),
            segment_weights=(0.3, 0.45, 0.25),
            regions=_REGIONS,
            region_weights=(0.45, 0.35, 0.12, 0.08),
            deal_size=(60_000, 220_000, 800_000),
            cycle_days=(100, 150, 220),
            win_rate=0.3,
            billing=(("year", 0.7), ("quarter", 0.3)),
            churn_rate=0.08,
            teams=("Key Accounts", "Regional Sales", "Channel"),
            opp_source_weights=(0.45, 0.25, 0.3),
            lead_sources=(
                LeadSource("trade show", "marketing", 0.45, 0.2, 0.9),
                LeadSource("inbound RFQ", "marketing", 0.35, 0.45, 0.95),
                LeadSource("website", "marketing", 0.2, 0.25, 0.8),
                LeadSource("partner", "partner", 1.0, 0.4, 0.5),
                LeadSource("outbound", "sales", 0.5, 0.15, 0.1),
                LeadSource("referral", "sales", 0.5, 0.5, 0.3),
            ),
            service_attach=0.62,
            expansion_size=0.6,
            renewal_share=0.25,
            upsell=0.3,
            downgrade=0.05,
            module_drop=0.03,
            trial_share=0.0,
            installed_share=0.35,
            growth=0.1,
            seasonality=0.15,
            warmup_months=9,
            rep_load=5.0,
            ramp_months=5,
            attrition=0.22,
            discount_share=0.6,
            max_discount=0.25,
            ttfv_days=45,
            spend_of_arr=None,
            spend_of_bookings=0.08,
            forecast_noise=0.09,
            second_currency_share=0.45,
            ride_alongs=1.5,
            deal_reviews=2.5,
            margin_squeeze="Packaging lines",
        ),
        Shape(
            id="supply_chain_software",
            stages=SAAS_STAGES,
            product_lines=(
                ProductLine("Warehouse Management", "recurring", "software", 0.3, 1.1, 1.0, 0.24),
                ProductLine(
                    "Transportation Management", "recurring", "software", 0.22, 1.0, 1.0, 0.24
                ),
                ProductLine("Demand Planning", "recurring", "software", 0.18, 0.9, 1.1, 0.22),
                ProductLine(
                    "Inventory Optimization", "recurring", "software", 0.15, 0.7, 0.9, 0.22
                ),
                ProductLine("Supplier Portal", "recurring", "software", 0.1, 0.4, 0.7, 0.2),
                ProductLine(
                    "Managed Services",
                    "recurring",
                    "service",
                    0.05,
                    0.5,
                    0.8,
                    0.6,
                    (("quarter", 0.6), ("month", 0.4)),
                ),
            ),
            industries=(
                "Retail",
                "Third-party Logistics",
                "Wholesale Distribution",
                "Consumer Goods",
                "Grocery",
                "Manufacturing",
            ),
            segment_weights=(0.2, 0.45, 0.35),
            regions=_REGIONS,
            region_weights=(0.5, 0.3, 0.12, 0.08),
            deal_size=(45_000, 130_000, 420_000),
            cycle_days=(110, 170, 250),
            win_rate=0.21,
            billing=(("year", 0.65), ("half_year", 0.05), ("quarter", 0.1), ("36", 0.2)),
            churn_rate=0.07,
            teams=("Enterprise", "Mid-Market", "Alliances"),
            opp_source_weights=(0.45, 0.2, 0.35),
            expansion_size=0.6,
            upsell=0.28,
            trial_share=0.0,
            installed_share=0.3,
            growth=0.25,
            warmup_months=9,
            rep_load=3.0,
            ramp_months=6,
            attrition=0.22,
            discount_share=0.5,
            implementation=(0.9, 0.35),
            ttfv_days=75,
            spend_of_arr=0.18,
            forecast_noise=0.07,
            ride_alongs=0.5,
        ),
        Shape(
            id="services",
            stages=(
                "first meeting",
                "discovery",
                "scoping",
                "proposal sent",
                "negotiation",
                "verbal agreement",
            ),
            product_lines=(
                ProductLine("Strategy Advisory", "services", "service", 0.2, 0.8, 0.9, 0.5),
                ProductLine("Implementation Projects", "services", "service", 0.3, 1.2, 1.1, 0.6),
                ProductLine("Managed Services", "services", "service", 0.2, 1.0, 1.0, 0.55),
                ProductLine("Data & Analytics", "services", "service", 0.2, 1.0, 1.0, 0.55),
                ProductLine("Training & Enablement", "services", "service", 0.1, 0.3, 0.6, 0.45),
            ),
            industries=(
                "Financial Services",
                "Healthcare",
                "Technology",
                "Retail",
                "Public Sector",
                "Energy",
            ),
            segment_weights=(0.3, 0.45, 0.25),
            regions=_REGIONS,
            region_weights=(0.55, 0.3, 0.1, 0.05),
            deal_size=(30_000, 90_000, 280_000),
            cycle_days=(30, 55, 90),
            win_rate=0.34,
            billing=(("month", 0.85), ("quarter", 0.15)),
            churn_rate=0.14,
            teams=("Partners", "Principals", "Business Development"),
            opp_source_weights=(0.5, 0.2, 0.3),
            lead_sources=(
                LeadSource("website", "marketing", 0.45, 0.25, 0.8),
                LeadSource("webinar", "marketing", 0.25, 0.2, 0.9),
                LeadSource("inbound RFQ", "marketing", 0.2, 0.45, 0.95),
                LeadSource("trade show", "marketing", 0.1, 0.2, 0.9),
                LeadSource("partner", "partner", 1.0, 0.4, 0.5),
                LeadSource("referral", "sales", 0.6, 0.5, 0.3),
                LeadSource("outbound", "sales", 0.4, 0.15, 0.1),
            ),
            pricing_models=(("retainer", 0.45), ("project", 0.4), ("outcome", 0.15)),
            expansion_size=0.6,
            renewal_share=0.25,
            upsell=0.15,
            trial_share=0.0,
            installed_share=0.3,
            growth=0.15,
            warmup_months=4,
            rep_load=4.0,
            ramp_months=4,
            attrition=0.25,
            discount_share=0.3,
            max_discount=0.2,
            ttfv_days=21,
            spend_of_arr=None,
            spend_of_bookings=0.07,
            forecast_noise=0.1,
            delivery=True,
            first_meeting_before=True,
            ride_alongs=0.8,
        ),
        Shape(
            id="martech",
            stages=SAAS_STAGES,
            product_lines=(
                ProductLine("Email & Journeys", "recurring", "software", 0.35, 1.0, 1.0, 0.22),
                ProductLine("Audience Segmentation", "recurring", "software", 0.2, 0.8, 1.0, 0.22),
                ProductLine("Attribution Analytics", "recurring", "software", 0.15, 0.9, 1.0, 0.2),
                ProductLine("Personalization", "recurring", "software", 0.15, 1.1, 1.1, 0.24),
                ProductLine(
                    "Customer Data Platform", "recurring", "software", 0.15, 1.6, 1.3, 0.28
                ),
            ),
            industries=(
                "E-commerce",
                "Media",
                "Travel",
                "Retail",
                "Software",
                "Financial Services",
            ),
            segment_weights=(0.65, 0.25, 0.1),
            regions=_REGIONS,
            region_weights=(0.5, 0.3, 0.15, 0.05),
            deal_size=(12_000, 40_000, 140_000),
            cycle_days=(14, 45, 100),
            win_rate=0.24,
            billing=(("month", 0.35), ("year", 0.55), ("24", 0.1)),
            churn_rate=0.16,
            teams=("Enterprise", "Mid-Market", "Growth"),
            opp_source_weights=(0.3, 0.15, 0.55),
            lead_sources=(
                LeadSource("product sign-up", "marketing", 0.4, 0.3, 0.6),
                LeadSource("website", "marketing", 0.3, 0.25, 0.8),
                LeadSource("webinar", "marketing", 0.2, 0.2, 0.9),
                LeadSource("trade show", "marketing", 0.07, 0.2, 0.9),
                LeadSource("inbound RFQ", "marketing", 0.03, 0.45, 0.95),
                LeadSource("partner", "partner", 1.0, 0.4, 0.5),
                LeadSource("outbound", "sales", 0.7, 0.15, 0.1),
                LeadSource("referral", "sales", 0.3, 0.5, 0.3),
            ),
            self_serve=(0.7, 0.15, 0.0),
            self_serve_size=1_800,
            signups=2.0,
            expansion_size=0.45,
            upsell=0.25,
            downgrade=0.12,
            trial_share=0.4,
            installed_share=0.15,
            growth=0.35,
            warmup_months=4,
            rep_load=8.0,
            ramp_months=3,
            attrition=0.35,
            discount_share=0.35,
            implementation=(0.3, 0.1),
            ttfv_days=14,
            spend_of_arr=0.25,
            accounts_per_opportunity=0.35,
            ride_alongs=0.1,
        ),
        Shape(
            id="iot",
            stages=(
                "discovery",
                "technical validation",
                "pilot scoping",
                "proposal",
                "negotiation",
                "verbal commit",
            ),
            product_lines=(
                ProductLine("Fleet Telematics", "iot", "software", 0.3, 1.0, 1.0, 0.32),
                ProductLine("Cold Chain Monitoring", "iot", "software", 0.2, 0.9, 1.0, 0.3),
                ProductLine("Smart Metering", "iot", "software", 0.15, 1.3, 1.2, 0.34),
                ProductLine("Asset Tracking", "iot", "software", 0.2, 0.8, 0.9, 0.3),
                ProductLine("Predictive Maintenance", "iot", "software", 0.15, 1.2, 1.3, 0.3),
            ),
            industries=(
                "Logistics",
                "Utilities",
                "Agriculture",
                "Cold Chain",
                "Construction",
                "Smart Buildings",
            ),
            segment_weights=(0.3, 0.45, 0.25),
            regions=_REGIONS,
            region_weights=(0.45, 0.35, 0.15, 0.05),
            deal_size=(25_000, 90_000, 320_000),
            cycle_days=(60, 120, 200),
            win_rate=0.27,
            billing=(("year", 0.6), ("quarter", 0.1), ("month", 0.1), ("36", 0.2)),
            churn_rate=0.13,
            teams=("Enterprise", "Industrial", "Channel"),
            opp_source_weights=(0.45, 0.25, 0.3),
            pilot_share=0.35,
            pilot_conversion=0.6,
            expansion_size=0.5,
            upsell=0.2,
            downgrade=0.1,
            trial_share=0.0,
            installed_share=0.2,
            growth=0.4,
            warmup_months=8,
            rep_load=4.0,
            ramp_months=5,
            discount_share=0.5,
            implementation=(0.5, 0.2),
            ttfv_days=90,
            spend_of_arr=0.16,
            forecast_noise=0.11,
            devices=True,
            ride_alongs=1.0,
        ),
        Shape(
            id="b2b_saas",
            stages=SAAS_STAGES,
            product_lines=(
                ProductLine("Platform", "recurring", "software", 0.45, 1.0, 1.0, 0.18),
                ProductLine("Analytics add-on", "recurring", "software", 0.15, 0.4, 0.8, 0.16),
                ProductLine("Automation add-on", "recurring", "software", 0.15, 0.5, 0.8, 0.16),
                ProductLine("Integrations", "recurring", "software", 0.1, 0.3, 0.7, 0.15),
                ProductLine("Security & Compliance", "recurring", "software", 0.15, 0.6, 1.0, 0.2),
            ),
            industries=(
                "Technology",
                "Financial Services",
                "Healthcare",
                "Retail",
                "Manufacturing",
                "Education",
            ),
            segment_weights=(0.5, 0.35, 0.15),
            regions=_REGIONS,
            region_weights=(0.5, 0.3, 0.15, 0.05),
            deal_size=(15_000, 45_000, 160_000),
            cycle_days=(35, 70, 130),
            win_rate=0.26,
            billing=(("month", 0.25), ("quarter", 0.05), ("year", 0.55), ("24", 0.05), ("36", 0.1)),
            churn_rate=0.1,
            teams=("Enterprise", "Mid-Market", "Commercial"),
            self_serve=(0.35, 0.05, 0.0),
            signups=0.6,
            implementation=(0.4, 0.15),
            ttfv_days=25,
            spend_of_arr=0.12,
            upsell=0.12,
        ),
    )
}

PROFILE_IDS = tuple(SHAPES)


def get_shape(profile_id: str) -> Shape:
    """The shape of demo profile ``profile_id`` or an error naming the valid ids."""
    try:
        return SHAPES[profile_id]
    except KeyError:
        raise unknown("demo profile", profile_id, SHAPES) from None
