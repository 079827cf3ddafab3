"""`vagvisare staff …` and `vagvisare mail …`: staff accounts and the mail outbox, for admins at a terminal.

They open the same database as the web UI (DATABASE_URL, or the SQLite file in VAGVISARE_DATA).
"""

from __future__ import annotations

import os
import sys

import click

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _app():
    from webui import create_app

    return create_app()


@click.group(context_settings=CONTEXT)
def staff() -> None:
    """Staff accounts of the web UI (advisors, trainers, admins)."""


@staff.command("add", context_settings=CONTEXT)
@click.argument("email")
@click.option("--name", default="", help="Full name shown to colleagues.")
@click.option("--role", type=click.Choice(["advisor", "trainer", "admin"]), required=True, help="What the account may do.")
@click.option("--organisation", default=None, help="The receiving organisation's id (required for an advisor).")
def add(email: str, name: str, role: str, organisation: str | None) -> None:
    """Create an account. The password comes from VAGVISARE_STAFF_PASSWORD or a prompt."""
    from webui import accounts

    password = os.environ.get("VAGVISARE_STAFF_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    app = _app()
    try:
        made = accounts.create_staff(app.extensions["vagvisare_store"].engine, email, name, role, organisation, password)
    except accounts.AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"created {made.role} {made.email}" + (f" ({made.organisation})" if made.organisation else ""))


@staff.command("list", context_settings=CONTEXT)
def list_cmd() -> None:
    """List the accounts."""
    from webui import accounts

    for member, active in accounts.list_staff(_app().extensions["vagvisare_store"].engine):
        state = "" if active else "  (disabled)"
        click.echo(f"{member.email:<40} {member.role:<8} {member.organisation or '-':<24} {member.name}{state}")


@staff.command("disable", context_settings=CONTEXT)
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account and end its sessions (the account and its history stay)."""
    _set(email, False)


@staff.command("enable", context_settings=CONTEXT)
@click.argument("email")
def enable(email: str) -> None:
    """Enable a disabled account again."""
    _set(email, True)


def _set(email: str, active: bool) -> None:
    from webui import accounts

    if not accounts.set_active(_app().extensions["vagvisare_store"].engine, email, active):
        click.echo(f"error: there is no account for {email}; see 'vagvisare staff list'", err=True)
        sys.exit(2)
    click.echo(f"{'enabled' if active else 'disabled'} {email}")


@staff.command("password", context_settings=CONTEXT)
@click.argument("email")
def password_cmd(email: str) -> None:
    """Set a new password (from VAGVISARE_STAFF_PASSWORD or a prompt); ends the account's sessions."""
    from webui import accounts

    password = os.environ.get("VAGVISARE_STAFF_PASSWORD") or click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        found = accounts.set_password(_app().extensions["vagvisare_store"].engine, email, password)
    except accounts.AccountError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not found:
        click.echo(f"error: there is no account for {email}; see 'vagvisare staff list'", err=True)
        sys.exit(2)
    click.echo(f"password changed for {email}")


@click.group(context_settings=CONTEXT)
def mail() -> None:
    """The outbox of e-mail notifications."""


@mail.command("send", context_settings=CONTEXT)
def send() -> None:
    """Send the queued messages through the configured SMTP server (VAGVISARE_SMTP_HOST …)."""
    from webui import mail as outbox

    app = _app()
    if not app.config.get("SMTP_HOST"):
        click.echo(
            f"no SMTP server configured (VAGVISARE_SMTP_HOST); {outbox.pending(app.extensions['vagvisare_store'].engine)} message(s) queued"
        )
        return
    sent, left = outbox.deliver(app)
    click.echo(f"sent {sent}, still queued {left}")
