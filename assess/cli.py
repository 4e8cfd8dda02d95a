"""The `assess` console script: Flask's own command line (`FlaskGroup`) over `create_app`.

Commands that need no app (`assess.commands.OFFLINE`) belong to the group itself, so they
run without building one; the others are on `app.cli` (`create_app` registers them), so
`assess demo` and `flask --app wsgi demo` are the same command. The only difference is
the app: this script's makes a development secret key in the instance folder when
ASSESS_SECRET_KEY is not set, while `wsgi.app` refuses to start without one.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import ConfigError, create_app
from .commands import OFFLINE
from .commands.common import BadInput


def script_app() -> Flask:
    """The app of the `assess` script; a configuration it cannot start with is bad input."""
    from .questionnaire_store import QuestionnaireChanged  # SQLAlchemy: not for `score`

    try:
        return create_app({"DEV_SECRET_FILE": True})
    except (ConfigError, QuestionnaireChanged) as exc:
        raise BadInput(str(exc)) from None


class AssessGroup(FlaskGroup):
    """FlaskGroup, except that the group's own commands are found before Flask loads its
    plugins' commands (Flask-Limiter's alone costs a twentieth of a second): `assess
    score` should pay only for scoring."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self.commands.get(name) or super().get_command(ctx, name)


@click.group(cls=AssessGroup, create_app=script_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False,
             context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Sales-ecosystem diagnostic: score answers, serve surveys, build reports."""


# FlaskGroup's --app would be ignored: this script's app is always `script_app`.
main.params = [param for param in main.params if param.name != "app"]
for _command in OFFLINE:
    main.add_command(_command)
