"""One SQLite transaction, with every repository bound to it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, RootTransaction

from pos_app.storage.catalogue_repository import SqlCatalogue
from pos_app.storage.customer_repository import SqlCustomers
from pos_app.storage.engine import BEGIN_IMMEDIATE
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
    """Commits only when told to; leaving the block without `commit()` rolls back."""

    catalogue: SqlCatalogue
    customers: SqlCustomers
    orders: SqlOrders
    staff: SqlStaff
    payment_methods: SqlPaymentMethods
    favourites: SqlFavourites
    tills: SqlTills
    sequences: SqlSequences
    outbox: SqlOutbox

    def __init__(self, engine: Engine, write: bool = True) -> None:
        self._engine = engine
        self._write = write
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None

    def __enter__(self) -> SqlUnitOfWork:
        connection = self._engine.connect()
        connection.info[BEGIN_IMMEDIATE] = self._write
        self._connection = connection
        self._transaction = connection.begin()
        self.catalogue = SqlCatalogue(connection)
        self.customers = SqlCustomers(connection)
        self.orders = SqlOrders(connection)
        self.staff = SqlStaff(connection)
        self.payment_methods = SqlPaymentMethods(connection)
        self.favourites = SqlFavourites(connection)
        self.tills = SqlTills(connection)
        self.sequences = SqlSequences(connection)
        self.outbox = SqlOutbox(connection)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        assert self._connection is not None and self._transaction is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._connection.close()

    def commit(self) -> None:
        assert self._transaction is not None
        self._transaction.commit()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write)
