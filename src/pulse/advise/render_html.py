"""HTML for the playbook and for a company's advice: a whole page, or a fragment for the web
dashboard's own templates.

The Mermaid flowchart goes in a ``<pre class="mermaid">`` block that mermaid.js draws in the
browser. mermaid.js is vendored in the package (``pulse/web/static/vendor/mermaid.min.js``,
MIT, see docs/third-party.md), never fetched from a CDN: a standalone page inlines it so the
file works offline anywhere; the web app links it from its static route instead.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from pulse.advise.advice import Advice
from pulse.advise.cadence import CadencePlan
from pulse.advise.cost import CostComparison, CostLine
from pulse.advise.kpiset import KpiLine, KpiSet
from pulse.advise.plan import RampPlan
from pulse.advise.playbook import Playbook
from pulse.advise.readiness import Readiness
from pulse.advise.wording import DASH, FACT_LABELS, dimension, share, words

MERMAID_JS = Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "mermaid.min.js"
#: Where the web app serves the vendored file (its static mount).
MERMAID_URL = "/static/vendor/mermaid.min.js"
MERMAID_INIT = (
    "mermaid.initialize({startOnLoad: true, securityLevel: 'strict', "
    "flowchart: {htmlLabels: true}});"
)
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #1f2328; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.35rem 0.5rem; vertical-align: top; text-align: left; }
th { background: #f6f8fa; }
code { font-size: 0.85em; }
.outcome-go { color: #1a7f37; } .outcome-stop { color: #cf222e; }
.outcome-caution { color: #9a6700; } .outcome-unknown, .outcome-info { color: #57606a; }
pre.mermaid { background: #fff; }
""".strip()


def _e(text: str) -> str:
    return escape(text, quote=True)


def _cell(text: str) -> str:
    return _e(text) if text else DASH


def mermaid_script(inline: bool = True, src: str = MERMAID_URL) -> str:
    """The ``<script>`` tags that load mermaid.js (inlined from the package, or linked) and
    draw every ``pre.mermaid`` block on the page."""
    if inline:
        code = MERMAID_JS.read_text(encoding="utf-8")
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
        loader = f"<script>{code}</script>"
    else:
        loader = f'<script src="{_e(src)}"></script>'
    return f"{loader}\n<script>{MERMAID_INIT}</script>"


