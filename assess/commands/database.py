"""What every command that uses the database shares: the app's context, the schema
created or upgraded and the questionnaire hashes recorded before it runs, and its pooled
connections closed after. So no separate init step exists."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from .common import BadInput

F = TypeVar("F", bound=Callable[..., Any])


def prepare(app: Flask) -> None:
    """Create or upgrade the schema, then record (and check) the questionnaire hashes."""
    from ..questionnaire_store import sync
    from ..schema import upgrade

    upgrade(app)
    with app.app_context():
        sync()


def release() -> None:
    """Close the session and the pooled connections (the caller holds an app context)."""
    from ..extensions import db

    db.session.remove()
    db.engine.dispose()


@contextmanager
def database() -> Iterator[Flask]:
    """The CLI's app, its context pushed and its database prepared; released after.

    The app is the one Flask's CLI loaded for this command (`flask --app ...` or the
    `assess` script's), whose context FlaskGroup has pushed for `app.cli` commands; a
    command of the script's own group gets it from the ScriptInfo the same way.
    """
    from questionnaires import QuestionnaireError

    from ..questionnaire_store import QuestionnaireChanged

    if current_app:
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    else:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        try:
            try:
                prepare(app)
            except (QuestionnaireError, QuestionnaireChanged) as exc:
                raise BadInput(str(exc)) from None
            yield app
        finally:
            release()


def database_command(f: F) -> F:
    """Run a command in `database()`: put it below `@click.command` and the options."""

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        with database():
            return f(*args, **kwargs)

    return command  # type: ignore[return-value]
