"""The ownership and decision flow of a profile as a Mermaid flowchart.

The founder hires the CRO; the company fact that picks a variant (if the profile has any)
branches into each variant's focus; the CRO owns the core KPIs (with their targets and red
lines) and hands the not-owned items to their owners; a KPI past its red line leads to the
driver and the action, and every quarter to a target reset. Node ids are the KPI, owner and
variant ids with a prefix, so the text is stable and diff-able. Labels are always quoted and
``"`` is written as ``#quot;``, which keeps any profile text inside Mermaid's grammar.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulse.advise.kpiset import KpiSet, build_kpi_set
from pulse.advise.wording import FACT_LABELS, join_words, lower_first, owner_label
from pulse.catalog.models import KPI, Profile
from pulse.catalog.profile_validate import catalog_kpis

INDENT = "    "


def label(text: str) -> str:
    """Text as a quoted Mermaid label."""
    cleaned = " ".join(text.split()).replace('"', "#quot;")
    return f'"{cleaned}"'


def _kpi_label(name: str, target: str, red: str) -> str:
    details = [p for p in (f"target {target}" if target else "", f"red {red}" if red else "") if p]
    return label(name + ("<br/>" + "; ".join(details) if details else ""))


def flowchart_for(kpis: KpiSet) -> str:
    """The flowchart of a KPI set (the profile with its variant, if one was applied)."""
    profile = kpis.profile
    lines = ["flowchart TD"]
    add = lines.append
    add(f"{INDENT}ceo[{label('Founder / CEO')}]")
    add(f"{INDENT}cro[{label('Fractional CRO')}]")
    add(f"{INDENT}ceo -->|{label('hires and agrees the KPI set')}| cro")
    names = {k.id: k.name for k in kpis.lines}
    if profile.variants and profile.variant_by and kpis.variant is None:
        fact = FACT_LABELS.get(profile.variant_by, profile.variant_by.replace("_", " "))
        add(f"{INDENT}fact{{{label(fact[:1].upper() + fact[1:] + '?')}}}")
        add(f"{INDENT}cro --> fact")
        for name, variant in profile.variants.items():
            focus = [names.get(k, k) for k in variant.focus]
            text = f"Focus: {join_words(focus)}" if focus else "The base targets apply"
            add(f"{INDENT}fact -->|{label(name.replace('_', '-'))}| v_{name}[{label(text)}]")
            add(f"{INDENT}v_{name} --> owned")
    else:
        add(f"{INDENT}cro -->|{label('owns')}| owned")
    title = "Core KPIs the CRO owns"
    if kpis.variant is not None:
        title += f" ({kpis.variant.replace('_', '-')})"
    add(f"{INDENT}subgraph owned [{label(title)}]")
    add(f"{INDENT}{INDENT}direction TB")
    for line in kpis.core:
        add(f"{INDENT}{INDENT}k_{line.id}[{_kpi_label(line.name, line.goal, line.red_line)}]")
    add(f"{INDENT}end")
    by_owner: dict[str, list[str]] = {}
    for item in kpis.not_owned:
        by_owner.setdefault(item.owner, []).append(item.label)
    if by_owner:
        add(f"{INDENT}subgraph notowned [{label('Not owned by the CRO')}]")
        add(f"{INDENT}{INDENT}direction TB")
        for owner, items in by_owner.items():
            text = f"{owner_label(owner)}: {join_words([lower_first(i) for i in items])}"
            add(f"{INDENT}{INDENT}no_{owner}[{label(text)}]")
        add(f"{INDENT}end")
        add(f"{INDENT}cro -.->|{label('does not own')}| notowned")
    add(f"{INDENT}owned --> check{{{label('A KPI past its red line?')}}}")
    add(
        f"{INDENT}check -->|{label('yes')}| act[{label('CRO finds the driver and proposes the action')}]"
    )
    add(f"{INDENT}check -->|{label('no')}| reset[{label('Quarterly review and target reset')}]")
    add(f"{INDENT}act --> reset")
    add(f"{INDENT}reset -->|{label('next quarter')}| owned")
    return "\n".join(lines) + "\n"


def mermaid_flowchart(
    profile: Profile, variant: str | None = None, kpis: Mapping[str, KPI] | None = None
) -> str:
    """The ownership and decision flow of ``profile`` as Mermaid ``flowchart`` text.

    With ``variant`` the chart shows that variant's core set; without it, the variant
    decision (e.g. "Revenue model?") branches into each variant's focus. ``kpis`` defaults to
    the shipped catalog.
    """
    catalog = kpis if kpis is not None else catalog_kpis()
    return flowchart_for(build_kpi_set(profile, catalog, variant))
