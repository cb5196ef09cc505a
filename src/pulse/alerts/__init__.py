"""Alerts: what turned red, and the weekly digest of leading indicators, sent per workspace.

Channels are a Slack-compatible webhook (:mod:`pulse.alerts.webhook`) and e-mail over SMTP
(:mod:`pulse.alerts.smtp`), configured in the workspace's settings (:mod:`pulse.alerts.config`).
:func:`run_alerts` decides what is new per channel, sends it with retries, and remembers it
(:mod:`pulse.alerts.state`) so the same finding is never sent twice on a channel.
"""

from __future__ import annotations

from pulse.alerts.config import AlertConfig, SMTPConfig, load_config, save_config, update_config
from pulse.alerts.run import RunResult, Senders, run_alerts

__all__ = [
    "AlertConfig",
    "RunResult",
    "SMTPConfig",
    "Senders",
    "load_config",
    "run_alerts",
    "save_config",
    "update_config",
]
