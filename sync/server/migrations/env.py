"""Alembic environment of the server's database: runs on the engine `migrate` hands it.

The whole upgrade is one transaction that first takes the database for itself (the
write lock on SQLite, an advisory lock on PostgreSQL), so two `caisse-server init` run
at once migrate once: the second finds the schema already at its revision.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from sync.server.schema import metadata

# Any fixed number: PostgreSQL's advisory locks are named by integers.
MIGRATION_LOCK = 0x6361_6973_7365  # "caisse"


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK})
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=connection.dialect.name == "sqlite",
                          transaction_per_migration=False)
        # Read under the lock: what this upgrade found is what it reports.
        context.config.attributes["found"] = context.get_context().get_current_revision()
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
