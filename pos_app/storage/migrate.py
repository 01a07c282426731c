"""Bringing a store to the latest schema with Alembic, at every start.

A store already at the latest revision is recognised with one plain query, so a normal
start never imports SQLAlchemy or Alembic; they are loaded only to migrate.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; a test checks it against Alembic's head.
SCHEMA_HEAD = "0009"


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
