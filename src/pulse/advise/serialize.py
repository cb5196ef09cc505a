"""Advice and playbooks as plain JSON-ready data (the ``--format json`` output and the web
pages' JSON twins): dataclasses become objects, Decimals strings (exact), dates ISO text.

Fields declared with ``metadata={"serialize": False}`` (the applied profile object) are left
out; the profile is available as its id.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any


def to_data(value: Any) -> Any:
    """``value`` as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            if f.metadata.get("serialize", True):
                out[f.name] = to_data(getattr(value, f.name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    return value
