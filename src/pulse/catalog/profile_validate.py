"""Check an industry profile against the KPI catalog, collecting every problem with file:line.

The pydantic model already checks shapes and types; the rules here need the catalog (KPI ids,
directions, units, dimensions) or look across fields (stages vs probabilities, thresholds vs
healthy ranges). Each rule appends :class:`pulse.errors.Issue` objects; nothing stops at the
first problem. Messages start with the place in the file (``thresholds.nrr.red_above: ...``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pulse.catalog.models import (
    ID_RE,
    KPI,
    MAX_CORE,
    Direction,
    Owner,
    Profile,
    Threshold,
    Unit,
    normalize_stage,
)
from pulse.catalog.registry import load_catalog
from pulse.catalog.yamlio import line_of, load_yaml
from pulse.errors import CatalogError, Issue, PulseError, did_you_mean

PERIOD_RE = re.compile(r"^(month|quarter|year|next_quarter|rolling-[1-9][0-9]*[dmq])$")
PERIODS_EXPECTED = "month, quarter, year, next_quarter or rolling-<n>d|m|q (e.g. rolling-90d)"
# The weight keys the engine reads; ``tickets`` is the ``health_signals.support_tickets`` column.
HEALTH_SIGNALS = ("usage", "tickets", "nps")
HEALTH_SCORE_RANGE = (0.0, 100.0)
VARIANT_FACTS = ("motion", "revenue_model", "manufacturing_type")
NOT_OWNED_OWNERS = tuple(o.value for o in Owner if o is not Owner.CRO)
# A percent written as a whole number (20 instead of 0.20) is the commonest unit slip; no
# percent KPI in the catalog has a plausible value above this.
PERCENT_CEILING = 5.0
NON_NEGATIVE_UNITS = (Unit.DAYS, Unit.MONTHS, Unit.COUNT, Unit.RATIO)
WARNING = "warning"


class _Locator:
    """Finds the line of a dotted key, or of one list item under it, in the profile's file."""

    def __init__(self, path: Path | None):
        self.file = str(path) if path is not None else None
        self.data: dict[str, Any] = {}
        self.lines: list[str] = []
        if path is not None and path.is_file():
            try:
                self.data = load_yaml(path)
            except PulseError:
                self.data = {}
            self.lines = path.read_text(encoding="utf-8").splitlines()

    def line(self, dotted: str, item: str | None = None) -> int | None:
        """Line of ``dotted`` (as far as it resolves), or of ``item`` inside that key's block."""
        found = line_of(self.data, dotted) if self.data else None
        if found is None or item is None or not self.lines:
            return found
        start = found - 1
        indent = _indent(self.lines[start])
        pattern = re.compile(rf"(?<![\w]){re.escape(item)}(?![\w])")
        for index in range(start, len(self.lines)):
            text = self.lines[index]
            is_content = text.strip() and not text.lstrip().startswith("#")
            if index > start and is_content and _indent(text) <= indent:
                break
            if pattern.search(text.split("#", 1)[0]):
                return index + 1
        return found


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


