"""The board pack's content, collected once and rendered by every format.

:func:`build_report` computes, for one workspace and period: the scorecard (the profile's KPIs in
the dashboard's sections, each with value, target, status and trend), every KPI's series for its
trend chart, the explanation of its last change (previous period → this one), the findings with
their actions, and the appendix — each KPI's definition with its formula and conventions, and the
data lineage (which imports, from which files, with their sha256 and row counts). The renderers
(:mod:`pulse.exports.md`, ``xlsx``, ``html``, ``pdf``, ``csvfile``, ``jsonfile``) only lay this
out; none of them computes anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pulse.catalog.models import KPI, Category, Profile, RatioFormula, Unit
from pulse.compute import Computer, KPIResult
from pulse.errors import PulseError
from pulse.findings import Finding, evaluate
from pulse.format import format_value
from pulse.periods import Period, parse_period
from pulse.scorecard import build_scorecard
from pulse.workspace.store import Workspace

SECTION_TITLES = {
    Category.LEADING.value: "Leading indicators",
    Category.LAGGING.value: "Lagging indicators",
    Category.HEALTH.value: "Health",
}
SEVERITY_SYMBOLS = {"red": "✗", "amber": "!", "info": "?"}
STATUS_LEGEND = "✓ green · ! amber · ✗ red · · no target · ? missing data"

#: What every number in the pack means; printed in the appendix of every format.
CONVENTIONS = (
    "Periods include both their first and last day; the trend compares a KPI with the previous "
    "period of the same length.",
    "Ratios are ratios of sums (never averages of ratios), so every change splits into "
    "numerator and denominator moves, and per segment into rate and mix effects.",
    "An explanation's parts add up to the whole change between the two periods.",
    "Percentages are shown as percent; in the workbook they are stored as fractions "
    "(0.25 = 25%) with a percent format.",
    f"Status: {STATUS_LEGEND}. Targets and red lines come from the industry profile unless "
    "the workspace overrides them.",
    "Missing data is a status, not a zero: a KPI whose inputs are not loaded shows no number "
    "and names what to load.",
)


@dataclass(frozen=True)
class Point:
    """One period of a KPI's series."""

    period: str
    value: float | None
    text: str
    status: str


@dataclass(frozen=True)
class Part:
    """One driver of a KPI's last change."""

    name: str
    contribution: float
    text: str


@dataclass
class KPIEntry:
    """One KPI in the pack: its value for the period, its series and its last change."""

    id: str
    name: str
    section: str
    core: bool
    cadence: str
    unit: str
    direction: str
    description: str
    value: float | None
    value_text: str
    target: float | None
    target_text: str
    status: str
    status_symbol: str
    trend_direction: str
    trend_arrow: str
    trend_assessment: str
    previous: float | None
    previous_text: str
    previous_period: str
    change: float | None
    series: list[Point]
    explanation: str | None = None
    explanation_method: str | None = None
    parts: list[Part] = field(default_factory=list)
    note: str | None = None

    @property
    def status_word(self) -> str:
        """green, amber, red, no target, missing data."""
        return self.status.replace("_", " ")

    @property
    def status_label(self) -> str:
        """Symbol and word, so status never rests on colour alone."""
        return f"{self.status_symbol} {self.status_word}"

    @property
    def trend_text(self) -> str:
        """E.g. ``↑ better than 2024-Q1 (25.0%)``."""
        if self.trend_direction == "unknown":
            return "no previous value"
        if self.trend_direction == "flat":
            return f"→ same as {self.previous_period}"
        judged = "" if self.trend_assessment == "unknown" else f" {self.trend_assessment}"
        side = "up" if self.trend_direction == "up" else "down"
        word = f"{judged} than" if judged else f" {side} from"
        return f"{self.trend_arrow}{word} {self.previous_period} ({self.previous_text})"

    @property
    def trend_short(self) -> str:
        """E.g. ``↑ better, was 25.0%`` (for tables whose header names the previous period)."""
        if self.trend_direction == "unknown":
            return "—"
        if self.trend_direction == "flat":
            return "→ same"
        judged = (
            self.trend_assessment if self.trend_assessment != "unknown" else self.trend_direction
        )
        return f"{self.trend_arrow} {judged}, was {self.previous_text}"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kpi": self.id,
            "name": self.name,
            "section": self.section,
            "core": self.core,
            "cadence": self.cadence,
            "unit": self.unit,
            "direction": self.direction,
            "value": self.value,
            "value_text": self.value_text,
            "target": self.target,
            "target_text": self.target_text,
            "status": self.status,
            "status_symbol": self.status_symbol,
            "trend": {
                "direction": self.trend_direction,
                "assessment": self.trend_assessment,
                "previous": self.previous,
                "previous_period": self.previous_period,
                "change": self.change,
                "text": self.trend_text,
            },
            "series": [
                {"period": p.period, "value": p.value, "text": p.text, "status": p.status}
                for p in self.series
            ],
            "explanation": None
            if self.explanation is None
            else {
                "sentence": self.explanation,
                "method": self.explanation_method,
                "parts": [
                    {"name": p.name, "contribution": p.contribution, "text": p.text}
                    for p in self.parts
                ],
            },
            "note": self.note,
        }


