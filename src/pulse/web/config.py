"""The web app's settings: where the workspaces and the metadata live, and security knobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pulse.config import resolve_home

META_FILE = "pulse-meta.sqlite3"


@dataclass(frozen=True)
class WebSettings:
    """Everything :func:`pulse.web.app.create_app` needs.

    ``home`` holds the workspaces; the metadata (users, grants, sessions, KPI-set versions,
    reviews) lives in ``meta_path``, by default ``home/pulse-meta.sqlite3``. ``secure_cookies``
    forces the cookies' ``Secure`` flag; when None it is set whenever the request came over
    TLS. ``today`` pins the date (tests); ``login_attempts`` failed logins within
    ``login_window_seconds`` lock a user name and an address out for that window.
    """

    home: Path
    meta_path: Path
    secure_cookies: bool | None = None
    session_hours: float = 12.0
    login_attempts: int = 5
    login_window_seconds: float = 300.0
    today: date | None = None
    history: int = 6
    chart_history: int = 12
    cache_entries: int = 256
    max_upload_bytes: int = 200 * 1024 * 1024

    @classmethod
    def from_home(
        cls, home: Path | str | None = None, meta_path: Path | str | None = None
    ) -> WebSettings:
        """Settings for a home folder (flag, then ``PULSE_HOME``, then ``~/.pulse``).

        Change other fields with :func:`dataclasses.replace`.
        """
        root = resolve_home(home)
        return cls(home=root, meta_path=Path(meta_path) if meta_path else root / META_FILE)

    def current_date(self) -> date:
        """``today`` when pinned, else the real date."""
        return self.today or date.today()
