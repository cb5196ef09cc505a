"""Derive a starting profile for an industry the seeds do not cover, from its traits.

Traits: the recurring share of revenue, the sales motion (plg, sales_led, hybrid), the typical
sales cycle in days, whether hardware is sold, and the services share of revenue. A decision
tree picks the closest shipped profile as the base; blending rules then borrow KPIs (with the
thresholds, cadence and splits of the profile they come from) for the traits the base does
not cover. Every step is recorded as a sentence, written into the profile's ``description``
and as comments at the top of the file, so the person who edits it knows why each KPI is there.

The result is checked with :func:`pulse.catalog.profile_validate.check_profile` before it is
returned; KPIs the catalog does not hold yet are left out with a note instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from pulse.advise.facts import AdviceError, Motion
from pulse.advise.wording import share
from pulse.catalog.models import ID_RE, KPI, Profile, Threshold
from pulse.catalog.profile_validate import catalog_kpis, check_profile
from pulse.catalog.profiles import load_profile, parse_profile
from pulse.catalog.yamlio import load_yaml
from pulse.errors import Issue

#: More than half of revenue recurring: a subscription business (ARR, NRR first).
RECURRING_MAJORITY = 0.5
#: Services at least half of revenue: a services business.
SERVICES_MAJORITY = 0.5
#: Services at least this share: services margin matters next to the base's KPIs.
SERVICES_NOTABLE = 0.3
#: Recurring revenue at least this share in a one-off business: retention KPIs matter.
RECURRING_NOTABLE = 0.3
#: Sales-led software with cycles this long or longer sells like supply chain software.
LONG_CYCLE_DAYS = 180
#: Red line for the sales cycle: this many times the typical cycle (Pulse's rule).
CYCLE_RED_FACTOR = 1.5
KEY_ORDER = (
    "id",
    "name",
    "description",
    "core",
    "supporting",
    "not_owned",
    "thresholds",
    "stages",
    "stage_probabilities",
    "required_splits",
    "cadence",
    "dashboard",
    "health_score_weights",
    "health_score_threshold",
    "cycle_start",
    "variant_by",
    "variants",
    "max_core",
    "sources",
)


@dataclass(frozen=True)
class Traits:
    """What is known about the industry."""

    name: str
    recurring_share: float
    motion: Motion
    cycle_days: int
    hardware: bool
    services_content: float

    def __post_init__(self) -> None:
        if not ID_RE.match(self.name) or "__" in self.name:
            raise AdviceError(
                f"--name: '{self.name}' is not a profile id",
                hint="use lowercase letters, digits and single underscores, e.g. legal_tech",
            )
        for option, value in (
            ("--recurring-share", self.recurring_share),
            ("--services-content", self.services_content),
        ):
            if not 0.0 <= value <= 1.0:
                raise AdviceError(f"{option}: {value:g} is outside 0 to 1", hint="0.6 means 60%")
        if self.cycle_days <= 0:
            raise AdviceError(f"--cycle-days: {self.cycle_days} must be a positive number of days")

    def summary(self) -> str:
        """The traits in one line."""
        return (
            f"recurring share {share_f(self.recurring_share)}, motion {self.motion.value}, "
            f"typical cycle {self.cycle_days} days, hardware {'yes' if self.hardware else 'no'}, "
            f"services content {share_f(self.services_content)}"
        )


def share_f(value: float) -> str:
    """A float share as a percentage."""
    return share(Decimal(str(value)))


@dataclass
class _Draft:
    """The profile being built, and the reasons for each step."""

    base: Profile
    kpis: Mapping[str, KPI]
    core: list[str]
    supporting: list[str]
    not_owned: dict[str, str]
    thresholds: dict[str, Threshold]
    cadence: dict[str, str]
    splits: dict[str, list[str]]
    reasons: list[str] = field(default_factory=list)
    borrowed: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def members(self) -> list[str]:
        return [*self.core, *(k for k in self.supporting if k not in self.core)]

    def has(self, kpi_id: str) -> bool:
        return kpi_id in self.core or kpi_id in self.supporting

    def borrow(self, source: Profile, kpi_id: str, to_core: bool = False) -> bool:
        """Add a KPI with the source profile's threshold, cadence and splits."""
        if self.has(kpi_id):
            return False
        if kpi_id not in self.kpis:
            self.skipped.append(kpi_id)
            return False
        (self.core if to_core else self.supporting).append(kpi_id)
        self.not_owned.pop(kpi_id, None)
        self.copy_settings(source, kpi_id)
        if source.id != self.base.id:
            self.borrowed.setdefault(source.id, []).append(kpi_id)
        return True

    def copy_settings(self, source: Profile, kpi_id: str) -> None:
        if kpi_id in source.thresholds:
            threshold = source.thresholds[kpi_id]
            note = threshold.note
            if source.id != self.base.id:
                note = f"From the {source.id} profile. {note}".strip()
            self.thresholds[kpi_id] = threshold.model_copy(update={"note": note})
        if kpi_id in source.cadence:
            self.cadence[kpi_id] = source.cadence[kpi_id].value
        if kpi_id in source.required_splits:
            self.splits[kpi_id] = list(source.required_splits[kpi_id])

    def replace_core(self, old: str, new: str, source: Profile) -> bool:
        """Swap a core KPI for another (the old one moves to supporting)."""
        if old not in self.core or new not in self.kpis or self.has(new):
            return False
        self.core[self.core.index(old)] = new
        self.supporting.insert(0, old)
        self.copy_settings(source, new)
        if source.id != self.base.id:
            self.borrowed.setdefault(source.id, []).append(new)
        return True


