"""``pulse user`` and ``pulse serve`` through the real CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from pulse.cli import app
from pulse.web.users import MetaStore
from pulse.workspace.store import create_workspace

runner = CliRunner()


def test_user_add_list_grant_revoke_remove(home: Path) -> None:
    create_workspace("acme", "b2b_saas", home)
    added = runner.invoke(
        app, ["user", "add", "carol", "--role", "cro", "--password-stdin"], input="s3cret-pass\n"
    )
    assert added.exit_code == 0, added.output
    assert added.output == "added user 'carol' (cro)\n"
    granted = runner.invoke(app, ["user", "grant", "carol", "acme", "cro"])
    assert granted.output == "granted 'carol' cro on 'acme'\n"
    listed = json.loads(runner.invoke(app, ["user", "list", "--format", "json"]).output)
    assert listed[0]["username"] == "carol" and listed[0]["grants"][0]["workspace"] == "acme"
    meta = MetaStore(home / "pulse-meta.sqlite3")
    assert meta.password_hash(
        "carol",
    ).startswith("$argon2id$")  # type: ignore[union-attr]
    revoked = runner.invoke(app, ["user", "revoke", "carol", "acme"])
    assert revoked.output == "revoked 'carol' on 'acme'\n"
    removed = runner.invoke(app, ["user", "remove", "carol"])
    assert removed.output == "removed user 'carol'\n"
    assert meta.users() == []


def test_user_errors(home: Path) -> None:
    bad_role = runner.invoke(app, ["user", "add", "x1", "--role", "boss", "--password-stdin"])
    assert bad_role.exit_code == 1
    assert "unknown role 'boss'" in str(bad_role.exception)
    runner.invoke(app, ["user", "add", "carol", "--password-stdin"], input="s3cret-pass\n")
    no_ws = runner.invoke(app, ["user", "grant", "carol", "nope", "cro"])
    assert "no workspace 'nope'" in str(no_ws.exception)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_prints_the_address_and_serves(tmp_path: Path) -> None:
    home = tmp_path / "home"
    create_workspace("acme", "b2b_saas", home)
    port = _free_port()
    env = {**os.environ, "PULSE_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulse", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == f"Pulse is serving 1 workspace from {home} at http://127.0.0.1:{port}/\n"
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/-/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        assert health.json() == {"ok": True, "status": "healthy"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
