"""Shared stocks and slots (R3, domain/schedule.py): written by imports and pulls, read by
the planning and the sale over a month at a time, in plain SQL.

A slot overlapping [start, end) starts before `end` and ends after `start`. No slot lasts
more than MAX_SLOT_DAYS (the import refuses longer ones), so the scan of the index on
starts_at begins that long before `start`, not at the first slot ever made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from pos_app.domain.schedule import MAX_SLOT_DAYS, SharedStock, Slot
from pos_app.storage.sql import SqlRepository, chunks, from_utc_text, utc_text

_LONGEST = timedelta(days=MAX_SLOT_DAYS + 1)  # a day more: whatever the clocks did
_SLOT = "SELECT s.id, s.product_id, s.starts_at, s.ends_at, s.places, s.daily FROM slots AS s"


def _slot(row: Sequence[Any]) -> Slot:
    return Slot(row[0], row[1], from_utc_text(row[2]), from_utc_text(row[3]), row[4],
                bool(row[5]))


def _window(start: datetime, end: datetime) -> tuple[str, str, str]:
    """The bounds of an overlap query: the earliest start to scan from, `end`, `start`."""
    return utc_text(start - _LONGEST), utc_text(end), utc_text(start)


class SqlSchedule(SqlRepository):
    def slots_of_product(self, product_id: str, start: datetime,
                         end: datetime) -> list[Slot]:
        """The product's slots overlapping [start, end), in order of start."""
        earliest, before, after = _window(start, end)
        return [_slot(row) for row in self._all(
            f"{_SLOT} WHERE s.product_id = ? AND s.starts_at >= ? AND s.starts_at < ?"
            " AND s.ends_at > ? ORDER BY s.starts_at, s.id",
            (product_id, earliest, before, after))]

    def slots_on_stock(self, stock_id: str, start: datetime, end: datetime) -> list[Slot]:
        """The slots overlapping [start, end) of every product drawing on the stock, in
        order of start."""
        earliest, before, after = _window(start, end)
        return [_slot(row) for row in self._all(
            f"{_SLOT} JOIN products AS p ON p.id = s.product_id WHERE p.stock_id = ?"
            " AND s.starts_at >= ? AND s.starts_at < ? AND s.ends_at > ?"
            " ORDER BY s.starts_at, s.id", (stock_id, earliest, before, after))]

    def slots_between(self, start: datetime, end: datetime) -> list[tuple[Slot, str | None]]:
        """Every slot overlapping [start, end), with the stock its product draws on (None:
        none), in order of start."""
        earliest, before, after = _window(start, end)
        return [(_slot(row), row[6]) for row in self._all(
            f"{_SLOT.replace(' FROM slots', ', p.stock_id FROM slots')}"
            " JOIN products AS p ON p.id = s.product_id WHERE s.starts_at >= ?"
            " AND s.starts_at < ? AND s.ends_at > ? ORDER BY s.starts_at, s.id",
            (earliest, before, after))]

    def slot(self, slot_id: str) -> Slot | None:
        row = self._one(f"{_SLOT} WHERE s.id = ?", (slot_id,))
        return None if row is None else _slot(row)

    def stock(self, stock_id: str) -> SharedStock | None:
        row = self._one("SELECT id, name, quantity, planned FROM shared_stocks WHERE id = ?",
                        (stock_id,))
        if row is None:
            return None
        exceptions = {date.fromisoformat(day): quantity for day, quantity in self._all(
            "SELECT day, quantity FROM stock_exceptions WHERE stock_id = ?", (stock_id,))}
        return SharedStock(row[0], row[1], row[2], bool(row[3]), exceptions)

    def stocks_held(self, stock_ids: Sequence[str]) -> set[str]:
        held: set[str] = set()
        for chunk in chunks(stock_ids):
            marks = ",".join("?" * len(chunk))
            held.update(stock_id for stock_id, in self._all(
                f"SELECT id FROM shared_stocks WHERE id IN ({marks})", chunk))
        return held

    def dated_products(self, product_ids: Sequence[str]) -> dict[str, bool]:
        """Of `product_ids`, each stored one's `dated`."""
        found: dict[str, bool] = {}
        for chunk in chunks(product_ids):
            marks = ",".join("?" * len(chunk))
            found.update((product_id, bool(dated)) for product_id, dated in self._all(
                f"SELECT id, dated FROM products WHERE id IN ({marks})", chunk))
        return found

    def save_stocks(self, stocks: Sequence[SharedStock]) -> None:
        """Create or replace shared stocks, their exceptions replaced too."""
        self._many("INSERT INTO shared_stocks (id, name, quantity, planned) VALUES (?, ?, ?, ?)"
                   " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                   " quantity = excluded.quantity, planned = excluded.planned",
                   [(stock.id, stock.name, stock.quantity, stock.planned) for stock in stocks])
        self._many("DELETE FROM stock_exceptions WHERE stock_id = ?",
                   [(stock.id,) for stock in stocks])
        self._many("INSERT INTO stock_exceptions (stock_id, day, quantity) VALUES (?, ?, ?)",
                   [(stock.id, day.isoformat(), quantity) for stock in stocks
                    for day, quantity in stock.exceptions.items()])

    def save_slots(self, slots: Sequence[Slot]) -> None:
        """Create or replace slots (each statement run once for all of them)."""
        self._many("INSERT INTO slots (id, product_id, starts_at, ends_at, places, daily)"
                   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                   " product_id = excluded.product_id, starts_at = excluded.starts_at,"
                   " ends_at = excluded.ends_at, places = excluded.places,"
                   " daily = excluded.daily",
                   [(slot.id, slot.product_id, utc_text(slot.start), utc_text(slot.end),
                     slot.places, slot.daily) for slot in slots])

    def remove_unused_stocks(self, stock_ids: Sequence[str]) -> int:
        """Remove the stocks no product draws on (one a product names stays, as a
        category does); how many were removed."""
        removed = 0
        for chunk in chunks(stock_ids):
            marks = ",".join("?" * len(chunk))
            cursor = self._sql.execute(
                f"DELETE FROM shared_stocks WHERE id IN ({marks}) AND NOT EXISTS"
                " (SELECT 1 FROM products WHERE products.stock_id = shared_stocks.id)", chunk)
            removed += max(cursor.rowcount, 0)
        if removed:
            self._run("DELETE FROM stock_exceptions WHERE stock_id NOT IN"
                      " (SELECT id FROM shared_stocks)")
        return removed

    def remove_slots(self, slot_ids: Sequence[str]) -> int:
        """Remove slots; one an order line names stays, with no places left to sell (its
        sales keep naming it). How many were removed or emptied."""
        done = 0
        for chunk in chunks(slot_ids):
            marks = ",".join("?" * len(chunk))
            emptied = self._sql.execute(
                f"UPDATE slots SET places = 0 WHERE id IN ({marks}) AND EXISTS"
                " (SELECT 1 FROM order_lines WHERE order_lines.slot_id = slots.id)", chunk)
            removed = self._sql.execute(
                f"DELETE FROM slots WHERE id IN ({marks}) AND NOT EXISTS"
                " (SELECT 1 FROM order_lines WHERE order_lines.slot_id = slots.id)", chunk)
            done += max(emptied.rowcount, 0) + max(removed.rowcount, 0)
        return done
