"""The database schema, kept by the Alembic migrations in `assess/migrations/` through
Flask-Migrate.

Flask-Migrate imports Alembic, a fifth of a second that serving pages and most commands
never need, so it is bound to an app only when a migration runs: `upgrade` (which every
database command calls first) or Flask-Migrate's own `db` commands (`flask --app wsgi db
upgrade`), offered on `app.cli` by `register` without importing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Ids and counts are INTEGER columns: a larger number is refused as bad input (a route
# that does not match, a CLI error) before it reaches a query, where PostgreSQL would fail.
INT_MAX = 2**31 - 1


def bind(app: Flask) -> None:
    """Flask-Migrate on this app (once): the settings `flask_migrate.upgrade` reads."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    from .extensions import db

    Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)


def upgrade(app: Flask) -> None:
    """Create the schema, or bring it up to the newest migration (idempotent)."""
    from flask_migrate import upgrade as alembic_upgrade

    bind(app)
    with app.app_context():
        alembic_upgrade()


class _MigrationCommands(click.Group):
    """Flask-Migrate's `db` group, imported when it is used rather than when listed."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations (Flask-Migrate).")

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        from flask_migrate.cli import db as commands

        if current_app:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
        else:  # app.cli invoked directly, as app.test_cli_runner() does
            app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        bind(app)
        return commands.make_context(info_name, args, parent=parent, **extra)


def migration_commands() -> click.Group:
    return _MigrationCommands()


def register(app: Flask) -> None:
    app.cli.add_command(migration_commands())
