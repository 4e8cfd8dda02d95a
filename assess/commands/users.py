"""`assess users`: the installation's accounts from the command line.

`create` makes the first admin (and consultants, where no mail is sent); `list` shows
every account; `reset-link` prints a password reset link for installations without mail,
the one place such a link is ever shown.
"""

from __future__ import annotations

import sys

import click
from flask import current_app

from .common import BadInput
from .database import database_command

ROLES = ("admin", "consultant")


@click.group()
def users() -> None:
    """Accounts: create the first admin, list accounts, make a reset link."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="admin: the installation; consultant: their own clients.")
@click.option("--name", default="", help="The name others see (default: none).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input, not a prompt.")
@database_command
def create(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; asks for its password (at least 12 characters, not a common one)."""
    import sqlalchemy as sa

    from ..auth import operations as ops
    from ..errors import AppError
    from ..extensions import db
    from ..models import Account

    try:
        email = ops.checked_email(email)
    except ops.BadEmail as exc:
        raise BadInput(exc.message) from None
    if db.session.scalar(sa.select(Account.id).filter_by(email=email)) is not None:
        raise BadInput(f"an account with the email address {email} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                                err=True)
    try:
        account = ops.create_account(email, name, role, password)
    except ops.PasswordRejected as exc:
        raise BadInput(f"password refused: {exc}") from None
    except AppError as exc:
        raise BadInput(f"{exc.title}: {exc.message}") from None
    click.echo(f"created {account.role} {account.email}")


@users.command("list")
@database_command
def list_accounts() -> None:
    """Every account: email, role, name, state (locked, inactive) and creation day."""
    import sqlalchemy as sa

    from ..auth.operations import now
    from ..extensions import db
    from ..models import Account, as_utc

    at = now()
    rows = [("EMAIL", "ROLE", "NAME", "STATE", "CREATED")]
    for account in db.session.scalars(sa.select(Account).order_by(Account.role, Account.email)):
        until = as_utc(account.locked_until)
        state = ("inactive" if not account.active
                 else f"locked until {until:%Y-%m-%d %H:%M} UTC" if until and until > at
                 else "active")
        rows.append((account.email, account.role, account.name or "-", state,
                     f"{as_utc(account.created_at):%Y-%m-%d}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                      strict=False))
                   + "  " + row[-1])


@users.command("reset-link")
@click.argument("email")
@click.option("--base-url", default=None,
              help="Where people reach the app (default: ASSESS_BASE_URL, else "
                   "http://127.0.0.1:5000).")
@database_command
def reset_link(email: str, base_url: str | None) -> None:
    """Print a one-hour password reset link for EMAIL (for installations without mail)."""
    from ..auth import operations as ops

    # Links are built on BASE_URL; this command's app lives for this command only.
    current_app.config["BASE_URL"] = (base_url or current_app.config.get("BASE_URL")
                                      or "http://127.0.0.1:5000")
    link = ops.request_reset(email, send=False)
    if link is None:
        raise BadInput(f"no active account has the email address {email!r}")
    click.echo(link)
