"""The `assess` console script.

Commands live in `assess/commands/`, one module per concern; commands that need the
web app or database build it themselves, so `assess score` runs without either.
"""

from __future__ import annotations

import click

from .commands import questionnaires as questionnaires_cmd
from .commands import report as report_cmd
from .commands import score as score_cmd
from .commands import web as web_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Sales-ecosystem diagnostic: score answers, serve surveys, build reports."""


main.add_command(score_cmd.score)
main.add_command(score_cmd.sample)
main.add_command(questionnaires_cmd.questionnaires)
for _command in web_cmd.COMMANDS: main.add_command(_command)  # noqa: E701
for _command in report_cmd.COMMANDS: main.add_command(_command)  # noqa: E701
