"""The `assess` console script: Flask's own command line (`FlaskGroup`) over `create_app`.

Every command belongs to the group itself (`assess.commands.ALL`, and the migrations'
`db`), so `assess --help` lists them and `assess score` runs them without building an app;
a command that needs the database builds it when it runs. `create_app` registers the same
commands on `app.cli`, so `assess demo` and `flask --app wsgi demo` are one command. The
only difference is the app: this script's makes a development secret key in the instance
folder when ASSESS_SECRET_KEY is not set, while `wsgi.app` refuses to start without one.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import ConfigError, create_app
from .commands import ALL
from .commands.common import BadInput
from .schema import migration_commands


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

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The group's own commands: listing them builds no app (--help stays fast)."""
        return sorted(self.commands)


@click.group(cls=AssessGroup, create_app=script_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False,
             context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Sales-ecosystem diagnostic: score answers, serve surveys, build reports."""


# FlaskGroup's --app would be ignored: this script's app is always `script_app`.
main.params = [param for param in main.params if param.name != "app"]
for _command in (*ALL, migration_commands()):
    main.add_command(_command)
