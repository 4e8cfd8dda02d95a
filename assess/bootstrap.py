"""Building the app for a CLI command, and bringing its database up to date."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo


def cli_app() -> Flask:
    """The app of `flask --app wsgi ...` when run that way; else a development app whose
    secret key (unless ASSESS_SECRET_KEY is set) lives in the instance folder."""
    ctx = click.get_current_context(silent=True)
    info = ctx.find_object(ScriptInfo) if ctx else None
    if info is not None:
        return info.load_app()
    from . import create_app

    return create_app({"DEV_SECRET_FILE": True})


def prepare_database(app: Flask) -> None:
    """Create or upgrade the schema, then record (and check) the questionnaire hashes."""
    from flask_migrate import upgrade

    from .questionnaire_store import sync

    with app.app_context():
        upgrade()
        sync()


def release(app: Flask) -> None:
    """Close pooled connections when a short command is done with the database."""
    from .extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
