"""Check that two implementations give the same numbers for every KPI × split × month × segment.

Money Pulse keeps in cents (:data:`spec.CENTS`) must agree to the cent; every other value to a
relative 1e-9.
"""

from __future__ import annotations

import math

from .spec import CENTS, Results

RELATIVE = 1e-9
CENT = 0.001  # money in cents (spec.CENTS) must agree to the cent: 0.01 apart is a difference


def same(cell: str, want: float, have: float) -> bool:
    """Whether two values of ``cell`` (a KPI or ``kpi.component``) agree."""
    if cell in CENTS and abs(want - have) > CENT:
        return False
    return math.isclose(want, have, rel_tol=RELATIVE, abs_tol=1e-12)


def differences(expected: Results, got: Results, limit: int = 20) -> list[str]:
    """What differs (missing, extra or different cells), at most ``limit`` lines; [] when equal."""
    problems: list[str] = []
    for key in sorted(expected.keys() | got.keys(), key=repr):
        want, have = expected.get(key), got.get(key)
        if want is None:
            problems.append(f"{key}: unexpected value {have!r}")
        elif have is None:
            problems.append(f"{key}: missing, expected {want!r}")
        elif not same(key[0], want, have):
            problems.append(f"{key}: expected {want!r}, got {have!r}")
        if len(problems) >= limit:
            break
    return problems
