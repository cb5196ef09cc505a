"""A workspace's KPI set: which of the profile's KPIs are core and which supporting.

MISSION's ramp: the set may change freely for the first 90 days after the engagement start
(days 1-30 audit, 31-60 implement, 61-90 baseline), then it is locked. A change after the lock
needs a reason and creates a new version; every change is kept and shown. Until anything is
recorded, the profile's own set is version 1. The engagement start is the workspace setting
``engagement_start``, or the day the workspace was created when that is not set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pulse.catalog.models import Profile
from pulse.errors import PulseError
from pulse.web.users import KPISetVersion, MetaStore
from pulse.workspace.store import Workspace

RAMP_DAYS = 90


class KPISetError(PulseError):
    """A KPI-set change is refused."""


@dataclass(frozen=True)
class KPISetState:
    """The KPI set in force and whether it may change freely."""

    profile: Profile
    current: KPISetVersion | None
    engagement_start: date
    start_source: str
    today: date

    @property
    def lock_date(self) -> date:
        """The first day on which the set is locked."""
        return self.engagement_start + timedelta(days=RAMP_DAYS)

    @property
    def locked(self) -> bool:
        """Whether a change now needs a reason and makes a new version."""
        return self.today >= self.lock_date

    @property
    def days_left(self) -> int:
        """Days of free changes left (0 once locked)."""
        return max(0, (self.lock_date - self.today).days)

    @property
    def version(self) -> int:
        """The version in force (1: the profile's own set, unless changed during the ramp)."""
        return self.current.version if self.current else 1

    @property
    def core(self) -> list[str]:
        """Core KPI ids in force."""
        return list(self.current.core) if self.current else list(self.profile.core)

    @property
    def supporting(self) -> list[str]:
        """Supporting KPI ids in force."""
        if self.current:
            return list(self.current.supporting)
        return [k for k in self.profile.supporting if k not in self.profile.core]

    @property
    def change_id(self) -> int:
        """Changes with every recorded change (part of the results cache key)."""
        return self.current.id if self.current else 0

    def effective_profile(self) -> Profile:
        """The profile with this set's core and supporting KPIs."""
        if self.current is None:
            return self.profile
        return self.profile.model_copy(update={"core": self.core, "supporting": self.supporting})

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "version": self.version,
            "core": self.core,
            "supporting": self.supporting,
            "engagement_start": self.engagement_start.isoformat(),
            "engagement_start_source": self.start_source,
            "lock_date": self.lock_date.isoformat(),
            "locked": self.locked,
            "days_left": self.days_left,
        }


def engagement_start(ws: Workspace) -> tuple[date, str]:
    """The engagement start and where it came from."""
    if ws.settings.engagement_start is not None:
        return ws.settings.engagement_start, "workspace setting engagement_start"
    created = datetime.fromisoformat(ws.settings.created_at).date()
    return created, "the day the workspace was created (engagement_start is not set)"


def kpi_set_state(ws: Workspace, profile: Profile, meta: MetaStore, today: date) -> KPISetState:
    """The KPI set of ``ws`` as of ``today``."""
    start, source = engagement_start(ws)
    return KPISetState(profile, meta.current_kpi_set(ws.name), start, source, today)


def change_kpi_set(
    state: KPISetState,
    meta: MetaStore,
    workspace: str,
    core: list[str],
    supporting: list[str],
    changed_by: str,
    reason: str,
) -> KPISetVersion:
    """Record a new KPI set, checking it against the profile and the ramp lock."""
    allowed = state.profile.kpis
    problems = [k for k in [*core, *supporting] if k not in allowed]
    if problems:
        raise KPISetError(
            f"not in profile '{state.profile.id}': {', '.join(problems)}",
            hint=f"choose from: {', '.join(allowed)}",
        )
    both = [k for k in core if k in supporting]
    if both:
        raise KPISetError(f"a KPI is either core or supporting, not both: {', '.join(both)}")
    if not core:
        raise KPISetError("choose at least one core KPI")
    if len(core) > state.profile.max_core:
        raise KPISetError(
            f"{len(core)} core KPIs chosen; profile '{state.profile.id}' allows at most "
            f"{state.profile.max_core}"
        )
    ordered_core = [k for k in allowed if k in core]
    ordered_supporting = [k for k in allowed if k in supporting]
    if ordered_core == state.core and ordered_supporting == state.supporting:
        raise KPISetError("nothing changed: the KPI set is already this one")
    reason = reason.strip()
    if state.locked and not reason:
        raise KPISetError(
            f"the KPI set is locked since {state.lock_date.isoformat()} (90 days after the "
            "engagement start): a change needs a reason and creates a new version"
        )
    version = state.version + 1 if state.locked else state.version
    return meta.record_kpi_set(
        workspace,
        version,
        ordered_core,
        ordered_supporting,
        changed_by,
        reason or "changed during the 90-day ramp",
        not state.locked,
    )
