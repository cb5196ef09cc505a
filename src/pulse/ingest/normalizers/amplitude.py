"""Amplitude Export API events (JSON lines) → signups, daily usage and value events.

``GET /api/2/export`` returns a zip of gzipped JSON-lines files, one event per line, with
``event_type``, ``event_time`` (UTC, written ``2020-02-15 01:00:00.123456``), ``user_id``,
``device_id``, ``$insert_id``, ``uuid``, ``groups`` (group type → value or values),
``event_properties`` and ``user_properties``. Files in the ingest shape (``time`` in epoch
ms, ``insert_id``) are read too. The account is the first account key of the event map found
in the event, its ``event_properties`` or ``user_properties`` (``groups.company`` for a
``company`` group type), else the domain of an e-mail. Duplicates: one event per
``$insert_id`` and user (or device), else per ``uuid``. See
:mod:`pulse.ingest.normalizers.events`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from pulse.ingest.event_map import EventMap
from pulse.ingest.normalizers import normalizer
from pulse.ingest.normalizers.events import (
    BadEvent,
    Event,
    account_of,
    iso_day,
    signups,
    usage,
    value_events,
)


def parse_event(raw: Any, event_map: EventMap) -> Event:
    """One Amplitude export event as an :class:`Event`."""
    if not isinstance(raw, dict):
        raise BadEvent(f"expected an event object, got {type(raw).__name__}")
    name = raw.get("event_type")
    if not isinstance(name, str) or not name.strip():
        raise BadEvent(f'expected the event name in "event_type", got {name!r}')
    time = raw.get("event_time")
    if time in (None, ""):
        time = raw.get("time")
    if time in (None, ""):
        raise BadEvent(f"'{name}' has no event_time")
    day = iso_day(time)
    who = raw.get("user_id") or raw.get("device_id") or raw.get("amplitude_id")
    insert_id = raw.get("$insert_id") or raw.get("insert_id")
    identity: Hashable
    if insert_id:
        identity = ("insert", who, insert_id)
    elif raw.get("uuid"):
        identity = ("uuid", raw["uuid"])
    else:
        identity = ("event", name, who, time)
    roots = [raw, raw.get("event_properties"), raw.get("user_properties")]
    return Event(name, day, account_of(roots, event_map), identity)


@normalizer("amplitude_signups", streaming=True)
def amplitude_signups(document: Any) -> Iterable[dict[str, Any]]:
    """Per account: first sign-up, activation, PQL, paid and upgrade dates."""
    return signups(document, "amplitude_signups", parse_event)


@normalizer("amplitude_usage", streaming=True)
def amplitude_usage(document: Any) -> Iterable[dict[str, Any]]:
    """Per account and day: the number of (deduplicated) events."""
    return usage(document, "amplitude_usage", parse_event)


@normalizer("amplitude_value_events", streaming=True)
def amplitude_value_events(document: Any) -> Iterable[dict[str, Any]]:
    """Per account: the first first_value, activated, pql and upgraded event."""
    return value_events(document, "amplitude_value_events", parse_event)
