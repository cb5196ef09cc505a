"""``mermaid_flowchart(profile)``: syntactically plausible Mermaid for every shipped profile and
variant, checked line by line against the small grammar it uses. A real parse with the
vendored mermaid.js runs when Node.js and jsdom are available (the browser tests parse and draw
it in Chromium too).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest

from pulse.advise import mermaid_flowchart
from pulse.advise.mermaid import label
from pulse.catalog.profiles import list_profiles, load_profile

ID = r"[A-Za-z][A-Za-z0-9_]*"
LABEL = r'"[^"]*"'
NODE = rf"{ID}(?:\[{LABEL}\]|\{{{LABEL}\}})"
EDGE = r"(?:-->|-\.->)(?:\|" + LABEL + r"\|)?"
LINE_PATTERNS = [
    re.compile(rf"^{NODE}$"),
    re.compile(rf"^{ID} {EDGE} (?:{NODE}|{ID})$"),
    re.compile(rf"^(?:{NODE}|{ID}) {EDGE} (?:{NODE}|{ID})$"),
    re.compile(rf"^subgraph {ID} \[{LABEL}\]$"),
    re.compile(r"^direction (?:TB|LR)$"),
    re.compile(r"^end$"),
]
RESERVED = {"end", "subgraph", "graph", "flowchart", "style", "class", "click", "default"}
CASES = [(p.id, v) for p in list_profiles() for v in [None, *p.variants]]


def node_ids(text: str) -> tuple[set[str], set[str]]:
    """Ids defined (with a label, or as a subgraph) and ids referenced by an edge."""
    defined = set(re.findall(rf"({ID})(?:\[{LABEL}\]|\{{{LABEL}\}})", text))
    defined |= set(re.findall(rf"^\s*subgraph ({ID})", text, re.MULTILINE))
    used = set()
    for line in text.splitlines():
        if "-->" in line or "-.->" in line:
            parts = re.split(EDGE, line.strip())
            for part in parts:
                used.add(re.match(ID, part.strip()).group(0))  # type: ignore[union-attr]
    return defined, used


@pytest.mark.parametrize(("profile_id", "variant"), CASES)
def test_flowchart_is_plausible_mermaid(profile_id: str, variant: str | None) -> None:
    text = mermaid_flowchart(load_profile(profile_id), variant)
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    depth = 0
    for line in lines[1:]:
        body = line.strip()
        assert any(p.match(body) for p in LINE_PATTERNS), f"unexpected line: {line!r}"
        depth += body.startswith("subgraph ") - (body == "end")
        assert depth >= 0
    assert depth == 0, "every subgraph is closed"
    defined, used = node_ids(text)
    assert used <= defined, f"edges to undefined nodes: {used - defined}"
    assert not (defined & RESERVED)
    assert text.count('"') % 2 == 0


@pytest.mark.parametrize("profile_id", [p.id for p in list_profiles()])
def test_flowchart_shows_ownership_and_the_decision(profile_id: str) -> None:
    profile = load_profile(profile_id)
    text = mermaid_flowchart(profile)
    assert 'ceo -->|"hires and agrees the KPI set"| cro' in text
    for kpi_id in profile.core:
        assert f"k_{kpi_id}[" in text
    for owner in set(profile.not_owned.values()):
        assert f"no_{owner}[" in text
    assert 'cro -.->|"does not own"| notowned' in text
    assert 'owned --> check{"A KPI past its red line?"}' in text
    if profile.variants:
        assert "fact{" in text
        for name in profile.variants:
            assert f"v_{name} --> owned" in text


def test_services_chart_mirrors_the_seeds_decision_flow() -> None:
    text = mermaid_flowchart(load_profile("services"))
    assert 'fact{"Revenue model?"}' in text
    assert 'fact -->|"outcome"| v_outcome["Focus: ' in text
    assert 'k_nrr["Net revenue retention<br/>target 110%; red below 90%"]' in text


def test_labels_escape_quotes_and_collapse_space() -> None:
    assert label('Say "hi"\n  now') == '"Say #quot;hi#quot; now"'


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt-get install chromium)")
def test_chromium_draws_every_chart_with_the_vendored_mermaid(tmp_path: Path) -> None:
    from pulse.advise.render_html import mermaid_script

    blocks = "\n".join(
        f'<pre class="mermaid" id="c{i}">\n{escape(mermaid_flowchart(load_profile(p), v))}</pre>'
        for i, (p, v) in enumerate(CASES)
    )
    page = tmp_path / "charts.html"
    page.write_text(
        f"<!DOCTYPE html><html><body>{blocks}\n{mermaid_script()}</body></html>", encoding="utf-8"
    )
    assert CHROMIUM is not None
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    dom = re.sub(r"<script>.*?</script>", "", run.stdout, flags=re.DOTALL)
    assert dom.count('data-processed="true"') == len(CASES), run.stderr[-2000:]
    assert dom.count("<svg") >= len(CASES)
    assert "Syntax error" not in dom
