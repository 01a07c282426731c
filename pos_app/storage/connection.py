"""Plain sqlite3 connections to the store, configured as every connection must be.

Units of work use these directly: starting the till must not wait for SQLAlchemy and
Alembic to import (a third of a second), which only migrations and tools need.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

STORE_FILE = "caisse.sqlite3"
BUSY_TIMEOUT_MS = 10_000


def store_path(data_dir: Path) -> Path:
    return data_dir / STORE_FILE


def configure(connection: sqlite3.Connection) -> None:
    """WAL, synchronous=FULL, foreign keys on; transactions begun explicitly.

    Units of work take BEGIN IMMEDIATE to write; the sqlite3 module would otherwise
    begin transactions lazily, and never as IMMEDIATE.
    """
    connection.isolation_level = None
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def connect(path: Path, *, create: bool = False, read_only: bool = False,
            immutable: bool = False) -> sqlite3.Connection:
    """A configured connection; it may move between threads (one at a time).

    The file must exist unless `create`: a store deleted while the till runs is not
    silently made again, empty. `read_only` connections cannot write, whoever runs them
    (root too); `immutable` ones also leave the WAL's side files alone, for a store whose
    directory cannot hold them (SQLite then reads the file as it is).
    """
    mode = "ro" if read_only else "rwc" if create else "rw"
    uri = f"{path.absolute().as_uri()}?mode={mode}" + ("&immutable=1" if immutable else "")
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False,
                                 isolation_level=None)
    try:
        if read_only:
            configure_read_only(connection)
        else:
            configure(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def configure_read_only(connection: sqlite3.Connection) -> None:
    """What a read-only connection keeps of `configure`: the journal mode and durability
    are the writers' business (setting them would write)."""
    connection.isolation_level = None
    connection.execute("PRAGMA query_only=ON")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def side_files(path: Path) -> tuple[Path, Path]:
    """The WAL's side files of the store at `path`."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def writable(path: Path) -> bool:
    """Whether the till may write `path` (a file or a directory): its permissions let this
    user write, and give someone write access. A file or directory that nobody may write
    is read-only for the till, even when run as root, who could write it anyway."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(path, os.W_OK)


def needs_immutable(path: Path) -> bool:
    """Whether a read-only connection must take the store as immutable: its directory
    cannot hold the WAL's side files, and they are not there (an immutable connection
    ignores a WAL, so one with content is read the ordinary way, or not at all)."""
    wal, shm = side_files(path)
    if writable(path.parent) or (wal.exists() and shm.exists()):
        return False
    return not wal.exists() or wal.stat().st_size == 0
