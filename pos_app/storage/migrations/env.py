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


def run_migrations() -> None:
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
