"""Check that two implementations give the same numbers for every KPI × split × month × segment."""

from __future__ import annotations

import math

from .spec import Results

RELATIVE = 1e-9


def differences(expected: Results, got: Results, limit: int = 20) -> list[str]:
    """What differs (missing, extra or different cells), at most ``limit`` lines; [] when equal."""
    problems: list[str] = []
    for key in sorted(expected.keys() | got.keys(), key=repr):
        want, have = expected.get(key), got.get(key)
        if want is None:
            problems.append(f"{key}: unexpected value {have!r}")
        elif have is None:
            problems.append(f"{key}: missing, expected {want!r}")
        elif not math.isclose(want, have, rel_tol=RELATIVE, abs_tol=1e-12):
            problems.append(f"{key}: expected {want!r}, got {have!r}")
        if len(problems) >= limit:
            break
    return problems
