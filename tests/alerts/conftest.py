"""Real receivers on loopback: an HTTP webhook receiver and an SMTP server (aiosmtpd).

Both listen on 127.0.0.1 on a free port, run in a thread, and stop at the end of the test. The
HTTP receiver answers 500 to the first ``fail_first`` requests (or ``fail_status``), then 200,
and records every body; the SMTP handler answers 451 to the first ``fail_first`` messages.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pulse.alerts.run import Senders
from pulse.workspace.store import Workspace
from tests.exports.sample import build


@dataclass
class Receiver:
    """What the webhook receiver saw, and how it should answer."""

    url: str
    fail_first: int = 0
    fail_status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def bodies(self) -> list[Any]:
        return [r["json"] for r in self.requests]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.requests.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "json": json.loads(body),
                    }
                )
                failing = len(receiver.requests) <= receiver.fail_first
            status = receiver.fail_status if failing else 200
            self.send_response(status)
            for key, value in receiver.headers.items() if failing else ():
                self.send_header(key, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1."""
    rec = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rec))
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/SECRET"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """Messages the SMTP server accepted."""

    host: str
    port: int
    fail_first: int = 0
    attempts: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return "451 4.3.0 try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


def start_smtp(mailbox: Mailbox, **kwargs: Any) -> Controller:
    """An aiosmtpd server for ``mailbox`` on its port."""
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port, **kwargs)
    controller.start()
    return controller


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A plain SMTP server on 127.0.0.1 (no TLS: loopback only)."""
    box = Mailbox("127.0.0.1", free_port())
    controller = start_smtp(box)
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def senders(sleeps: list[float]) -> Senders:
    """Senders that record the backoff instead of sleeping."""
    return Senders(sleep=sleeps.append, timeout=5.0)


@pytest.fixture
def alert_ws(tmp_path: Path) -> Workspace:
    """A fresh sample company per test (its alert log starts empty)."""
    home = tmp_path / "home"
    home.mkdir()
    return build(home)
