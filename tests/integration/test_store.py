"""The SQLite store: migrations, durability settings, FTS5 search, one transaction per action."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from pos_app.bootstrap import Store, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.errors import UnknownPaymentMethod
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.staff import StaffMember
from pos_app.services import catalogue, importing, selling
from pos_app.services.context import Context
from pos_app.services.selling import PaymentRequest
from pos_app.storage.connection import store_path
from pos_app.storage.engine import open_engine
from pos_app.storage.migrate import SCHEMA_HEAD, alembic_config
from pos_app.storage.migrations.env_filter import include_object
from pos_app.storage.rows import Base


def test_an_empty_store_is_upgraded_to_head_and_matches_the_models(tmp_path: Path) -> None:
    store = open_store(tmp_path / "new")
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": include_object, "compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        tables = {row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"orders", "order_lines", "payments", "outbox", "product_fts"} <= tables
    store.close()


def revision_of(store: Store) -> str:
    with store.engine.connect() as connection:
        return str(connection.exec_driver_sql("SELECT version_num FROM alembic_version"
                                              ).scalar_one())


def test_opening_a_store_at_head_twice_changes_nothing(tmp_path: Path) -> None:
    open_store(tmp_path / "s").close()
    store = open_store(tmp_path / "s")
    head = ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    assert revision_of(store) == head == SCHEMA_HEAD
    store.close()


def test_a_store_at_head_opens_without_loading_sqlalchemy(data_dir: Path) -> None:
    """Starting the till waits for neither SQLAlchemy nor Alembic (a third of a second)."""
    script = ("import sys; from pathlib import Path; from pos_app.bootstrap import open_store;"
              f" s = open_store(Path({str(data_dir)!r})); s.close();"
              " print(sorted(m for m in sys.modules if m.split('.')[0] in"
              " ('sqlalchemy', 'alembic')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_a_store_of_the_first_release_keeps_its_orders_when_upgraded(tmp_path: Path) -> None:
    engine = open_engine(store_path(tmp_path))
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO tills VALUES ('t1', '2', 'Caisse accueil', 'Accueil', 'CD2-', 1)")
        connection.exec_driver_sql(
            "INSERT INTO orders (id, number, till_id, sequence, created_at, staff_id,"
            " total_cents, status) VALUES ('o1', 'CD2-000001', 't1', 1,"
            " '2026-07-11T08:00:00.000000+00:00', 's', 1400, 'active')")
        # Lines, VAT and a payment refer to the order: tables rebuilt by later
        # migrations must keep them, and their references.
        connection.exec_driver_sql(
            "INSERT INTO payment_methods VALUES ('ESP', 'Espèces', 1, 1, 1, 0)")
        connection.exec_driver_sql(
            "INSERT INTO order_lines VALUES ('o1', 0, 'p', 'Balade', 'adulte', 'Adulte',"
            " 1400, 1, 1000, 1400)")
        connection.exec_driver_sql("INSERT INTO order_vat VALUES ('o1', 1000, 1273, 127, 1400)")
        connection.exec_driver_sql(
            "INSERT INTO payments (id, order_id, method_code, amount_cents, change_cents,"
            " taken_at, staff_id) VALUES ('pay1', 'o1', 'ESP', 2000, 600,"
            " '2026-07-11T08:00:00.000000+00:00', 's')")
    engine.dispose()
    store = open_store(tmp_path)
    head = ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    assert revision_of(store) == head != "0001"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT number FROM orders").scalar_one() == (
            "CD2-000001")
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM order_lines WHERE order_id = 'o1'").scalar_one() == 1
        # The payment says where it was taken, from its order, and is not training.
        assert connection.exec_driver_sql(
            "SELECT till_id, training FROM payments").one() == ("t1", 0)
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    store.close()


def test_every_connection_is_durable_wal_with_foreign_keys(store: Store) -> None:
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


@pytest.mark.parametrize(("typed", "expected"), [
    ("poney", {"balade-poney-1h", "stage-paques", "peluche", "balade-poney-creneau",
               "stage-poney-5j"}),
    ("PÂQUES", {"stage-paques"}),
    ("creme gla", {"creme-glacee"}),
    ("équ", {"spectacle-equestre", "cours-equitation"}),
    ("EQUI", {"cours-equitation"}),
    ("ACT-01", {"kayak-2h", "paddle-1h", "barque-1h"}),
    ("3760123450027", {"balade-poney-1h"}),
    ("376012345002", {"balade-poney-1h"}),
    ("crinières feu", {"spectacle-equestre"}),
])
def test_catalogue_search_is_accent_and_case_insensitive_prefix(ctx: Context, typed: str,
                                                                expected: set[str]) -> None:
    assert {product.id for product in catalogue.search_products(ctx, typed)} == expected


def test_drafts_are_not_offered_and_odd_input_finds_nothing(ctx: Context) -> None:
    assert catalogue.search_products(ctx, "bombe") == []
    assert catalogue.search_products(ctx, '"*) OR (') == []
    assert catalogue.search_products(ctx, "   ") == []


def count(store: Store, table: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())


def test_a_sale_writes_order_lines_vat_payments_and_outbox_together(
        store: Store, cashier: StaffMember) -> None:
    basket = Basket()
    selling.add_product(store.context, basket, "balade-poney-1h", 2)
    selling.add_product(store.context, basket, "tshirt")
    order = selling.sell(store.context, cashier, basket,
                         [PaymentRequest("ESP", 500), PaymentRequest("CB", 4290)])
    with store.engine.connect() as connection:
        kinds = [row[0] for row in connection.execute(text(
            "SELECT kind FROM outbox WHERE aggregate_id = :id OR aggregate_id IN"
            " (SELECT id FROM payments WHERE order_id = :id) ORDER BY kind"),
            {"id": order.id})]
        vat = connection.exec_driver_sql(
            "SELECT rate_bp, excl_cents, vat_cents, total_cents FROM order_vat"
            " ORDER BY rate_bp").all()
    assert kinds == ["order.validated", "payment.taken", "payment.taken"]
    assert count(store, "order_lines") == 2
    assert [tuple(row) for row in vat] == [(1000, 2545, 255, 2800), (2000, 1658, 332, 1990)]


def test_a_refused_sale_leaves_no_trace_and_burns_no_number(
        store: Store, cashier: StaffMember) -> None:
    basket = Basket()
    selling.add_product(store.context, basket, "cafe")
    sent = count(store, "outbox")  # the cashier's sign-in
    with pytest.raises(Exception, match="left to pay"):
        selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 100)])
    assert (count(store, "orders"), count(store, "payments"),
            count(store, "outbox")) == (0, 0, sent)
    order = selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 160)])
    assert order.number == "CD2-000001"


def test_order_numbers_are_gapless_per_till(store: Store, cashier: StaffMember) -> None:
    numbers = []
    for _ in range(5):
        basket = Basket()
        selling.add_product(store.context, basket, "cafe")
        numbers.append(selling.sell(store.context, cashier, basket,
                                    [PaymentRequest("ESP", 200)]).number)
    assert numbers == [f"CD2-00000{i}" for i in range(1, 6)]


def test_a_till_never_changes_once_created(store: Store) -> None:
    with store.engine.connect() as connection, pytest.raises(
            Exception, match="a till never changes once created"):
        connection.exec_driver_sql("UPDATE tills SET order_prefix = 'XX-'")


def test_payment_methods_changed_elsewhere_are_seen_at_once(
        store: Store, data_dir: Path, cashier: StaffMember, manager: StaffMember) -> None:
    basket = Basket()
    selling.add_product(store.context, basket, "cafe")
    selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 160)])  # now cached
    other = open_store(data_dir)  # another program on the same store
    importing.import_data(other.context, manager, {"payment_methods": [
        {"code": "CB", "label": "Carte bancaire", "active": False}]})
    other.close()
    with pytest.raises(UnknownPaymentMethod):
        selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 160)])
    importing.import_data(store.context, manager, {"payment_methods": [
        {"code": "CB", "label": "Carte bancaire", "active": True}]})  # this program
    assert selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 160)])


def test_payment_methods_read_in_an_undone_transaction_are_forgotten(
        store: Store, cashier: StaffMember) -> None:
    with store.context.uow() as uow:  # a change seen, then undone
        uow.payment_methods.save(PaymentMethod("CB", "Carte bancaire", active=False))
        assert uow.payment_methods.get("CB") == PaymentMethod("CB", "Carte bancaire",
                                                              active=False)
    basket = Basket()
    selling.add_product(store.context, basket, "cafe")
    assert selling.sell(store.context, cashier, basket, [PaymentRequest("CB", 160)])
