"""Helpers shared by tests."""

from __future__ import annotations

from sqlalchemy import Engine


def snapshot(engine: Engine, leave_out: frozenset[str] = frozenset()
             ) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (but `leave_out`), to show that a refused action changed
    nothing."""
    with engine.connect() as connection:
        tables = [row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'product_fts_%' AND name NOT LIKE 'sqlite_%'")]
        return {table: sorted(tuple(row) for row in connection.exec_driver_sql(
            f'SELECT * FROM "{table}"')) for table in tables if table not in leave_out}
