"""Alembic environment: runs on the engine the till opened (see storage.migrate)."""

from __future__ import annotations

from alembic import context

from pos_app.storage.rows import UNMODELLED_TABLES, Base


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    if type_ == "table" and name is not None:
        return name not in UNMODELLED_TABLES and not name.startswith("product_fts")
    return True


class BrokenReferences(RuntimeError):
    pass


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        # SQLite changes a table by copying it into a new one and dropping the old: with
        # foreign keys enforced, dropping a table that sold orders refer to would fail (or
        # cascade). They are checked once at the end instead, before anything commits.
        # (On the driver's connection: through SQLAlchemy it would open a transaction
        # first, where SQLite ignores this pragma.)
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise BrokenReferences(f"the migration would break references: {broken[:5]}")
        connection.commit()
        driver.execute("PRAGMA foreign_keys=ON")


run_migrations()
