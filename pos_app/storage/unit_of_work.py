"""One SQLite transaction, with every repository bound to it."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.pool import PoolProxiedConnection

from pos_app.storage.catalogue_repository import SqlCatalogue
from pos_app.storage.customer_repository import SqlCustomers
from pos_app.storage.order_repository import SqlOrders
from pos_app.storage.repositories import (
    SqlFavourites,
    SqlOutbox,
    SqlPaymentMethods,
    SqlSequences,
    SqlStaff,
    SqlTills,
)


class SqlUnitOfWork:
    """Commits only when told to; leaving the block without `commit()` rolls back.

    Repositories are made on first use: a sale touches five of the nine.
    """

    def __init__(self, engine: Engine, write: bool = True) -> None:
        self._engine = engine
        self._write = write
        self._pooled: PoolProxiedConnection | None = None
        self._open = False

    def __enter__(self) -> SqlUnitOfWork:
        self._pooled = self._engine.raw_connection()
        # A writer takes the write lock up front: two writers never deadlock upgrading.
        self._db.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
        self._open = True
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        assert self._pooled is not None
        try:
            if self._open:
                self._db.execute("ROLLBACK")
                self._open = False
        finally:
            self._pooled.close()  # back to the pool
            self._pooled = None

    def commit(self) -> None:
        if not self._open:
            raise RuntimeError("nothing to commit: the transaction is over")
        self._db.execute("COMMIT")
        self._open = False

    @property
    def _db(self) -> sqlite3.Connection:
        if self._pooled is None:
            raise RuntimeError("use the unit of work in a `with` block")
        driver = self._pooled.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        return driver

    @cached_property
    def catalogue(self) -> SqlCatalogue:
        return SqlCatalogue(self._db)

    @cached_property
    def customers(self) -> SqlCustomers:
        return SqlCustomers(self._db)

    @cached_property
    def orders(self) -> SqlOrders:
        return SqlOrders(self._db)

    @cached_property
    def staff(self) -> SqlStaff:
        return SqlStaff(self._db)

    @cached_property
    def payment_methods(self) -> SqlPaymentMethods:
        return SqlPaymentMethods(self._db)

    @cached_property
    def favourites(self) -> SqlFavourites:
        return SqlFavourites(self._db)

    @cached_property
    def tills(self) -> SqlTills:
        return SqlTills(self._db)

    @cached_property
    def sequences(self) -> SqlSequences:
        return SqlSequences(self._db)

    @cached_property
    def outbox(self) -> SqlOutbox:
        return SqlOutbox(self._db)


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write)
