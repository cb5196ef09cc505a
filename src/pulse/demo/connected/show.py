"""What ``pulse demo --connected`` prints: the files imported, the account matching, the scorecard."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pulse.compute import Computer
from pulse.demo.connected.build import CRM_TABLES, PROFILE, ConnectedDemo, build_connected
from pulse.demo.plan import DemoError
from pulse.format import format_value
from pulse.judge import Status
from pulse.periods import Period, parse_period
from pulse.scorecard import Scorecard, build_scorecard

# The KPIs whose inputs come from the tool exports (and that a b2b_saas company has).
CONNECTED_KPIS = (
    "pql_to_paid_rate",
    "activation_velocity_days",
    "self_serve_upgrade_rate",
    "customer_health_score",
    "ttfv_days",
    "gross_margin",
    "dso",
    "forecast_accuracy",
    "cost_per_qualified_meeting",
    "coaching_frequency",
    "cac_payback_months",
    "magic_number",
)


def scorecard_period(anchor: date) -> Period:
    """The last full quarter of the demo's data."""
    return parse_period("last-quarter", anchor + timedelta(days=1))


def connected_scorecard(demo: ConnectedDemo, today: date | None = None) -> Scorecard:
    """The profile's scorecard plus every KPI the tool exports feed, for the last quarter."""
    computer = Computer(demo.workspace, today=today)
    try:
        ids = list(computer.profile.kpis)
        ids += [k for k in CONNECTED_KPIS if k not in ids]
        return build_scorecard(computer, scorecard_period(demo.anchor), history=1, kpi_ids=ids)
    finally:
        computer.close()


def missing_kpis(card: Scorecard) -> dict[str, str]:
    """KPI id → what is missing, for every line of ``card`` without data."""
    return {
        line.result.kpi.id: line.result.missing or "no value"
        for line in card.lines()
        if line.result.status == Status.MISSING_DATA
    }


def print_build(demo: ConnectedDemo, out: Console, seconds: float) -> None:
    """Where the data came from: the CRM tables, then each tool file and its import."""
    ws = demo.workspace
    counts = ws.table_counts()
    out.print(f"{ws.name}  profile {ws.settings.profile}, {seconds:.1f} s, {ws.path}")
    crm = ", ".join(f"{t} {counts[t]:,}" for t in CRM_TABLES if counts.get(t))
    out.print(f"  from the CRM (generated): {crm}", soft_wrap=True)
    out.print(f"  from the tools ({_relative(demo.exports_dir, ws.path)}/):")
    for imp in demo.imports:
        r = imp.result
        out.print(
            f"    {imp.export.tool:<10} {imp.export.path.name:<26} → {r.table:<15} "
            f"{r.inserted + r.updated + r.unchanged:>7,} rows  (--mapping {imp.export.preset})",
            soft_wrap=True,
        )
    for export in demo.not_imported:
        out.print(
            f"    {export.tool:<10} {export.path.name:<26} written, not imported: preset "
            f"{export.preset} is not shipped yet",
            soft_wrap=True,
        )
    for table, why in demo.native.items():
        out.print(f"    {table}: loaded from the generator ({why})", soft_wrap=True)


def print_matches(demo: ConnectedDemo, out: Console) -> None:
    """Each import's account-matching report."""
    out.print("")
    name = demo.workspace.name
    out.print(f"[bold]Account matching[/bold] (again: pulse data matches {name} --import N)")
    for export, report in demo.reports():
        out.print(
            f"  {export.tool} → {export.table} ({export.path.name}, import {report.import_id})"
        )
        for line in report.lines():
            out.print(f"    {line}", soft_wrap=True, markup=False)


def print_scorecard(card: Scorecard, currency: str, out: Console) -> None:
    """The scorecard as ``pulse scorecard`` shows it; tool-fed KPIs are marked ⇄."""
    out.print("")
    p = card.period
    out.print(
        f"[bold]{card.workspace}[/bold] — profile {card.profile} — {p.label} ({p.start} to {p.end})"
    )
    for category, lines in card.sections.items():
        if not lines:
            continue
        table = Table(
            "", "KPI", "value", "target", "status", title=category.value.upper(), box=None
        )
        table.title_justify = "left"
        for line in lines:
            r = line.result
            value = format_value(r.value, r.kpi.unit, currency) if r.value is not None else "—"
            target = format_value(r.target, r.kpi.unit, currency) if r.target is not None else "—"
            mark = ("★" if line.core else "") + ("⇄" if r.kpi.id in CONNECTED_KPIS else "")
            table.add_row(mark, r.kpi.name, value, target, f"{r.status.symbol} {r.status.value}")
        out.print(table)
    for kpi, why in missing_kpis(card).items():
        out.print(f"[dim]{kpi}: {why}[/dim]")
    out.print("★ core KPI · ⇄ computed from the tool exports · status: ✓ green, ! amber, ✗ red")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def run_connected(
    out: Console,
    profile: str | None,
    *,
    home: Path | str | None,
    opportunities: int,
    seed: int,
    anchor: date,
) -> ConnectedDemo:
    """``pulse demo --connected``: build, then print the imports, the matching, the scorecard."""
    if profile not in (None, PROFILE):
        raise DemoError(
            f"--connected builds a {PROFILE} company, not '{profile}'",
            hint=f"drop --profile (or pass --profile {PROFILE})",
        )
    err = Console(stderr=True, highlight=False)
    started = time.perf_counter()
    demo = build_connected(
        home=home,
        opportunities=opportunities,
        seed=seed,
        anchor=anchor,
        progress=err.is_terminal,
    )
    print_build(demo, out, time.perf_counter() - started)
    print_matches(demo, out)
    card = connected_scorecard(demo)
    print_scorecard(card, demo.workspace.settings.currency, out)
    return demo
