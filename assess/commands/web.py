"""The web app's commands: `assess serve`, `assess demo`, `assess export`."""

from __future__ import annotations

from .demo import demo
from .export import export
from .serve import serve

COMMANDS = (serve, demo, export)
