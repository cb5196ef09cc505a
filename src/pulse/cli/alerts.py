"""``pulse alerts configure|show|run``: what turned red and the weekly digest, by webhook or e-mail."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from pulse.alerts import load_config, run_alerts, save_config, update_config
from pulse.cli.options import Home, WorkspaceName
from pulse.periods import parse_date
from pulse.workspace.store import open_workspace

app = typer.Typer(help="Alerts: what turned red, and the weekly digest.", no_args_is_help=True)


@app.command("configure")
def configure(
    name: WorkspaceName,
    webhook: Annotated[
        str | None,
        typer.Option(help="Slack-compatible incoming-webhook URL ('' removes it)."),
    ] = None,
    email: Annotated[
        list[str] | None,
        typer.Option(help="Recipient address (repeatable; replaces the list; '' removes all)."),
    ] = None,
    smtp_host: Annotated[str | None, typer.Option(help="SMTP server host.")] = None,
    smtp_port: Annotated[int | None, typer.Option(help="SMTP server port (default 587).")] = None,
    smtp_user: Annotated[
        str | None,
        typer.Option(help="SMTP login ('' for none); password from --smtp-password-env."),
    ] = None,
    smtp_from: Annotated[str | None, typer.Option(help="Sender address.")] = None,
    smtp_tls: Annotated[
        str | None, typer.Option(help="starttls (default), ssl, or none (trusted networks only).")
    ] = None,
    smtp_password_env: Annotated[
        str | None,
        typer.Option(help="Environment variable holding the SMTP password (PULSE_SMTP_PASSWORD)."),
    ] = None,
    digest: Annotated[
        str | None, typer.Option(help="weekly (default) or off: the digest of leading indicators.")
    ] = None,
    home: Home = None,
) -> None:
    """Set where a workspace's alerts go; with no option, show the settings."""
    ws = open_workspace(name, home)
    config = update_config(
        load_config(ws),
        webhook=webhook,
        email=email,
        smtp_host=smtp_host,
        smtp_port=smtp_port,
        smtp_user=smtp_user,
        smtp_from=smtp_from,
        smtp_tls=smtp_tls,
        smtp_password_env=smtp_password_env,
        digest=digest,
    )
    save_config(ws, config)
    typer.echo(json.dumps(config.to_display(), indent=2))


@app.command("show")
def show(name: WorkspaceName, home: Home = None) -> None:
    """Show a workspace's alert settings (the webhook URL masked)."""
    ws = open_workspace(name, home)
    typer.echo(json.dumps(load_config(ws).to_display(), indent=2))


@app.command("run")
def run(
    name: WorkspaceName,
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="Period label (default: this-quarter).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate as the data stood on this date.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    home: Home = None,
) -> None:
    """Send what turned red since the previous period, and the weekly digest, once per channel."""
    if format not in ("text", "json"):
        from pulse.errors import PulseError

        raise PulseError(f"unknown format '{format}'", hint="valid formats: text, json")
    ws = open_workspace(name, home)
    as_of_date = parse_date(as_of, "as-of date") if as_of else None
    result = run_alerts(ws, period, dry_run=dry_run, as_of=as_of_date)
    if format == "json":
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
    else:
        content = result.content
        typer.echo(
            f"{ws.name} — {content.period.label}: {len(content.turned_red)} turned red since "
            f"{content.period.previous().label}; digest week {content.digest.week}"
        )
        for channel in result.channels:
            line = f"  {channel.channel}: {channel.status}"
            if channel.items:
                line += f" ({len(channel.items)} item{'s' if len(channel.items) != 1 else ''}"
                line += f", {channel.attempts} attempt(s))" if channel.attempts else ")"
            if channel.error:
                line += f" — {channel.error}"
            typer.echo(line)
            if dry_run and channel.message is not None:
                typer.echo(f"\n--- {channel.channel}: {channel.message.subject}")
                typer.echo(channel.message.text())
    if result.failed:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Attach ``pulse alerts``."""
    root.add_typer(app, name="alerts")
