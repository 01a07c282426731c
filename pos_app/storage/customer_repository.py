"""Customers, with folded name columns that the R1 search filters on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pos_app.domain.customer import Customer, CustomerKind, MatchMode, NamePattern
from pos_app.domain.text import fold, words
from pos_app.storage.sql import SqlRepository, chunks, like_escape

_COLUMNS = "id, kind, name, first_name, email, phone, postal_code, card_code"
_UPSERT = (
    "INSERT INTO customers (id, kind, name, first_name, email, phone, postal_code,"
    " card_code, name_folded, first_name_folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,"
    " first_name = excluded.first_name, email = excluded.email, phone = excluded.phone,"
    " postal_code = excluded.postal_code, card_code = excluded.card_code,"
    " name_folded = excluded.name_folded,"
    " first_name_folded = excluded.first_name_folded")


def _like(pattern: NamePattern) -> str:
    """A LIKE pattern that finds every match of `pattern` (and maybe more: the domain
    rule makes the final choice)."""
    if pattern.mode is MatchMode.STARTS_WITH:
        return like_escape(pattern.text) + "%"
    if pattern.mode is MatchMode.CONTAINS:
        return "%" + like_escape(pattern.text) + "%"
    first_word = (words(pattern.text) or [pattern.text])[0]
    return "%" + like_escape(first_word) + "%"


class SqlCustomers(SqlRepository):
    def get(self, customer_id: str) -> Customer | None:
        row = self._one(
            f"SELECT {_COLUMNS} FROM customers WHERE id = ?", (customer_id,))
        return None if row is None else _customer(row)

    def get_by_card_code(self, code: str) -> Customer | None:
        row = self._one(f"SELECT {_COLUMNS} FROM customers WHERE card_code = ?", (code,))
        return None if row is None else _customer(row)

    def search(self, pattern: NamePattern, limit: int) -> list[Customer]:
        like = _like(pattern)
        rows = self._all(
            f"SELECT {_COLUMNS} FROM customers"
            " WHERE name_folded LIKE ? ESCAPE '\\'"
            "    OR (kind = 'person' AND first_name_folded LIKE ? ESCAPE '\\')"
            " ORDER BY name_folded, first_name_folded LIMIT ?", (like, like, limit))
        return [_customer(row) for row in rows]

    def save(self, customer: Customer) -> None:
        self.save_many([customer])

    def save_many(self, customers: Sequence[Customer]) -> None:
        """Create or replace customers, one statement run for all of them (executemany).
        A card given to one of them is first taken from whoever held it: the customer
        file says who holds each card now."""
        self._many("UPDATE customers SET card_code = NULL WHERE card_code = ? AND id <> ?",
                   [(customer.card_code, customer.id) for customer in customers
                    if customer.card_code is not None])
        self._many(_UPSERT, [
            (customer.id, customer.kind.value, customer.name, customer.first_name,
             customer.email, customer.phone, customer.postal_code, customer.card_code,
             fold(customer.name),
             fold(customer.first_name) if customer.first_name else None)
            for customer in customers])

    def remove_unreferenced(self, customer_ids: Sequence[str]) -> int:
        removed = 0
        for chunk in chunks(customer_ids):
            marks = ",".join("?" * len(chunk))
            cursor = self._sql.execute(
                f"DELETE FROM customers WHERE id IN ({marks})"
                " AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.payer_id = customers.id)"
                " AND NOT EXISTS (SELECT 1 FROM drafts WHERE drafts.payer_id = customers.id)",
                chunk)
            removed += max(cursor.rowcount, 0)
        return removed


def _customer(row: Any) -> Customer:
    return Customer(row[0], CustomerKind(row[1]), row[2], row[3], row[4], row[5], row[6],
                    row[7])
