"""Industry profiles: one YAML file per industry under ``catalog/profiles/``.

A profile may ``extend`` another (one level); the child's keys replace the parent's, except
``thresholds``, ``not_owned`` and ``stage_probabilities``, which merge key by key.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pulse.catalog.models import Profile
from pulse.catalog.yamlio import line_of, load_yaml, strip_lines
from pulse.errors import CatalogError, Issue, unknown

PROFILES_DIR = Path(__file__).parent / "profiles"
MERGED_KEYS = ("thresholds", "not_owned", "stage_probabilities", "required_splits", "cadence")


def profile_paths(extra_dirs: tuple[Path, ...] = ()) -> dict[str, Path]:
    """Profile id → file. Files in ``extra_dirs`` override shipped ones with the same id."""
    paths = {p.stem: p for p in sorted(PROFILES_DIR.glob("*.yml"))}
    for folder in extra_dirs:
        paths.update({p.stem: p for p in sorted(Path(folder).glob("*.yml"))})
    return paths


def _raw(profile_id: str, paths: dict[str, Path]) -> tuple[dict[str, Any], Path]:
    if profile_id not in paths:
        raise unknown("profile", profile_id, paths)
    path = paths[profile_id]
    return load_yaml(path), path


def parse_profile(
    data: dict[str, Any], path: Path, parent: dict[str, Any] | None = None
) -> Profile:
    """Validate one loaded profile document (merged with its parent) into a Profile."""
    clean = strip_lines(data)
    if parent is not None:
        merged = dict(strip_lines(parent))
        merged.pop("id", None)
        for key, value in clean.items():
            if key in MERGED_KEYS and isinstance(value, dict):
                merged[key] = {**merged.get(key, {}), **value}
            else:
                merged[key] = value
        clean = merged
    try:
        return Profile.model_validate(clean)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            issues.append(Issue(f"{loc}: {err['msg']}", str(path), line_of(data, loc)))
        raise CatalogError(f"invalid profile {path.name}", issues) from exc


@cache
def load_profile(
    profile_id: str, extra_dirs: tuple[Path, ...] = (), validate: bool = True
) -> Profile:
    """Load a profile by id, resolving ``extends``; validated against the catalog unless told not to."""
    paths = profile_paths(extra_dirs)
    data, path = _raw(profile_id, paths)
    if data.get("id") != path.stem:
        raise CatalogError(
            f"{path.name}: id '{data.get('id')}' must equal the file name '{path.stem}'",
            [Issue("id must equal the file stem", str(path), line_of(data, "id"))],
        )
    parent = None
    if data.get("extends"):
        parent, _ = _raw(str(data["extends"]), paths)
        if parent.get("extends"):
            raise CatalogError(f"{path.name}: profiles extend at most one level")
    profile = parse_profile(data, path, parent)
    if not validate:
        return profile
    # Validated on load against the catalog: unknown KPI ids (did-you-mean), thresholds that
    # disagree with a KPI's direction, splits the KPI cannot make.
    from pulse.catalog.profile_validate import check_profile
    from pulse.catalog.registry import load_catalog

    check_profile(profile, load_catalog().kpis, path)
    return profile


def list_profiles(extra_dirs: tuple[Path, ...] = ()) -> list[Profile]:
    """Every profile, by id."""
    return [load_profile(pid, extra_dirs) for pid in profile_paths(extra_dirs)]