def _page(title: str, body: str, scripts: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
        f"{body}\n{scripts}\n</body>\n</html>\n"
    )


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """A table; row cells are already HTML."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _kpi_table(lines: tuple[KpiLine, ...]) -> str:
    rows = []
    for k in lines:
        why = k.why_here or k.why
        if k.splits:
            why += f" Split by {', '.join(dimension(s) for s in k.splits)}."
        if k.note:
            why += f" ({k.note}.)"
        target = k.goal + (f", over {k.window}" if k.window and k.goal else "")
        rows.append(
            [
                f"<strong>{_e(k.name)}</strong><br><code>{_e(k.id)}</code>",
                _cell(k.definition),
                _cell(why),
                f"<code>{_e(k.formula)}</code>" if k.formula else DASH,
                _cell(target),
                _cell(k.red_line),
                _cell(k.cadence or ""),
                _cell(k.owner_label),
            ]
        )
    headers = ["KPI", "What it is", "Why it matters here", "Formula", "Target", "Red line",
               "Cadence", "Owner"]  # fmt: skip
    return _table(headers, rows)


def kpi_section(kpis: KpiSet, level: int = 2) -> str:
    """Core and supporting KPI tables and what the CRO does not own."""
    h, out = f"h{level}", []
    out.append(f"<{h}>Core KPIs the CRO owns (at most {kpis.max_core})</{h}>")
    out.append(_kpi_table(kpis.core))
    if kpis.supporting:
        out += [f"<{h}>Supporting KPIs</{h}>", _kpi_table(kpis.supporting)]
    if kpis.dashboard:
        out.append(f"<{h}>The one-page dashboard</{h}>")
        items = [
            f"<li><strong>{_e(section.capitalize())}</strong>: "
            f"{_e(', '.join(kpis.line(k).name for k in ids))}</li>"
            for section, ids in kpis.dashboard
        ]
        out.append("<ul>" + "".join(items) + "</ul>")
    if kpis.not_owned:
        out.append(f"<{h}>What the CRO does not own</{h}>")
        out.append(
            _table(["Item", "Owned by"], [[_e(n.label), _e(n.owner_label)] for n in kpis.not_owned])
        )
    return "\n".join(out)


def cadence_section(cadence: CadencePlan, kpis: KpiSet, level: int = 2) -> str:
    """KPIs by cadence and the meetings."""
    h = f"h{level}"
    items = []
    for name in ("weekly", "monthly", "quarterly"):
        ids = cadence.of(name)
        if ids:
            names = ", ".join(kpis.line(k).name for k in ids)
            items.append(f"<li><strong>{name.capitalize()}</strong>: {_e(names)}</li>")
    meetings = _table(
        ["When", "Meeting", "Who"],
        [[_e(m.cadence), _e(m.title), _e(m.audience)] for m in cadence.meetings],
    )
    return f"<{h}>Review cadence</{h}>\n<ul>\n" + "\n".join(items) + f"\n</ul>\n{meetings}"


def plan_section(plan: RampPlan, level: int = 2) -> str:
    """The ramp's phases, reviews and lock date."""
    h, h3 = f"h{level}", f"h{level + 1}"
    out = [f"<{h}>The 90-day plan</{h}>"]
    if plan.start is not None:
        out.append(f"<p>Day 1 is {plan.start.isoformat()}.</p>")
    for p in plan.phases:
        dates = f" ({p.start.isoformat()} to {p.end.isoformat()})" if p.start and p.end else ""
        out.append(f"<{h3}>Days {p.first_day}–{p.last_day}{dates}: {_e(p.title)}</{h3}>")
        out.append("<ul>" + "".join(f"<li>{_e(a)}</li>" for a in p.actions) + "</ul>")
    for r in plan.reviews:
        on = f" ({r.on.isoformat()})" if r.on else ""
        out.append(f"<{h3}>Review at day {r.day}{on}</{h3}>")
        out.append("<ul>" + "".join(f"<li>{_e(q)}</li>" for q in r.questions) + "</ul>")
    lock = f" ({plan.lock_date.isoformat()})" if plan.lock_date else ""
    out.append(
        f"<p>The KPI set is locked at day {plan.lock_day}{lock}; later changes are versioned.</p>"
    )
    return "\n".join(out)


def playbook_fragment(playbook: Playbook) -> str:
    """The playbook as an ``<article>`` to place inside a page (no mermaid.js loader)."""
    pb = playbook
    variant = f" ({pb.variant.replace('_', '-')} variant)" if pb.variant else ""
    out = [
        f'<article class="playbook" data-profile="{_e(pb.profile_id)}">',
        f"<h1>{_e(pb.question + variant)}</h1>",
        f"<p><em>Generated by Pulse from the <code>{_e(pb.profile_id)}</code> profile and the "
        f"KPI catalog. Sources: {_e('; '.join(pb.sources))}.</em></p>",
        "<h2>Direct answer</h2>",
        *(f"<p>{_e(p)}</p>" for p in pb.direct_answer),
        kpi_section(pb.kpis),
        "<h2>Ownership and decision flow</h2>",
        f'<pre class="mermaid">\n{_e(pb.flowchart)}</pre>',
        cadence_section(pb.cadence, pb.kpis),
    ]
    if pb.stages:
        out.append("<h2>Pipeline stages</h2>")
        rows = [[str(i), _e(s.stage), _cell(s.probability)] for i, s in enumerate(pb.stages, 1)]
        out.append(_table(["#", "Stage", "Probability"], rows))
    if pb.variants and pb.variant is None:
        fact = FACT_LABELS.get(pb.variant_by or "", "company fact")
        out.append(f"<h2>Targets by {_e(fact)}</h2>\n<ul>")
        for v in pb.variants:
            extra = ([f"Focus: {', '.join(v.focus)}"] if v.focus else []) + list(v.targets)
            inner = "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in extra) + "</ul>" if extra else ""
            out.append(
                f"<li><strong>{_e(v.name.replace('_', '-'))}</strong>: {_e(v.description)}{inner}</li>"
            )
        out.append("</ul>")
    out.append(plan_section(pb.plan))
    out.append("<h2>Common questions</h2>\n<dl>")
    for faq in pb.faqs:
        out.append(f"<dt><strong>{_e(faq.question)}</strong></dt>\n<dd>{_e(faq.answer)}</dd>")
    out += ["</dl>", "</article>"]
    return "\n".join(out)


