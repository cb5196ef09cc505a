"""Mixpanel raw event export (JSON lines) → signups, daily usage and value events.

Each line of ``GET /api/2.0/export`` is ``{"event": "Signed up", "properties": {"time":
1602611311, "distinct_id": "...", "$insert_id": "...", <custom props>}}``. ``time`` is epoch
seconds (milliseconds with ``time_in_ms=true`` or from the Import API; told apart by size) and
becomes a UTC date. The account is the first account key of the event map found in
``properties`` (a Group Analytics key such as ``company_id``), else the domain of an e-mail
property. Raw exports are not deduplicated: an event counts once per (event, distinct_id,
time, ``$insert_id``), as Mixpanel advises. See :mod:`pulse.ingest.normalizers.events`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulse.ingest.event_map import EventMap
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.events import (
    BadEvent,
    Event,
    account_of,
    epoch_day,
    signups,
    usage,
    value_events,
)


def parse_event(raw: Any, event_map: EventMap) -> Event:
    """One Mixpanel export event as an :class:`Event`."""
    if not isinstance(raw, dict):
        raise BadEvent(f"expected an event object, got {type(raw).__name__}")
    name = raw.get("event")
    if not isinstance(name, str) or not name.strip():
        raise BadEvent(f'expected the event name in "event", got {name!r}')
    props = raw.get("properties")
    if not isinstance(props, dict):
        props = {}
    time = props.get("time", raw.get("time"))
    if time is None:
        raise BadEvent(f"'{name}' has no properties.time")
    day = epoch_day(time)
    identity = (name, props.get("distinct_id"), time, props.get("$insert_id"))
    return Event(name, day, account_of([props, raw], event_map), identity)


@normalizer("mixpanel_signups", streaming=True)
def mixpanel_signups(document: Any) -> Iterable[dict[str, Any]]:
    """Per account: first sign-up, activation, PQL, paid and upgrade dates."""
    return signups(document, "mixpanel_signups", parse_event)


@normalizer("mixpanel_usage", streaming=True)
def mixpanel_usage(document: Any) -> Iterable[dict[str, Any]]:
    """Per account and day: the number of (deduplicated) events."""
    return usage(document, "mixpanel_usage", parse_event)


@normalizer("mixpanel_value_events", streaming=True)
def mixpanel_value_events(document: Any) -> Iterable[dict[str, Any]]:
    """Per account: the first first_value, activated, pql and upgraded event."""
    return value_events(document, "mixpanel_value_events", parse_event)
