"""Product-analytics events → signups, daily usage and value events, in one streaming pass.

The Mixpanel and Amplitude normalizers parse each event into an :class:`Event` (name, UTC
day, account, dedupe identity) and hand it here. Events are visited one at a time and only
per-account state is kept: the first date of each milestone per account, or the event count
per account and day — plus, for usage, one small hash per event seen, to drop duplicates
(raw exports are not deduplicated). A milestone's first date does not change when an event
repeats, so signups and value events need no dedupe set at all.

Which event means which milestone, and which property names the account, come from the
workspace's event map (:mod:`pulse.ingest.event_map`). Events without an account are left
out and counted in a note; so are accounts with milestones but no sign-up event (the
``signups`` table needs a sign-up date). A progress bar shows on standard error when it is a
terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from pulse.errors import ImportValidationError, Issue
from pulse.ingest.event_map import EventMap, email_domain, workspace_event_map
from pulse.ingest.normalizers import current_context

MS_THRESHOLD = 100_000_000_000  # epoch values above this are milliseconds (1e11 s is year 5138)
MAX_ISSUES = 50
SIGNUP_KINDS = ("signed_up", "activated", "pql", "paid", "upgraded")
VALUE_KINDS = ("first_value", "activated", "pql", "upgraded")
_PROGRESS_EVERY = 5_000


class BadEvent(ValueError):
    """An event that cannot be read (no name, no time, not an object)."""


@dataclass(frozen=True)
class Event:
    """One analytics event, reduced to what the tables need."""

    name: str
    day: date
    account: str | None
    identity: Hashable


Parser = Callable[[Any, EventMap], Event]


def epoch_day(value: Any) -> date:
    """UTC date of an epoch timestamp in seconds or milliseconds (told apart by size)."""
    if isinstance(value, bool) or value in (None, ""):
        raise BadEvent(f"expected an epoch timestamp, got {value!r}")
    try:
        number = float(value)
        seconds = number / 1000 if abs(number) >= MS_THRESHOLD else number
        return datetime.fromtimestamp(seconds, UTC).date()
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadEvent(f"expected an epoch timestamp, got {value!r}") from None


def iso_day(value: Any) -> date:
    """UTC date of an ISO timestamp (no zone means UTC) or of an epoch number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return epoch_day(value)
    if not isinstance(value, str) or not value.strip():
        raise BadEvent(f"expected a timestamp, got {value!r}")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        if text.replace(".", "", 1).isdigit():
            return epoch_day(text)
        raise BadEvent(
            f"expected an ISO timestamp such as 2024-03-01 12:00:00, got {value!r}"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def lookup(root: Any, path: str) -> Any:
    """The value at dotted ``path`` in nested dicts (a top-level key may itself hold dots)."""
    if not isinstance(root, dict):
        return None
    if path in root:
        return root[path]
    node: Any = root
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def text_of(value: Any) -> str | None:
    """A non-empty id as text; the first such item of a list (group values may be lists)."""
    if isinstance(value, list):
        for item in value:
            found = text_of(item)
            if found:
                return found
        return None
    if value is None or isinstance(value, bool | dict):
        return None
    text = str(value).strip()
    return text or None


def account_of(roots: list[Any], event_map: EventMap) -> str | None:
    """The event's account: the first account key found, else the domain of an e-mail key."""
    for key in event_map.account_keys:
        for root in roots:
            found = text_of(lookup(root, key))
            if found:
                return found
    for key in event_map.email_keys:
        for root in roots:
            domain = email_domain(text_of(lookup(root, key)))
            if domain:
                return domain
    return None


def events_of(document: Any) -> Iterator[Any]:
    """Each event of a document: a list or iterator of events, one event, or nested lists."""
    if isinstance(document, dict):
        yield document
        return
    for item in document:
        if isinstance(item, list):
            yield from item
        else:
            yield item


class _Bar:
    """``label  [bar]  n/total  0:00:03`` on standard error when it is a terminal."""

    def __init__(self, label: str, total: int | None, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.label = label
        self.total = total

    def __enter__(self) -> _Bar:
        if self.console.is_terminal:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(f"reading {self.label}", total=self.total)
        return self

    def update(self, done: int) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, completed=done)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()


@dataclass
class Tally:
    """What a pass over the events saw, for the note shown with the import."""

    read: int = 0
    duplicates: int = 0
    no_account: int = 0
    not_counted: int = 0


def scan(
    document: Any,
    label: str,
    parse: Parser,
    visit: Callable[[Event], bool],
    event_map: EventMap,
    console: Console | None = None,
) -> Tally:
    """Parse every event and pass it to ``visit`` (which says whether it counted).

    Raises :class:`ImportValidationError` listing unreadable events (by position, 1 = first)
    after the whole pass, so one run reports them all.
    """
    tally = Tally()
    issues: list[Issue] = []
    bad = 0
    total = len(document) if isinstance(document, list) else None
    with _Bar(label, total, console) as bar:
        for n, raw in enumerate(events_of(document), start=1):
            if n % _PROGRESS_EVERY == 0:
                bar.update(n)
            tally.read = n
            try:
                event = parse(raw, event_map)
            except BadEvent as exc:
                bad += 1
                if len(issues) < MAX_ISSUES:
                    issues.append(Issue(f"event {n}: {exc}", label, n))
                continue
            if event.account is None:
                tally.no_account += 1
                continue
            if not visit(event):
                tally.not_counted += 1
        bar.update(tally.read)
    if bad:
        raise ImportValidationError(
            f"{label}: {bad:,} unreadable event{'s' if bad != 1 else ''}; nothing was imported",
            issues,
            hint="each event needs its name and time; export raw events (Mixpanel "
            "/api/2.0/export, Amplitude /api/2/export), not a report",
        )
    return tally


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _note(label: str, tally: Tally, what: str, event_map: EventMap, extra: str = "") -> None:
    parts = [f"{_count(tally.read, 'event')} read"]
    if tally.duplicates:
        parts.append(f"{_count(tally.duplicates, 'duplicate')} dropped")
    if tally.not_counted:
        parts.append(f"{_count(tally.not_counted, 'event')} {what}")
    if tally.no_account:
        parts.append(
            f"{_count(tally.no_account, 'event')} without an account left out "
            "(no group key or company e-mail)"
        )
    if extra:
        parts.append(extra)
    source = f"event map: {event_map.source}"
    current_context().notes.append(f"{label} ({source}): {'; '.join(parts)}")


def active_event_map() -> EventMap:
    """The event map of the workspace being imported into (the defaults outside one)."""
    return workspace_event_map(current_context().workspace_dir)


def first_dates(
    document: Any, label: str, parse: Parser, kinds: tuple[str, ...], event_map: EventMap
) -> tuple[dict[str, dict[str, date]], Tally]:
    """Per account, the first day of each milestone in ``kinds``."""
    firsts: dict[str, dict[str, date]] = {}
    wanted = set(kinds)

    def visit(event: Event) -> bool:
        kind = event_map.kind(event.name)
        if kind not in wanted or event.account is None:
            return False
        assert kind is not None
        seen = firsts.setdefault(event.account, {})
        if kind not in seen or event.day < seen[kind]:
            seen[kind] = event.day
        return True

    return firsts, scan(document, label, parse, visit, event_map)


def signups(document: Any, label: str, parse: Parser) -> Iterable[dict[str, Any]]:
    """One ``signups`` record per account with a sign-up event."""
    event_map = active_event_map()
    firsts, tally = first_dates(document, label, parse, SIGNUP_KINDS, event_map)
    out = []
    orphans = 0
    for account in sorted(firsts):
        seen = firsts[account]
        if "signed_up" not in seen:
            orphans += 1
            continue
        record: dict[str, Any] = {"account_id": account}
        for kind in SIGNUP_KINDS:
            day = seen.get(kind)
            record[f"{kind}_at"] = day.isoformat() if day else None
        out.append(record)
    extra = ""
    if orphans:
        extra = f"{_count(orphans, 'account')} with milestones but no sign-up event left out"
    _note(label, tally, "not mapped to a milestone ignored", event_map, extra)
    if not out:
        raise ImportValidationError(
            f"{label}: no sign-up event with an account among {_count(tally.read, 'event')}",
            hint="name your sign-up event under events: signed_up: in the workspace's "
            "event_map.yml, and its account property under account_keys:",
        )
    return out


def value_events(document: Any, label: str, parse: Parser) -> Iterable[dict[str, Any]]:
    """One ``value_events`` record per account and milestone: its first occurrence."""
    event_map = active_event_map()
    firsts, tally = first_dates(document, label, parse, VALUE_KINDS, event_map)
    out = [
        {"account_id": account, "occurred_at": day.isoformat(), "kind": kind}
        for account in sorted(firsts)
        for kind, day in sorted(firsts[account].items())
    ]
    _note(label, tally, "not mapped to a value milestone ignored", event_map)
    if not out:
        raise ImportValidationError(
            f"{label}: no value milestone ({', '.join(VALUE_KINDS)}) with an account among "
            f"{_count(tally.read, 'event')}",
            hint="name the events under events: in the workspace's event_map.yml",
        )
    return out


def usage(document: Any, label: str, parse: Parser) -> Iterable[dict[str, Any]]:
    """One ``health_signals`` record per account and day: ``usage`` = events that day."""
    counts: dict[str, dict[int, int]] = {}  # account → day ordinal → events
    seen: set[int] = set()
    duplicates = 0
    event_map = active_event_map()

    def visit(event: Event) -> bool:
        nonlocal duplicates
        if not event_map.is_usage(event.name) or event.account is None:
            return False
        identity = hash(event.identity)  # 64 bits: a false duplicate is ~1 in 10^7 at 10^6 events
        if identity in seen:
            duplicates += 1
            return True
        seen.add(identity)
        days = counts.setdefault(event.account, {})
        day = event.day.toordinal()
        days[day] = days.get(day, 0) + 1
        return True

    tally = scan(document, label, parse, visit, event_map)
    tally.duplicates = duplicates
    _note(label, tally, "not counted as usage", event_map)
    if not counts:
        raise ImportValidationError(
            f"{label}: no usage event with an account among {_count(tally.read, 'event')}",
            hint="name the account property under account_keys: in the workspace's event_map.yml",
        )
    seen.clear()
    return (  # one record at a time: the reader may hold a row per account and day already
        {"account_id": account, "observed_at": date.fromordinal(day).isoformat(), "usage": str(n)}
        for account in sorted(counts)
        for day, n in sorted(counts[account].items())
    )