def render_playbook(
    playbook: Playbook, inline_mermaid: bool = True, mermaid_src: str = MERMAID_URL
) -> str:
    """The playbook as a whole HTML page that draws its flowchart with the vendored mermaid.js
    (inlined by default, so the file works offline; else linked from ``mermaid_src``)."""
    return _page(
        playbook.question,
        playbook_fragment(playbook),
        mermaid_script(inline=inline_mermaid, src=mermaid_src),
    )


def readiness_section(readiness: Readiness, level: int = 2) -> str:
    """The recommendation and every check with its reason."""
    h = f"h{level}"
    rows = [
        [
            _e(words(c.rule)),
            f'<span class="outcome-{c.outcome.value}">{_e(c.outcome.value)}</span>: {_e(c.verdict)}',
            _e(c.reason),
            _e(c.source),
        ]
        for c in readiness.checks
    ]
    return (
        f"<{h}>Is a fractional CRO right?</{h}>\n"
        f'<p class="recommendation" data-recommendation="{readiness.recommendation.value}">'
        f"<strong>{_e(readiness.headline)}</strong></p>\n"
        + _table(["Check", "Verdict", "Why", "Source"], rows)
    )


def _cost_row(line: CostLine) -> list[str]:
    return [_e(line.label), _e(line.monthly.money()), _e(line.annual.money()), _e(line.basis)]


def cost_section(cost: CostComparison, level: int = 2) -> str:
    """Fractional CRO against a full-time VP of Sales, and the cash/equity split."""
    h, h3 = f"h{level}", f"h{level + 1}"
    lines = [cost.fractional, cost.vp_salary, cost.vp_benefits]
    if cost.vp_equity is not None:
        lines.append(cost.vp_equity)
    lines += [cost.vp_total, cost.saving]
    split = cost.split
    out = [
        f"<{h}>Cost: fractional CRO against a full-time VP of Sales</{h}>",
        _table(["", "Monthly", "Annual", "Basis"], [_cost_row(line) for line in lines]),
        f"<p>The fractional CRO costs {_e(cost.fractional_share_of_vp.share())} of the "
        "full-time VP of Sales.</p>",
        f"<{h3}>Cash and equity</{h3}>",
        f"<p>The package is {_e(split.cash_share.share())} cash "
        f"({_e(split.cash.monthly.money())} a month) and {_e(split.equity_share.share())} equity "
        f"({_e(split.equity.annual.money())} a year), the equity vesting on KPI milestones from "
        "the core set:</p>",
        "<ul>"
        + "".join(
            f"<li>{_e(m.condition)}: {_e(share(m.tranche))} of the equity "
            f"({_e(m.annual_value.money())} a year)</li>"
            for m in split.milestones
        )
        + "</ul>",
    ]
    if cost.notes:
        out.append(
            '<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in cost.notes) + "</ul>"
        )
    return "\n".join(out)


def advice_fragment(advice: Advice) -> str:
    """A company's advice as an ``<article>`` to place inside a page."""
    k = advice.kpis
    variant = f", variant {k.variant}" if k.variant else ""
    out = [
        f'<article class="advice" data-profile="{_e(k.profile_id)}">',
        f"<h1>Fractional CRO advice: {_e(k.profile_name)}</h1>",
        f"<p><em>Profile <code>{_e(k.profile_id)}</code>{_e(variant)}. "
        f"Sources: {_e('; '.join(k.sources))}.</em></p>",
        readiness_section(advice.readiness),
        "<h2>The KPI set</h2>",
    ]
    if k.notes:
        out.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in k.notes) + "</ul>")
    out += [
        kpi_section(k, level=3),
        cadence_section(advice.cadence, k),
        plan_section(advice.plan),
        cost_section(advice.cost),
        "</article>",
    ]
    return "\n".join(out)


def render_advice(advice: Advice) -> str:
    """A company's advice as a whole HTML page."""
    return _page(f"Fractional CRO advice: {advice.kpis.profile_name}", advice_fragment(advice))
