"""The commands of the `assess` script, one module per concern.

`OFFLINE` commands need no app (they read files and print or write files), so the script
runs them without building one. `register(app)` puts every command on `app.cli`, so
`flask --app wsgi ...` offers the same ones; the database commands live only there, and
`assess` finds them by building the app (Flask's `FlaskGroup`).

Command modules import only click and the standard library at the top: listing the
commands must not load pandas, matplotlib or WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .questionnaires import questionnaires
from .report import report, report_batch
from .score import sample, score

if TYPE_CHECKING:
    from flask import Flask

OFFLINE = (score, sample, questionnaires, report, report_batch)


def register(app: Flask) -> None:
    from .data import backup, import_command
    from .demo import demo
    from .export import export
    from .serve import serve

    for command in (*OFFLINE, serve, demo, export, import_command, backup):
        app.cli.add_command(command)
