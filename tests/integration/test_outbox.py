"""The outbox's records in their envelope, the server's answers kept on them, where the
till stands with its server, and a store of the version before brought to them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.documents import reading_lines
from pos_app.domain.basket import Basket
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import ChainAck, RecordOutcome, RecordState
from pos_app.services import closures, selling
from pos_app.services.context import Context
from pos_app.services.selling import PaymentRequest
from pos_app.storage.migrate import alembic_config

UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def sell_ride(ctx: Context, cashier: StaffMember, training: bool = False) -> None:
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", 1400)], training=training)


def test_records_wait_in_their_envelope_and_keep_the_servers_answers(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    sell_ride(ctx, cashier)
    with ctx.uow() as uow:  # the sign-in, the session opened and the first sale: sent
        uow.outbox.settle([RecordOutcome(record.record_id, RecordState.SENT)
                           for record in uow.outbox.waiting(100)], clock.now())
        uow.commit()
    for _sale in range(3):
        sell_ride(ctx, cashier)
    with ctx.uow(write=False) as uow:
        waiting = uow.outbox.waiting(100)
    assert [record.kind for record in waiting] == ["order.validated", "payment.taken"] * 3
    assert all(record.journal is not None and record.journal.chain == "order"
               for record in waiting)
    assert [record.seq for record in waiting] == sorted(record.seq for record in waiting)
    assert all(UUID7.match(record.record_id) and record.schema == 1 for record in waiting)
    assert len({record.record_id for record in waiting}) == 6

    clock.advance(timedelta(minutes=1))
    first, second, third = waiting[:3]
    with ctx.uow() as uow:
        uow.outbox.settle([RecordOutcome(first.record_id, RecordState.SENT),
                           RecordOutcome(second.record_id, RecordState.REJECTED,
                                         "payload.total_cents: wrong type"),
                           RecordOutcome(third.record_id, RecordState.WAITING)], clock.now())
        uow.commit()
    with ctx.uow() as uow:  # a late answer never takes back what the server holds
        uow.outbox.settle([RecordOutcome(first.record_id, RecordState.REJECTED, "late")],
                          clock.now())
        uow.commit()
    with ctx.uow(write=False) as uow:
        counts = uow.outbox.counts()
        rejected = uow.outbox.rejected(10)
        still = uow.outbox.waiting(100)
    assert (counts.waiting, counts.rejected) == (4, 1)
    assert counts.oldest_waiting == third.created_at
    assert [(record.record_id, record.reason) for record in rejected] == [
        (second.record_id, "payload.total_cents: wrong type")]
    assert still[0].record_id == third.record_id and still[0].attempts == 1


def test_the_tills_sequence_of_records_is_never_reused(
        store: Store, ctx: Context, cashier: StaffMember) -> None:
    sell_ride(ctx, cashier)
    with store.engine.begin() as db:
        newest = db.exec_driver_sql("SELECT max(seq) FROM outbox").scalar_one()
        db.exec_driver_sql("DELETE FROM outbox WHERE seq = ?", (newest,))
    sell_ride(ctx, cashier)
    with ctx.uow(write=False) as uow:
        seqs = [record.seq for record in uow.outbox.waiting(100)]
    assert newest not in seqs and min(seqs[-2:]) > newest


def test_training_sales_send_nothing_and_their_journal_is_left_out(
        ctx: Context, cashier: StaffMember) -> None:
    sell_ride(ctx, cashier, training=True)
    sell_ride(ctx, cashier)
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        entries = uow.journal.after(till.id, 0, 1000)
        kinds = [record.kind for record in uow.outbox.waiting(100)
                 if record.kind.startswith(("order.", "payment."))]
        last_seq = entries[-1][0]
        assert uow.journal.after(till.id, last_seq, 10) == []
    assert kinds == ["order.validated", "payment.taken"]
    assert Chain.TRAINING not in {entry.chain for _seq, entry in entries}
    assert Chain.ORDER in {entry.chain for _seq, entry in entries}
    assert [seq for seq, _entry in entries] == sorted(seq for seq, _entry in entries)


def test_where_the_till_stands_with_its_server(ctx: Context, clock: FrozenClock) -> None:
    with ctx.uow(write=False) as uow:
        assert uow.sync.link() is None
    with ctx.uow() as uow:
        uow.sync.enrol("https://caisse.example", "Accueil", clock.now(), None)
        uow.commit()
    down_at = clock.now() + timedelta(minutes=1)
    with ctx.uow() as uow:
        uow.sync.note_failure(down_at, "connection refused")
        uow.sync.note_failure(down_at + timedelta(minutes=5), "timed out")
        uow.sync.advance_journal(40)
        uow.sync.advance_journal(12)  # an older answer arriving late moves nothing back
        uow.commit()
    with ctx.uow(write=False) as uow:
        link = uow.sync.link()
    assert link is not None and not link.online
    assert (link.offline_since, link.last_error, link.journal_sent_seq) == (
        down_at, "timed out", 40)

    with ctx.uow() as uow:
        uow.sync.note_contact(clock.now() + timedelta(minutes=7), 420)
        till = uow.tills.local()
        assert till is not None
        uow.sync.acknowledge(till.id, [ChainAck("order", 3, "a" * 64)], clock.now())
        uow.sync.acknowledge(till.id, [ChainAck("order", 5, "b" * 64, flagged="changed")],
                             clock.now())
        uow.commit()
    with ctx.uow(write=False) as uow:
        link = uow.sync.link()
        acks = uow.sync.acknowledgements(till.id)
    assert link is not None and link.online and link.clock_off
    assert [(ack.chain, ack.number, ack.flagged) for ack in acks] == [("order", 5, "changed")]


def test_records_of_the_version_before_get_their_envelope(
        store: Store, ctx: Context, cashier: StaffMember, data_dir: Path,
        clock: FrozenClock) -> None:
    sell_ride(ctx, cashier)
    store.close()
    back = open_store(data_dir, clock)
    config = alembic_config(back.engine)
    command.downgrade(config, "0009")
    with back.engine.begin() as db:
        before = db.exec_driver_sql("SELECT seq, kind, payload FROM outbox ORDER BY seq").all()
    command.upgrade(config, "head")
    with back.engine.begin() as db:
        after = db.exec_driver_sql("SELECT seq, kind, payload, record_id, state FROM outbox"
                                   " ORDER BY seq").all()
        # Two records of one kind for one aggregate: the version before cannot keep them.
        db.exec_driver_sql("INSERT INTO outbox (record_id, schema, kind, aggregate_id,"
                           " payload, created_at) SELECT record_id || 'x', 1, kind,"
                           " aggregate_id, payload, created_at FROM outbox LIMIT 1")
    assert [row[:3] for row in after] == [tuple(row) for row in before]
    assert all(UUID7.match(row[3]) and row[4] == "waiting" for row in after)
    assert [row[3] for row in after] == sorted(row[3] for row in after)
    with pytest.raises(RuntimeError, match="cannot keep"):
        command.downgrade(config, "0009")
    back.close()


def test_a_z_records_the_journal_heads_the_server_acknowledged(
        ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock) -> None:
    sell_ride(ctx, cashier)
    with ctx.uow() as uow:
        till = uow.tills.local()
        assert till is not None
        head = uow.journal.head(till.id, Chain.ORDER)
        assert head is not None
        uow.sync.enrol("https://caisse.example", "Accueil", clock.now(), None)
        uow.sync.acknowledge(till.id, [ChainAck("order", head.number, head.hash),
                                       ChainAck("event", 2, "c" * 64,
                                                flagged="entry 2 changed")], clock.now())
        uow.commit()
    lines = reading_lines(closures.x_reading(ctx))
    assert lines[-4:] == [
        "  Journal reconnu par le serveur :",
        f"    événements n° 2 ({'c' * 12}) le 11/07/2026 10:00",
        "    ALERTE : entry 2 changed",
        f"    commandes n° {head.number} ({head.hash[:12]}) le 11/07/2026 10:00"]
    closures.start_closure(ctx, manager)
    result = closures.finish_closure(ctx, manager, counted_cents=1400)
    with ctx.uow(write=False) as uow:
        z = uow.journal.last(till.id, Chain.CLOSURE)
    assert z is not None and z.payload["number"] == result.closure.number
    assert z.payload["server_acknowledged"] == [
        {"chain": "event", "number": 2, "hash": "c" * 64, "at": "2026-07-11T08:00:00Z",
         "flagged": "entry 2 changed"},
        {"chain": "order", "number": head.number, "hash": head.hash,
         "at": "2026-07-11T08:00:00Z", "flagged": None}]


def test_a_till_with_no_server_records_no_acknowledgement(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    sell_ride(ctx, cashier)
    closures.start_closure(ctx, manager)
    closures.finish_closure(ctx, manager, counted_cents=1400)
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        z = uow.journal.last(till.id, Chain.CLOSURE)
    assert z is not None and "server_acknowledged" not in z.payload
    assert not any("serveur" in line for line in reading_lines(closures.x_reading(ctx)))
