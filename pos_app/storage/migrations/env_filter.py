"""Which database objects Alembic compares with the models."""

from __future__ import annotations

from pos_app.storage.rows import UNMODELLED_TABLES


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:
    """Leave out the FTS5 table and its shadow tables: migrations own them, not models."""
    if type_ == "table" and name is not None:
        return name not in UNMODELLED_TABLES and not name.startswith("product_fts")
    return True
