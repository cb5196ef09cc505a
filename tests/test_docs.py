"""Generated reference docs match what is declared (regenerate: python scripts/gen_docs.py)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import pulse.docsgen
from pulse.catalog.registry import load_catalog

REPO = Path(__file__).resolve().parents[1]
GENERATORS = sorted(m.name for m in pkgutil.iter_modules(pulse.docsgen.__path__))


@pytest.mark.parametrize("module_name", GENERATORS)
def test_generated_doc_is_current(module_name: str) -> None:
    module = importlib.import_module(f"pulse.docsgen.{module_name}")
    target = REPO / module.TARGET
    assert target.is_file(), f"{module.TARGET} is missing; run .venv/bin/python scripts/gen_docs.py"
    assert target.read_text(encoding="utf-8") == module.render(), (
        f"{module.TARGET} is stale; run .venv/bin/python scripts/gen_docs.py"
    )


def test_every_public_kpi_is_documented() -> None:
    text = (REPO / "docs/reference/kpis.md").read_text(encoding="utf-8")
    for kpi in load_catalog().public():
        assert f"### `{kpi.id}` — {kpi.name}" in text
        assert kpi.docs.why in text
