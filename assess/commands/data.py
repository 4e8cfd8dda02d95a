"""`assess import`, `assess backup` and `assess restore`: getting answers in, keeping the
database safe."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import ScriptInfo

from ..private_files import private_file
from ..schema import INT_MAX
from .common import BadInput
from .database import database, database_command, release


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
    newest responses shuffled in first, so that the copy holds no arrival order, and
    expired drafts purged). The file is readable by its owner only."""
    from ..console.shuffling import shuffle_all
    from ..extensions import db
    from ..respondent.operations import purge_expired_drafts

    purge_expired_drafts()
    shuffle_all()

    url = db.engine.url
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    default_dir = Path(current_app.instance_path) / "backups"
    if url.get_backend_name() == "sqlite":
        target = Path(out) if out else default_dir / f"assess-{stamp}.sqlite"
        if target.exists():
            raise BadInput(f"{target} exists already: choose another --out")
        _sqlite_copy(Path(url.database or ""), target)
    else:
        target = Path(out) if out else default_dir / f"assess-{stamp}.dump"
        _pg_dump(_libpq_url(), private_file(target))
    click.echo(f"backup: {target}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="replace a database that already holds data")
def restore(file: str, force: bool) -> None:
    """Put back a backup made by `assess backup`: a SQLite file into a SQLite database, a
    pg_dump file into PostgreSQL, in one transaction; then the schema is upgraded to this
    version. A database that holds any data is replaced only with --force."""
    from ..extensions import db

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    source = Path(file)
    with app.app_context():
        try:
            url = db.engine.url
            sqlite = url.get_backend_name() == "sqlite"
            (_check_sqlite_backup if sqlite else _check_pg_backup)(source)
            holding = _tables_with_data()
            if holding and not force:
                raise BadInput(f"the database is not empty (rows in {', '.join(holding)}): "
                               "add --force to replace everything in it by the backup")
            release()
            if sqlite:
                _sqlite_copy(source, Path(url.database or ""), read_only=True)
            else:
                _pg_restore(source, _libpq_url())
        finally:
            release()
    with database():  # the schema upgraded and the questionnaires checked, as always
        from ..console.reports import forget_cached
        from ..console.results import forget_kept

        forget_cached()  # rendered and scored from the database that was replaced
        forget_kept()
    click.echo(f"restored {source}")


# Tables a fresh database fills by itself: the schema version and the published
# questionnaires' hashes. Anything else is someone's data.
_BOOKKEEPING = frozenset({"alembic_version", "questionnaire_version"})


def _tables_with_data() -> list[str]:
    from ..extensions import db

    with db.engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        return [name for name in sorted(set(names) - _BOOKKEEPING)
                if connection.execute(sa.select(sa.literal(1))
                                      .select_from(sa.table(name)).limit(1)).first()]


def _libpq_url() -> str:
    from ..extensions import db

    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_copy(source: Path, target: Path, *, read_only: bool = False) -> None:
    """SQLite's online backup API: every page of `source` into `target`, consistently
    (WAL included) and under SQLite's locks, so either side may be a live database: a
    backup is taken from it, a restore replaces its pages (never a file copied over an
    open database). A restore reads the backup file read-only."""
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True) if read_only
                 else sqlite3.connect(source)) as src, \
            closing(sqlite3.connect(private_file(target), timeout=30)) as dst:
        src.backup(dst)


def _check_sqlite_backup(source: Path) -> None:
    """A SQLite file, intact, made by this app (it has our schema's version table)."""
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"{source} is not a SQLite backup of this app ({exc})") from None
    if not ok or ok[0] != "ok":
        raise BadInput(f"{source} is damaged: {ok[0] if ok else 'no answer'}")
    if not {"alembic_version", "response"} <= tables:
        raise BadInput(f"{source} is a SQLite file, but not a backup of this app")


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BadInput(f"{name} is not on PATH: install the PostgreSQL client tools")
    return tool


def _run(args: list[str], what: str, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(args, input=stdin, capture_output=True)
    if done.returncode != 0:
        raise BadInput(f"{what} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _pg_dump(url: str, target: Path) -> None:
    _run([_pg_tool("pg_dump"), "--format=custom", f"--file={target}", url], "pg_dump")


def _check_pg_backup(source: Path) -> None:
    """A whole pg_dump archive (custom format) that holds this app's tables."""
    listing = _run([_pg_tool("pg_restore"), "--list", str(source)],
                   f"reading {source} as a pg_dump archive").decode(errors="replace")
    if " TABLE DATA public response " not in listing:
        raise BadInput(f"{source} is a pg_dump archive, but not a backup of this app")


def _pg_restore(source: Path, url: str) -> None:
    """Everything in the public schema dropped and the backup loaded, in one transaction
    of psql: a failure half-way leaves the database as it was."""
    script = _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-",
                   str(source)], f"reading {source}")
    prelude = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
    _run([_pg_tool("psql"), "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1",
          "--single-transaction", f"--dbname={url}", "--file=-"], "restoring", prelude + script)
