"""``pulse profile list|show|diff|validate``: the industry profiles, readable and comparable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pulse.catalog.models import KPI, Category, Profile, Threshold, Unit, normalize_stage
from pulse.catalog.profile_validate import WARNING, catalog_kpis, validate_profile
from pulse.catalog.profiles import list_profiles, load_profile, profile_paths
from pulse.cli.advise import derive_command
from pulse.docsgen.profiles import FACT_LABELS, format_number, render_profile, threshold_cells
from pulse.errors import CatalogError, Issue, PulseError

app = typer.Typer(help="Industry profiles: list, show, diff, validate.", no_args_is_help=True)

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="Output format.")]
DirsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--dir",
        help="Folder of local profile files; they override shipped ones with the same id.",
        show_default=False,
    ),
]
THRESHOLD_FIELDS = ("target", "healthy", "red_below", "red_above", "period")
SETTING_FIELDS = (
    "max_core",
    "cycle_start",
    "variant_by",
    "health_score_weights",
    "health_score_threshold",
    "dashboard",
)
UNCATEGORIZED = "uncategorized"


def _check_format(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise PulseError(f"unknown format '{value}'", hint=f"valid formats: {', '.join(allowed)}")


def _dirs(dirs: list[Path] | None) -> tuple[Path, ...]:
    return tuple(dirs or ())


def _console() -> Console:
    return Console(width=160, highlight=False)


def group_by_category(ids: list[str], kpis: dict[str, KPI]) -> dict[str, list[str]]:
    """KPI ids grouped leading / lagging / health (catalog order), unknown ids last."""
    groups: dict[str, list[str]] = {c.value: [] for c in Category}
    for kpi_id in ids:
        kpi = kpis.get(kpi_id)
        groups.setdefault(kpi.category.value if kpi else UNCATEGORIZED, []).append(kpi_id)
    return {name: members for name, members in groups.items() if members}


# -- list --------------------------------------------------------------------------------------
@app.command("list")
def list_(format: FormatOpt = "table", dirs: DirsOpt = None) -> None:
    """List the industry profiles (shipped, and local ones from --dir)."""
    _check_format(format, ("table", "json"))
    profiles = list_profiles(_dirs(dirs))
    if format == "json":
        rows = [
            p.model_dump(
                mode="json",
                include={"id", "name", "description", "core", "supporting", "max_core", "sources"},
            )
            for p in profiles
        ]
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("id", "name", "core", "supporting", "variants", box=None)
    for p in profiles:
        table.add_row(
            p.id,
            p.name,
            f"{len(p.core)}/{p.max_core}",
            str(len([k for k in p.supporting if k not in p.core])),
            ", ".join(p.variants) or "—",
        )
    _console().print(table)


# -- show --------------------------------------------------------------------------------------
@app.command("show")
def show(
    profile_id: Annotated[str, typer.Argument(metavar="ID", help="Profile id.")],
    format: FormatOpt = "table",
    variant: Annotated[
        str | None, typer.Option(help="Apply a variant (e.g. plg, retainer, discrete).")
    ] = None,
    dirs: DirsOpt = None,
) -> None:
    """Show a profile: KPIs by category, thresholds, stages, not owned, variants."""
    _check_format(format, ("table", "json", "md"))
    profile = load_profile(profile_id, _dirs(dirs))
    if variant is not None:
        profile = profile.with_variant(variant)
    kpis = catalog_kpis()
    if format == "json":
        payload = profile.model_dump(mode="json")
        payload["path"] = str(profile_paths(_dirs(dirs))[profile.id])
        payload["variant"] = variant
        payload["groups"] = {
            "core": group_by_category(profile.core, kpis),
            "supporting": group_by_category(
                [k for k in profile.supporting if k not in profile.core], kpis
            ),
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if format == "md":
        typer.echo(render_profile(profile, kpis, level=1, variant=variant), nl=False)
        return
    _print_profile(profile, kpis, variant)


def _kpi_rows(profile: Profile, ids: list[str], kpis: dict[str, KPI]) -> Table:
    table = Table("category", "kpi", "name", "target", "healthy", "red", "cadence", "split by")
    table.box = None
    for category, members in group_by_category(ids, kpis).items():
        for index, kpi_id in enumerate(members):
            kpi = kpis.get(kpi_id)
            target, healthy, red = threshold_cells(profile.thresholds.get(kpi_id), kpi)
            cadence = profile.cadence.get(kpi_id) or (kpi.cadence if kpi else None)
            table.add_row(
                category if index == 0 else "",
                kpi_id,
                kpi.name if kpi else "—",
                target,
                healthy,
                red,
                cadence.value if cadence else "—",
                ", ".join(profile.required_splits.get(kpi_id, [])) or "—",
            )
    return table


def _print_profile(profile: Profile, kpis: dict[str, KPI], variant: str | None) -> None:
    console = _console()
    title = f"{profile.name} ({profile.id})" + (f", variant {variant}" if variant else "")
    console.print(f"[bold]{title}[/bold]")
    if profile.description:
        console.print(profile.description)
    console.print("sources: " + "; ".join(profile.sources))
    console.print(f"\n[bold]core KPIs[/bold] ({len(profile.core)} of at most {profile.max_core})")
    console.print(_kpi_rows(profile, profile.core, kpis))
    supporting = [k for k in profile.supporting if k not in profile.core]
    if supporting:
        console.print("\n[bold]supporting KPIs[/bold]")
        console.print(_kpi_rows(profile, supporting, kpis))
    notes = [(k, t) for k, t in profile.thresholds.items() if t.note or t.period]
    if notes:
        console.print("\n[bold]notes[/bold]")
        for kpi_id, t in notes:
            window = f" (window: {t.period})" if t.period else ""
            console.print(f"  {kpi_id}{window}: {t.note}".rstrip(": "))
    if profile.stages:
        console.print("\n[bold]stages[/bold]")
        for number, stage in enumerate(profile.stages, start=1):
            probability = profile.stage_probability(stage)
            shown = "—" if probability is None else format_number(probability, Unit.PERCENT)
            console.print(f"  {number}. {stage}: {shown}")
    if profile.not_owned:
        console.print("\n[bold]not owned[/bold]")
        for item, owner in profile.not_owned.items():
            console.print(f"  {item} → {owner}")
    if profile.variants:
        fact = FACT_LABELS.get(profile.variant_by or "", profile.variant_by or "company fact")
        console.print(f"\n[bold]variants[/bold] (by {fact})")
        for name, v in profile.variants.items():
            focus = f" focus: {', '.join(v.focus)}." if v.focus else ""
            console.print(f"  {name}: {v.description}{focus}")
    extras = []
    if profile.cycle_start != "created_at":
        extras.append(f"  sales cycle counts from {profile.cycle_start}")
    if profile.health_score_weights:
        weights = ", ".join(f"{k} {w:g}" for k, w in profile.health_score_weights.items())
        extras.append(f"  health score weights: {weights}")
    if profile.health_score_threshold is not None:
        extras.append(f"  health score intervention below {profile.health_score_threshold:g}")
    if extras:
        console.print("\n[bold]settings[/bold]")
        for line in extras:
            console.print(line)


# -- diff --------------------------------------------------------------------------------------
def _added_removed(a: list[str], b: list[str]) -> dict[str, list[str]]:
    return {"added": [k for k in b if k not in a], "removed": [k for k in a if k not in b]}


def _threshold_fields(t: Threshold) -> dict[str, Any]:
    dumped = t.model_dump(mode="json", include=set(THRESHOLD_FIELDS))
    return {k: v for k, v in dumped.items() if v is not None}


def diff_profiles(a: Profile, b: Profile) -> dict[str, Any]:
    """What changes from profile ``a`` to profile ``b``.

    KPIs, thresholds, stages, not-owned items, variants and settings are compared in full;
    required splits and cadence only for KPIs both profiles hold (an added KPI's are shown by
    ``pulse profile show``). Threshold notes are not compared.
    """
    out: dict[str, Any] = {"a": a.id, "b": b.id}
    out["core"] = _added_removed(a.core, b.core)
    out["supporting"] = _added_removed(a.supporting, b.supporting)

    changed: dict[str, dict[str, list[Any]]] = {}
    for kpi_id in a.thresholds.keys() & b.thresholds.keys():
        fa, fb = _threshold_fields(a.thresholds[kpi_id]), _threshold_fields(b.thresholds[kpi_id])
        fields = {f: [fa.get(f), fb.get(f)] for f in THRESHOLD_FIELDS if fa.get(f) != fb.get(f)}
        if fields:
            changed[kpi_id] = fields
    out["thresholds"] = {
        "added": {
            k: _threshold_fields(t) for k, t in b.thresholds.items() if k not in a.thresholds
        },
        "removed": {
            k: _threshold_fields(t) for k, t in a.thresholds.items() if k not in b.thresholds
        },
        "changed": {k: changed[k] for k in sorted(changed)},
    }

    stages_a = [normalize_stage(s) for s in a.stages]
    stages_b = [normalize_stage(s) for s in b.stages]
    common = [s for s in stages_a if s in stages_b]
    probabilities = {
        s: [a.stage_probability(s), b.stage_probability(s)]
        for s in common
        if a.stage_probability(s) != b.stage_probability(s)
    }
    out["stages"] = {
        **_added_removed(stages_a, stages_b),
        "reordered": common != [s for s in stages_b if s in stages_a],
        "probabilities": probabilities,
    }

    out["not_owned"] = {
        "added": {k: v for k, v in b.not_owned.items() if k not in a.not_owned},
        "removed": {k: v for k, v in a.not_owned.items() if k not in b.not_owned},
        "changed": {
            k: [a.not_owned[k], b.not_owned[k]]
            for k in a.not_owned
            if k in b.not_owned and a.not_owned[k] != b.not_owned[k]
        },
    }
    shared = [k for k in a.kpis if k in b.kpis]
    out["required_splits"] = _mapping_changes(a.required_splits, b.required_splits, shared)
    out["cadence"] = _mapping_changes(
        {k: v.value for k, v in a.cadence.items()},
        {k: v.value for k, v in b.cadence.items()},
        shared,
    )
    out["variants"] = {
        **_added_removed(list(a.variants), list(b.variants)),
        "changed": [n for n in a.variants if n in b.variants and a.variants[n] != b.variants[n]],
    }
    dump_a, dump_b = a.model_dump(mode="json"), b.model_dump(mode="json")
    out["settings"] = {f: [dump_a[f], dump_b[f]] for f in SETTING_FIELDS if dump_a[f] != dump_b[f]}
    out["same"] = not any(_has_changes(v) for k, v in out.items() if k not in ("a", "b"))
    return out


def _mapping_changes(
    a: Mapping[str, Any], b: Mapping[str, Any], keys: list[str]
) -> dict[str, list[Any]]:
    return {k: [a.get(k), b.get(k)] for k in keys if a.get(k) != b.get(k)}


def _has_changes(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_changes(v) for v in value.values())
    if isinstance(value, list):
        return bool(value)
    return bool(value)


def _diff_lines(d: dict[str, Any]) -> list[str]:
    lines = [f"{d['a']} → {d['b']}"]
    if d["same"]:
        return [*lines, "no differences"]
    for section in ("core", "supporting"):
        part = d[section]
        if part["added"] or part["removed"]:
            lines.append(f"{section}:")
            lines += [f"  + {k}" for k in part["added"]]
            lines += [f"  - {k}" for k in part["removed"]]
    t = d["thresholds"]
    if t["added"] or t["removed"] or t["changed"]:
        lines.append("thresholds:")
        lines += [f"  + {k}: {_fields(v)}" for k, v in t["added"].items()]
        lines += [f"  - {k}: {_fields(v)}" for k, v in t["removed"].items()]
        for kpi_id, fields in t["changed"].items():
            lines += [
                f"  ~ {kpi_id}.{f}: {_shown(old)} → {_shown(new)}"
                for f, (old, new) in fields.items()
            ]
    s = d["stages"]
    if s["added"] or s["removed"] or s["reordered"] or s["probabilities"]:
        lines.append("stages:")
        lines += [f"  + {k}" for k in s["added"]]
        lines += [f"  - {k}" for k in s["removed"]]
        lines += [
            f"  ~ {k}: {_shown(old)} → {_shown(new)}"
            for k, (old, new) in s["probabilities"].items()
        ]
        if s["reordered"]:
            lines.append("  ~ order of the common stages changed")
    n = d["not_owned"]
    if n["added"] or n["removed"] or n["changed"]:
        lines.append("not owned:")
        lines += [f"  + {k} ({v})" for k, v in n["added"].items()]
        lines += [f"  - {k} ({v})" for k, v in n["removed"].items()]
        lines += [f"  ~ {k}: {old} → {new}" for k, (old, new) in n["changed"].items()]
    for section, label in (("required_splits", "required splits"), ("cadence", "cadence")):
        if d[section]:
            lines.append(f"{label}:")
            lines += [
                f"  ~ {k}: {_shown(old)} → {_shown(new)}" for k, (old, new) in d[section].items()
            ]
    v = d["variants"]
    if v["added"] or v["removed"] or v["changed"]:
        lines.append("variants:")
        lines += [f"  + {k}" for k in v["added"]]
        lines += [f"  - {k}" for k in v["removed"]]
        lines += [f"  ~ {k}" for k in v["changed"]]
    if d["settings"]:
        lines.append("settings:")
        lines += [
            f"  ~ {k}: {_shown(old)} → {_shown(new)}" for k, (old, new) in d["settings"].items()
        ]
    return lines


def _fields(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} {_shown(v)}" for k, v in values.items()) or "(notes only)"


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


@app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(metavar="A", help="Profile id to compare from.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Profile id to compare to.")],
    format: FormatOpt = "table",
    dirs: DirsOpt = None,
) -> None:
    """Show what differs from profile A to profile B: KPIs, thresholds, stages, ownership."""
    _check_format(format, ("table", "json"))
    result = diff_profiles(load_profile(a, _dirs(dirs)), load_profile(b, _dirs(dirs)))
    if format == "json":
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    typer.echo("\n".join(_diff_lines(result)))


# -- validate ----------------------------------------------------------------------------------
@app.command("validate")
def validate(
    profile_ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID]...", help="Profile ids (default: all).")
    ] = None,
    dirs: DirsOpt = None,
) -> None:
    """Check profiles against the KPI catalog; exit 1 when any has an error."""
    paths = profile_paths(_dirs(dirs))
    kpis = catalog_kpis()
    issues: list[Issue] = []
    for profile_id in profile_ids or list(paths):
        try:
            profile = load_profile(profile_id, _dirs(dirs), validate=False)
        except CatalogError as exc:
            issues += exc.issues or [Issue(exc.message, str(paths.get(profile_id, profile_id)))]
            continue
        found = validate_profile(profile, kpis, paths[profile.id])
        issues += found
        if not found:
            typer.echo(f"{profile.id}: ok")
    for issue in issues:
        typer.echo(f"{issue.level}: {issue}")
    errors = [i for i in issues if i.level != WARNING]
    if errors:
        typer.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''}", err=True)
        raise typer.Exit(1)


# -- derive (src/pulse/advise/derive.py) -------------------------------------------------------
app.command("derive")(derive_command)


def register(root: typer.Typer) -> None:
    """Attach ``pulse profile``."""
    root.add_typer(app, name="profile")
