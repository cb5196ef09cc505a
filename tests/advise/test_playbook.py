"""The playbook: every number in it comes from the profile file or the catalog (or is a day of
the 90-day ramp), for every shipped profile and variant; and its parts are all there.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import pytest

from pulse.advise import playbook_for
from pulse.advise.render_html import MERMAID_JS, playbook_fragment
from pulse.advise.render_html import render_playbook as to_html
from pulse.advise.render_md import render_playbook
from pulse.advise.seedrules import LEADING_IMPROVED, LOCK_DAY, PHASES, REVIEW_DAYS
from pulse.catalog.models import Profile
from pulse.catalog.profile_validate import catalog_kpis
from pulse.catalog.profiles import list_profiles, load_profile

# A number as written: 3, 3.5, 1,200, $25,000 — not a digit inside a word (B2B, top3_x, h2).
NUMBER = re.compile(r"(?<![\w.])\$?(\d[\d,]*(?:\.\d+)?)(\s*%)?")
CASES = [
    (p.id, v) for p in list_profiles() for v in [None, *p.variants]
]  # every shipped profile, bare and with each variant
# The ramp's days and counts (MISSION.md, "Cadence, ramp and governance"; pulse.advise.seedrules).
PLAN_NUMBERS = {
    *(d for phase in PHASES for d in phase[:2]),
    *REVIEW_DAYS,
    LOCK_DAY,
    LEADING_IMPROVED,
}


def _walk(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _walk(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def _numbers(values: Iterator[Any]) -> set[float]:
    out: set[float] = set()
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            out.add(float(value))
        elif isinstance(value, str):
            out |= {float(m.group(1).replace(",", "")) for m in NUMBER.finditer(value)}
    return out


def allowed_numbers(profile: Profile) -> set[float]:
    """Every number the profile file states (values and text), its KPIs' catalog entries
    state, the stage positions, and the ramp's days."""
    allowed = _numbers(_walk(profile.model_dump(mode="json")))
    kpis = catalog_kpis()
    for kpi_id in profile.kpis:
        if kpi_id in kpis:
            allowed |= _numbers(_walk(kpis[kpi_id].model_dump(mode="json")))
    allowed |= {float(i) for i in range(1, len(profile.stages) + 1)}
    return allowed | {float(n) for n in PLAN_NUMBERS}


def stray_numbers(text: str, allowed: set[float]) -> list[str]:
    """Numbers in ``text`` that are in neither form (as written, or a percentage ÷ 100)."""
    stray = []
    for match in NUMBER.finditer(text):
        value = float(match.group(1).replace(",", ""))
        candidates = [value] + ([value / 100] if match.group(2) else [])
        if not any(
            math.isclose(c, a, rel_tol=1e-9, abs_tol=1e-12) for c in candidates for a in allowed
        ):
            start = max(match.start() - 40, 0)
            stray.append(f"{match.group(0)!r} in …{text[start : match.end() + 20]}…")
    return stray


@pytest.mark.parametrize(("profile_id", "variant"), CASES)
def test_every_number_comes_from_the_profile_or_the_catalog(
    profile_id: str, variant: str | None
) -> None:
    profile = load_profile(profile_id)
    playbook = playbook_for(profile_id, variant)
    allowed = allowed_numbers(profile)
    text = render_playbook(playbook)
    found = NUMBER.findall(text)
    assert len(found) > 20, "the check must see the playbook's numbers"
    assert stray_numbers(text, allowed) == []
    # The HTML renders the same data; strip tags and entities that carry digits.
    html = re.sub(r"<[^>]+>|&#?\w+;", " ", playbook_fragment(playbook))
    assert stray_numbers(html, allowed) == []


def test_the_number_check_catches_a_number_that_is_nowhere() -> None:
    profile = load_profile("services")
    allowed = allowed_numbers(profile)
    assert stray_numbers("NRR target 110%, coverage 3×", allowed) == []
    assert len(stray_numbers("NRR target 137%, coverage 7.5×", allowed)) == 2


@pytest.mark.parametrize("profile_id", [p.id for p in list_profiles()])
def test_the_playbook_has_every_part(profile_id: str) -> None:
    playbook = playbook_for(profile_id)
    text = render_playbook(playbook)
    for heading in (
        "## Direct answer",
        "## Core KPIs the CRO owns (at most ",
        "## What the CRO does not own",
        "## Ownership and decision flow",
        "```mermaid\nflowchart TD\n",
        "## Review cadence",
        "## The 90-day plan",
        "**Days 1–30: Audit the current metrics**",
        "**Days 31–60: Implement the KPI set**",
        "**Days 61–90: Baseline and set targets**",
        "**Review at day 90**",
        "**Review at day 180**",
        "Have at least two leading KPIs improved",
        "The KPI set is locked at day 90; later changes are versioned.",
        "## Common questions",
        "**What is the single most important KPI for a fractional CRO at ",
        "**What should the fractional CRO not own?**",
        "**How do I know the fractional CRO is performing?**",
    ):
        assert heading in text, heading
    header = (
        "| KPI | What it is | Why it matters here | Formula | Target | Red line | Cadence | Owner |"
    )
    assert text.count(header) == 2  # core and supporting
    kpis = catalog_kpis()
    for line in playbook.kpis.lines:
        assert line.in_catalog, f"{line.id} is not in the catalog"
        assert line.definition == kpis[line.id].description
        assert line.why == kpis[line.id].docs.why


def test_formula_cell_is_the_catalog_formula() -> None:
    playbook = playbook_for("services")
    text = render_playbook(playbook)
    assert "| `(SUM(arr_now)) ÷ (SUM(arr_then))` |" in text  # nrr's ratio formula


def test_a_kpi_missing_from_the_catalog_is_shown_by_id() -> None:
    from pulse.advise.playbook import build_playbook

    profile = load_profile("iot")
    kpis = {k: v for k, v in catalog_kpis().items() if k != "ttfv_days"}
    playbook = build_playbook(profile, kpis=kpis)
    line = playbook.kpis.line("ttfv_days")
    assert (line.name, line.in_catalog) == ("ttfv_days", False)
    assert line.note == "not in the KPI catalog yet; shown by its id"
    text = render_playbook(playbook)
    assert "| **ttfv_days** (`ttfv_days`) | — |" in text
    assert "(not in the KPI catalog yet; shown by its id.)" in text


def test_variant_playbook_leads_with_the_variant_focus() -> None:
    playbook = playbook_for("services", "outcome")
    assert playbook.kpis.ids(core_only=True)[:2] == [
        "outcome_contract_margin",
        "services_gross_margin",
    ]
    text = render_playbook(playbook)
    assert text.splitlines()[0].endswith("(outcome variant)")
    assert "## Targets by revenue model" not in text


def test_html_playbook_draws_the_flowchart_with_the_packaged_mermaid() -> None:
    playbook = playbook_for("martech")
    page = to_html(playbook)
    assert page.startswith("<!DOCTYPE html>")
    assert '<pre class="mermaid">\nflowchart TD\n' in page
    assert "&quot;Founder / CEO&quot;" in page  # labels escaped, decoded by the browser
    assert "mermaid.initialize({startOnLoad: true, securityLevel: 'strict'" in page
    assert "cdn" not in page.lower()  # nothing fetched from a CDN
    assert "<script>/*! mermaid 11." in page  # the vendored file, inlined
    linked = to_html(playbook, inline_mermaid=False)
    assert '<script src="/static/vendor/mermaid.min.js"></script>' in linked
    assert len(linked) < 200_000 < len(page)
    assert MERMAID_JS.is_file()
