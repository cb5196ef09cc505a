"""mermaid.js is vendored in the package with its licence, and listed in docs/third-party.md."""

from __future__ import annotations

from pathlib import Path

from pulse.advise.render_html import MERMAID_JS

REPO = Path(__file__).resolve().parents[2]


def test_vendored_mermaid_keeps_its_licence_header() -> None:
    assert MERMAID_JS == REPO / "src/pulse/web/static/vendor/mermaid.min.js"
    head = MERMAID_JS.read_text(encoding="utf-8")[:2000]
    assert head.startswith("/*! mermaid 11.17.2 |")
    assert "The MIT License (MIT)" in head
    assert "Copyright (c) 2014 - 2022 Knut Sveidqvist" in head
    assert MERMAID_JS.stat().st_size > 1_000_000  # the whole minified build, not a stub


def test_third_party_notice_lists_it() -> None:
    notice = (REPO / "docs/third-party.md").read_text(encoding="utf-8")
    assert "src/pulse/web/static/vendor/mermaid.min.js" in notice
    assert "mermaid 11.17.2" in notice and "MIT" in notice
