"""`assess import` and `assess backup`: getting answers in, keeping the database safe."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app

from ..schema import INT_MAX
from .common import BadInput
from .database import database_command


@click.command("import")
@click.argument("round_id", type=click.IntRange(1, INT_MAX))
@click.argument("answers", type=click.Path(dir_okay=False))
@database_command
def import_command(round_id: int, answers: str) -> None:
    """Add the rows of ANSWERS (an answers CSV) to a round; nothing is stored on error."""
    from scoring import AnswersError

    from ..console.importing import import_csv
    from ..errors import AppError

    try:
        count = import_csv(round_id, answers)
    except (AnswersError, AppError) as exc:
        raise BadInput(f"{answers}: {exc}") from None
    click.echo(f"imported {count} response(s) into round {round_id}")


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False),
              help="file to write (default: instance/backups/assess-<UTC time>.<ext>)")
@database_command
def backup(out: str | None) -> None:
    """A consistent copy of the database while the app keeps running (every round's
    newest responses shuffled in first, so that the copy holds no arrival order)."""
    from ..console.shuffling import shuffle_all
    from ..extensions import db

    shuffle_all()

    url = db.engine.url
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    default_dir = Path(current_app.instance_path) / "backups"
    if url.get_backend_name() == "sqlite":
        target = Path(out) if out else default_dir / f"assess-{stamp}.sqlite"
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_backup(Path(url.database or ""), target)
    else:
        target = Path(out) if out else default_dir / f"assess-{stamp}.dump"
        target.parent.mkdir(parents=True, exist_ok=True)
        _pg_dump(url.set(drivername="postgresql").render_as_string(hide_password=False),
                 target)
    click.echo(f"backup: {target}")


def _sqlite_backup(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent snapshot, WAL included."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _pg_dump(url: str, target: Path) -> None:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BadInput("pg_dump is not on PATH: install the PostgreSQL client tools")
    done = subprocess.run([tool, "--format=custom", f"--file={target}", url],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BadInput(f"pg_dump failed: {done.stderr.strip()}")
