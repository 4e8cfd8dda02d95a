"""The web app's commands: serve, demo, export, import, backup."""

from __future__ import annotations

from .data import backup, import_command
from .demo import demo
from .export import export
from .serve import serve

COMMANDS = (serve, demo, export, import_command, backup)
