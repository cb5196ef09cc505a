"""The e-mail sender against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from pulse.alerts.config import AlertConfigError, SMTPConfig
from pulse.alerts.delivery import DeliveryError
from pulse.alerts.smtp import send_email
from tests.alerts.conftest import Mailbox, free_port, start_smtp


def _config(box: Mailbox, **kw: Any) -> SMTPConfig:
    return SMTPConfig(host=box.host, port=box.port, sender="pulse@example.com", tls="none", **kw)


def test_sends_a_plain_text_message(mailbox: Mailbox, sleeps: list[float]) -> None:
    result = send_email(
        _config(mailbox),
        ["cro@example.com", "ceo@example.com"],
        "Pulse · acme · 1 turned red",
        "✗ Win rate below 20%\n",
        sleep=sleeps.append,
    )
    assert result.attempts == 1
    ((sender, recipients),) = mailbox.envelopes
    assert (sender, recipients) == ("pulse@example.com", ["cro@example.com", "ceo@example.com"])
    (msg,) = mailbox.messages
    assert msg["Subject"] == "Pulse · acme · 1 turned red"
    assert msg["From"] == "pulse@example.com"
    assert msg["To"] == "cro@example.com, ceo@example.com"
    assert msg["Message-ID"].endswith("@example.com>")
    assert msg.get_content().replace("\r\n", "\n") == "✗ Win rate below 20%\n"


def test_retries_a_temporary_refusal(mailbox: Mailbox, sleeps: list[float]) -> None:
    mailbox.fail_first = 2
    result = send_email(
        _config(mailbox), ["cro@example.com"], "s", "b", attempts=4, backoff=0.25,
        sleep=sleeps.append,
    )  # fmt: skip
    assert result.attempts == 3
    assert len(mailbox.messages) == 1
    assert sleeps == [0.25, 0.5]


def test_gives_up_after_the_attempts(mailbox: Mailbox, sleeps: list[float]) -> None:
    mailbox.fail_first = 10
    with pytest.raises(DeliveryError) as info:
        send_email(_config(mailbox), ["cro@example.com"], "s", "b", attempts=2, sleep=sleeps.append)
    assert info.value.message == (
        f"SMTP 127.0.0.1:{mailbox.port} failed after 2 attempts: 451 b'4.3.0 try again later'"
    )
    assert mailbox.messages == []


def test_retries_when_nothing_listens(sleeps: list[float]) -> None:
    box = Mailbox("127.0.0.1", free_port())
    with pytest.raises(DeliveryError) as info:
        send_email(_config(box, timeout=2), ["a@example.com"], "s", "b", attempts=2,
                   backoff=0.01, sleep=sleeps.append)  # fmt: skip
    assert "failed after 2 attempts: ConnectionRefusedError" in info.value.message
    assert sleeps == [0.01]


def test_starttls_on_a_server_without_it_is_a_clear_error(
    mailbox: Mailbox, sleeps: list[float]
) -> None:
    config = SMTPConfig(host=mailbox.host, port=mailbox.port, sender="pulse@example.com")
    with pytest.raises(DeliveryError) as info:
        send_email(config, ["cro@example.com"], "s", "b", sleep=sleeps.append)
    assert "does not support" in info.value.message
    assert (
        info.value.hint == "a server without STARTTLS needs --smtp-tls none (trusted networks only)"
    )


# -- login and STARTTLS ----------------------------------------------------------------------


def _authenticator(box: Mailbox) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        box.logins.append((data.login, data.password))
        # handled=False: aiosmtpd then answers 535 itself on a wrong password.
        return AuthResult(success=data.password == b"s3cret", handled=False)

    return check


@pytest.fixture
def auth_box() -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", free_port())
    controller = start_smtp(box, authenticator=_authenticator(box), auth_require_tls=False)
    try:
        yield box
    finally:
        controller.stop()


def test_logs_in_with_the_password_from_the_environment(
    auth_box: Mailbox, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(auth_box, user="pulse", password_env="TEST_SMTP_PW", timeout=5)
    with pytest.raises(AlertConfigError) as missing:
        send_email(config, ["cro@example.com"], "s", "b", sleep=sleeps.append)
    assert missing.value.message == "SMTP user 'pulse' needs a password in $TEST_SMTP_PW"
    monkeypatch.setenv("TEST_SMTP_PW", "wrong")
    with pytest.raises(DeliveryError) as refused:
        send_email(config, ["cro@example.com"], "s", "b", sleep=sleeps.append)
    assert (
        refused.value.message == f"SMTP 127.0.0.1:{auth_box.port} refused the login of 'pulse': 535"
    )
    assert refused.value.attempts == 1
    monkeypatch.setenv("TEST_SMTP_PW", "s3cret")
    send_email(config, ["cro@example.com"], "s", "b", sleep=sleeps.append)
    assert auth_box.logins[-1] == (b"pulse", b"s3cret")
    assert len(auth_box.messages) == 1


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_starttls_with_a_verified_certificate(
    certificate: tuple[Path, Path], sleeps: list[float]
) -> None:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    box = Mailbox("127.0.0.1", free_port())
    controller = start_smtp(box, tls_context=server_ctx, require_starttls=True)
    try:
        config = SMTPConfig(host=box.host, port=box.port, sender="pulse@example.com")
        client_ctx = ssl.create_default_context(cafile=str(cert))
        send_email(config, ["cro@example.com"], "over TLS", "b", sleep=sleeps.append,
                   ssl_context=client_ctx)  # fmt: skip
        assert [m["Subject"] for m in box.messages] == ["over TLS"]
        # The default context does not trust a self-signed certificate: no silent downgrade.
        with pytest.raises(DeliveryError):
            send_email(config, ["cro@example.com"], "untrusted", "b", attempts=1,
                       sleep=sleeps.append)  # fmt: skip
        assert len(box.messages) == 1
    finally:
        controller.stop()
