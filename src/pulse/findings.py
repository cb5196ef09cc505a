"""What to do: the seeds' diagnostic rules evaluated on a workspace, each with evidence and action.

Each rule reads one KPI for the period, compares it with a line (the profile's red line when it
has one, else the seeds' default), and, when it trips, says what it means and what to do — with
the arithmetic where the action is quantitative (pipeline to add, opportunities per week,
expansion needed). A KPI whose data is missing yields an ``info`` finding naming what to load,
never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pulse.compute import Computer, KPIResult
from pulse.errors import PulseError, UnknownNameError
from pulse.format import format_value
from pulse.periods import Period


@dataclass
class Finding:
    """One tripped rule: evidence, meaning and the action."""

    rule: str
    kpi: str
    severity: str  # red | amber | info
    title: str
    evidence: str
    action: str
    numbers: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rule": self.rule,
            "kpi": self.kpi,
            "severity": self.severity,
            "title": self.title,
            "evidence": self.evidence,
            "action": self.action,
            "numbers": self.numbers,
        }


Action = Callable[["Context", KPIResult, float], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Rule:
    """A diagnostic rule over one KPI."""

    id: str
    kpi: str
    below: bool  # trips when the value is below the line (else above)
    default_line: float
    title: str
    meaning: str
    action: Action
    profile_key: str = "red_below"
    annualise: bool = False


@dataclass
class Context:
    """What an action may read: the computer, the period and values of other KPIs."""

    computer: Computer
    period: Period
    as_of: date | None
    weeks_left: float

    def value(self, kpi_id: str, period: Period | None = None) -> float | None:
        """One company-level value, or None when it cannot be computed."""
        try:
            results = self.computer.latest(kpi_id, period or self.period, None, self.as_of)
        except (UnknownNameError, PulseError):
            return None
        return results[0].value if results else None

    def money(self, value: float) -> str:
        """Format a currency amount."""
        return format_value(value, "currency", self.computer.workspace.settings.currency)


def _weeks_left(period: Period, today: date) -> float:
    if today < period.start:
        return period.days / 7
    if today > period.end:
        return period.days / 7
    return max(1.0, ((period.end - today).days + 1) / 7)


# -- actions ----------------------------------------------------------------------------------


def coverage_action(ctx: Context, result: KPIResult, line: float) -> tuple[str, dict[str, Any]]:
    """Pipeline and opportunities per week to restore the target coverage."""
    from pulse.pipeline.gap import pipeline_gap_plan

    quota = result.components.get("period_quota") or result.components.get("denominator")
    pipeline = result.components.get("numerator") or 0.0
    deal = ctx.value("average_deal_size", ctx.period.previous()) or ctx.value("average_deal_size")
    win = ctx.value("win_rate", ctx.period.previous()) or ctx.value("win_rate")
    if not quota:
        return "Load quotas to size the gap.", {}
    gap = line * float(quota) - float(pipeline)
    numbers: dict[str, Any] = {
        "target_coverage": line,
        "quota": quota,
        "pipeline": pipeline,
        "gap": gap,
    }
    if not deal or not win:
        return (
            f"Add {ctx.money(gap)} of pipeline due in {ctx.period.label} to restore {line:g}× coverage.",
            numbers,
        )
    plan = pipeline_gap_plan(gap, deal, win, ctx.weeks_left)
    per_week = math.ceil(plan.opportunities_per_week)
    numbers |= {
        "average_deal_size": deal,
        "win_rate": win,
        "weeks": ctx.weeks_left,
        "opportunities": plan.opportunities,
        "opportunities_per_week": plan.opportunities_per_week,
    }
    return (
        f"Add {ctx.money(gap)} of pipeline: at today's average deal of {ctx.money(deal)} and "
        f"{win:.0%} win rate that is {plan.opportunities:.1f} qualified opportunities — "
        f"{per_week} a week for {ctx.weeks_left:.0f} weeks — to restore {line:g}× coverage.",
        numbers,
    )


def win_rate_action(ctx: Context, result: KPIResult, line: float) -> tuple[str, dict[str, Any]]:
    """Wins needed at the same number of decided deals."""
    won = float(result.components.get("numerator") or 0)
    closed = float(result.components.get("denominator") or 0)
    needed = math.ceil(line * closed - won)
    return (
        f"Tighten qualification (disqualify early, review lost deals by stage and rep): at "
        f"{closed:.0f} decided deals, {needed} more wins would reach {line:.0%}.",
        {"won": won, "closed": closed, "more_wins_needed": needed},
    )


def nrr_action(ctx: Context, result: KPIResult, line: float) -> tuple[str, dict[str, Any]]:
    """Expansion needed to lift NRR to the line."""
    then = result.components.get("denominator") or result.components.get("cohort_arr_then")
    value = result.value or 0.0
    if not then:
        return (
            "Review churned and contracted accounts with customer success; build expansion plays.",
            {},
        )
    needed = (line - value) * float(then)
    return (
        f"Add {ctx.money(needed)} of expansion ARR from the cohort (or prevent that much churn and "
        f"contraction) to reach {line:.0%} NRR; start with the largest churned and contracted accounts.",
        {"cohort_arr_then": then, "expansion_needed": needed},
    )


def cycle_action(ctx: Context, result: KPIResult, line: float) -> tuple[str, dict[str, Any]]:
    """Days to take out of the cycle."""
    days = (result.value or 0) - line
    return (
        f"Cut {days:.0f} days from the cycle: map the buying committee earlier, set mutual close "
        f"plans, and split the cycle by segment before acting.",
        {"days_over": days},
    )


def fixed(text: str) -> Action:
    """An action with no arithmetic."""

    def action(ctx: Context, result: KPIResult, line: float) -> tuple[str, dict[str, Any]]:
        return text, {}

    return action


RULES: tuple[Rule, ...] = (
    Rule(
        "coverage_below_3x",
        "weighted_pipeline_coverage",
        True,
        3.0,
        "Pipeline coverage below 3×",
        "there is not enough pipeline to make the number",
        coverage_action,
        profile_key="healthy_low",
    ),
    Rule(
        "win_rate_below_20",
        "win_rate",
        True,
        0.20,
        "Win rate below 20%",
        "qualification or fit is broken",
        win_rate_action,
    ),
    Rule(
        "cycle_over_9_months",
        "sales_cycle_days",
        False,
        270.0,
        "Sales cycle longer than 9 months",
        "deals stall; forecasts slip",
        cycle_action,
        profile_key="red_above",
    ),
    Rule(
        "nrr_below_line",
        "nrr",
        True,
        1.0,
        "Net revenue retention below the line",
        "the customer base is shrinking",
        nrr_action,
    ),
    Rule(
        "grr_below_80",
        "grr",
        True,
        0.80,
        "Gross revenue retention below 80%",
        "revenue is leaking",
        fixed(
            "Find the churn reasons by cohort and stream; fix onboarding and renewals before adding pipeline."
        ),
    ),
    Rule(
        "cac_payback_over_24",
        "cac_payback_months",
        False,
        24.0,
        "CAC payback longer than 24 months",
        "growth strains cash",
        fixed(
            "Cut acquisition cost per customer or raise new-customer MRR (pricing, packaging, deal size) until payback is under 24 months."
        ),
        profile_key="red_above",
    ),
    Rule(
        "forecast_outside_band",
        "forecast_accuracy",
        True,
        0.85,
        "Forecast accuracy outside the band",
        "the forecast cannot be trusted",
        fixed(
            "Inspect deals by stage weekly, calibrate stage probabilities (pulse forecast), and lock the forecast at the period start."
        ),
    ),
    Rule(
        "top3_concentration_over_40",
        "top3_concentration",
        False,
        0.40,
        "Top-3 client concentration above 40%",
        "losing one client would hurt badly",
        fixed(
            "Diversify: target new logos outside the top three and expand the next tier of clients."
        ),
        profile_key="red_above",
    ),
    Rule(
        "services_margin_below_35",
        "services_gross_margin",
        True,
        0.35,
        "Services gross margin below 35%",
        "engagements are under-priced or over-staffed",
        fixed(
            "Reprice new proposals, review scope creep and subcontractor use on the lowest-margin engagements."
        ),
    ),
    Rule(
        "crm_completeness_below_80",
        "crm_completeness",
        True,
        0.80,
        "CRM completeness below 80%",
        "the numbers rest on gaps",
        fixed(
            "Fix the CRM before chasing targets: make amount, close date, stage and owner required on open deals."
        ),
    ),
    Rule(
        "churn_over_20_a_year",
        "logo_churn_rate",
        False,
        0.20,
        "Customer churn above 20% a year",
        "a product or implementation problem, not a sales problem",
        fixed(
            "Fix product or implementation first: review onboarding, time to first value and the churn reasons."
        ),
        profile_key="red_above",
        annualise=True,
    ),
    Rule(
        "reps_below_quota",
        "quota_attainment_distribution",
        True,
        0.20,
        "80% of reps below quota",
        "product, pricing or targets are wrong, not the reps",
        fixed("Revisit targets, pricing and the ideal customer profile before changing the team."),
    ),
    Rule(
        "pilots_not_converting",
        "pilot_conversion_rate",
        True,
        0.50,
        "Pilots not converting",
        "pilot purgatory",
        fixed(
            "Agree success criteria and a production price before every pilot starts; close or convert stalled pilots."
        ),
    ),
    Rule(
        "connected_not_transacting",
        "connected_not_transacting",
        False,
        0.0,
        "Accounts connected but not transacting",
        "usage without revenue",
        fixed(
            "Turn active deployments into contracts: call each listed account with a commercial offer."
        ),
        profile_key="red_above",
    ),
)


def _line(rule: Rule, computer: Computer) -> float:
    """The profile's line for the rule (its red line, or the healthy range's low end), else the default."""
    threshold = computer.threshold(rule.kpi)
    if threshold is None:
        return rule.default_line
    if rule.profile_key == "healthy_low":
        value = threshold.healthy[0] if threshold.healthy else None
    else:
        value = getattr(threshold, rule.profile_key, None)
    return float(value) if value is not None else rule.default_line


def evaluate(computer: Computer, period: Period, as_of: date | None = None) -> list[Finding]:
    """Every rule on the workspace for ``period``: tripped rules and what could not be checked."""
    ctx = Context(computer, period, as_of, _weeks_left(period, computer.today))
    findings: list[Finding] = []
    for rule in RULES:
        if rule.kpi not in computer.catalog.kpis:
            continue
        line = _line(rule, computer)
        results = computer.latest(rule.kpi, period, None, as_of)
        if not results:
            continue
        result = results[0]
        if result.missing and result.value is None:
            if result.status.value == "missing_data" and result.missing.startswith(
                ("load", "fill")
            ):
                findings.append(
                    Finding(
                        rule.id,
                        rule.kpi,
                        "info",
                        f"{rule.title}: cannot check",
                        f"{result.kpi.name} has no data",
                        result.missing,
                    )
                )
            continue
        value = result.value
        if value is None:
            continue
        compared = 1 - (1 - value) ** (365 / period.days) if rule.annualise and value < 1 else value
        tripped = compared < line if rule.below else compared > line
        if not tripped:
            continue
        unit = result.kpi.unit
        shown = format_value(value, unit, computer.workspace.settings.currency)
        evidence = f"{result.kpi.name} is {shown} in {period.label}"
        if rule.annualise:
            evidence += f" ({compared:.0%} a year)"
        evidence += f"; the line is {format_value(line, unit, computer.workspace.settings.currency)}: {rule.meaning}."
        action, numbers = rule.action(ctx, result, line)
        severity = (
            "red"
            if result.status.value == "red" or abs(compared - line) > 0.1 * abs(line or 1)
            else "amber"
        )
        findings.append(
            Finding(
                rule.id,
                rule.kpi,
                severity,
                rule.title,
                evidence,
                action,
                {"value": value, "line": line, **numbers},
            )
        )
    findings.extend(_margin_findings(computer, period))
    order = {"red": 0, "amber": 1, "info": 2}
    return sorted(findings, key=lambda f: order[f.severity])


def _margin_findings(computer: Computer, period: Period) -> list[Finding]:
    try:
        from pulse.margin import margin_declines
    except ImportError:
        return []
    out = []
    for decline in margin_declines(computer, period):
        out.append(Finding(
            "margin_falling", "gross_margin", "amber", "Gross margin falling quarter over quarter",
            str(decline.get("message") or decline),
            "Review pricing and discounts on this line, and its direct cost drivers.",
            {k: v for k, v in decline.items() if k != "message"},
        ))  # fmt: skip
    return out