def choose_base(traits: Traits) -> tuple[str, str]:
    """The shipped profile closest to the traits, and why."""
    recurring = traits.recurring_share >= RECURRING_MAJORITY
    if traits.hardware:
        if recurring:
            return "iot", (
                "Hardware with most revenue recurring: connected devices sold with software and "
                "service contracts, as in the iot profile (seed 004)."
            )
        return "manufacturing", (
            "Hardware with most revenue one-off: equipment deals with quotes, long cycles and "
            "a service tail, as in the manufacturing profile (seed 000)."
        )
    if traits.services_content >= SERVICES_MAJORITY:
        return "services", (
            f"Services are {share_f(traits.services_content)} of revenue: revenue counts only "
            "if it is delivered profitably, as in the services profile (seed 002)."
        )
    if recurring:
        if traits.motion in (Motion.PLG, Motion.HYBRID):
            return "martech", (
                f"Subscription software with a {traits.motion.value} motion: product-led "
                "conversion next to sales-led deals, as in the martech profile (seed 003)."
            )
        if traits.cycle_days >= LONG_CYCLE_DAYS:
            return "supply_chain_software", (
                f"Sales-led subscription software with {traits.cycle_days}-day cycles "
                f"({LONG_CYCLE_DAYS} or more): committee buying and proofs of concept, as in "
                "the supply_chain_software profile (seed 001)."
            )
        return "b2b_saas", (
            "Sales-led subscription software with ordinary cycles: the generic b2b_saas "
            "profile fits best."
        )
    return "b2b_saas", (
        "No hardware, services under half and most revenue one-off: no seed profile is close, "
        "so the generic b2b_saas profile is the start, with bookings in place of ARR."
    )


