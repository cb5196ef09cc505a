"""The metadata store: users, grants, sessions, KPI-set versions and reviews, in SQLite.

One file, ``PULSE_HOME/pulse-meta.sqlite3`` by default, next to the workspaces, in WAL mode.
Each thread keeps one connection (opening one costs about a millisecond, and every request reads
its session), and every method commits before it returns, so the store is safe to share between
the web server's threads, and with the ``pulse user`` command in another process.

Roles: an ``admin`` manages users and sees every client; a ``cro`` sees the clients granted to
them; a ``client_viewer`` (a founder) sees only their own company — one grant, read-only.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pulse.errors import PulseError, unknown
from pulse.web.auth import MIN_PASSWORD_LENGTH, hash_password, new_token, token_digest

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.@-]{0,63}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  workspace TEXT NOT NULL,
  role TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  PRIMARY KEY (username, workspace)
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kpi_set_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace TEXT NOT NULL,
  version INTEGER NOT NULL,
  core TEXT NOT NULL,
  supporting TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  during_ramp INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace TEXT NOT NULL,
  reviewed_at TEXT NOT NULL,
  reviewed_by TEXT NOT NULL,
  period TEXT NOT NULL,
  statuses TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS kpi_set_changes_ws ON kpi_set_changes (workspace, id);
CREATE INDEX IF NOT EXISTS reviews_ws ON reviews (workspace, id);
"""


class MetaError(PulseError):
    """A user, grant or metadata request is invalid."""


class Role(StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    CRO = "cro"
    CLIENT_VIEWER = "client_viewer"


GRANT_ROLES = (Role.CRO, Role.CLIENT_VIEWER)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class User:
    """A person who can log in."""

    username: str
    role: Role
    created_at: str

    @property
    def is_admin(self) -> bool:
        """Admins manage users and see every client."""
        return self.role == Role.ADMIN

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (never the password hash)."""
        return {"username": self.username, "role": self.role.value, "created_at": self.created_at}


@dataclass(frozen=True)
class Grant:
    """A user's access to one workspace, with the role they hold there."""

    username: str
    workspace: str
    role: Role
    granted_at: str

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "username": self.username,
            "workspace": self.workspace,
            "role": self.role.value,
            "granted_at": self.granted_at,
        }


@dataclass(frozen=True)
class Session:
    """A logged-in browser."""

    username: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class KPISetVersion:
    """One recorded state of a workspace's KPI set."""

    id: int
    workspace: str
    version: int
    core: list[str]
    supporting: list[str]
    changed_at: str
    changed_by: str
    reason: str
    during_ramp: bool

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "version": self.version,
            "core": self.core,
            "supporting": self.supporting,
            "changed_at": self.changed_at,
            "changed_by": self.changed_by,
            "reason": self.reason,
            "during_ramp": self.during_ramp,
        }


@dataclass(frozen=True)
class Review:
    """A CRO's review of a client: the statuses as they stood, to see what turned red since."""

    id: int
    workspace: str
    reviewed_at: str
    reviewed_by: str
    period: str
    statuses: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "reviewed_at": self.reviewed_at,
            "reviewed_by": self.reviewed_by,
            "period": self.period,
            "statuses": self.statuses,
        }


