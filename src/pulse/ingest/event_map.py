"""The event map: which product-analytics events mean which revenue milestone, per workspace.

Mixpanel and Amplitude have no standard event names: one product sends ``Signed Up``, another
``account_created``. The event map says which names mean which milestone (``signed_up``,
``activated``, ``pql``, ``paid``, ``upgraded``, ``first_value``), which event property names
the account (a group key such as ``company_id`` or Amplitude's ``groups.company``), and which
events count as usage. :data:`DEFAULT_EVENTS` covers the common names; a workspace overrides
them with ``<workspace folder>/event_map.yml``::

    # every key optional
    events:                       # milestone → event name(s); replaces that milestone's defaults
      signed_up: [Account Created, Trial Started]
      pql: Invited Teammate
    defaults: true                # false: milestones not listed under events match nothing
    account_keys: [company_id, groups.company]   # tried in order (replaces the defaults)
    email_keys: [$email, user_properties.email]  # else the account is the e-mail's domain
    usage:
      ignore: [$identify, Page Viewed]           # events that are not usage
      only: [Report Run, Dashboard Viewed]       # count only these as usage

Event names are compared ignoring case, spaces and punctuation (``Signed Up`` = ``signed_up``
= ``signedUp``). Keys are dotted paths into the event (``groups.company``); Mixpanel keys are
looked up in ``properties`` first. E-mail values give their domain (``ana@acme.io`` →
``acme.io``) unless it is a free-mail domain (gmail.com, …), which names no company.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulse.errors import Issue, MappingError, did_you_mean
from pulse.ingest.mapping import LineDoc

EVENT_MAP_FILE = "event_map.yml"
KINDS = ("signed_up", "activated", "pql", "paid", "upgraded", "first_value")
DEFAULT_EVENTS: dict[str, tuple[str, ...]] = {
    "signed_up": (
        "Sign Up",
        "Signed Up",
        "Signup",
        "User Signed Up",
        "Account Created",
        "Registered",
        "Registration Completed",
    ),
    "activated": ("Activated", "Activation", "Account Activated", "User Activated"),
    "pql": ("PQL", "Became PQL", "Product Qualified Lead", "PQL Reached"),
    "paid": (
        "Subscription Started",
        "Subscription Created",
        "Paid",
        "Converted To Paid",
        "Trial Converted",
        "First Payment",
    ),
    "upgraded": ("Upgraded", "Plan Upgraded", "Subscription Upgraded", "Upgrade"),
    "first_value": ("First Value", "First Value Reached", "Aha Moment"),
}
DEFAULT_ACCOUNT_KEYS = (
    "company_id",
    "account_id",
    "$group_id",
    "groups.company",
    "groups.company_id",
    "groups.account",
    "groups.account_id",
    "groups.organization",
    "groups.org",
)
DEFAULT_EMAIL_KEYS = (
    "$email",
    "email",
    "user_properties.$email",
    "user_properties.email",
    "distinct_id",
    "user_id",
)
# identity bookkeeping, not product use
DEFAULT_USAGE_IGNORE = ("$identify", "$create_alias", "$merge", "$groupidentify")
FREE_MAIL = frozenset(
    (
        "163.com",
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "hotmail.co.uk",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "pm.me",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "web.de",
        "yahoo.co.uk",
        "yahoo.com",
        "yahoo.fr",
        "yandex.com",
        "yandex.ru",
        "zoho.com",
    )
)
_TOP_KEYS = ("events", "defaults", "account_keys", "email_keys", "usage")
_USAGE_KEYS = ("only", "ignore")


class EventMapError(MappingError):
    """An event map file is invalid."""


def fold(name: str) -> str:
    """An event name compared ignoring case, spaces and punctuation (``Signed Up`` → ``signedup``)."""
    text = name.strip().casefold()
    return "".join(c for c in text if c.isalnum()) or text


def email_domain(value: Any) -> str | None:
    """The company domain of an e-mail address; None for non-addresses and free-mail domains."""
    if not isinstance(value, str) or "@" not in value:
        return None
    domain = value.rsplit("@", 1)[1].strip().strip(">").lower()
    if "." not in domain or " " in domain or domain in FREE_MAIL:
        return None
    return domain


def _folded(names: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(n) for n in names)


@dataclass(frozen=True)
class EventMap:
    """Resolved event map: folded event name → milestone, account keys, usage filter."""

    kinds: Mapping[str, str]
    account_keys: tuple[str, ...] = DEFAULT_ACCOUNT_KEYS
    email_keys: tuple[str, ...] = DEFAULT_EMAIL_KEYS
    usage_only: frozenset[str] | None = None
    usage_ignore: frozenset[str] = _folded(DEFAULT_USAGE_IGNORE)
    source: str = "defaults"

    def kind(self, event: str) -> str | None:
        """The milestone ``event`` means, or None (an event the map does not list)."""
        return self.kinds.get(fold(event))

    def is_usage(self, event: str) -> bool:
        """Whether ``event`` counts towards usage."""
        name = fold(event)
        if self.usage_only is not None:
            return name in self.usage_only
        return name not in self.usage_ignore


def _kinds(events: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {fold(name): kind for kind, names in events.items() for name in names}


def default_event_map() -> EventMap:
    """The shipped defaults (:data:`DEFAULT_EVENTS` and the default keys)."""
    return EventMap(_kinds(DEFAULT_EVENTS))


def workspace_event_map(workspace_dir: Path | None) -> EventMap:
    """``<workspace_dir>/event_map.yml`` when there is one, else the defaults."""
    if workspace_dir is not None:
        path = Path(workspace_dir) / EVENT_MAP_FILE
        if path.is_file():
            return load_event_map(path)
    return default_event_map()


def _names(doc: LineDoc, where: tuple[str, ...], value: Any, issues: list[Issue]) -> list[str]:
    """A name or a list of names (text; an empty list turns the setting off)."""
    items = value if isinstance(value, list) else [value]
    label = ".".join(where)
    if not all(isinstance(v, str) and v.strip() for v in items):
        issues.append(
            doc.issue(where, f"{label}: expected a name or a list of names, got {value!r}")
        )
        return []
    return [v.strip() for v in items]


def _unknown_key(key: str, allowed: tuple[str, ...], label: str) -> str:
    guess = did_you_mean(key, allowed)
    hint = f". Did you mean '{guess}'?" if guess else f" (expected one of {', '.join(allowed)})"
    return f"unknown {label} '{key}'{hint}"


def load_event_map(path: Path) -> EventMap:
    """Read and check an event map file (see the module docstring).

    Raises :class:`EventMapError` listing every problem, each with the file and line.
    """
    doc = LineDoc(
        path,
        path.read_text(encoding="utf-8-sig"),
        f"event map {path} is not valid YAML",
        EventMapError,
    )
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise EventMapError(
            f"event map {path} is invalid",
            [doc.issue((), "expected keys such as events: and account_keys: at the top level")],
        )
    issues: list[Issue] = []
    for key in data:
        if key not in _TOP_KEYS:
            issues.append(doc.issue((key,), _unknown_key(key, _TOP_KEYS, "key")))
    defaults = data.get("defaults", True)
    if not isinstance(defaults, bool):
        issues.append(
            doc.issue(("defaults",), f"defaults: expected true or false, got {defaults!r}")
        )
        defaults = True
    events = data.get("events") or {}
    if not isinstance(events, dict):
        issues.append(doc.issue(("events",), "events: expected milestone: event name(s)"))
        events = {}
    chosen: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for kind, value in events.items():
        where = ("events", kind)
        if kind not in KINDS:
            issues.append(doc.issue(where, _unknown_key(kind, KINDS, "milestone")))
            continue
        chosen[kind] = _names(doc, where, value, issues)
        for name in chosen[kind]:
            other = seen.setdefault(fold(name), kind)
            if other != kind:
                issues.append(
                    doc.issue(where, f"event '{name}' is listed under both {other} and {kind}")
                )
    keys: dict[str, tuple[str, ...]] = {}
    for key in ("account_keys", "email_keys"):
        if key in data:
            keys[key] = tuple(_names(doc, (key,), data[key], issues))
    usage = data.get("usage") or {}
    if not isinstance(usage, dict):
        issues.append(doc.issue(("usage",), "usage: expected only: and/or ignore: lists"))
        usage = {}
    usage_sets: dict[str, frozenset[str]] = {}
    for key, value in usage.items():
        if key not in _USAGE_KEYS:
            issues.append(doc.issue(("usage", key), _unknown_key(key, _USAGE_KEYS, "usage key")))
            continue
        usage_sets[key] = _folded(_names(doc, ("usage", key), value, issues))
    if issues:
        raise EventMapError(
            f"event map {path} is invalid",
            issues,
            hint=f"milestones: {', '.join(KINDS)}; keys: {', '.join(_TOP_KEYS)} "
            "(see pulse/ingest/event_map.py)",
        )
    merged: dict[str, tuple[str, ...]] = {}
    listed = _folded(n for names in chosen.values() for n in names)
    for kind in KINDS:
        if kind in chosen:
            merged[kind] = tuple(chosen[kind])
        elif defaults:  # a default name the file moves to another milestone leaves this one
            merged[kind] = tuple(n for n in DEFAULT_EVENTS[kind] if fold(n) not in listed)
    return EventMap(
        _kinds(merged),
        account_keys=keys.get("account_keys", DEFAULT_ACCOUNT_KEYS),
        email_keys=keys.get("email_keys", DEFAULT_EMAIL_KEYS),
        usage_only=usage_sets.get("only"),
        usage_ignore=usage_sets.get("ignore", _folded(DEFAULT_USAGE_IGNORE)),
        source=str(path),
    )
