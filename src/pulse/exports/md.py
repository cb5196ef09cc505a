"""The board pack as Markdown: readable as plain text, renders as tables anywhere."""

from __future__ import annotations

from pulse.exports.report import SECTION_TITLES, STATUS_LEGEND, BoardPack, KPIEntry

SENTENCE_PARTS = 4
MAX_PARTS = 10


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks)."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


def _scorecard(pack: BoardPack) -> list[str]:
    out = ["## Scorecard", ""]
    for section, entries in pack.sections.items():
        if not entries:
            continue
        out += [
            f"### {SECTION_TITLES.get(section, section.title())}",
            "",
            "| | KPI | Value | Target | Status | Trend | Cadence |",
            "|---|---|--:|--:|---|---|---|",
        ]
        for k in entries:
            out.append(
                f"| {'★' if k.core else ''} | {cell(k.name)} | {cell(k.value_text)} | "
                f"{cell(k.target_text)} | {k.status_label} | {cell(k.trend_text)} | {k.cadence} |"
            )
        out.append("")
    if pack.unavailable:
        out += ["Not shown:", ""]
        out += [f"- {cell(reason)}" for _, reason in pack.unavailable]
        out.append("")
    return out


def _kpi(k: KPIEntry) -> list[str]:
    star = " ★" if k.core else ""
    out = [
        f"### {k.name}{star}",
        "",
        f"**{k.value_text}** · target {k.target_text} · {k.status_label} · {k.trend_text} · "
        f"reviewed {k.cadence}",
        "",
    ]
    if k.series:
        out += [
            "| Period | " + " | ".join(cell(p.period) for p in k.series) + " |",
            "|---|" + "--:|" * len(k.series),
            "| Value | " + " | ".join(cell(p.text) for p in k.series) + " |",
            "",
        ]
    if k.explanation:
        out += [f"**Why it moved:** {k.explanation}", ""]
        shown = [p for p in k.parts if abs(p.contribution) > 1e-9]
        if len(shown) > SENTENCE_PARTS:  # the sentence names the largest four
            out += [f"- {p.text} from {p.name}" for p in shown[:MAX_PARTS]]
            if len(shown) > MAX_PARTS:
                out.append(f"- … and {len(shown) - MAX_PARTS} smaller parts")
            out.append("")
    if k.note:
        out += [f"_Note: {k.note}_", ""]
    return out


def render_markdown(pack: BoardPack) -> str:
    """The whole pack as one Markdown document."""
    out = [
        f"# {pack.title}",
        "",
        f"**Profile:** {pack.profile_name} (`{pack.profile_id}`) · **Period:** {pack.period_text}"
        + (f" · **As of:** {pack.as_of.isoformat()}" if pack.as_of else "")
        + f" · **Generated:** {pack.generated_at:%Y-%m-%d %H:%M} UTC · data version "
        f"{pack.data_version}",
        "",
        f"Status: {STATUS_LEGEND}. ★ marks a core KPI.",
        "",
        f"**Summary:** {pack.summary()}",
        "",
    ]
    out += _scorecard(pack)
    out += ["## KPIs", ""]
    for k in pack.kpis():
        out += _kpi(k)
    out += ["## Findings and actions", ""]
    if pack.findings_note:
        out += [f"_{pack.findings_note}_", ""]
    elif not pack.findings:
        out += ["No diagnostic rule tripped.", ""]
    for f in pack.findings:
        out += [
            f"### {f.symbol} {f.severity} — {f.title}",
            "",
            f"- **Evidence:** {f.evidence}",
            f"- **Action:** {f.action}",
            "",
        ]
    out += ["## Appendix A — Definitions", ""]
    for d in pack.definitions:
        out += [f"### {d.name} ({_code(d.id)})", "", d.description, ""]
        out.append(f"- **Formula:** {_code(d.formula)}")
        out.append(
            f"- **Unit:** {d.unit} · **Direction:** {d.direction} · **Category:** {d.category} · "
            f"**Owner:** {d.owner} · **Cadence:** {d.cadence}"
        )
        if d.conventions:
            out.append(f"- **Conventions:** {d.conventions}")
        if d.caveats:
            out.append(f"- **Caveats:** {d.caveats}")
        out.append(f"- **Data:** {d.needs}")
        out.append("")
    out += ["### Conventions", ""]
    out += [f"- {c}" for c in pack.conventions]
    out += ["", "## Appendix B — Data lineage", ""]
    if not pack.lineage:
        out += ["No imports recorded.", ""]
    else:
        out += [
            "| # | Imported (UTC) | Table | File | Mode | Rows read | Rows after | sha256 |",
            "|--:|---|---|---|---|--:|--:|---|",
        ]
        for row in pack.lineage:
            when = f"{row.imported_at:%Y-%m-%d %H:%M}" if row.imported_at else "—"
            out.append(
                f"| {row.import_id} | {when} | {cell(row.table)} | {cell(row.file)} | "
                f"{cell(row.mode)} | {_count(row.rows_read)} | {_count(row.rows_after)} | "
                f"`{row.sha256}` |"
            )
        out.append("")
    return "\n".join(out)


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def render(pack: BoardPack) -> bytes:
    """UTF-8 Markdown."""
    return render_markdown(pack).encode("utf-8")