class MetaStore:
    """Users, grants, sessions, KPI-set versions and reviews in one SQLite file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, in a transaction that commits (or rolls back) on exit."""
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30)
            con.row_factory = sqlite3.Row
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
        with con:
            yield con

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    # -- users -----------------------------------------------------------------------------
    def check_new_user(self, username: str, role: Role | str) -> Role:
        """Refuse a bad or taken user name and an unknown role (before asking for a password)."""
        if not USERNAME_RE.match(username):
            raise MetaError(
                f"invalid user name '{username}': expected lowercase letters, digits, "
                "'.', '_', '-' or '@' (starting with a letter or digit, at most 64 characters)"
            )
        checked = _role(role, tuple(Role))
        if self.user(username) is not None:
            raise MetaError(f"user '{username}' already exists")
        return checked

    def add_user(self, username: str, password: str, role: Role | str) -> User:
        """Create a user; the password is stored as an argon2 hash."""
        role = self.check_new_user(username, role)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise MetaError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
        created = _now().isoformat()
        with self._connect() as con:
            con.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?)",
                (username, hash_password(password), role.value, created),
            )
        return User(username, role, created)

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password and end their sessions."""
        self.get_user(username)
        if len(password) < MIN_PASSWORD_LENGTH:
            raise MetaError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
        with self._connect() as con:
            con.execute(
                "UPDATE users SET password_hash = ? WHERE username = ?",
                (hash_password(password), username),
            )
            con.execute("DELETE FROM sessions WHERE username = ?", (username,))

    def user(self, username: str) -> User | None:
        """The user, or None."""
        with self._connect() as con:
            row = con.execute(
                "SELECT username, role, created_at FROM users WHERE username = ?", (username,)
            ).fetchone()
        return User(row["username"], Role(row["role"]), row["created_at"]) if row else None

    def get_user(self, username: str) -> User:
        """The user, or an error with a did-you-mean."""
        found = self.user(username)
        if found is None:
            raise unknown("user", username, [u.username for u in self.users()])
        return found

    def password_hash(self, username: str) -> str | None:
        """The stored hash (None for an unknown user)."""
        with self._connect() as con:
            row = con.execute(
                "SELECT password_hash FROM users WHERE username = ?", (username,)
            ).fetchone()
        return str(row[0]) if row else None

    def users(self) -> list[User]:
        """Every user, by name."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT username, role, created_at FROM users ORDER BY username"
            ).fetchall()
        return [User(r["username"], Role(r["role"]), r["created_at"]) for r in rows]

    def remove_user(self, username: str) -> None:
        """Delete a user with their grants and sessions."""
        self.get_user(username)
        with self._connect() as con:
            con.execute("DELETE FROM users WHERE username = ?", (username,))

    # -- grants ----------------------------------------------------------------------------
    def grant(self, username: str, workspace: str, role: Role | str) -> Grant:
        """Give ``username`` access to ``workspace`` as ``role`` (cro or client_viewer).

        A client viewer sees only their own company: one workspace, read-only. Granting a
        second workspace to a client viewer is refused.
        """
        user = self.get_user(username)
        grant_role = _role(role, GRANT_ROLES)
        if user.role == Role.CLIENT_VIEWER and grant_role != Role.CLIENT_VIEWER:
            raise MetaError(
                f"user '{username}' is a client viewer: they can only be granted "
                "the client_viewer role"
            )
        if user.role == Role.CLIENT_VIEWER:
            others = [g.workspace for g in self.grants(username) if g.workspace != workspace]
            if others:
                raise MetaError(
                    f"user '{username}' is a client viewer of '{others[0]}' already: a client "
                    "viewer sees only their own company",
                    hint=f"revoke it first: pulse user revoke {username} {others[0]}",
                )
        granted = _now().isoformat()
        with self._connect() as con:
            con.execute(
                "INSERT INTO grants VALUES (?, ?, ?, ?) ON CONFLICT (username, workspace) "
                "DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at",
                (username, workspace, grant_role.value, granted),
            )
        return Grant(username, workspace, grant_role, granted)

    def revoke(self, username: str, workspace: str) -> None:
        """Take away ``username``'s access to ``workspace``."""
        with self._connect() as con:
            cur = con.execute(
                "DELETE FROM grants WHERE username = ? AND workspace = ?", (username, workspace)
            )
        if not cur.rowcount:
            raise MetaError(f"user '{username}' has no grant on '{workspace}'")

    def grants(self, username: str | None = None) -> list[Grant]:
        """Grants of one user (or everyone's), by user then workspace."""
        sql = "SELECT username, workspace, role, granted_at FROM grants"
        args: tuple[str, ...] = ()
        if username is not None:
            sql += " WHERE username = ?"
            args = (username,)
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY username, workspace", args).fetchall()
        return [Grant(r[0], r[1], Role(r[2]), r[3]) for r in rows]

    # -- sessions --------------------------------------------------------------------------
    def create_session(self, username: str, hours: float) -> tuple[str, Session]:
        """A new session for ``username``: the cookie token and the session."""
        token = new_token()
        now = _now()
        session = Session(username, new_token(), now + timedelta(hours=hours))
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE expires_at < ?", (now.isoformat(),))
            con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (
                    token_digest(token),
                    username,
                    session.csrf_token,
                    now.isoformat(),
                    session.expires_at.isoformat(),
                ),
            )
        return token, session

    def session(self, token: str) -> Session | None:
        """The live session for a cookie token, or None (unknown or expired)."""
        with self._connect() as con:
            row = con.execute(
                "SELECT username, csrf_token, expires_at FROM sessions WHERE token_hash = ?",
                (token_digest(token),),
            ).fetchone()
        if row is None:
            return None
        expires = datetime.fromisoformat(row["expires_at"])
        if expires <= _now():
            self.end_session(token)
            return None
        return Session(row["username"], row["csrf_token"], expires)

    def signed_in(self, token: str) -> tuple[Session, User, list[Grant]] | None:
        """The live session of a cookie token with its user and grants, in one round trip."""
        with self._connect() as con:
            row = con.execute(
                "SELECT s.username, s.csrf_token, s.expires_at, u.role, u.created_at "
                "FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?",
                (token_digest(token),),
            ).fetchone()
            if row is None:
                return None
            grants = con.execute(
                "SELECT username, workspace, role, granted_at FROM grants WHERE username = ? "
                "ORDER BY workspace",
                (row["username"],),
            ).fetchall()
        expires = datetime.fromisoformat(row["expires_at"])
        if expires <= _now():
            self.end_session(token)
            return None
        session = Session(row["username"], row["csrf_token"], expires)
        user = User(row["username"], Role(row["role"]), row["created_at"])
        return session, user, [Grant(g[0], g[1], Role(g[2]), g[3]) for g in grants]

    def end_session(self, token: str) -> None:
        """Log a session out."""
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (token_digest(token),))

    # -- KPI sets --------------------------------------------------------------------------
    def kpi_set_history(self, workspace: str) -> list[KPISetVersion]:
        """Every recorded change of a workspace's KPI set, oldest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT * FROM kpi_set_changes WHERE workspace = ? ORDER BY id", (workspace,)
            ).fetchall()
        return [_kpi_set(r) for r in rows]

    def current_kpi_set(self, workspace: str) -> KPISetVersion | None:
        """The latest KPI set of a workspace (None: the profile's own set applies)."""
        with self._connect() as con:
            row = con.execute(
                "SELECT * FROM kpi_set_changes WHERE workspace = ? ORDER BY id DESC LIMIT 1",
                (workspace,),
            ).fetchone()
        return _kpi_set(row) if row else None

    def record_kpi_set(
        self,
        workspace: str,
        version: int,
        core: list[str],
        supporting: list[str],
        changed_by: str,
        reason: str,
        during_ramp: bool,
    ) -> KPISetVersion:
        """Append one KPI-set change."""
        changed = _now().isoformat()
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO kpi_set_changes "
                "(workspace, version, core, supporting, changed_at, changed_by, reason, during_ramp) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    workspace,
                    version,
                    json.dumps(core),
                    json.dumps(supporting),
                    changed,
                    changed_by,
                    reason,
                    int(during_ramp),
                ),
            )
            new_id = int(cur.lastrowid or 0)
        return KPISetVersion(
            new_id, workspace, version, core, supporting, changed, changed_by, reason, during_ramp
        )

    # -- reviews ---------------------------------------------------------------------------
    def add_review(
        self, workspace: str, reviewed_by: str, period: str, statuses: dict[str, str]
    ) -> Review:
        """Record that a client was reviewed, with the statuses seen."""
        when = _now().isoformat()
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO reviews (workspace, reviewed_at, reviewed_by, period, statuses) "
                "VALUES (?, ?, ?, ?, ?)",
                (workspace, when, reviewed_by, period, json.dumps(statuses, sort_keys=True)),
            )
            new_id = int(cur.lastrowid or 0)
        return Review(new_id, workspace, when, reviewed_by, period, statuses)

    def last_review(self, workspace: str) -> Review | None:
        """The most recent review of a workspace."""
        with self._connect() as con:
            row = con.execute(
                "SELECT * FROM reviews WHERE workspace = ? ORDER BY id DESC LIMIT 1", (workspace,)
            ).fetchone()
        if row is None:
            return None
        return Review(
            row["id"],
            row["workspace"],
            row["reviewed_at"],
            row["reviewed_by"],
            row["period"],
            json.loads(row["statuses"]),
        )


def _role(value: Role | str, allowed: tuple[Role, ...]) -> Role:
    text = str(value)
    for role in allowed:
        if role.value == text:
            return role
    raise unknown("role", text, [r.value for r in allowed])


def _kpi_set(row: sqlite3.Row) -> KPISetVersion:
    return KPISetVersion(
        id=row["id"],
        workspace=row["workspace"],
        version=row["version"],
        core=json.loads(row["core"]),
        supporting=json.loads(row["supporting"]),
        changed_at=row["changed_at"],
        changed_by=row["changed_by"],
        reason=row["reason"],
        during_ramp=bool(row["during_ramp"]),
    )