@dataclass(frozen=True)
class FindingEntry:
    """A finding with a stable id (rule, KPI and subject — not its numbers)."""

    id: str
    rule: str
    kpi: str
    kpi_name: str
    severity: str
    title: str
    evidence: str
    action: str

    @property
    def symbol(self) -> str:
        """✗ red, ! amber, ? info."""
        return SEVERITY_SYMBOLS.get(self.severity, "·")

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "rule": self.rule,
            "kpi": self.kpi,
            "kpi_name": self.kpi_name,
            "severity": self.severity,
            "title": self.title,
            "evidence": self.evidence,
            "action": self.action,
        }


@dataclass(frozen=True)
class Definition:
    """A KPI's definition for the appendix."""

    id: str
    name: str
    category: str
    unit: str
    direction: str
    owner: str
    cadence: str
    formula: str
    description: str
    why: str
    conventions: str
    caveats: str
    needs: str

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class LineageRow:
    """One import that put data into the workspace."""

    import_id: int
    imported_at: datetime | None
    table: str
    file: str
    sha256: str
    mapping: str
    mode: str
    rows_read: int | None
    rows_inserted: int | None
    rows_updated: int | None
    rows_unchanged: int | None
    rows_after: int | None
    note: str

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dict(self.__dict__)
        out["imported_at"] = self.imported_at.isoformat() if self.imported_at else None
        return out


