"""The payment methods (R5), read once per connection until the store changes."""

from __future__ import annotations

import sqlite3

from pos_app.domain.payment import PaymentMethod
from pos_app.storage.sql import SqlRepository


class MethodCache:
    """The payment methods as one connection last read them, and the store's version then.

    `PRAGMA data_version` changes when another connection (or process) commits, and this
    connection's own writes go through `SqlPaymentMethods.save`, which forgets the cache:
    a sale does not read reference data that has not changed.
    """

    def __init__(self) -> None:
        self.version: int | None = None
        self.methods: dict[str, PaymentMethod] | None = None


class SqlPaymentMethods(SqlRepository):
    def __init__(self, connection: sqlite3.Connection, cache: MethodCache) -> None:
        super().__init__(connection)
        self._cache = cache

    def _methods(self) -> dict[str, PaymentMethod]:
        version = self._one("PRAGMA data_version")[0]
        cache = self._cache
        if cache.methods is None or cache.version != version:
            rows = self._all("SELECT code, label, gives_change, opens_drawer, active, position"
                             " FROM payment_methods ORDER BY position, label")
            cache.methods = {row[0]: PaymentMethod(row[0], row[1], bool(row[2]), bool(row[3]),
                                                   bool(row[4]), row[5]) for row in rows}
            cache.version = version
        return cache.methods

    def get(self, code: str) -> PaymentMethod | None:
        return self._methods().get(code)

    def active(self) -> list[PaymentMethod]:
        return [method for method in self._methods().values() if method.active]

    def save(self, method: PaymentMethod) -> None:
        self._cache.methods = None
        self._upsert("payment_methods", "code", {
            "code": method.code, "label": method.label, "gives_change": method.gives_change,
            "opens_drawer": method.opens_drawer, "active": method.active,
            "position": method.position})
