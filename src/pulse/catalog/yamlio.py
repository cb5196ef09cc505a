"""YAML loading that remembers where each mapping key was written (file and line)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pulse.errors import CatalogError, Issue


class LineLoader(yaml.SafeLoader):
    """A SafeLoader that records the line of every mapping key in ``__lines__``."""


def _construct_mapping(
    loader: LineLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[str, Any]:
    mapping: dict[str, Any] = {
        str(k): v for k, v in yaml.SafeLoader.construct_mapping(loader, node, deep=deep).items()
    }
    lines = {}
    for key_node, _ in node.value:
        lines[str(key_node.value)] = key_node.start_mark.line + 1
    mapping["__lines__"] = lines
    return mapping


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def strip_lines(value: Any) -> Any:
    """Remove the ``__lines__`` bookkeeping from a loaded document, recursively."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != "__lines__"}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def load_yaml(path: Path) -> dict[str, Any]:
    """Load one YAML mapping with line numbers, or raise a CatalogError naming the file."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise CatalogError(
            f"{path.name}: invalid YAML", [Issue(str(exc).splitlines()[0], str(path), line)]
        ) from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping at the top level")
    return data


def line_of(data: dict[str, Any], dotted: str) -> int | None:
    """Line where the key at a dotted path (``formula.numerator``) was written."""
    node: Any = data
    line = None
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            break
        line = node.get("__lines__", {}).get(part, line)
        node = node[part]
    return line
