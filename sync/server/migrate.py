"""Bringing the server's database to this program's schema (Alembic, `migrations/`).

`caisse-server init` migrates; `run` and the other commands only check, and refuse a
database this program does not know: one made by a newer program, or one not migrated
yet. A database at this program's schema is recognised with one query, without loading
Alembic (a command then starts in half the time).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from sync.server.database import reading
from sync.server.errors import SchemaMismatch

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; a test checks it against Alembic's head.
SCHEMA_HEAD = "0005"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision; None for an empty database."""
    with reading(engine) as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if found is None else str(found[0])


def known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return {script.revision for script in scripts.walk_revisions()}


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to SCHEMA_HEAD; the revisions before and after. A database of a newer
    program is refused, untouched."""
    from alembic import command

    _refuse_newer(engine, current_revision(engine))
    config = alembic_config(engine)
    command.upgrade(config, "head")
    before: str | None = config.attributes.get("found")
    return before, SCHEMA_HEAD


def check_current(engine: Engine) -> None:
    """Raise SchemaMismatch unless the database is at SCHEMA_HEAD."""
    found = current_revision(engine)
    if found == SCHEMA_HEAD:
        return
    _refuse_newer(engine, found)
    if found is None:
        raise SchemaMismatch("the database is empty: run `caisse-server init` first")
    if found != SCHEMA_HEAD:
        raise SchemaMismatch(f"the database is at schema {found}, this program needs"
                             f" {SCHEMA_HEAD}: run `caisse-server init` to migrate it")


def _refuse_newer(engine: Engine, found: str | None) -> None:
    if found is not None and found not in known_revisions(engine):
        raise SchemaMismatch(
            f"the database is at schema {found}, made by a newer caisse-server than this"
            f" one (which knows schemas up to {SCHEMA_HEAD}): run the newer program, or"
            " restore a backup made before it")