def _blend(draft: _Draft, traits: Traits, profiles: Mapping[str, Profile]) -> None:
    base = draft.base.id
    reasons = draft.reasons
    services, martech = profiles["services"], profiles["martech"]
    manufacturing, iot, saas = profiles["manufacturing"], profiles["iot"], profiles["b2b_saas"]

    one_off = base == "b2b_saas" and traits.recurring_share < RECURRING_MAJORITY
    if one_off and draft.replace_core("arr", "bookings", services):
        reasons.append(
            "Most revenue is one-off, so bookings replace ARR in the core set (ARR stays as "
            "a supporting KPI for the recurring part)."
        )
    if traits.services_content >= SERVICES_NOTABLE and base != "services":
        added = [k for k in ("services_gross_margin",) if draft.borrow(services, k)]
        for item in ("utilization_rate", "timesheet_compliance"):
            draft.not_owned.setdefault(item, services.not_owned.get(item, "operations"))
        if added:
            reasons.append(
                f"Services are {share_f(traits.services_content)} of revenue (at least "
                f"{share_f(SERVICES_NOTABLE)}): services gross margin joins from the services "
                "profile, and utilization stays with delivery."
            )
    if traits.hardware and base == "iot":
        added = [
            k for k in ("gross_margin", "service_attach_rate") if draft.borrow(manufacturing, k)
        ]
        if added:
            reasons.append(
                "Hardware is sold: gross margin and service attach rate join from the "
                "manufacturing profile, so pricing discipline on devices is watched."
            )
    if base == "manufacturing" and traits.recurring_share >= RECURRING_NOTABLE:
        added = [k for k in ("grr", "arr") if draft.borrow(iot if k == "grr" else saas, k)]
        if added:
            reasons.append(
                f"{share_f(traits.recurring_share)} of revenue recurs (at least "
                f"{share_f(RECURRING_NOTABLE)}): GRR (from the iot profile, blended across "
                "streams) and ARR join to watch the service base."
            )
    if base == "services" and traits.recurring_share >= RECURRING_MAJORITY:
        added = [k for k in ("arr", "grr") if draft.borrow(saas, k)]
        if added:
            reasons.append(
                "Most revenue recurs (retainers or subscriptions): ARR and GRR join from the "
                "b2b_saas profile."
            )
    if base != "martech":
        picked: tuple[str, ...] = ()
        if traits.motion is Motion.PLG:
            picked = ("pql_to_paid_rate", "self_serve_upgrade_rate", "activation_velocity_days")
        elif traits.motion is Motion.HYBRID:
            picked = ("pql_to_paid_rate",)
        added = [k for k in picked if draft.borrow(martech, k)]
        if added:
            reasons.append(
                f"The {traits.motion.value} motion brings the martech profile's product-led "
                f"KPIs: {', '.join(added)}."
            )
    long_cycle = traits.cycle_days >= LONG_CYCLE_DAYS
    if long_cycle and draft.replace_core(
        "pipeline_coverage", "weighted_pipeline_coverage", manufacturing
    ):
        reasons.append(
            f"Cycles of {traits.cycle_days} days are long: coverage is weighted by stage "
            "probability (as in manufacturing), since a deal at an early stage is far from "
            "revenue."
        )
    if not draft.has("sales_cycle_days"):
        draft.borrow(draft.base, "sales_cycle_days")
        if draft.has("sales_cycle_days"):
            reasons.append("The sales cycle is a trait of this industry, so its length is tracked.")
    if draft.has("sales_cycle_days"):
        red = round(traits.cycle_days * CYCLE_RED_FACTOR)
        draft.thresholds["sales_cycle_days"] = Threshold(
            healthy=(0, float(traits.cycle_days)),
            red_above=float(red),
            note=(
                f"Derived from the typical cycle of {traits.cycle_days} days: healthy up to it, "
                f"red beyond {CYCLE_RED_FACTOR:g} times it ({red} days), Pulse's rule for "
                "derived profiles. Set it from the company's own history."
            ),
        )
        reasons.append(
            f"Sales cycle targets come from the stated {traits.cycle_days}-day cycle: healthy up "
            f"to it, red beyond {red} days."
        )


