"""Regenerate the reference docs (docs/reference/*.md) from what the code declares.

Each module in ``src/pulse/docsgen/`` renders one page: it defines ``TARGET`` (the page's
path in the repository) and ``render() -> str``. This script calls every one of them, so a
new page needs only a new module. ``--check`` writes nothing and exits 1 when a page is stale.

    .venv/bin/python scripts/gen_docs.py          # write every page
    .venv/bin/python scripts/gen_docs.py --check  # fail when a page is out of date
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import pulse.docsgen

REPO = Path(__file__).resolve().parents[1]


def generators() -> list[tuple[str, str]]:
    """(module name, target path) of every docs generator."""
    out = []
    for info in sorted(pkgutil.iter_modules(pulse.docsgen.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"pulse.docsgen.{info.name}")
        out.append((info.name, module.TARGET))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a page is stale")
    args = parser.parse_args(argv)
    stale = []
    for name, target in generators():
        module = importlib.import_module(f"pulse.docsgen.{name}")
        text = module.render()
        path = REPO / target
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if args.check:
            stale.append(target)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    if stale:
        print("stale: " + ", ".join(stale) + " (run .venv/bin/python scripts/gen_docs.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
