"""A workspace on disk: ``HOME/NAME/workspace.json`` and ``HOME/NAME/pulse.duckdb``.

The DuckDB file holds the canonical tables (all created empty), the import log
(``_import_log``) and the data version (``_data_version``, bumped by every import so results
can be cached per version).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
from pydantic import BaseModel, ConfigDict, Field

from pulse.config import resolve_home
from pulse.errors import WorkspaceError, did_you_mean
from pulse.tables import TABLES, create_table_sql

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
DB_FILE = "pulse.duckdb"
SETTINGS_FILE = "workspace.json"

IMPORT_LOG_SQL = """
CREATE TABLE IF NOT EXISTS _import_log (
  import_id BIGINT,
  imported_at TIMESTAMP,
  table_name VARCHAR,
  file_name VARCHAR,
  sha256 VARCHAR,
  mapping VARCHAR,
  mode VARCHAR,
  rows_read BIGINT,
  rows_inserted BIGINT,
  rows_updated BIGINT,
  rows_unchanged BIGINT,
  rows_after BIGINT,
  note VARCHAR
)
"""
DATA_VERSION_SQL = "CREATE TABLE IF NOT EXISTS _data_version (version BIGINT)"


class Settings(BaseModel):
    """A workspace's settings, stored as ``workspace.json``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    profile: str
    currency: str = "USD"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    created_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    engagement_start: date | None = None
    engine: str = "duckdb"
    stage_probabilities: dict[str, float] = Field(default_factory=dict)
    stage_order: list[str] = Field(default_factory=list)
    targets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    cycle_start: str = "created_at"
    reactivation_window_months: int | None = None
    alerts: dict[str, Any] = Field(default_factory=dict)


class Workspace:
    """An open workspace. Use :func:`open_workspace` or :func:`create_workspace`."""

    def __init__(self, path: Path, settings: Settings):
        self.path = path
        self.settings = settings

    @property
    def name(self) -> str:
        """The workspace's name."""
        return self.settings.name

    @property
    def db_path(self) -> Path:
        """Path of the workspace's DuckDB file."""
        return self.path / DB_FILE

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open a DuckDB connection to the workspace database."""
        return duckdb.connect(str(self.db_path), read_only=read_only)

    @contextmanager
    def connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Context manager around :meth:`connect` that always closes."""
        con = self.connect(read_only=read_only)
        try:
            yield con
        finally:
            con.close()

    def save_settings(self) -> None:
        """Write ``workspace.json`` atomically."""
        tmp = self.path / (SETTINGS_FILE + ".tmp")
        tmp.write_text(self.settings.model_dump_json(indent=2) + "\n", encoding="utf-8")
        tmp.replace(self.path / SETTINGS_FILE)

    def table_counts(self) -> dict[str, int]:
        """Row count of every canonical table, in declaration order."""
        with self.connection(read_only=True) as con:
            return {
                name: int(con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchall()[0][0])
                for name in TABLES
            }

    def data_version(self) -> int:
        """A number that changes whenever the workspace's data changes."""
        with self.connection(read_only=True) as con:
            return int(con.execute("SELECT version FROM _data_version").fetchall()[0][0])

    def import_log(self) -> list[dict[str, Any]]:
        """Every import, oldest first."""
        with self.connection(read_only=True) as con:
            cur = con.execute("SELECT * FROM _import_log ORDER BY import_id")
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _check_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise WorkspaceError(
            f"invalid workspace name '{name}': expected lowercase letters, digits, '-' or '_' "
            "(starting with a letter or digit, at most 63 characters)"
        )


def init_database(con: duckdb.DuckDBPyConnection) -> None:
    """Create every canonical table and the bookkeeping tables (idempotent)."""
    for table in TABLES.values():
        con.execute(create_table_sql(table))
    con.execute(IMPORT_LOG_SQL)
    con.execute(DATA_VERSION_SQL)
    if not con.execute("SELECT COUNT(*) FROM _data_version").fetchall()[0][0]:
        con.execute("INSERT INTO _data_version VALUES (0)")


def create_workspace(
    name: str,
    profile: str,
    home: Path | str | None = None,
    currency: str = "USD",
    fiscal_year_start_month: int = 1,
    engagement_start: date | None = None,
    exist_ok: bool = False,
    engine: str = "duckdb",
) -> Workspace:
    """Create a workspace folder with its settings and an empty database."""
    _check_name(name)
    from pulse.engines.select import check_engine  # the engine setting must name a known engine

    check_engine(engine)
    from pulse.catalog.profiles import load_profile  # a workspace pins a valid profile

    load_profile(profile)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise WorkspaceError(f"invalid currency '{currency}': expected an ISO code such as USD")
    root = resolve_home(home)
    path = root / name
    if (path / SETTINGS_FILE).exists():
        if exist_ok:
            return open_workspace(name, home)
        raise WorkspaceError(f"workspace '{name}' already exists in {root}")
    path.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        name=name,
        profile=profile,
        currency=currency,
        fiscal_year_start_month=fiscal_year_start_month,
        engagement_start=engagement_start,
        engine=engine,
    )
    ws = Workspace(path, settings)
    with ws.connection() as con:
        init_database(con)
    ws.save_settings()
    return ws


def list_workspaces(home: Path | str | None = None) -> list[Workspace]:
    """Every workspace under the home folder, by name."""
    root = resolve_home(home)
    if not root.is_dir():
        return []
    found = []
    for child in sorted(root.iterdir()):
        if (child / SETTINGS_FILE).is_file():
            found.append(open_workspace(child.name, root))
    return found


def open_workspace(name: str, home: Path | str | None = None) -> Workspace:
    """Open an existing workspace or raise with a did-you-mean."""
    root = resolve_home(home)
    path = root / name
    settings_path = path / SETTINGS_FILE
    if not settings_path.is_file():
        names = (
            [p.name for p in root.iterdir() if (p / SETTINGS_FILE).is_file()]
            if root.is_dir()
            else []
        )
        guess = did_you_mean(name, names)
        msg = f"no workspace '{name}' in {root}"
        if guess:
            msg += f". Did you mean '{guess}'?"
        raise WorkspaceError(msg, hint="create one with: pulse workspace create NAME --profile ID")
    try:
        settings = Settings.model_validate(json.loads(settings_path.read_text(encoding="utf-8")))
    except (ValueError, json.JSONDecodeError) as exc:
        raise WorkspaceError(f"{settings_path}: invalid workspace settings: {exc}") from exc
    return Workspace(path, settings)


def delete_workspace(name: str, home: Path | str | None = None) -> None:
    """Delete a workspace folder and everything in it."""
    ws = open_workspace(name, home)
    shutil.rmtree(ws.path)
