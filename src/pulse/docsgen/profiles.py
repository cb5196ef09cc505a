"""Generate ``docs/reference/profiles.md`` from the shipped industry profiles.

:func:`render` returns the whole page; :func:`render_profile` one profile's section, which
``pulse profile show --format md`` prints too. When the KPI catalog is available, KPI names,
categories and units come from it; values are then shown in their unit (85%, 3×, 270 days) and
healthy ranges by the KPI's direction, exactly as the judge reads them.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulse.catalog.models import KPI, Direction, Profile, Threshold, Unit
from pulse.catalog.profile_validate import catalog_kpis
from pulse.catalog.profiles import list_profiles

TARGET = "docs/reference/profiles.md"
OWNER_LABELS = {
    "operations": "Operations",
    "marketing": "Marketing",
    "customer_success": "Customer success",
    "vp_sales": "VP of Sales",
    "finance": "Finance",
}
FACT_LABELS = {
    "motion": "sales motion",
    "revenue_model": "revenue model",
    "manufacturing_type": "manufacturing type",
}
DASH = "—"


def format_number(value: float, unit: Unit | None) -> str:
    """A threshold value in its unit, without needless decimals: 85%, 3×, 270 days."""
    if unit is Unit.PERCENT:
        return f"{round(value * 100, 4):g}%"
    if unit is Unit.RATIO:
        return f"{value:g}×"
    if unit is Unit.DAYS:
        return f"{value:g} days"
    if unit is Unit.MONTHS:
        return f"{value:g} months"
    if unit in (Unit.CURRENCY, Unit.CURRENCY_PER_DAY):
        return f"{value:,.0f}"
    return f"{value:g}"


def threshold_cells(threshold: Threshold | None, kpi: KPI | None) -> tuple[str, str, str]:
    """Target, healthy and red-line cells for one KPI, read the way the judge reads them."""
    if threshold is None:
        return DASH, DASH, DASH
    unit = kpi.unit if kpi is not None else None
    direction = kpi.direction if kpi is not None else None

    def fmt(value: float) -> str:
        return format_number(value, unit)

    target = fmt(threshold.target) if threshold.target is not None else DASH
    healthy = DASH
    if threshold.healthy is not None:
        low, high = threshold.healthy
        if direction is Direction.HIGHER_IS_BETTER:
            healthy = f"≥ {fmt(low)}"
        elif direction is Direction.LOWER_IS_BETTER:
            healthy = f"≤ {fmt(high)}"
        else:
            healthy = f"{fmt(low)} to {fmt(high)}"
    reds = []
    if threshold.red_below is not None:
        reds.append(f"< {fmt(threshold.red_below)}")
    if threshold.red_above is not None:
        reds.append(f"> {fmt(threshold.red_above)}")
    return target, healthy, " or ".join(reds) or DASH


def _kpi_label(kpi_id: str, kpis: Mapping[str, KPI] | None) -> str:
    kpi = (kpis or {}).get(kpi_id)
    return f"{kpi.name} (`{kpi_id}`)" if kpi is not None else f"`{kpi_id}`"


def _words(name: str) -> str:
    return name.replace("_", " ")


def _kpi_table(profile: Profile, ids: list[str], kpis: Mapping[str, KPI] | None) -> list[str]:
    lines = [
        "| KPI | Category | Target | Healthy | Red | Cadence | Split by |",
        "|---|---|---|---|---|---|---|",
    ]
    for kpi_id in ids:
        kpi = (kpis or {}).get(kpi_id)
        target, healthy, red = threshold_cells(profile.thresholds.get(kpi_id), kpi)
        category = kpi.category.value if kpi is not None else DASH
        cadence = profile.cadence.get(kpi_id) or (kpi.cadence if kpi is not None else None)
        splits = ", ".join(profile.required_splits.get(kpi_id, [])) or DASH
        lines.append(
            f"| {_kpi_label(kpi_id, kpis)} | {category} | {target} | {healthy} | {red} | "
            f"{cadence.value if cadence else DASH} | {splits} |"
        )
    return lines


def render_profile(
    profile: Profile,
    kpis: Mapping[str, KPI] | None = None,
    level: int = 2,
    variant: str | None = None,
) -> str:
    """One profile as Markdown, headed at ``level`` (2 on the reference page).

    ``variant`` only names, in the heading, a variant already applied with
    ``Profile.with_variant``.
    """
    h = "#" * level
    applied = f", variant `{variant}`" if variant else ""
    out = [f"{h} {profile.name} (`{profile.id}`){applied}", ""]
    if profile.description:
        out += [profile.description, ""]
    out += ["Sources: " + "; ".join(profile.sources) + ".", ""]

    out += [f"{h}# Core KPIs ({len(profile.core)}, at most {profile.max_core})", ""]
    out += [*_kpi_table(profile, profile.core, kpis), ""]
    supporting = [k for k in profile.supporting if k not in profile.core]
    if supporting:
        out += [f"{h}# Supporting KPIs", "", *_kpi_table(profile, supporting, kpis), ""]

    notes = [(k, t) for k, t in profile.thresholds.items() if t.note or t.period]
    if notes:
        out += [f"{h}# Notes on the targets", ""]
        for kpi_id, t in notes:
            window = f" (window: {t.period})" if t.period else ""
            text = f": {t.note}" if t.note else ""
            out.append(f"- `{kpi_id}`{window}{text}")
        out.append("")

    if profile.not_owned:
        out += [f"{h}# What the CRO does not own", "", "| Item | Owned by |", "|---|---|"]
        for item, owner in profile.not_owned.items():
            out.append(f"| {_words(item)} | {OWNER_LABELS.get(owner, owner)} |")
        out.append("")

    if profile.stages:
        out += [f"{h}# Pipeline stages", "", "| # | Stage | Probability |", "|---|---|---|"]
        for number, stage in enumerate(profile.stages, start=1):
            probability = profile.stage_probability(stage)
            shown = format_number(probability, Unit.PERCENT) if probability is not None else DASH
            out.append(f"| {number} | {stage} | {shown} |")
        out.append("")

    if profile.dashboard:
        out += [f"{h}# Dashboard sections", ""]
        for section, ids in profile.dashboard.items():
            out.append(f"- **{section.value}**: " + ", ".join(f"`{k}`" for k in ids))
        out.append("")

    if profile.variants:
        fact = FACT_LABELS.get(profile.variant_by or "", profile.variant_by or "company fact")
        out += [f"{h}# Variants by {fact}", ""]
        for name, option in profile.variants.items():
            out.append(f"- **{name}**: {option.description}".rstrip())
            if option.focus:
                out.append("  - Focus: " + ", ".join(f"`{k}`" for k in option.focus))
            for kpi_id, t in option.thresholds.items():
                target, healthy, red = threshold_cells(t, (kpis or {}).get(kpi_id))
                out.append(f"  - `{kpi_id}`: target {target}, healthy {healthy}, red {red}")
        out.append("")

    settings = []
    if profile.cycle_start != "created_at":
        settings.append(f"- Sales cycle counts from `{profile.cycle_start}`.")
    if profile.health_score_weights:
        weights = ", ".join(f"{k} {v:g}" for k, v in profile.health_score_weights.items())
        settings.append(f"- Customer health score weights: {weights}.")
    if profile.health_score_threshold is not None:
        settings.append(
            f"- Accounts scoring below {profile.health_score_threshold:g} (of 100) need a "
            "customer-success intervention."
        )
    if settings:
        out += [f"{h}# Other settings", "", *settings, ""]
    return "\n".join(out).rstrip() + "\n"


def render() -> str:
    """The whole ``docs/reference/profiles.md`` page."""
    kpis = catalog_kpis()
    profiles = sorted(list_profiles(), key=lambda p: p.id)
    out = [
        "# Industry profiles",
        "",
        "<!-- Generated from src/pulse/catalog/profiles/*.yml by scripts/gen_docs.py; "
        "do not edit by hand. -->",
        "",
        "A profile is the KPI set a fractional CRO owns in one industry: at most six core KPIs",
        "(four for IoT), the supporting ones, their targets and red lines, the pipeline stages",
        "with their probabilities, the splits that must be shown, the review cadence, and what",
        "the CRO does not own. A value past its red line is red; outside the healthy range it is",
        "amber; otherwise green. Percentages are stored as fractions (0.85 = 85%).",
        "",
        "| Profile | Id | Core KPIs | Variants |",
        "|---|---|---|---|",
    ]
    for profile in profiles:
        core = ", ".join(f"`{k}`" for k in profile.core)
        variants = ", ".join(profile.variants) or DASH
        out.append(
            f"| [{profile.name}](#{_anchor(profile)}) | `{profile.id}` | {core} | {variants} |"
        )
    out.append("")
    for profile in profiles:
        out.append(render_profile(profile, kpis))
    return "\n".join(out).rstrip() + "\n"


def _anchor(profile: Profile) -> str:
    """GitHub's anchor for the profile's heading."""
    text = f"{profile.name} ({profile.id})".lower()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")
