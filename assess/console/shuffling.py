"""Responses stored so that neither their place on disk nor their transaction ids tell
the order they arrived in.

Why: PostgreSQL puts each inserted row after the previous ones in the table's file and
stamps it with the id of the transaction that inserted it (`xmin`). Left alone, the
physical order (`ctid`), the `xmin` and the row order of a `pg_dump` of the responses
follow the order of submission exactly (rank correlation 1.0), so a database
administrator or anyone holding a copy could line the rows up with the moments people
said they answered. Random ids (`Response.id`) and a date without time do not help there.

How: after a submit, once at least max(k, a tenth of the round) responses arrived since
the round's last rewrite, the round's responses and sent marks are deleted and inserted
again in a random order, in one statement on PostgreSQL (`WITH gone AS (DELETE ...
RETURNING *) INSERT ... SELECT ... FROM gone ORDER BY md5(salt || id)`, a fresh secret
salt each time). Afterwards they all carry that transaction's `xmin` and lie on disk in a
random order. A VACUUM of the two tables follows, outside the transaction, so the old
versions of the rows (in arrival order, with their own `xmin`) can no longer be read
through SQL. The same rewrite runs at once when a round is closed, extended or reopened,
and for every round before `assess backup`, so a backup holds no arrival order.

The rewrite keeps every id (releases list them) and every column, and so every result
and export. It is one transaction: a process that dies in it leaves the rows as they
were. It locks the round's row first (FOR NO KEY UPDATE, which submits' foreign-key
checks do not wait for), so two rewrites of a round never interleave, while submits go
on: a response committed while a rewrite runs is not among the rows its DELETE saw, is
not touched, and waits for the next rewrite. Its cost is linear in the round (see
bench/RESULTS.md); rewriting at every tenth of the round keeps the work per submission
constant on average.

SQLite: responses and sent marks are WITHOUT ROWID tables keyed by random values, so
their rows sit in the order of those keys, not of arrival, and SQLite stores no
transaction id in a row. The same rewrite runs there (through a temporary table, as
SQLite has no DELETE in a WITH clause; writers are serialised by BEGIN IMMEDIATE), so
one code path serves both.

What remains (README, "Threat model"): until the next rewrite, the newest responses
(fewer than max(k, a tenth of the round)) keep their arrival order; the write-ahead log
(and SQLite's -wal file) holds each insert in commit order, with commit times, until it
is recycled; VACUUM makes old versions unreadable through SQL, but their bytes can stay
in the table file's free space until overwritten.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Response, Round, SentMark
from .releases import Tally, tally

WINDOW = 10  # rewrite once a tenth of the round (and at least k responses) is new
TABLES = (Response.__table__, SentMark.__table__)


def new_salt() -> str:
    """The salt that orders one rewrite (a function, so that a test can fix it)."""
    return secrets.token_hex(16)


def is_due(count: int, shuffled: int, k: int) -> bool:
    """A rewrite is due once max(k, a tenth of the round) responses are new."""
    return count - shuffled >= max(k, shuffled // WINDOW, 1)


def shuffle_if_due(round_id: int, counts: Tally | None = None) -> bool:
    """Called after new responses were committed, with the round's counts as their
    transaction saw them (`releases.after_new_responses`; else they are read): rewrite the
    round when due. A failed rewrite changes nothing and is tried again after the next
    submit."""
    if counts is None:
        counts = tally(round_id)
        db.session.rollback()
    if not is_due(counts.responses, counts.shuffled, counts.k):
        return False
    return _shuffle_quietly(round_id)


def shuffle_now(round_id: int) -> bool:
    """Rewrite the round if any response arrived since its last rewrite (a round closed,
    extended or reopened)."""
    counts = tally(round_id)
    db.session.rollback()
    if counts.responses == counts.shuffled:
        return False
    return _shuffle_quietly(round_id)


def shuffle_all() -> int:
    """Rewrite every round with responses newer than its last rewrite (before a backup);
    returns how many rounds were rewritten. Errors are raised, not swallowed."""
    counts = (sa.select(Response.round_id, sa.func.count().label("n"))
              .group_by(Response.round_id).subquery())
    stale = list(db.session.scalars(
        sa.select(Round.id).join(counts, counts.c.round_id == Round.id)
        .where(counts.c.n != Round.responses_shuffled)))
    db.session.rollback()
    for round_id in stale:
        shuffle_round(round_id)
    return len(stale)


def _shuffle_quietly(round_id: int) -> bool:
    try:
        shuffle_round(round_id)
    except sa.exc.DBAPIError as error:
        db.session.rollback()
        current_app.logger.warning("round %s: responses not rewritten this time (%s)",
                                   round_id, type(error.orig).__name__)
        return False
    return True


def shuffle_round(round_id: int) -> int:
    """Delete and insert again, in a random order and in one transaction, every response
    and sent mark of the round; then VACUUM them on PostgreSQL. Returns the number of
    responses rewritten."""
    db.session.rollback()  # start from a fresh transaction of our own
    db.session.execute(sa.select(Round.id).where(Round.id == round_id)
                       .with_for_update(key_share=True))
    postgres = db.engine.dialect.name == "postgresql"
    rewrite = _rewrite_postgres if postgres else _rewrite_sqlite
    count = 0
    for table in TABLES:
        done = rewrite(table, round_id, new_salt())
        count = done if table is Response.__table__ else count
    db.session.execute(sa.update(Round).where(Round.id == round_id)
                       .values(responses_shuffled=count))
    db.session.commit()
    if postgres:
        _vacuum()
    return count


def _columns(table: sa.Table) -> str:
    return ", ".join(f'"{c.name}"' for c in table.columns)


def _rewrite_postgres(table: sa.Table, round_id: int, salt: str) -> int:
    key = table.primary_key.columns.values()[0].name
    columns = _columns(table)
    done = db.session.execute(sa.text(
        f"WITH gone AS (DELETE FROM {table.name} WHERE round_id = :round_id RETURNING *) "
        f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM gone "
        f"ORDER BY md5(:salt || {key})"), {"round_id": round_id, "salt": salt})
    return done.rowcount


def _rewrite_sqlite(table: sa.Table, round_id: int, salt: str) -> int:
    key = table.primary_key.columns.values()[0].name
    columns = _columns(table)
    conn = db.session.connection()
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.shuffled")
    conn.execute(sa.text(f"CREATE TEMP TABLE shuffled AS SELECT {columns} FROM {table.name} "
                         "WHERE round_id = :round_id"), {"round_id": round_id})
    conn.execute(sa.text(f"DELETE FROM {table.name} WHERE round_id = :round_id"),
                 {"round_id": round_id})
    # SQLite has no md5(): the salted order comes from a keyed hash in Python.
    conn.connection.dbapi_connection.create_function(  # type: ignore[union-attr]
        "salted", 1, lambda value: _salted(salt, value), deterministic=True)
    done = conn.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) SELECT {columns} "
                                f"FROM temp.shuffled ORDER BY salted({key})")
    conn.exec_driver_sql("DROP TABLE temp.shuffled")
    return done.rowcount


def _salted(salt: str, value: object) -> str:
    import hashlib

    return hashlib.md5((salt + str(value)).encode(), usedforsecurity=False).hexdigest()


def _vacuum() -> None:
    """VACUUM runs outside a transaction: on a connection of its own, in autocommit."""
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM " + ", ".join(t.name for t in TABLES))
