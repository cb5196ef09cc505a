"""A workspace's alert settings, kept in ``workspace.json`` under ``alerts``.

Channels: a Slack-compatible webhook URL and/or e-mail over SMTP. The SMTP password is never
stored: it is read at send time from the environment variable the config names
(``PULSE_SMTP_PASSWORD`` by default). The webhook URL is a secret too (anyone holding it can
post), so :meth:`AlertConfig.to_display` masks it.
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pulse.errors import PulseError
from pulse.workspace.store import Workspace

EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
DEFAULT_PASSWORD_ENV = "PULSE_SMTP_PASSWORD"


class AlertConfigError(PulseError):
    """The alert settings are invalid or incomplete."""


def check_email(address: str) -> str:
    """``address`` if it looks like an e-mail address, else a PulseError."""
    text = address.strip()
    if not EMAIL_RE.match(text):
        raise AlertConfigError(
            f"invalid e-mail address '{address}'", hint="expected name@example.com"
        )
    return text


def check_webhook(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else a PulseError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AlertConfigError(
            f"invalid webhook URL '{mask_url(url)}'",
            hint="expected an http:// or https:// URL, e.g. a Slack incoming-webhook URL",
        )
    return url.strip()


def mask_url(url: str) -> str:
    """The URL's scheme and host only: webhook paths carry the secret."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "***"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/***"


class SMTPConfig(BaseModel):
    """How to reach the mail server."""

    model_config = ConfigDict(extra="forbid")

    host: str
    port: int = Field(default=587, ge=1, le=65535)
    user: str | None = None
    sender: str
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    password_env: str = DEFAULT_PASSWORD_ENV
    timeout: float = Field(default=20.0, gt=0)

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return check_email(value)

    def password(self) -> str | None:
        """The password from the environment, or None."""
        return os.environ.get(self.password_env) or None


class AlertConfig(BaseModel):
    """Where and what to send for one workspace."""

    model_config = ConfigDict(extra="forbid")

    webhook: str | None = None
    email: list[str] = Field(default_factory=list)
    smtp: SMTPConfig | None = None
    digest: Literal["weekly", "off"] = "weekly"
    attempts: int = Field(default=4, ge=1, le=10)
    backoff_seconds: float = Field(default=1.0, ge=0, le=60)

    @field_validator("webhook")
    @classmethod
    def _webhook(cls, value: str | None) -> str | None:
        return check_webhook(value) if value else None

    @field_validator("email")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        return [check_email(v) for v in value]

    def channels(self) -> list[str]:
        """The configured channels: ``webhook`` and/or ``email``."""
        out = []
        if self.webhook:
            out.append("webhook")
        if self.email:
            out.append("email")
        return out

    def check_complete(self) -> None:
        """Raise when a channel is configured without what it needs to send."""
        if self.email and self.smtp is None:
            raise AlertConfigError(
                "e-mail alerts need an SMTP server",
                hint="pulse alerts configure NAME --smtp-host HOST --smtp-from ADDRESS",
            )

    def to_display(self) -> dict[str, Any]:
        """The settings with the webhook URL masked (for printing)."""
        data = self.model_dump(mode="json")
        if self.webhook:
            data["webhook"] = mask_url(self.webhook)
        return data


def load_config(ws: Workspace) -> AlertConfig:
    """The workspace's alert settings (empty when none are set)."""
    try:
        return AlertConfig.model_validate(ws.settings.alerts)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise AlertConfigError(
            f"{ws.path / 'workspace.json'}: invalid alert settings: {problems}",
            hint="fix them with: pulse alerts configure " + ws.name,
        ) from exc


def save_config(ws: Workspace, config: AlertConfig) -> None:
    """Store ``config`` in ``workspace.json``."""
    ws.settings.alerts = config.model_dump(mode="json", exclude_none=True)
    ws.save_settings()


def update_config(
    config: AlertConfig,
    *,
    webhook: str | None = None,
    email: list[str] | None = None,
    smtp_host: str | None = None,
    smtp_port: int | None = None,
    smtp_user: str | None = None,
    smtp_from: str | None = None,
    smtp_tls: str | None = None,
    smtp_password_env: str | None = None,
    digest: str | None = None,
) -> AlertConfig:
    """``config`` with the given fields changed; ``webhook=""`` / ``email=[]`` remove a channel."""
    data = config.model_dump()
    if webhook is not None:
        data["webhook"] = webhook or None
    if email is not None:
        data["email"] = [e for e in email if e]
    smtp_changes = {
        "host": smtp_host,
        "port": smtp_port,
        "user": smtp_user,
        "sender": smtp_from,
        "tls": smtp_tls,
        "password_env": smtp_password_env,
    }
    changes = {k: v for k, v in smtp_changes.items() if v is not None}
    if changes:
        current = dict(data.get("smtp") or {})
        current.update(changes)
        if current.get("user") == "":
            current["user"] = None
        if "host" not in current or "sender" not in current:
            raise AlertConfigError(
                "the SMTP server needs both --smtp-host and --smtp-from",
                hint="e.g. --smtp-host smtp.example.com --smtp-from pulse@example.com",
            )
        data["smtp"] = current
    if digest is not None:
        data["digest"] = digest
    try:
        updated = AlertConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise AlertConfigError(f"invalid alert settings: {problems}") from exc
    updated.check_complete()
    return updated