class _Checker:
    """Runs every rule over one profile and keeps the issues found."""

    def __init__(self, profile: Profile, kpis: Mapping[str, KPI], path: Path | None):
        self.profile = profile
        self.kpis = kpis
        self.where = _Locator(path)
        self.issues: list[Issue] = []
        self.members = set(profile.kpis)

    def add(self, message: str, dotted: str, item: str | None = None, level: str = "error") -> None:
        self.issues.append(
            Issue(message, self.where.file, self.where.line(dotted, item), None, level)
        )

    # -- KPI ids -------------------------------------------------------------------------------
    def known(self, kpi_id: str, place: str, dotted: str, item: str | None = None) -> KPI | None:
        """Return the KPI or record an 'unknown KPI' issue with a did-you-mean."""
        kpi = self.kpis.get(kpi_id)
        if kpi is None:
            message = f"{place}: unknown KPI '{kpi_id}'"
            guess = did_you_mean(kpi_id, self.kpis)
            if guess:
                message += f". Did you mean '{guess}'?"
            self.add(message, dotted, item if item is not None else kpi_id)
        return kpi

    def member(self, kpi_id: str, place: str, dotted: str, level: str) -> None:
        if kpi_id in self.kpis and kpi_id not in self.members:
            self.add(
                f"{place}: '{kpi_id}' is not one of the profile's KPIs (core or supporting)",
                dotted,
                kpi_id,
                level,
            )

    # -- rules ---------------------------------------------------------------------------------
    def run(self) -> list[Issue]:
        self.check_sets()
        self.check_not_owned()
        self.check_thresholds(self.profile.thresholds, "thresholds")
        self.check_stages()
        self.check_splits()
        self.check_cadence()
        self.check_dashboard()
        self.check_health_score()
        self.check_variants()
        if not self.profile.sources:
            self.add(
                "sources: provenance is required; name the seed or document behind the numbers",
                "sources",
            )
        return sorted(self.issues, key=lambda i: (i.line is None, i.line or 0))

    def check_sets(self) -> None:
        p = self.profile
        if p.max_core > MAX_CORE:
            self.add(f"max_core: {p.max_core} is above the limit of {MAX_CORE}", "max_core")
        if p.max_core < 1:
            self.add(f"max_core: {p.max_core} must be at least 1", "max_core")
        if not p.core:
            self.add("core: at least one KPI is required", "core")
        if len(p.core) > p.max_core:
            self.add(f"core: {len(p.core)} KPIs, at most {p.max_core} allowed", "core")
        for field, ids in (("core", p.core), ("supporting", p.supporting)):
            seen: set[str] = set()
            for kpi_id in ids:
                if kpi_id in seen:
                    self.add(f"{field}: '{kpi_id}' is listed twice", field, kpi_id)
                seen.add(kpi_id)
                if field == "supporting" and kpi_id in p.core:
                    self.add(f"supporting: '{kpi_id}' is already in core", field, kpi_id)
                kpi = self.known(kpi_id, field, field)
                if kpi is not None and not kpi.public:
                    self.add(
                        f"{field}: '{kpi_id}' is a helper KPI (public: false), not one a CRO owns",
                        field,
                        kpi_id,
                    )
                if kpi is not None and kpi.activity_only:
                    self.add(f"{field}: '{kpi_id}' is activity data, not a KPI", field, kpi_id)

    def check_not_owned(self) -> None:
        for item, owner in self.profile.not_owned.items():
            dotted = f"not_owned.{item}"
            if not ID_RE.match(item) or "__" in item:
                self.add(f"not_owned: '{item}' must be a snake_case name", dotted)
            if item in self.members:
                self.add(f"not_owned: '{item}' is also one of the profile's KPIs", dotted)
            if owner == Owner.CRO.value:
                self.add(
                    f"{dotted}: the owner of something the CRO does not own cannot be 'cro'", dotted
                )
            elif owner not in NOT_OWNED_OWNERS:
                message = f"{dotted}: unknown owner '{owner}'"
                guess = did_you_mean(owner, NOT_OWNED_OWNERS)
                message += f". Did you mean '{guess}'?" if guess else ""
                self.add(f"{message} (owners: {', '.join(NOT_OWNED_OWNERS)})", dotted)

    def check_thresholds(self, thresholds: Mapping[str, Threshold], prefix: str) -> None:
        for kpi_id, threshold in thresholds.items():
            kpi = self.known(kpi_id, prefix, f"{prefix}.{kpi_id}", kpi_id)
            if prefix == "thresholds":
                self.member(kpi_id, prefix, f"{prefix}.{kpi_id}", WARNING)
            self.check_threshold(f"{prefix}.{kpi_id}", threshold, kpi)

    def check_threshold(self, place: str, t: Threshold, kpi: KPI | None) -> None:
        numbers = (t.target, t.red_below, t.red_above, t.healthy)
        if all(v is None for v in numbers):
            if t.period is None and not t.note:
                self.add(
                    f"{place}: empty threshold; omit it to mean 'no target'", place, level=WARNING
                )
            self.check_period(place, t)
            return
        if kpi is not None:
            self.check_direction(place, t, kpi.direction)
            self.check_units(place, t, kpi)
        if t.healthy is not None:
            self.check_healthy(place, t, t.healthy)
        if t.red_below is not None and t.red_above is not None and t.red_below >= t.red_above:
            self.add(
                f"{place}: red_below {t.red_below:g} must be below red_above {t.red_above:g}",
                f"{place}.red_below",
            )
        if t.target is not None:
            if t.red_below is not None and t.target < t.red_below:
                self.add(
                    f"{place}.target: {t.target:g} is past the red line (red_below {t.red_below:g})",
                    f"{place}.target",
                )
            elif t.red_above is not None and t.target > t.red_above:
                self.add(
                    f"{place}.target: {t.target:g} is past the red line (red_above {t.red_above:g})",
                    f"{place}.target",
                )
            elif t.healthy is not None and not t.healthy[0] <= t.target <= t.healthy[1]:
                self.add(
                    f"{place}.target: {t.target:g} lies outside the healthy range "
                    f"{_range(t.healthy)}",
                    f"{place}.target",
                    level=WARNING,
                )
        self.check_period(place, t)

    def check_healthy(self, place: str, t: Threshold, healthy: tuple[float, float]) -> None:
        low, high = healthy
        shown = _range(healthy)
        if low > high:
            self.add(
                f"{place}.healthy: range {shown} has its low end above its high end",
                f"{place}.healthy",
            )
        if t.red_below is not None and t.red_below > low:
            self.add(
                f"{place}.red_below: {t.red_below:g} lies inside the healthy range {shown}",
                f"{place}.red_below",
            )
        if t.red_above is not None and t.red_above < high:
            self.add(
                f"{place}.red_above: {t.red_above:g} lies inside the healthy range {shown}",
                f"{place}.red_above",
            )

    def check_direction(self, place: str, t: Threshold, direction: Direction) -> None:
        if direction is Direction.LOWER_IS_BETTER and t.red_below is not None:
            self.add(
                f"{place}.red_below: does not fit direction lower_is_better; use red_above",
                f"{place}.red_below",
            )
        if direction is Direction.HIGHER_IS_BETTER and t.red_above is not None:
            self.add(
                f"{place}.red_above: does not fit direction higher_is_better; use red_below",
                f"{place}.red_above",
            )

    def check_units(self, place: str, t: Threshold, kpi: KPI) -> None:
        named: list[tuple[str, float]] = [
            (name, value)
            for name, value in (
                ("target", t.target),
                ("red_below", t.red_below),
                ("red_above", t.red_above),
            )
            if value is not None
        ]
        if t.healthy is not None:
            named += [("healthy", v) for v in t.healthy]
        for name, value in named:
            if not math.isfinite(value):
                self.add(f"{place}.{name}: {value} is not a finite number", f"{place}.{name}")
            elif kpi.unit is Unit.PERCENT and abs(value) > PERCENT_CEILING:
                self.add(
                    f"{place}.{name}: {value:g} looks like a whole-number percentage; percent is "
                    f"a fraction here ({value / 100:g} = {value:g}%)",
                    f"{place}.{name}",
                )
            elif kpi.unit in NON_NEGATIVE_UNITS and value < 0:
                self.add(
                    f"{place}.{name}: {value:g} is negative, but {kpi.id} is in {kpi.unit.value}",
                    f"{place}.{name}",
                )

    def check_period(self, place: str, t: Threshold) -> None:
        if t.period is not None and not PERIOD_RE.match(t.period):
            self.add(
                f"{place}.period: '{t.period}' is not a period; expected {PERIODS_EXPECTED}",
                f"{place}.period",
            )

    def check_stages(self) -> None:
        p = self.profile
        listed: list[str] = []
        for stage in p.stages:
            canonical = normalize_stage(stage)
            if canonical != stage:
                self.add(
                    f"stages: '{stage}' must be lowercase words: '{canonical}'", "stages", stage
                )
            if canonical in listed:
                self.add(f"stages: '{stage}' is listed twice", "stages", stage)
            listed.append(canonical)
        for stage, probability in p.stage_probabilities.items():
            dotted = f"stage_probabilities.{stage}"
            if normalize_stage(stage) not in listed:
                message = f"stage_probabilities: stage '{stage}' is not in stages"
                guess = did_you_mean(stage, p.stages)
                self.add(message + (f". Did you mean '{guess}'?" if guess else ""), dotted)
            if not 0.0 <= probability <= 1.0:
                self.add(f"{dotted}: {probability:g} is outside [0, 1]", dotted)
        previous: tuple[str, float] | None = None
        for stage in p.stages:
            found = p.stage_probability(stage)
            if found is None:
                self.add(
                    f"stages: '{stage}' has no probability in stage_probabilities", "stages", stage
                )
                continue
            if previous is not None and found < previous[1]:
                self.add(
                    f"stage_probabilities.{stage}: {found:g} is below {previous[1]:g} for "
                    f"the earlier stage '{previous[0]}'",
                    f"stage_probabilities.{stage}",
                    level=WARNING,
                )
            previous = (stage, found)

    def check_splits(self) -> None:
        for kpi_id, dims in self.profile.required_splits.items():
            dotted = f"required_splits.{kpi_id}"
            kpi = self.known(kpi_id, "required_splits", dotted, kpi_id)
            self.member(kpi_id, "required_splits", dotted, WARNING)
            if kpi is None:
                continue
            for dim in dims:
                if dim in kpi.dimensions:
                    continue
                message = f"{dotted}: '{dim}' is not a dimension of {kpi_id}"
                guess = did_you_mean(dim, kpi.dimensions)
                if guess:
                    message += f". Did you mean '{guess}'?"
                declared = ", ".join(kpi.dimensions) if kpi.dimensions else "none"
                self.add(f"{message} (dimensions: {declared})", dotted, dim)

    def check_cadence(self) -> None:
        for kpi_id in self.profile.cadence:
            dotted = f"cadence.{kpi_id}"
            self.known(kpi_id, "cadence", dotted, kpi_id)
            self.member(kpi_id, "cadence", dotted, WARNING)

    def check_dashboard(self) -> None:
        placed: dict[str, str] = {}
        for section, ids in self.profile.dashboard.items():
            dotted = f"dashboard.{section.value}"
            for kpi_id in ids:
                self.known(kpi_id, dotted, dotted, kpi_id)
                self.member(kpi_id, dotted, dotted, "error")
                if kpi_id in placed:
                    self.add(
                        f"{dotted}: '{kpi_id}' is already in section '{placed[kpi_id]}'",
                        dotted,
                        kpi_id,
                    )
                placed.setdefault(kpi_id, section.value)

    def check_health_score(self) -> None:
        p = self.profile
        weights = p.health_score_weights
        for signal, weight in weights.items():
            dotted = f"health_score_weights.{signal}"
            if signal not in HEALTH_SIGNALS:
                message = f"health_score_weights: unknown signal '{signal}'"
                guess = did_you_mean(signal, HEALTH_SIGNALS)
                message += f". Did you mean '{guess}'?" if guess else ""
                self.add(f"{message} (signals: {', '.join(HEALTH_SIGNALS)})", dotted)
            if weight < 0:
                self.add(f"{dotted}: weight {weight:g} is negative", dotted)
        total = sum(weights.values())
        if weights and not math.isclose(total, 1.0, abs_tol=1e-9):
            self.add(
                f"health_score_weights: weights sum to {total:g}, expected 1",
                "health_score_weights",
            )
        if weights and "customer_health_score" not in self.members:
            self.add(
                "health_score_weights: customer_health_score is not one of the profile's KPIs",
                "health_score_weights",
                level=WARNING,
            )
        threshold = p.health_score_threshold
        if threshold is not None:
            low, high = HEALTH_SCORE_RANGE
            if not low <= threshold <= high:
                self.add(
                    f"health_score_threshold: {threshold:g} is outside the score's range "
                    f"[{low:g}, {high:g}]",
                    "health_score_threshold",
                )
            if not weights:
                self.add(
                    "health_score_threshold: set health_score_weights too",
                    "health_score_threshold",
                )

    def check_variants(self) -> None:
        p = self.profile
        if p.variants and p.variant_by is None:
            self.add(
                f"variant_by: required when variants are given; one of {', '.join(VARIANT_FACTS)}",
                "variants",
            )
        if p.variant_by is not None and p.variant_by not in VARIANT_FACTS:
            message = f"variant_by: unknown company fact '{p.variant_by}'"
            guess = did_you_mean(p.variant_by, VARIANT_FACTS)
            message += f". Did you mean '{guess}'?" if guess else ""
            self.add(f"{message} (facts: {', '.join(VARIANT_FACTS)})", "variant_by")
        for name, variant in p.variants.items():
            base = f"variants.{name}"
            if not ID_RE.match(name) or "__" in name:
                self.add(f"variants: '{name}' must be a snake_case name", base)
            if len(variant.focus) > p.max_core:
                self.add(
                    f"{base}.focus: {len(variant.focus)} KPIs, at most {p.max_core} allowed",
                    f"{base}.focus",
                )
            seen: set[str] = set()
            for kpi_id in variant.focus:
                if kpi_id in seen:
                    self.add(f"{base}.focus: '{kpi_id}' is listed twice", f"{base}.focus", kpi_id)
                seen.add(kpi_id)
                self.known(kpi_id, f"{base}.focus", f"{base}.focus", kpi_id)
                self.member(kpi_id, f"{base}.focus", f"{base}.focus", "error")
            self.check_thresholds(variant.thresholds, f"{base}.thresholds")


