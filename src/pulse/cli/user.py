"""``pulse user add|list|remove|grant|revoke|password``: who may use the web dashboard."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pulse.cli.options import Home
from pulse.config import resolve_home
from pulse.web.config import META_FILE
from pulse.web.users import GRANT_ROLES, MetaStore, Role
from pulse.workspace.store import open_workspace

app = typer.Typer(help="Users of the web dashboard and their access.", no_args_is_help=True)

UserName = Annotated[str, typer.Argument(help="User name (lowercase).")]
PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (scripts)."),
]


def store(home: Home = None) -> MetaStore:
    """The metadata store of the home folder."""
    return MetaStore(resolve_home(home) / META_FILE)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    username: UserName,
    role: Annotated[
        str, typer.Option("--role", help="admin, cro or client_viewer.")
    ] = Role.CRO.value,
    password_stdin: PasswordStdin = False,
    home: Home = None,
) -> None:
    """Add a user (the password is asked for, or read with --password-stdin)."""
    meta = store(home)
    meta.check_new_user(username, role)
    user = meta.add_user(username, _password(password_stdin), role)
    typer.echo(f"added user '{user.username}' ({user.role.value})")


@app.command("list")
def list_(
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    home: Home = None,
) -> None:
    """Every user with their role and grants."""
    meta = store(home)
    users = meta.users()
    grants = meta.grants()
    if format == "json":
        payload = [
            {**u.to_json(), "grants": [g.to_json() for g in grants if g.username == u.username]}
            for u in users
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    if not users:
        typer.echo("no users yet: pulse user add NAME --role admin")
        return
    table = Table("user", "role", "grants", "created (UTC)", box=None)
    for u in users:
        mine = ", ".join(
            f"{g.workspace} ({g.role.value})" for g in grants if g.username == u.username
        )
        table.add_row(u.username, u.role.value, mine or "—", u.created_at)
    Console(width=140).print(table)


@app.command("remove")
def remove(username: UserName, home: Home = None) -> None:
    """Remove a user with their grants and sessions."""
    store(home).remove_user(username)
    typer.echo(f"removed user '{username}'")


@app.command("grant")
def grant(
    username: UserName,
    workspace: Annotated[str, typer.Argument(help="Workspace (client company) name.")],
    role: Annotated[str, typer.Argument(help=f"{' or '.join(r.value for r in GRANT_ROLES)}.")],
    home: Home = None,
) -> None:
    """Let a user see a workspace as a CRO (read and change) or a client viewer (read)."""
    open_workspace(workspace, home)
    g = store(home).grant(username, workspace, role)
    typer.echo(f"granted '{g.username}' {g.role.value} on '{g.workspace}'")


@app.command("revoke")
def revoke(
    username: UserName,
    workspace: Annotated[str, typer.Argument(help="Workspace (client company) name.")],
    home: Home = None,
) -> None:
    """Take a user's access to a workspace away."""
    store(home).revoke(username, workspace)
    typer.echo(f"revoked '{username}' on '{workspace}'")


@app.command("password")
def password(username: UserName, password_stdin: PasswordStdin = False, home: Home = None) -> None:
    """Set a user's password (and log out their sessions)."""
    meta = store(home)
    meta.get_user(username)
    meta.set_password(username, _password(password_stdin))
    typer.echo(f"password of '{username}' changed")


def register(root: typer.Typer) -> None:
    """Attach ``pulse user``."""
    root.add_typer(app, name="user")
