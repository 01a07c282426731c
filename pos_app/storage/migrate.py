"""Bringing a store to the latest schema with Alembic, at every start.

A store already at the latest revision is recognised with one plain query, so a normal
start never imports SQLAlchemy or Alembic; they are loaded only to migrate.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from pos_app.storage.connection import connect, side_files

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; a test checks it against Alembic's head.
SCHEMA_HEAD = "0022"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(connection: sqlite3.Connection) -> str | None:
    """The store's schema revision; None for a new, empty store."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return None
        raise
    return None if row is None else str(row[0])


def bring_to_head(path: Path, connection: sqlite3.Connection) -> None:
    """Apply the migrations the store at `path` lacks, if any."""
    if current_revision(connection) == SCHEMA_HEAD:
        return
    from pos_app.storage.engine import open_engine

    engine = open_engine(path)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()


def upgrade_to_head(engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def create_store(path: Path) -> None:
    """Make a new store at `path`, at the latest schema, all at once: it is built beside
    it and moved into place complete, so a file at `path` is always a whole store (an
    empty or half-made one is damaged, never taken for a new one). A store another
    program made meanwhile is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = path.with_name(path.name + ".new")
    for leftover in (fresh, *side_files(fresh)):  # from a creation interrupted earlier
        leftover.unlink(missing_ok=True)
    connection = connect(fresh, create=True)
    try:
        bring_to_head(fresh, connection)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
    finally:
        connection.close()
    try:
        for side in side_files(fresh):  # emptied by the checkpoint; the file holds it all
            side.unlink(missing_ok=True)
        _sync(fresh)
        try:
            os.link(fresh, path)  # never over a store made meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(fresh, path)
        _sync(path.parent)
    finally:
        fresh.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Flush `path` (a file, or a directory's entries) to the disk."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:  # a directory cannot be opened on some systems (Windows)
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