@dataclass
class BoardPack:
    """Everything a board pack shows, in every format."""

    workspace: str
    profile_id: str
    profile_name: str
    currency: str
    period: Period
    as_of: date | None
    generated_at: datetime
    data_version: int
    sections: dict[str, list[KPIEntry]]
    findings: list[FindingEntry]
    definitions: list[Definition]
    lineage: list[LineageRow]
    unavailable: list[tuple[str, str]] = field(default_factory=list)
    findings_note: str | None = None
    conventions: tuple[str, ...] = CONVENTIONS

    @property
    def title(self) -> str:
        """The pack's title."""
        return f"Board pack — {self.workspace} — {self.period.label}"

    @property
    def period_text(self) -> str:
        """``2024-Q2 (2024-04-01 to 2024-06-30)``."""
        p = self.period
        return f"{p.label} ({p.start.isoformat()} to {p.end.isoformat()})"

    def kpis(self) -> list[KPIEntry]:
        """Every KPI, section by section."""
        return [k for entries in self.sections.values() for k in entries]

    def series_labels(self) -> list[str]:
        """The period labels of the series (oldest first), the same for every KPI."""
        labels: list[str] = []
        for k in self.kpis():
            for point in k.series:
                if point.period not in labels:
                    labels.append(point.period)
        return labels

    def counts(self) -> dict[str, int]:
        """How many KPIs have each status."""
        out: dict[str, int] = {}
        for k in self.kpis():
            out[k.status] = out.get(k.status, 0) + 1
        return out

    def summary(self) -> str:
        """One line: KPIs by status and findings by severity."""
        counts = self.counts()
        order = [
            ("red", "✗ red"),
            ("amber", "! amber"),
            ("green", "✓ green"),
            ("no_target", "· no target"),
            ("missing_data", "? missing data"),
        ]
        kpis = ", ".join(f"{counts[s]} {label}" for s, label in order if counts.get(s))
        red = sum(1 for f in self.findings if f.severity == "red")
        tripped = sum(1 for f in self.findings if f.severity != "info")
        return (
            f"{len(self.kpis())} KPIs: {kpis or 'none'}. "
            f"{tripped} finding{'s' if tripped != 1 else ''} ({red} red)."
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (the ``json`` export)."""
        return {
            "workspace": self.workspace,
            "profile": {"id": self.profile_id, "name": self.profile_name},
            "currency": self.currency,
            **self.period.to_json(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "data_version": self.data_version,
            "sections": {s: [k.to_json() for k in ks] for s, ks in self.sections.items()},
            "unavailable": [{"kpi": k, "reason": r} for k, r in self.unavailable],
            "summary": self.summary(),
            "findings": [f.to_json() for f in self.findings],
            "findings_note": self.findings_note,
            "appendix": {
                "definitions": [d.to_json() for d in self.definitions],
                "conventions": list(self.conventions),
                "lineage": [row.to_json() for row in self.lineage],
            },
        }


# -- helpers ----------------------------------------------------------------------------------


def finding_id(finding: Finding) -> str:
    """A finding's stable identity: its rule, KPI and subject (e.g. the segment), never its numbers.

    The same problem in the same period keeps its id when the data is re-imported, so alerts can
    tell a new finding from one already sent.
    """
    subject = [
        f"{key}={value}"
        for key, value in sorted(finding.numbers.items())
        if key in ("dimension", "segment")
    ]
    base = f"{finding.rule}:{finding.kpi}"
    if not subject:
        return base
    digest = hashlib.sha256("|".join(subject).encode()).hexdigest()[:10]
    return f"{base}:{digest}"


def formula_text(kpi: KPI) -> str:
    """The formula as a person reads it (as ``pulse kpi show`` prints it)."""
    f = kpi.formula
    if isinstance(f, RatioFormula):
        scale = f" × {f.scale:g}" if f.scale != 1 else ""
        return f"({f.numerator}) ÷ ({f.denominator}){scale}"
    return f.expr


def change_text(value: float, unit: Unit | str, currency: str) -> str:
    """A signed change in the KPI's unit: ``+1.5 pts``, ``−$1,200``, ``+0.40×``."""
    unit = Unit(unit)
    if unit == Unit.PERCENT:
        return f"{value * 100:+.1f} pts"
    return ("+" if value >= 0 else "−") + format_value(abs(value), unit, currency)


def section_of(kpi: KPI, profile: Profile) -> str:
    """The dashboard section of ``kpi``: the profile's grouping, else its category."""
    for section, ids in profile.dashboard.items():
        if kpi.id in ids:
            return section.value
    return kpi.category.value


def kpi_entry(
    computer: Computer,
    profile: Profile,
    result: KPIResult,
    history: list[KPIResult],
    core: bool,
) -> KPIEntry:
    """A KPI's pack entry from its result and history (no explanation yet)."""
    kpi = result.kpi
    currency = computer.workspace.settings.currency
    unit = kpi.unit
    previous_period = result.period.previous().label
    return KPIEntry(
        id=kpi.id,
        name=kpi.name,
        section=section_of(kpi, profile),
        core=core,
        cadence=profile.cadence.get(kpi.id, kpi.cadence).value,
        unit=unit.value,
        direction=kpi.direction.value,
        description=kpi.description,
        value=result.value,
        value_text=format_value(result.value, unit, currency),
        target=result.target,
        target_text=format_value(result.target, unit, currency)
        if result.target is not None
        else "—",
        status=result.status.value,
        status_symbol=result.status.symbol,
        trend_direction=result.trend.direction,
        trend_arrow=result.trend.arrow,
        trend_assessment=result.trend.assessment,
        previous=result.trend.previous,
        previous_text=format_value(result.trend.previous, unit, currency),
        previous_period=previous_period,
        change=result.trend.change,
        series=[
            Point(h.period.label, h.value, format_value(h.value, unit, currency), h.status.value)
            for h in history
        ],
        note=result.missing,
    )


def _explain(computer: Computer, entry: KPIEntry, period: Period, as_of: date | None) -> None:
    """Attach the explanation of the last change (previous period → ``period``)."""
    from pulse.explain import Explainer

    if entry.value is None:
        return
    if entry.previous is None:
        entry.note = entry.note or f"no value in {entry.previous_period} to compare with"
        return
    try:
        found = Explainer(computer).explain(entry.id, period.previous(), period, [], as_of)
    except PulseError as exc:
        entry.note = f"the change could not be explained: {exc.message}"
        return
    currency = computer.workspace.settings.currency
    entry.explanation = found.sentence
    entry.explanation_method = found.method
    entry.parts = [
        Part(p.name, p.contribution, change_text(p.contribution, entry.unit, currency))
        for p in sorted(found.parts, key=lambda p: -abs(p.contribution))
    ]


def _definition(kpi: KPI, profile: Profile) -> Definition:
    return Definition(
        id=kpi.id,
        name=kpi.name,
        category=kpi.category.value,
        unit=kpi.unit.value,
        direction=kpi.direction.value.replace("_", " "),
        owner=kpi.owner.value.replace("_", " "),
        cadence=profile.cadence.get(kpi.id, kpi.cadence).value,
        formula=formula_text(kpi),
        description=kpi.description.strip(),
        why=kpi.docs.why.strip(),
        conventions=kpi.docs.conventions.strip(),
        caveats=kpi.docs.caveats.strip(),
        needs="; ".join(f"{t} ({', '.join(c)})" for t, c in kpi.needs.items())
        or "the KPIs it references",
    )


def lineage(workspace: Workspace) -> list[LineageRow]:
    """Every import into the workspace, oldest first."""

    def count(value: Any) -> int | None:
        return None if value is None else int(value)

    return [
        LineageRow(
            import_id=int(row["import_id"]),
            imported_at=row.get("imported_at"),
            table=str(row.get("table_name") or ""),
            file=str(row.get("file_name") or ""),
            sha256=str(row.get("sha256") or ""),
            mapping=str(row.get("mapping") or ""),
            mode=str(row.get("mode") or ""),
            rows_read=count(row.get("rows_read")),
            rows_inserted=count(row.get("rows_inserted")),
            rows_updated=count(row.get("rows_updated")),
            rows_unchanged=count(row.get("rows_unchanged")),
            rows_after=count(row.get("rows_after")),
            note=str(row.get("note") or ""),
        )
        for row in workspace.import_log()
    ]


# -- the one entry point ----------------------------------------------------------------------


def build_report(
    workspace: Workspace,
    period: Period | str,
    *,
    computer: Computer | None = None,
    profile: Profile | None = None,
    as_of: date | None = None,
    history: int = 6,
    today: date | None = None,
    generated_at: datetime | None = None,
) -> BoardPack:
    """Collect the board pack of ``workspace`` for ``period``.

    ``profile`` (default: the computer's, i.e. the workspace's profile) picks the KPIs — pass the
    KPI set in force when it differs. Each KPI's series holds ``history`` periods, ``period``
    the last. A ``computer`` passed in is used and left open; otherwise one is opened and closed
    here.
    """
    own = computer is None
    comp = computer or Computer(workspace, profile=profile, today=today)
    try:
        if isinstance(period, str):
            period = parse_period(period, as_of, workspace.settings.fiscal_year_start_month)
        chosen = profile or comp.profile
        sections: dict[str, list[KPIEntry]] = {c.value: [] for c in Category}
        unavailable: list[tuple[str, str]] = []
        definitions: list[Definition] = []
        for kpi_id in chosen.kpis:
            if kpi_id not in comp.catalog.kpis:
                unavailable.append(
                    (kpi_id, f"'{kpi_id}' is in the profile but not in the KPI catalog")
                )
                continue
            kpi = comp.catalog.get(kpi_id)
            try:
                card = build_scorecard(comp, period, as_of, history, kpi_ids=[kpi_id])
            except PulseError as exc:
                unavailable.append((kpi_id, f"{kpi.name} could not be computed: {exc.message}"))
                continue
            for line in card.lines():
                entry = kpi_entry(comp, chosen, line.result, line.history, kpi_id in chosen.core)
                _explain(comp, entry, period, as_of)
                sections.setdefault(entry.section, []).append(entry)
            definitions.append(_definition(kpi, chosen))
        for entries in sections.values():
            entries.sort(key=lambda e: not e.core)  # core KPIs first, else profile order
        findings: list[FindingEntry] = []
        note = None
        try:
            for f in evaluate(comp, period, as_of):
                name = comp.catalog.kpis[f.kpi].name if f.kpi in comp.catalog.kpis else f.kpi
                findings.append(
                    FindingEntry(
                        finding_id(f),
                        f.rule,
                        f.kpi,
                        name,
                        f.severity,
                        f.title,
                        f.evidence,
                        f.action,
                    )
                )
        except PulseError as exc:
            note = f"the findings could not be evaluated: {exc.message}"
        return BoardPack(
            workspace=workspace.name,
            profile_id=chosen.id,
            profile_name=chosen.name,
            currency=workspace.settings.currency,
            period=period,
            as_of=as_of,
            generated_at=generated_at or datetime.now(UTC),
            data_version=workspace.data_version(),
            sections=sections,
            findings=findings,
            definitions=definitions,
            lineage=lineage(workspace),
            unavailable=unavailable,
            findings_note=note,
        )
    finally:
        if own:
            comp.close()
