"""Named normalizers: functions that turn a parsed JSON document into flat records.

API exports nest their data (a Stripe subscription holds its items, each item its price).
A mapping names a normalizer (``normalizer: stripe_subscriptions``) and the reader calls it
with the whole parsed document (the list of objects for JSON lines); it returns the records,
one dict per canonical row. Nested dicts left in a record are flattened to dotted keys
(``recurring.interval``) and lists are kept as JSON text.

Add one by dropping a module into this package::

    from pulse.ingest.normalizers import normalizer

    @normalizer("stripe_subscriptions")
    def stripe_subscriptions(document: Any) -> Iterable[dict[str, Any]]:
        ...

A normalizer registered with ``streaming=True`` accepts any iterable of events (it never
needs the whole list), so a reader may hand it a lazy iterator. :func:`normalizer_context`
tells a normalizer which workspace the import is for (e.g. to read a per-workspace setting
such as ``event_map.yml``) and collects the notes it wants shown with the result.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulse.errors import unknown

Normalizer = Callable[[Any], Iterable[dict[str, Any]]]
_REGISTRY: dict[str, Normalizer] = {}
_STREAMING: set[str] = set()


@dataclass
class NormalizerContext:
    """What a normalizer may know about the import it runs in."""

    workspace_dir: Path | None = None
    notes: list[str] = field(default_factory=list)


_CONTEXT: ContextVar[NormalizerContext | None] = ContextVar("pulse_normalizer", default=None)


@contextmanager
def normalizer_context(workspace_dir: Path | None = None) -> Iterator[NormalizerContext]:
    """Run normalizers inside the block for the workspace in ``workspace_dir``.

    Contexts nest: the notes of an inner block are also passed on to the enclosing one.
    """
    outer = _CONTEXT.get()
    context = NormalizerContext(workspace_dir)
    token = _CONTEXT.set(context)
    try:
        yield context
    finally:
        _CONTEXT.reset(token)
        if outer is not None:
            outer.notes.extend(context.notes)


def current_context() -> NormalizerContext:
    """The context set by :func:`normalizer_context`, or an empty one outside it."""
    return _CONTEXT.get() or NormalizerContext()


def is_streaming(name: str) -> bool:
    """Whether the normalizer called ``name`` accepts a lazy iterable of records."""
    get_normalizer(name)
    return name in _STREAMING


def normalizer(name: str, *, streaming: bool = False) -> Callable[[Normalizer], Normalizer]:
    """Register the decorated function as the normalizer called ``name``."""

    def register(func: Normalizer) -> Normalizer:
        _REGISTRY[name] = func
        if streaming:
            _STREAMING.add(name)
        return func

    return register


def _load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def get_normalizer(name: str) -> Normalizer:
    """The normalizer called ``name``, or an error with a did-you-mean."""
    modules = {m.name for m in pkgutil.iter_modules(__path__)}
    own = name.split("_", 1)[0]  # ``mixpanel_usage`` lives in ``mixpanel.py``: try it first
    if name not in _REGISTRY and own in modules:
        importlib.import_module(f"{__name__}.{own}")
    if name not in _REGISTRY:
        _load_all()
    if name not in _REGISTRY:
        raise unknown("normalizer", name, _REGISTRY)
    return _REGISTRY[name]
