"""Send an alert e-mail over SMTP (STARTTLS, implicit TLS, or plain on a trusted network).

Retried with exponential backoff: connection failures, disconnects and 4xx replies (the
server's "try again later"). Not retried: 5xx replies, refused recipients and failed logins.
The password comes from the environment variable the config names, never from a file.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pulse.alerts.config import AlertConfigError, SMTPConfig
from pulse.alerts.delivery import Delivery, DeliveryError, backoff_delay


def build_message(smtp: SMTPConfig, to: Sequence[str], subject: str, text: str) -> EmailMessage:
    """A plain-text UTF-8 message."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=smtp.sender.rsplit("@", 1)[-1])
    msg.set_content(text)
    return msg


def _deliver(smtp: SMTPConfig, msg: EmailMessage, context: ssl.SSLContext | None) -> None:
    ctx = context or ssl.create_default_context()
    client: smtplib.SMTP
    if smtp.tls == "ssl":
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=ctx)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        client.ehlo()
        if smtp.tls == "starttls":
            client.starttls(context=ctx)
            client.ehlo()
        if smtp.user:
            password = smtp.password()
            if not password:
                raise AlertConfigError(
                    f"SMTP user '{smtp.user}' needs a password in ${smtp.password_env}",
                    hint=f"export {smtp.password_env}=… before `pulse alerts run`",
                )
            client.login(smtp.user, password)
        client.send_message(msg)


def send_email(
    smtp: SMTPConfig,
    to: Sequence[str],
    subject: str,
    text: str,
    *,
    attempts: int = 4,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    ssl_context: ssl.SSLContext | None = None,
) -> Delivery:
    """Send one message to every address in ``to``; raise DeliveryError when it cannot."""
    msg = build_message(smtp, to, subject, text)
    where = f"SMTP {smtp.host}:{smtp.port}"
    last = "no attempt made"
    for attempt in range(1, attempts + 1):
        try:
            _deliver(smtp, msg, ssl_context)
            return Delivery(attempt, 250)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{where} refused the login of '{smtp.user}': {exc.smtp_code}",
                attempts=attempt,
                hint=f"check --smtp-user and ${smtp.password_env}",
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(
                f"{where} does not support what was asked ({exc})",
                attempts=attempt,
                hint="a server without STARTTLS needs --smtp-tls none (trusted networks only)",
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(sorted(exc.recipients))
            raise DeliveryError(
                f"{where} refused the recipients: {refused}", attempts=attempt
            ) from exc
        except smtplib.SMTPResponseException as exc:
            if not 400 <= exc.smtp_code < 500:
                raise DeliveryError(
                    f"{where} refused the message: {exc.smtp_code} {exc.smtp_error!r}",
                    attempts=attempt,
                ) from exc
            last = f"{exc.smtp_code} {exc.smtp_error!r}"
        except (smtplib.SMTPException, OSError) as exc:
            last = f"{type(exc).__name__}: {exc}"
        if attempt < attempts:
            sleep(backoff_delay(attempt, backoff))
    raise DeliveryError(
        f"{where} failed after {attempts} attempts: {last}",
        attempts=attempts,
        hint="the next `pulse alerts run` sends it again",
    )
