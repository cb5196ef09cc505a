"""``pulse advise``, ``pulse playbook`` and (registered by ``pulse profile``) ``derive``.

Advice before any data is loaded: whether a fractional CRO fits and why, the KPI set, the
cadence, the dated 90-day plan and the cost; the playbook of a profile; a starting profile
derived from an industry's traits. The logic is in :mod:`pulse.advise`; this module parses
options and prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pulse.advise import render_html, render_md
from pulse.advise.advice import Advice, advise
from pulse.advise.derive import Traits, derive_profile, write_profile
from pulse.advise.facts import (
    AdviceError,
    CompanyFacts,
    Engagement,
    ManufacturingType,
    Motion,
    RevenueModel,
    parse_amount,
    parse_choice,
    parse_date,
    parse_share,
    parse_yes_no,
)
from pulse.advise.playbook import playbook_for
from pulse.advise.readiness import Outcome
from pulse.advise.serialize import to_data
from pulse.advise.wording import share, words

MARKS = {
    Outcome.GO: "ok",
    Outcome.CAUTION: "!!",
    Outcome.STOP: "NO",
    Outcome.UNKNOWN: "??",
    Outcome.INFO: "--",
}
DirsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--dir",
        help="Folder of local profile files (e.g. from `pulse profile derive`).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file instead of printing.", show_default=False
    ),
]


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise AdviceError(f"unknown format '{value}'", hint=f"valid formats: {', '.join(allowed)}")


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)


def advise_command(
    industry: Annotated[str, typer.Option(help="Profile id, e.g. martech, services, iot.")],
    arr: Annotated[
        str | None, typer.Option(help="Annual recurring revenue: 2.5M, 800k.", show_default=False)
    ] = None,
    revenue: Annotated[str | None, typer.Option(help="Annual revenue.", show_default=False)] = None,
    customers: Annotated[
        int | None, typer.Option(help="Paying customers.", show_default=False)
    ] = None,
    sales_team: Annotated[
        int | None, typer.Option(help="People selling.", show_default=False)
    ] = None,
    cs_team: Annotated[
        int | None, typer.Option(help="Customer-success people.", show_default=False)
    ] = None,
    annual_churn: Annotated[
        str | None, typer.Option(help="Churn a year: 0.25 or 25%.", show_default=False)
    ] = None,
    motion: Annotated[
        str | None, typer.Option(help="plg, sales_led or hybrid.", show_default=False)
    ] = None,
    revenue_model: Annotated[
        str | None, typer.Option(help="Services: retainer, project or outcome.", show_default=False)
    ] = None,
    manufacturing: Annotated[
        str | None, typer.Option(help="discrete or process.", show_default=False)
    ] = None,
    has_crm: Annotated[str | None, typer.Option(help="yes or no.", show_default=False)] = None,
    start_date: Annotated[
        str | None,
        typer.Option(
            help="Day 1 of the engagement, YYYY-MM-DD (default today).", show_default=False
        ),
    ] = None,
    days_per_month: Annotated[
        str | None,
        typer.Option(help="Fractional CRO days a month (seeds: 5-15).", show_default=False),
    ] = None,
    day_rate: Annotated[
        str | None, typer.Option(help="Fractional CRO day rate.", show_default=False)
    ] = None,
    retainer: Annotated[
        str | None, typer.Option(help="Fractional CRO monthly retainer.", show_default=False)
    ] = None,
    equity_pct: Annotated[
        str | None,
        typer.Option(
            help="Equity share of the fractional package: 0.2 or 20% (seeds: 10-30%).",
            show_default=False,
        ),
    ] = None,
    benefits_load: Annotated[
        str | None,
        typer.Option(
            help="VP of Sales benefits as a share of salary (default 0.25).", show_default=False
        ),
    ] = None,
    vp_monthly: Annotated[
        str | None,
        typer.Option(help="VP of Sales monthly salary (seeds: 25k-45k).", show_default=False),
    ] = None,
    vp_equity: Annotated[
        str | None,
        typer.Option(help="Yearly value of the VP of Sales' equity grant.", show_default=False),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, md or html.")
    ] = "table",
    output: OutputOpt = None,
    dirs: DirsOpt = None,
) -> None:
    """Advice before data: does a fractional CRO fit, which KPIs, cadence, 90-day plan, cost."""
    _check_format(format, ("table", "json", "md", "html"))
    facts = CompanyFacts(
        industry=industry,
        arr=parse_amount(arr, "--arr") if arr is not None else None,
        revenue=parse_amount(revenue, "--revenue") if revenue is not None else None,
        customers=customers,
        sales_team=sales_team,
        cs_team=cs_team,
        annual_churn=parse_share(annual_churn, "--annual-churn")
        if annual_churn is not None
        else None,
        motion=parse_choice(motion, "--motion", Motion) if motion is not None else None,
        revenue_model=(
            parse_choice(revenue_model, "--revenue-model", RevenueModel)
            if revenue_model is not None
            else None
        ),
        manufacturing=(
            parse_choice(manufacturing, "--manufacturing", ManufacturingType)
            if manufacturing is not None
            else None
        ),
        has_crm=parse_yes_no(has_crm, "--has-crm") if has_crm is not None else None,
        start_date=parse_date(start_date, "--start-date") if start_date is not None else None,
    )
    terms = Engagement(
        days_per_month=(
            parse_amount(days_per_month, "--days-per-month") if days_per_month is not None else None
        ),
        day_rate=parse_amount(day_rate, "--day-rate") if day_rate is not None else None,
        retainer=parse_amount(retainer, "--retainer") if retainer is not None else None,
        equity_share=parse_share(equity_pct, "--equity-pct") if equity_pct is not None else None,
        benefits_load=(
            parse_share(benefits_load, "--benefits-load") if benefits_load is not None else None
        ),
        vp_monthly=parse_amount(vp_monthly, "--vp-monthly") if vp_monthly is not None else None,
        vp_equity_annual=parse_amount(vp_equity, "--vp-equity") if vp_equity is not None else None,
    )
    result = advise(facts, terms, tuple(dirs or ()))
    if format == "json":
        _emit(json.dumps(to_data(result), indent=2, ensure_ascii=False) + "\n", output)
    elif format == "md":
        _emit(render_md.render_advice(result), output)
    elif format == "html":
        _emit(render_html.render_advice(result), output)
    else:
        console = Console(width=120, highlight=False, record=output is not None)
        print_advice(console, result)
        if output is not None:
            _emit(console.export_text(), output)


def print_advice(console: Console, advice: Advice) -> None:
    """The advice as terminal text."""
    k = advice.kpis
    variant = f", variant {k.variant}" if k.variant else ""
    console.print(
        f"[bold]Fractional CRO advice: {k.profile_name}[/bold] (profile {k.profile_id}{variant})"
    )
    r = advice.readiness
    console.print(f"\n[bold]Is a fractional CRO right?[/bold] {r.headline}")
    for c in r.checks:
        console.print(f"  {MARKS[c.outcome]} {words(c.rule)}: {c.verdict}. {c.reason} ({c.source})")

    console.print(f"\n[bold]Core KPIs the CRO owns[/bold] (at most {k.max_core})")
    table = Table("KPI", "target", "red line", "window", "cadence", "owner", box=None)
    for line in k.core:
        table.add_row(line.name if line.in_catalog else f"{line.id} (not in catalog yet)",
                      line.goal or "—", line.red_line or "—", line.window or "—",
                      line.cadence or "—", line.owner_label)  # fmt: skip
    console.print(table)
    targeted = [s for s in k.supporting if s.goal or s.red_line]
    if targeted:
        console.print("\n[bold]Supporting KPIs with targets[/bold]")
        table = Table("KPI", "target", "red line", "window", "cadence", "owner", box=None)
        for line in targeted:
            table.add_row(line.name, line.goal or "—", line.red_line or "—", line.window or "—",
                          line.cadence or "—", line.owner_label)  # fmt: skip
        console.print(table)
    rest = [s.name for s in k.supporting if s not in targeted]
    if rest:
        console.print("\n[bold]Other supporting KPIs[/bold]: " + ", ".join(rest))
    if k.not_owned:
        console.print("\n[bold]Not owned by the CRO[/bold]")
        for item in k.not_owned:
            console.print(f"  {item.label} → {item.owner_label}")
    for note in k.notes:
        console.print(f"  note: {note}")

    console.print("\n[bold]Cadence[/bold]")
    for meeting in advice.cadence.meetings:
        names = ", ".join(k.line(i).name for i in meeting.kpis) or "—"
        console.print(f"  {meeting.cadence}: {meeting.title} ({meeting.audience}). KPIs: {names}")

    plan = advice.plan
    console.print(
        f"\n[bold]90-day plan[/bold] (day 1: {plan.start.isoformat() if plan.start else '—'})"
    )
    for phase in plan.phases:
        when = f"{phase.start} to {phase.end}" if phase.start else ""
        console.print(f"  days {phase.first_day}–{phase.last_day} ({when}): {phase.title}")
        for action in phase.actions:
            console.print(f"    - {action}")
    for review in plan.reviews:
        console.print(f"  review at day {review.day} ({review.on}):")
        for question in review.questions:
            console.print(f"    - {question}")
    console.print(f"  KPI set locked on {plan.lock_date} (day {plan.lock_day}).")

    cost = advice.cost
    console.print("\n[bold]Cost[/bold]")
    table = Table("", "monthly", "annual", "basis", box=None)
    costs = [cost.fractional, cost.vp_salary, cost.vp_benefits]
    if cost.vp_equity is not None:
        costs.append(cost.vp_equity)
    costs += [cost.vp_total, cost.saving]
    for row in costs:
        table.add_row(row.label, row.monthly.money(), row.annual.money(), row.basis)
    console.print(table)
    console.print(
        f"  The fractional CRO costs {cost.fractional_share_of_vp.share()} of the VP of Sales."
    )
    split = cost.split
    console.print(
        f"  Package: {split.cash_share.share()} cash ({split.cash.monthly.money()} a month), "
        f"{split.equity_share.share()} equity ({split.equity.annual.money()} a year) vesting on:"
    )
    for m in split.milestones:
        console.print(
            f"    - {m.condition}: {share(m.tranche)} of the equity ({m.annual_value.money()} a year)"
        )
    for note in cost.notes:
        console.print(f"  note: {note}")


def playbook_command(
    profile: Annotated[
        str, typer.Argument(metavar="PROFILE", help="Profile id, e.g. manufacturing.")
    ],
    format: Annotated[str, typer.Option("--format", "-f", help="md or html.")] = "md",
    variant: Annotated[
        str | None,
        typer.Option(help="Apply a variant (e.g. plg, retainer, discrete).", show_default=False),
    ] = None,
    output: OutputOpt = None,
    mermaid_src: Annotated[
        str | None,
        typer.Option(
            help="html: link mermaid.js from this URL instead of inlining the packaged copy.",
            show_default=False,
        ),
    ] = None,
    dirs: DirsOpt = None,
) -> None:
    """The playbook: what a fractional CRO should own at a company of this profile."""
    _check_format(format, ("md", "html"))
    playbook = playbook_for(profile, variant, tuple(dirs or ()))
    if format == "html":
        text = render_html.render_playbook(
            playbook,
            inline_mermaid=mermaid_src is None,
            mermaid_src=mermaid_src or render_html.MERMAID_URL,
        )
    else:
        text = render_md.render_playbook(playbook)
    _emit(text, output)


def derive_command(
    name: Annotated[str, typer.Option(help="Id of the new profile, e.g. legal_tech.")],
    recurring_share: Annotated[str, typer.Option(help="Share of revenue that recurs: 0.6 or 60%.")],
    motion: Annotated[str, typer.Option(help="plg, sales_led or hybrid.")],
    cycle_days: Annotated[int, typer.Option(help="Typical sales cycle in days.")],
    hardware: Annotated[str, typer.Option(help="Is hardware sold? yes or no.")],
    services_content: Annotated[
        str, typer.Option(help="Share of revenue from services: 0.3 or 30%.")
    ],
    output: OutputOpt = None,
) -> None:
    """Derive a starting profile for another industry from its traits (editable YAML)."""
    traits = Traits(
        name=name,
        recurring_share=float(parse_share(recurring_share, "--recurring-share")),
        motion=parse_choice(motion, "--motion", Motion),
        cycle_days=cycle_days,
        hardware=parse_yes_no(hardware, "--hardware"),
        services_content=float(parse_share(services_content, "--services-content")),
    )
    derived = derive_profile(traits)
    if output is None:
        typer.echo(derived.yaml(), nl=False)
        return
    path = write_profile(derived, output)
    typer.echo(f"wrote {path} (base: {derived.base}); it loads and validates.", err=True)
    typer.echo(
        f"use it with: pulse advise --industry {derived.profile.id} --dir {path.parent}", err=True
    )


def register(app: typer.Typer) -> None:
    """Attach ``pulse advise`` and ``pulse playbook``."""
    app.command("advise")(advise_command)
    app.command("playbook")(playbook_command)
