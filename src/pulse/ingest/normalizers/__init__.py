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
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from typing import Any

from pulse.errors import unknown

Normalizer = Callable[[Any], Iterable[dict[str, Any]]]
_REGISTRY: dict[str, Normalizer] = {}


def normalizer(name: str) -> Callable[[Normalizer], Normalizer]:
    """Register the decorated function as the normalizer called ``name``."""

    def register(func: Normalizer) -> Normalizer:
        _REGISTRY[name] = func
        return func

    return register


def _load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def get_normalizer(name: str) -> Normalizer:
    """The normalizer called ``name``, or an error with a did-you-mean."""
    if name not in _REGISTRY:
        _load_all()
    if name not in _REGISTRY:
        raise unknown("normalizer", name, _REGISTRY)
    return _REGISTRY[name]
