"""What the app shares between requests, and one client (workspace) as a request sees it."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from pulse.catalog.models import Profile
from pulse.catalog.profiles import load_profile
from pulse.catalog.registry import Catalog, load_catalog
from pulse.compute import Computer
from pulse.web.auth import LoginLimiter
from pulse.web.cache import ResultCache, VersionProbe, WorkspaceLocks, fingerprint
from pulse.web.config import WebSettings
from pulse.web.kpisets import KPISetState, kpi_set_state
from pulse.web.users import MetaStore
from pulse.workspace.store import SETTINGS_FILE, Workspace, list_workspaces, open_workspace

T = TypeVar("T")


@dataclass
class AppState:
    """Settings, the metadata store, locks, the results cache and the login limiter."""

    settings: WebSettings
    meta: MetaStore
    locks: WorkspaceLocks = field(default_factory=WorkspaceLocks)
    cache: ResultCache = field(default_factory=ResultCache)
    limiter: LoginLimiter | None = None
    probe: VersionProbe | None = None

    def __post_init__(self) -> None:
        if self.limiter is None:
            self.limiter = LoginLimiter(
                self.settings.login_attempts, self.settings.login_window_seconds
            )
        if self.probe is None:
            self.probe = VersionProbe(self.locks)
        self.cache.max_entries = self.settings.cache_entries

    @property
    def catalog(self) -> Catalog:
        """The KPI catalog (loaded once per process)."""
        return load_catalog()

    def today(self) -> date:
        """The date pages are computed for."""
        return self.settings.current_date()

    def workspace_names(self) -> list[str]:
        """Every workspace in the home folder."""
        return [ws.name for ws in list_workspaces(self.settings.home)]

    def has_workspace(self, name: str) -> bool:
        """Whether the home folder holds workspace ``name`` (a valid name, checked by the caller)."""
        return (self.settings.home / name / SETTINGS_FILE).is_file()

    def client(self, name: str) -> Client:
        """The client ``name`` (the caller has checked access)."""
        return Client(self, open_workspace(name, self.settings.home))


class Client:
    """One workspace with its profile, KPI set and cached results."""

    def __init__(self, state: AppState, ws: Workspace):
        self.state = state
        self.ws = ws
        self.base_profile: Profile = load_profile(ws.settings.profile)
        self.kpi_set: KPISetState = kpi_set_state(ws, self.base_profile, state.meta, state.today())
        self.profile: Profile = self.kpi_set.effective_profile()
        self._base_key: tuple[Hashable, ...] | None = None

    @property
    def name(self) -> str:
        """The workspace name."""
        return self.ws.name

    @property
    def currency(self) -> str:
        """The reporting currency."""
        return self.ws.settings.currency

    def data_version(self) -> int:
        """The workspace's data version."""
        assert self.state.probe is not None
        return self.state.probe.version(self.ws)

    def key(self, *parts: Hashable) -> tuple[Hashable, ...]:
        """A cache key: the data version, settings, KPI-set version, date and ``parts``.

        The first part is read once per Client (one request), so a page and its fragments
        agree on the data version they show.
        """
        if self._base_key is None:
            self._base_key = (
                self.ws.name,
                fingerprint(self.ws),
                self.data_version(),
                self.kpi_set.change_id,
                self.state.today(),
            )
        return (*self._base_key, *parts)

    def cached(self, kind: str, parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        """``compute()`` once per data version (and settings, KPI set, date, ``parts``)."""
        return self.state.cache.get_or_compute(kind, self.key(*parts), compute)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the workspace's read lock."""
        with self.state.locks.reading(self.ws):
            yield

    @contextmanager
    def computer(self) -> Iterator[Computer]:
        """A :class:`Computer` on this workspace with the KPI set's profile, read-locked."""
        with self.reading():
            computer = Computer(
                self.ws,
                catalog=self.state.catalog,
                profile=self.profile,
                today=self.state.today(),
            )
            try:
                yield computer
            finally:
                computer.close()
