"""Files that hold answers, accounts or keys are readable by their owner only.

The SQLite database (SQLite gives its -wal and -shm files the database file's mode), the
limiter's counters, the development secret, cached reports and backups are created 0600
in folders created 0700, whatever the process umask: on a shared host, another account
must not read a copy of the answers.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def private_dir(path: Path) -> Path:
    """`path` and any missing parents, the ones made here 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """`path` created empty and 0600 (in a private folder) unless it exists already."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    return path


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` by `data` at once (a temporary file renamed over it), 0600."""
    with replacing(path) as handle:
        handle.write(data)


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A new file (0600) to write, which replaces `path` at once when the block ends (a
    temporary file renamed over it); if the block fails, `path` stays as it was."""
    private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Held by one process (or thread) at a time: an exclusive lock on `path` (created
    0600), released when the block ends or the process dies."""
    fd = os.open(private_file(path), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
