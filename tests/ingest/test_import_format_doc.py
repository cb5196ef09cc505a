"""docs/reference/import-format.md is generated from tables.py and kept current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pulse.docsgen import import_format
from pulse.tables import TABLES

REPO = Path(__file__).resolve().parents[2]


def test_checked_in_doc_is_current() -> None:
    path = REPO / import_format.TARGET
    assert path.read_text(encoding="utf-8") == import_format.render(), (
        f"{import_format.TARGET} is stale; run .venv/bin/python scripts/gen_docs.py"
    )


def test_every_table_and_column_is_documented() -> None:
    text = import_format.render()
    for table in TABLES.values():
        assert f"### `{table.name}`" in text
        assert table.description in text
        for column in table.columns:
            assert f"| `{column.name}` | {column.type.value} |" in text
            for allowed in column.allowed or ():
                assert f"`{allowed}`" in text


def test_gen_docs_script_check_mode_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "scripts/gen_docs.py", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "--check" in proc.stdout
