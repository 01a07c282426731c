"""One SQLite transaction, with every repository bound to it."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pos_app.storage.repositories import (
    LocalTill,
    SqlFavourites,
    SqlPolicies,
    SqlSequences,
    SqlStaff,
    SqlTills,
)

if TYPE_CHECKING:
    from pos_app.storage.catalogue_repository import SqlCatalogue
    from pos_app.storage.closure_repository import SqlClosures
    from pos_app.storage.customer_repository import SqlCustomers
    from pos_app.storage.draft_repository import SqlDrafts
    from pos_app.storage.gate_repository import (
        SqlTicketConflicts,
        SqlTicketKeys,
        SqlTicketStates,
        SqlTicketValidations,
    )
    from pos_app.storage.held_basket_repository import SqlHeldBaskets
    from pos_app.storage.journal_repository import SqlJournal
    from pos_app.storage.order_repository import SqlOrders
    from pos_app.storage.payment_method_repository import SqlPaymentMethods
    from pos_app.storage.print_queue_repository import SqlPrintJobs
    from pos_app.storage.records_repository import SqlRecords
    from pos_app.storage.schedule_repository import SqlSchedule
    from pos_app.storage.sync_repository import SqlOutbox, SqlSyncState
    from pos_app.storage.ticket_repository import SqlTickets

METHOD_CACHE = "payment_methods"  # key of a connection's MethodCache in its info
KEY_CACHE = "journal_keys"  # the signing keys known to be recorded, seen through it


class SqlUnitOfWork:
    """Commits only when told to; leaving the block without `commit()` rolls back.

    Repositories are thin and stateless, made when an action asks for one: signing in
    never loads the catalogue's or the orders' code.
    """

    def __init__(self, connections: ConnectionShelf, local_till: LocalTill,
                 write: bool = True, snapshot: bool = True) -> None:
        self._connections = connections
        self._local_till = local_till
        self._write = write
        self._snapshot = snapshot
        self._pooled: ShelvedConnection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        try:
            self._pooled = self._connections.take()
        except sqlite3.Error as error:  # the file cannot be opened or configured
            raise store_error(error) from error
        db = self._db = self._pooled.db
        if not self._snapshot:
            return self
        try:
            # A writer takes the write lock up front: two writers never deadlock upgrading.
            db.execute("BEGIN IMMEDIATE" if self._write else "BEGIN")
        except sqlite3.Error as error:
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    @property
    def catalogue(self) -> SqlCatalogue:
        from pos_app.storage.catalogue_repository import SqlCatalogue

        return SqlCatalogue(self._db)

    @property
    def customers(self) -> SqlCustomers:
        from pos_app.storage.customer_repository import SqlCustomers

        return SqlCustomers(self._db)

    @property
    def orders(self) -> SqlOrders:
        from pos_app.storage.order_repository import SqlOrders

        return SqlOrders(self._db)

    @property
    def drafts(self) -> SqlDrafts:
        from pos_app.storage.draft_repository import SqlDrafts

        return SqlDrafts(self._db)

    @property
    def held_baskets(self) -> SqlHeldBaskets:
        from pos_app.storage.held_basket_repository import SqlHeldBaskets

        return SqlHeldBaskets(self._db)

    @property
    def staff(self) -> SqlStaff:
        return SqlStaff(self._db)

    @property
    def payment_methods(self) -> SqlPaymentMethods:
        from pos_app.storage.payment_method_repository import MethodCache, SqlPaymentMethods

        assert self._pooled is not None
        return SqlPaymentMethods(self._db,
                                 self._pooled.info.setdefault(METHOD_CACHE, MethodCache()))

    @property
    def schedule(self) -> SqlSchedule:
        from pos_app.storage.schedule_repository import SqlSchedule

        return SqlSchedule(self._db)

    @property
    def favourites(self) -> SqlFavourites:
        return SqlFavourites(self._db)

    @property
    def policies(self) -> SqlPolicies:
        return SqlPolicies(self._db)

    @property
    def tills(self) -> SqlTills:
        return SqlTills(self._db, self._local_till)

    @property
    def sequences(self) -> SqlSequences:
        return SqlSequences(self._db)

    @property
    def outbox(self) -> SqlOutbox:
        from pos_app.storage.sync_repository import SqlOutbox

        return SqlOutbox(self._db)

    @property
    def sync(self) -> SqlSyncState:
        from pos_app.storage.sync_repository import SqlSyncState

        return SqlSyncState(self._db)

    @property
    def closures(self) -> SqlClosures:
        from pos_app.storage.closure_repository import SqlClosures

        return SqlClosures(self._db)

    @property
    def records(self) -> SqlRecords:
        from pos_app.storage.records_repository import SqlRecords

        return SqlRecords(self._db)

    @property
    def print_jobs(self) -> SqlPrintJobs:
        from pos_app.storage.print_queue_repository import SqlPrintJobs

        return SqlPrintJobs(self._db)

    @property
    def tickets(self) -> SqlTickets:
        from pos_app.storage.ticket_repository import SqlTickets

        return SqlTickets(self._db)

    @property
    def ticket_validations(self) -> SqlTicketValidations:
        from pos_app.storage.gate_repository import SqlTicketValidations

        return SqlTicketValidations(self._db)

    @property
    def ticket_keys(self) -> SqlTicketKeys:
        from pos_app.storage.gate_repository import SqlTicketKeys

        return SqlTicketKeys(self._db)

    @property
    def ticket_states(self) -> SqlTicketStates:
        from pos_app.storage.gate_repository import SqlTicketStates

        return SqlTicketStates(self._db)

    @property
    def ticket_conflicts(self) -> SqlTicketConflicts:
        from pos_app.storage.gate_repository import SqlTicketConflicts

        return SqlTicketConflicts(self._db)

    @property
    def journal(self) -> SqlJournal:
        from pos_app.storage.journal_repository import SqlJournal

        assert self._pooled is not None
        return SqlJournal(self._db, self._pooled.info.setdefault(KEY_CACHE, set()))

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        assert self._pooled is not None
        pooled, self._pooled = self._pooled, None
        try:
            if self._db.in_transaction:  # not committed, or a failed COMMIT left it open
                self._db.execute("ROLLBACK")
                if self._write:  # what was cached may come from the work just undone
                    pooled.info.pop(METHOD_CACHE, None)
                    pooled.info.pop(KEY_CACHE, None)
                    self._local_till.till = None
        except BaseException:
            pooled.db.close()  # a connection that cannot roll back is not reused
            raise
        self._connections.give_back(pooled)
        if isinstance(error, sqlite3.Error):
            meaning = store_error(error)
            if meaning is not error:
                raise meaning from error

    def commit(self) -> None:
        if not self._db.in_transaction:
            raise RuntimeError("nothing to commit: the transaction is over")
        self._db.execute("COMMIT")


def store_error(error: sqlite3.Error) -> Exception:
    """What a failed SQLite call means for the action, in the services' terms."""
    from pos_app.services.ports import StoreBusy, StoreDamaged, StoreFull, StoreUnavailable

    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return StoreFull()
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusy()
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreDamaged()
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN,
                sqlite3.SQLITE_PERM):
        return StoreUnavailable(str(error))
    return error  # a constraint broken or a bad statement: a bug to see as it is


@dataclass(eq=False)
class ShelvedConnection:
    """A connection with what was cached about the store through it (`info`)."""

    db: sqlite3.Connection
    info: dict[str, Any] = field(default_factory=dict)


class ConnectionShelf:
    """Idle connections kept between units of work, up to `keep` of them; more are opened
    when threads need them at the same time, and closed when given back."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], keep: int = 4) -> None:
        self._connect = connect
        self._keep = keep
        self._idle: list[ShelvedConnection] = []
        self._lock = threading.Lock()

    def take(self) -> ShelvedConnection:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return ShelvedConnection(self._connect())

    def give_back(self, connection: ShelvedConnection) -> None:
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append(connection)
                return
        connection.db.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.db.close()


class SqlUnitOfWorkFactory:
    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self.connections = ConnectionShelf(connect)
        self.local_till = LocalTill()

    def __call__(self, *, write: bool = True, snapshot: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.connections, self.local_till, write, write or snapshot)

    def close(self) -> None:
        self.connections.close()
