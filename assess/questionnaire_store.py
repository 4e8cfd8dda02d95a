"""Questionnaires as the app sees them: loaded from the configured folder, pinned by hash.

A published file must never change. The first time the app meets a version it records
the file's content hash; afterwards a different hash stops the app from starting, since
stored answers would otherwise be scored against questions nobody was asked.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .models import QuestionnaireVersion

if TYPE_CHECKING:
    from questionnaires import Questionnaire

# The `questionnaires` package (and NumPy with it) is imported by the functions that load
# a file, not here: starting the app, or an `assess` command, needs neither.


class QuestionnaireChanged(RuntimeError):
    pass


def root() -> Path:
    return _folder(current_app.config["QUESTIONNAIRES_ROOT"])


@functools.lru_cache(maxsize=16)
def _folder(setting: str | Path) -> Path:
    return Path(setting)  # every survey page asks: made once


def get(key: str, version: int | None = None) -> Questionnaire:
    from questionnaires import load

    return load(key, version, root())


def of(row: QuestionnaireVersion) -> Questionnaire:
    return get(row.key, row.version)


def _check(q: Questionnaire, row: QuestionnaireVersion) -> None:
    if row.content_hash != q.content_hash:
        raise _changed(q.key, q.version, row.content_hash, q.content_hash, q.path)


def _changed(key: str, version: int, stored: str, found: str,
             path: str | Path) -> QuestionnaireChanged:
    return QuestionnaireChanged(
        f"questionnaire {key}@{version} changed since it was published ({path}): stored hash "
        f"{stored[:12]}…, file hash {found[:12]}…. Published "
        f"versions are immutable: restore the file and publish the change as a new "
        f"version (v{version + 1}.yaml).")


def record(q: Questionnaire) -> QuestionnaireVersion:
    """The stored row for this version, created on first use (caller commits)."""
    row = db.session.scalar(sa.select(QuestionnaireVersion).filter_by(key=q.key,
                                                                       version=q.version))
    if row is None:
        row = QuestionnaireVersion(key=q.key, version=q.version, content_hash=q.content_hash)
        db.session.add(row)
        db.session.flush()
    else:
        _check(q, row)
    return row


def sync() -> list[Questionnaire]:
    """Record every published file and refuse any that changed; commits."""
    from questionnaires import load_all

    found = load_all(root())
    for q in found:
        record(q)
    db.session.commit()
    return found


def verify() -> None:
    """At start-up: every version already stored must still hash the same.

    Only the files' bytes are hashed, with the loader's rule (sha256 of the bytes, as
    `questionnaires.files.content_hash`; a test keeps the two equal) but without
    importing the loader and NumPy: parsing every version would slow each start, of a
    worker and of every `assess` command. A file is parsed, and validated, when first
    used; `sync` (before every database command, `assess serve` included) parses all.
    """
    table = QuestionnaireVersion.__table__  # a plain query: the ORM is not set up yet
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table(table.name):
            return
        rows = conn.execute(sa.select(table.c.key, table.c.version, table.c.content_hash))
        stored = rows.all()
    for key, version, content_hash in stored:
        path = root() / key / f"v{version}.yaml"  # the layout in DESIGN.md
        try:
            found = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            raise QuestionnaireChanged(
                f"questionnaire {key}@{version} is in the database but its file is gone: "
                f"{path}: {exc.strerror}") from None
        if found != content_hash:
            raise _changed(key, version, content_hash, found, path)
