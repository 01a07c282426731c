"""A store the version before made, clock gone back included, brought to the latest schema:
its records go to the sessions the journal says, so every Z is possible afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection

from pos_app.adapters.clock import FrozenClock
from pos_app.adapters.signing import Ed25519Signer
from pos_app.bootstrap import open_store
from pos_app.domain.journal import Chain, ChainHead, next_entry
from pos_app.services import closures
from pos_app.services.staff import sign_in
from pos_app.storage.connection import store_path
from pos_app.storage.engine import open_engine
from pos_app.storage.migrate import alembic_config
from pos_app.storage.sql import utc_text

TILL = "01a22c8c-439c-7162-8d32-45e87acd8ecc"
AT_EIGHT = datetime(2026, 7, 11, 6, 0, tzinfo=UTC)  # 8:00 in Paris


class OldTill:
    """Writes what the version before (schema 0007) wrote for a till's day: rows, and
    their journal entries chained as the store's triggers require."""

    def __init__(self, connection: Connection, signer: Ed25519Signer) -> None:
        self.db = connection
        self.signer = signer
        self.heads: dict[Chain, ChainHead] = {}
        self.serial = 0
        self.db.exec_driver_sql(
            "INSERT INTO tills VALUES (?, '2', 'Caisse accueil', 'Accueil', 'CD2-', 1)",
            (TILL,))
        self.db.exec_driver_sql("INSERT INTO payment_methods VALUES ('ESP', 'Espèces', 1,"
                                " 1, 1, 0)")
        # The till's key, recorded and announced before anything else, as ever.
        self.db.exec_driver_sql("INSERT INTO till_keys VALUES (?, ?, ?)",
                                (signer.key_id, signer.public_key, utc_text(AT_EIGHT)))
        self.entry(Chain.EVENT, AT_EIGHT, {"event": "key_created", "key_id": signer.key_id,
                                           "public_key": signer.public_key})

    def _id(self, kind: str) -> str:
        self.serial += 1
        return f"{kind}-{self.serial}"

    def entry(self, chain: Chain, at: datetime, body: dict[str, Any], amount: int = 0) -> int:
        entry = next_entry(self.heads.get(chain), TILL, chain, at, amount, body,
                           self.signer.sign, self.signer.key_id)
        self.db.exec_driver_sql(
            "INSERT INTO journal_entries (till_id, chain, number, at, amount_cents, body,"
            " previous_hash, hash, signature, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (TILL, chain.value, entry.number, entry.at, amount, entry.body,
             entry.previous_hash, entry.hash, entry.signature, entry.key_id))
        self.heads[chain] = ChainHead(entry.number, entry.hash)
        return entry.number

    def open_session(self, at: datetime) -> str:
        session = self._id("session")
        self.db.exec_driver_sql("INSERT INTO till_sessions (id, till_id, opened_at,"
                                " opened_by) VALUES (?, ?, ?, 's')",
                                (session, TILL, utc_text(at)))
        return session

    def cash_float(self, at: datetime, cents: int) -> None:
        self.db.exec_driver_sql("INSERT INTO cash_movements VALUES (?, ?, 'float', ?, '',"
                                " 's', ?)", (self._id("cash"), TILL, cents, utc_text(at)))
        self.entry(Chain.EVENT, at, {"event": "cash_movement", "staff_id": "s",
                                     "kind": "float", "amount_cents": cents, "reason": ""})

    def sale(self, at: datetime, cents: int) -> int:
        order, payment = self._id("order"), self._id("payment")
        number = self.serial
        self.db.exec_driver_sql(
            "INSERT INTO orders (id, number, till_id, sequence, created_at, staff_id,"
            " total_cents, status, training) VALUES (?, ?, ?, ?, ?, 's', ?, 'active', 0)",
            (order, f"CD2-{number:06d}", TILL, number, utc_text(at), cents))
        self.db.exec_driver_sql("INSERT INTO order_vat VALUES (?, 2000, ?, ?, ?)",
                                (order, cents - cents // 6, cents // 6, cents))
        self.db.exec_driver_sql(
            "INSERT INTO payments (id, order_id, method_code, amount_cents, change_cents,"
            " taken_at, staff_id, till_id, training) VALUES (?, ?, 'ESP', ?, 0, ?, 's', ?,"
            " 0)", (payment, order, cents, utc_text(at), TILL))
        return self.entry(Chain.ORDER, at, {
            "kind": "sale", "order_id": order, "number": f"CD2-{number:06d}",
            "total_cents": cents, "payments": [{"id": payment, "method": "ESP",
                                                "amount_cents": cents, "change_cents": 0}]},
            cents)

    def z(self, at: datetime, session: str, first: int, last: int, takings: int,
          cash: int) -> None:
        number = self.entry(Chain.CLOSURE, at, {
            "kind": "z", "number": 1, "order_entries": {"first": first, "last": last},
            "takings_cents": takings, "takings_absolute_cents": takings,
            "grand_totals": {"period_cents": takings, "perpetual_cents": takings,
                             "perpetual_absolute_cents": takings}})
        self.db.exec_driver_sql(
            "INSERT INTO closures (id, till_id, kind, number, period_start, period_end,"
            " staff_id, orders, takings_cents, perpetual_cents, perpetual_absolute_cents,"
            " expected_cash_cents, counted_cash_cents, journal_number, first_entry,"
            " last_entry) VALUES (?, ?, 'z', 1, NULL, ?, 'g', 1, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._id("z"), TILL, utc_text(at), takings, takings, takings, cash, cash,
             number, first, last))
        self.db.exec_driver_sql("UPDATE till_sessions SET closing_started_at = ?,"
                                " closed_at = ? WHERE id = ?",
                                (utc_text(at), utc_text(at), session))


def old_store(folder: Path, back: timedelta, sales_after: int) -> Path:
    """A day closed by a Z (a 100 € float, a 14 € sale), then the clock set `back` and
    `sales_after` sales of 1,60 €, as the version before recorded them: each sale whose
    time came before the latest session's opening opened another session."""
    folder.mkdir()
    engine = open_engine(store_path(folder))
    command.upgrade(alembic_config(engine), "0007")
    with engine.begin() as connection:
        till = OldTill(connection, Ed25519Signer(folder, use_keyring=False))
        first = till.open_session(AT_EIGHT)
        till.cash_float(AT_EIGHT, 10000)
        sale = till.sale(AT_EIGHT + timedelta(minutes=30), 1400)
        till.z(AT_EIGHT + timedelta(hours=1), first, sale, sale, 1400, 11400)
        at = AT_EIGHT + timedelta(hours=1) - back
        for index in range(sales_after):
            till.open_session(at + timedelta(minutes=index))
            till.sale(at + timedelta(minutes=index, seconds=30), 160)
    engine.dispose()
    return folder


@pytest.mark.parametrize(("back", "sales_after"), [(timedelta(hours=1), 1),
                                                   (timedelta(hours=3), 2)])
def test_an_upgraded_store_puts_records_in_their_sessions_and_closes(
        tmp_path: Path, back: timedelta, sales_after: int) -> None:
    folder = old_store(tmp_path / "till", back, sales_after)
    clock = FrozenClock(AT_EIGHT + timedelta(hours=2) - back)
    store = open_store(folder, clock)
    try:
        ctx = store.context
        reading = closures.x_reading(ctx)
        # Only what came after the Z, whatever the clock said: not the float nor the 14 €.
        assert (reading.orders, reading.takings_cents) == (sales_after, 160 * sales_after)
        assert reading.expected_cash_cents == 160 * sales_after
        with store.engine.connect() as db:
            open_sessions = db.exec_driver_sql(
                "SELECT count(*) FROM till_sessions WHERE closed_at IS NULL").scalar_one()
            numbers = [row[0] for row in db.exec_driver_sql(
                "SELECT number FROM till_sessions ORDER BY rowid")]
        assert open_sessions == 1 and numbers == list(range(1, sales_after + 2))
        manager = _manager(ctx)
        z = closures.finish_closure(ctx, manager).closure
        assert (z.number, z.orders, z.totals.period_cents) == (2, sales_after,
                                                               160 * sales_after)
        assert z.totals.perpetual_cents == 1400 + 160 * sales_after
    finally:
        store.close()


def _manager(ctx: Any) -> Any:
    from pos_app.domain.staff import Role, StaffMember

    # The store of the version before was made without staff: one is added, as an
    # import would.
    member = StaffMember("staff:gerant", "gerant", "Gérard Gérant", Role.MANAGER)
    with ctx.uow() as uow:
        uow.staff.save(member, ctx.hasher.hash("4321"))
        uow.commit()
    return sign_in(ctx, "gerant", "4321")


def test_a_store_with_returns_is_not_taken_back_to_the_version_before(tmp_path: Path) -> None:
    folder = old_store(tmp_path / "till", timedelta(0), 0)
    store = open_store(folder)
    with store.engine.begin() as db:
        order_id = db.exec_driver_sql("SELECT id FROM orders").scalar_one()
        db.exec_driver_sql(
            "INSERT INTO credit_notes (id, number, order_id, till_id, sequence, created_at,"
            " staff_id, reason, total_cents, training) VALUES ('n', 'AV2-000001', ?, ?, 1,"
            " '2026-07-11T08:00:00.000000+00:00', 'g', 'retour', 1400, 0)",
            (order_id, TILL))
    with pytest.raises(RuntimeError, match="returns and refunds"):
        command.downgrade(alembic_config(store.engine), "0007")
    store.close()
