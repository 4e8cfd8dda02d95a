"""The commands of the `assess` script, one module per concern.

`OFFLINE` commands need no app (they read files and print or write files); the others
build it when they run (`database_command`). `register(app)` puts every command on
`app.cli`, so `flask --app wsgi ...` offers the same ones as the `assess` script, which
holds them all itself and so lists them without building an app.

Command modules import only click and the standard library at the top: listing the
commands must not load pandas, matplotlib or WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .data import backup, import_command, restore
from .demo import demo
from .engagement import clients, invitations_group, rounds
from .export import export
from .questionnaires import questionnaires
from .report import report, report_batch
from .score import sample, score
from .serve import serve
from .users import users

if TYPE_CHECKING:
    from flask import Flask

OFFLINE = (score, sample, questionnaires, report, report_batch)
ALL = (*OFFLINE, serve, demo, export, import_command, backup, restore, users, clients, rounds,
       invitations_group)


def register(app: Flask) -> None:
    for command in ALL:
        app.cli.add_command(command)