def _range(healthy: tuple[float, float]) -> str:
    return f"[{healthy[0]:g}, {healthy[1]:g}]"


def validate_profile(
    profile: Profile, kpis: Mapping[str, KPI], path: Path | None = None
) -> list[Issue]:
    """Every problem in ``profile`` against the catalog ``kpis``; errors and warnings.

    ``path`` (the profile's YAML file) adds the file and line to each issue where it can be
    found. An empty list means the profile is clean.
    """
    return _Checker(profile, kpis, path).run()


def errors_only(issues: Iterable[Issue]) -> list[Issue]:
    """The issues that make a profile unusable (warnings dropped)."""
    return [i for i in issues if i.level != WARNING]


def check_profile(
    profile: Profile, kpis: Mapping[str, KPI], path: Path | None = None
) -> list[Issue]:
    """Validate and raise a CatalogError listing every error; return the warnings."""
    issues = validate_profile(profile, kpis, path)
    errors = errors_only(issues)
    if errors:
        name = path.name if path is not None else profile.id
        raise CatalogError(
            f"invalid profile {name}: {len(errors)} problem{'s' if len(errors) != 1 else ''}",
            errors,
            hint="KPI ids and dimensions are listed by `pulse kpi list` and `pulse kpi show ID`",
        )
    return [i for i in issues if i.level == WARNING]


def catalog_kpis() -> dict[str, KPI]:
    """The KPI catalog's KPIs by id (loaded and validated once per process)."""
    return dict(load_catalog().kpis)
