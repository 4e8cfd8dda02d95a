"""Engine settings the ORM cannot express: SQLite pragmas and write-safe transactions,
and the JSON the JSON columns are written in.

pysqlite starts transactions lazily and in DEFERRED mode, so two requests that read and
then write can deadlock and one gets "database is locked" at once, without waiting.
Taking the write lock at BEGIN (IMMEDIATE) makes them queue on busy_timeout instead
(SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import sqlalchemy as sa
import sqlalchemy.orm
from flask import Flask, has_request_context, request

from .extensions import db

BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` URLs (Heroku style) use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def json_text(value: Any) -> str:
    """A JSON column's value as stored: orjson (every survey page writes its draft's
    answers: ~1/14 of the standard library's time to write them, ~1/3 to read them),
    the standard library for what orjson refuses (integers beyond 64 bits, keys that
    are not text)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def from_json_text(text: str | bytes) -> Any:
    """A JSON column's value as read: orjson, the standard library for what orjson
    refuses and it reads (NaN, integers beyond 64 bits, as older versions stored)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def engine_options(options: dict[str, Any]) -> None:
    """Settings every engine gets (the caller's own stay)."""
    options.setdefault("json_serializer", json_text)
    options.setdefault("json_deserializer", from_json_text)


def install_engine_hooks(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        read_only = _read_only_request() or connection.get_execution_options().get("read_only")
        # Straight to the driver: transaction control needs none of the statement
        # machinery (events, caching, result handling), and every request begins one.
        connection.connection.dbapi_connection.execute(
            "BEGIN" if read_only else "BEGIN IMMEDIATE")


def _read_only_request() -> bool:
    """GET and HEAD pages only read: in WAL mode they need no write lock, so they run
    beside writers instead of queueing behind them (so does a connection opened with the
    execution option `read_only`, e.g. a streamed download's). Everything else (POSTs,
    commands) takes the write lock up front."""
    return has_request_context() and request.method in ("GET", "HEAD")


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _no_writes_on_get(session: sa.orm.Session, _context: Any, _instances: Any) -> None:
    """GET pages run without the SQLite write lock: a write there is a bug, caught here."""
    if _read_only_request() and (session.new or session.dirty or session.deleted):
        raise RuntimeError("a GET request tried to write to the database")
