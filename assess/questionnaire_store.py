"""Questionnaires as the app sees them: loaded from the configured folder, pinned by hash.

A published file must never change. The first time the app meets a version it records
the file's content hash; afterwards a different hash stops the app from starting, since
stored answers would otherwise be scored against questions nobody was asked.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from questionnaires import Questionnaire, QuestionnaireError, load, load_all

from .extensions import db
from .models import QuestionnaireVersion


class QuestionnaireChanged(RuntimeError):
    pass


def root() -> Path:
    return Path(current_app.config["QUESTIONNAIRES_ROOT"])


def get(key: str, version: int | None = None) -> Questionnaire:
    return load(key, version, root())


def of(row: QuestionnaireVersion) -> Questionnaire:
    return get(row.key, row.version)


def _check(q: Questionnaire, row: QuestionnaireVersion) -> None:
    if row.content_hash != q.content_hash:
        raise QuestionnaireChanged(
            f"questionnaire {q.ref} changed since it was published ({q.path}): stored hash "
            f"{row.content_hash[:12]}…, file hash {q.content_hash[:12]}…. Published "
            f"versions are immutable: restore the file and publish the change as a new "
            f"version (v{q.version + 1}.yaml).")


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
    found = load_all(root())
    for q in found:
        record(q)
    db.session.commit()
    return found


def verify() -> None:
    """At start-up: every version already stored must still hash the same."""
    if not sa.inspect(db.engine).has_table("questionnaire_version"):
        return
    rows = db.session.scalars(sa.select(QuestionnaireVersion)).all()
    try:
        for row in rows:
            try:
                q = get(row.key, row.version)
            except QuestionnaireError as exc:
                raise QuestionnaireChanged(
                    f"questionnaire {row.ref} is in the database but its file is gone or "
                    f"invalid: {exc}") from None
            _check(q, row)
    finally:
        db.session.remove()
