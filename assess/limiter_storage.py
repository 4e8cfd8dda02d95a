"""The rate limiter's embedded storage: counters in a SQLite file that every worker
process on this machine opens, so `gunicorn -w 4` enforces one limit, not four.

`limits` (Flask-Limiter's backend) offers memory, Redis, Memcached and MongoDB storage;
memory is per process, the others are servers to run. This one registers the scheme
`assess+sqlite:///ABSOLUTE/PATH` and implements the fixed-window counters Flask-Limiter
uses by default: one atomic upsert per hit (SQLite serialises writers on the file lock).
The file is separate from the app's database, so a hit on a GET page never takes the
database's write lock. Several machines share limits through Redis instead
(`ASSESS_RATELIMIT_STORAGE_URI=redis://...`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import urllib.parse
from pathlib import Path

from limits.errors import ConfigurationError
from limits.storage import Storage

from .private_files import private_file

SCHEME = "assess+sqlite"
PURGE_EVERY = 500  # hits per process between deletions of expired counters

_SCHEMA = """CREATE TABLE IF NOT EXISTS counter (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"""
# One statement, so one atomic step: a counter whose window is over starts again.
_INCR = """INSERT INTO counter (key, value, expires) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN expires <= :now THEN excluded.value ELSE value + excluded.value END,
    expires = CASE WHEN expires <= :now THEN excluded.expires ELSE expires END
RETURNING value"""


def file_uri(path: str | Path) -> str:
    return f"{SCHEME}://{Path(path).resolve()}"


class SqliteFileStorage(Storage):
    """Fixed-window counters in one SQLite file (WAL), shared by every process using it."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: float | str | bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlparse(uri or "").path)
        if not path.startswith("/"):
            raise ConfigurationError(f"{SCHEME} needs an absolute path: {SCHEME}:///srv/x.db")
        self.path = Path(path)
        self.timeout = float(options.get("timeout", 10))
        self._lock = threading.Lock()  # one connection per process, one statement at a time
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._hits = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        """Opened on first use in each process (never carried across a fork)."""
        if self._connection is None or self._pid != os.getpid():
            private_file(self.path)
            connection = sqlite3.connect(self.path, timeout=self.timeout,
                                         isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(_SCHEMA)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            db = self._db()
            (value,) = db.execute(_INCR, {"key": key, "amount": amount,
                                          "expires": now + expiry, "now": now}).fetchone()
            self._hits += 1
            if self._hits % PURGE_EVERY == 0:
                db.execute("DELETE FROM counter WHERE expires <= ?", (now,))
        return int(value)

    def get(self, key: str) -> int:
        with self._lock:
            row = self._db().execute("SELECT value FROM counter WHERE key = ? AND expires > ?",
                                     (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._lock:
            row = self._db().execute("SELECT expires FROM counter WHERE key = ? AND expires > ?",
                                     (key, now)).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            with self._lock:
                self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._lock:
            return self._db().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db().execute("DELETE FROM counter WHERE key = ?", (key,))

    def close(self) -> None:
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None
