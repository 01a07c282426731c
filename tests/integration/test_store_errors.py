"""A full disk, a locked or damaged store: a clear refusal, and nothing half-written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.staff import StaffMember
from pos_app.services import orders, selling
from pos_app.services.ports import StoreBusy, StoreDamaged, StoreFull
from pos_app.services.selling import PaymentRequest
from pos_app.storage.connection import store_path
from tests.support import snapshot


def shelf_connection(store: Store) -> sqlite3.Connection:
    """The connection the next unit of work will use (the shelf gives back the last one)."""
    with store.context.uow(write=False) as uow:
        connection: sqlite3.Connection = uow._db
    return connection


def a_sale(store: Store, cashier: StaffMember) -> Basket:
    basket = Basket()
    selling.add_product(store.context, basket, "balade-poney-1h", 2)
    return basket


def test_a_full_disk_refuses_the_sale_and_writes_nothing(store: Store,
                                                         cashier: StaffMember) -> None:
    basket = a_sale(store, cashier)
    connection = shelf_connection(store)
    connection.execute("VACUUM")  # no free pages left to write into
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk were full
    sold: list[str] = []
    for _ in range(300):  # sales fit in the pages the tables have, until they do not
        before = snapshot(store.engine)
        try:
            sold.append(selling.sell(store.context, cashier, basket,
                                     [PaymentRequest("ESP", 2800)]).number)
        except StoreFull:
            break
    else:
        pytest.fail("the store never filled up")
    assert snapshot(store.engine) == before
    connection.execute("PRAGMA max_page_count = 1073741823")  # space freed
    order = selling.sell(store.context, cashier, basket, [PaymentRequest("ESP", 2800)])
    assert order.number == f"CD2-{len(sold) + 1:06d}"  # the refused sale burnt no number


def test_a_store_locked_by_another_program_is_reported(store: Store, data_dir: Path,
                                                       cashier: StaffMember) -> None:
    basket = a_sale(store, cashier)
    shelf_connection(store).execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(store_path(data_dir), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusy):
            selling.sell(store.context, cashier, basket, [PaymentRequest("ESP", 2800)])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert orders.search_orders(store.context, "") == []
    selling.sell(store.context, cashier, basket, [PaymentRequest("ESP", 2800)])


def test_a_damaged_store_is_reported(store: Store, data_dir: Path) -> None:
    store.units.close()  # no connection keeps pages in its cache
    path = store_path(data_dir)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first is garbage
    path.write_bytes(bytes(data))
    with pytest.raises(StoreDamaged), store.context.uow(write=False) as uow:
        uow.catalogue.categories()