def _variants(base: Profile, members: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, variant in base.variants.items():
        entry: dict[str, Any] = {"description": " ".join(variant.description.split())}
        focus = [k for k in variant.focus if k in members]
        if focus:
            entry["focus"] = focus
        thresholds = {k: _threshold_data(t) for k, t in variant.thresholds.items() if k in members}
        if thresholds:
            entry["thresholds"] = thresholds
        out[name] = entry
    return out


def _threshold_data(t: Threshold) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("target", "healthy", "red_below", "red_above", "period", "note"):
        value = getattr(t, key)
        if value is None or value == "":
            continue
        if key == "healthy":
            value = tuple(_plain(v) for v in value)
        elif isinstance(value, float):
            value = _plain(value)
        elif key == "note":
            value = " ".join(str(value).split())
        data[key] = value
    return data


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _title(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class DerivedProfile:
    """The derived profile: its data (as written to YAML), the loaded model, the reasons."""

    data: dict[str, Any]
    profile: Profile
    base: str
    reasons: tuple[str, ...]
    warnings: tuple[Issue, ...]

    def yaml(self) -> str:
        """The profile file: reasoning as comments, then the profile."""
        return render_yaml(self.data, self.reasons)


def derive_profile(traits: Traits, kpis: Mapping[str, KPI] | None = None) -> DerivedProfile:
    """Build, check and return a starting profile for ``traits``."""
    catalog = kpis if kpis is not None else catalog_kpis()
    names = ("manufacturing", "services", "martech", "iot", "supply_chain_software", "b2b_saas")
    profiles = {n: load_profile(n) for n in names}
    base_id, why = choose_base(traits)
    base = profiles[base_id]
    draft = _Draft(
        base=base,
        kpis=catalog,
        core=[],
        supporting=[],
        not_owned=dict(base.not_owned),
        thresholds={},
        cadence={},
        splits={},
        reasons=[f"Base: {base_id}. {why}"],
    )
    for kpi_id in base.core:
        draft.borrow(base, kpi_id, to_core=True)
    for kpi_id in base.supporting:
        draft.borrow(base, kpi_id)
    _blend(draft, traits, profiles)
    if draft.skipped:
        draft.reasons.append(
            "Left out because the KPI catalog does not hold them yet: "
            + ", ".join(dict.fromkeys(draft.skipped))
            + "."
        )
    draft.core = draft.core[: base.max_core]
    members = draft.members
    data = _profile_data(traits, draft, members)
    profile = parse_profile(data, Path(f"{traits.name}.yml"))
    warnings = check_profile(profile, catalog)
    return DerivedProfile(data, profile, base_id, tuple(draft.reasons), tuple(warnings))


def _profile_data(traits: Traits, draft: _Draft, members: list[str]) -> dict[str, Any]:
    base = draft.base
    borrowed = "; ".join(f"{src}: {', '.join(ids)}" for src, ids in draft.borrowed.items())
    description = (
        f"Derived by `pulse profile derive` from traits ({traits.summary()}). "
        + " ".join(draft.reasons)
        + " A starting point: set targets from the company's own baseline."
    )
    data: dict[str, Any] = {
        "id": traits.name,
        "name": _title(traits.name),
        "description": description,
        "core": list(draft.core),
        "supporting": [k for k in draft.supporting if k not in draft.core],
        "not_owned": {k: v for k, v in draft.not_owned.items() if k not in members},
        "thresholds": {k: _threshold_data(t) for k, t in draft.thresholds.items() if k in members},
        "stages": list(base.stages),
        "stage_probabilities": {s: _plain(p) for s, p in base.stage_probabilities.items()},
        "required_splits": {k: tuple(v) for k, v in draft.splits.items() if k in members},
        "cadence": {k: draft.cadence[k] for k in members if k in draft.cadence},
    }
    dashboard = {c.value: ids for c, ids in base.dashboard.items()}
    if dashboard and all(k in members for ids in dashboard.values() for k in ids):
        data["dashboard"] = dashboard
    if base.health_score_weights and "customer_health_score" in members:
        data["health_score_weights"] = {k: _plain(v) for k, v in base.health_score_weights.items()}
        if base.health_score_threshold is not None:
            data["health_score_threshold"] = _plain(base.health_score_threshold)
    if base.cycle_start != "created_at":
        data["cycle_start"] = base.cycle_start
    if base.variants and base.variant_by:
        data["variant_by"] = base.variant_by
        data["variants"] = _variants(base, members)
    if base.max_core != Profile.model_fields["max_core"].default:
        data["max_core"] = base.max_core
    sources = [
        f"pulse profile derive: {traits.summary()}",
        f"base profile {base.id}: " + "; ".join(base.sources),
    ]
    if borrowed:
        sources.append(f"blended from: {borrowed}")
    data["sources"] = sources
    return {k: data[k] for k in KEY_ORDER if k in data}


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key; tuples (healthy ranges) in flow style."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _flow_tuple(dumper: yaml.SafeDumper, value: tuple[Any, ...]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if len(value) > 80 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(tuple, _flow_tuple)
_Dumper.add_representer(str, _text)


def render_yaml(data: dict[str, Any], reasons: tuple[str, ...]) -> str:
    """The profile as YAML with the reasoning as leading comments."""
    header = [
        f"# {data['name']}: a starting profile derived by `pulse profile derive`.",
        "# Why each part is here:",
    ]
    for reason in reasons:
        header += _wrap_comment(reason)
    header += [
        "# Edit freely: targets are starting points. Check it with",
        f"#   pulse profile validate --dir <this folder> {data['id']}",
    ]
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=96,
        default_flow_style=False,
    )
    return "\n".join(header) + "\n" + body


def _wrap_comment(text: str, width: int = 96) -> list[str]:
    lines, current = [], "#   -"
    for word in text.split():
        if len(current) + 1 + len(word) > width:
            lines.append(current)
            current = "#    "
        current += " " + word
    lines.append(current)
    return lines


def write_profile(derived: DerivedProfile, output: Path) -> Path:
    """Write the profile to ``output`` (a file named ``<id>.yml``, or a folder) and check that
    the written file loads and validates. Returns the file's path."""
    path = output / f"{derived.profile.id}.yml" if output.is_dir() else output
    if path.suffix != ".yml" or path.stem != derived.profile.id:
        raise AdviceError(
            f"--output: '{output}' must be a folder or a file named {derived.profile.id}.yml",
            hint="profiles are loaded by file name: the file stem is the profile id",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(derived.yaml(), encoding="utf-8")
    loaded = parse_profile(load_yaml(path), path)
    check_profile(loaded, catalog_kpis(), path)
    return path
