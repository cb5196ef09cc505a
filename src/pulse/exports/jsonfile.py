"""The board pack as JSON: everything the other formats show, in one document."""

from __future__ import annotations

import json

from pulse.exports.report import BoardPack


def render(pack: BoardPack) -> bytes:
    """UTF-8 JSON, indented."""
    return (json.dumps(pack.to_json(), indent=2, ensure_ascii=False, default=str) + "\n").encode(
        "utf-8"
    )
