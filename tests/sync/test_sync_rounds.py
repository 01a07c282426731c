"""The till's sync through its services and its HTTP client, against a real
`caisse-server` process on 127.0.0.1: each record held once, the journal acknowledged at
its heads, a server down and back, a revoked till, rejected records kept and listed, and
the server's clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pos_app.bootstrap import Store
from pos_app.domain.journal import Chain, Event
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import RecordState, SyncLink
from pos_app.services import sync
from pos_app.services.context import Context
from pos_app.services.ports import ServerUnreachable, TokenRefused
from pos_app.services.sync import SyncPorts
from tests.sync.support import LocalServer, ShiftedClock, sell_ride


def enrol(ctx: Context, ports: SyncPorts, server: LocalServer, name: str) -> SyncLink:
    return sync.enrol(ctx, ports, server.url, server.enrol_code(name), None, "0.1.0")


def till_id(ctx: Context) -> str:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return till.id


def events(ctx: Context, event: Event) -> list[dict[str, Any]]:
    with ctx.uow(write=False) as uow:
        bodies = [json.loads(row[5]) for row in uow.journal.rows(till_id(ctx), Chain.EVENT)]
    return [body for body in bodies if body["event"] == event.value]


def test_each_record_reaches_the_server_once_and_the_journal_is_acknowledged_at_its_heads(
        ctx: Context, store: Store, ports: SyncPorts, cashier: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    link = enrol(ctx, ports, sync_server, till_name)
    assert (link.server_url, link.till_name) == (sync_server.url, till_name)
    for _sale in range(3):
        sell_ride(ctx, cashier)
    with ctx.uow(write=False) as uow:
        recorded = uow.outbox.counts().waiting
    assert recorded == 8  # the sign-in, the session it opened, each sale and its payment

    run = sync.sync_once(ctx, ports)
    assert run.reached and run.failure is None
    assert (run.records.sent, run.records.rejected, run.records.waiting) == (8, [], 0)
    status = sync.sync_status(ctx)
    assert (status.counts.waiting, status.counts.sent, status.counts.rejected) == (0, 8, 0)
    assert status.journal_waiting == 0
    assert status.link is not None and status.link.online

    # The server acknowledged each chain at the till's own head, hash for hash.
    with ctx.uow(write=False) as uow:
        heads = uow.journal.heads(till_id(ctx))
        last = uow.journal.after(till_id(ctx), 0, 10_000)[-1][0]
        acks = {ack.chain: ack for ack in uow.sync.acknowledgements(till_id(ctx))}
        position = uow.sync.link()
    assert position is not None and position.journal_sent_seq == last
    local = {chain: (head.number, head.hash) for chain, head in heads.items()
             if chain != Chain.TRAINING}
    assert {chain: (ack.number, ack.hash) for chain, ack in acks.items()} == local
    assert all(ack.flagged is None for ack in acks.values())
    held = sync_server.till(till_name)
    assert held["records"] == 8
    assert {head["chain"]: head["number"] for head in held["journal_heads"]} == {
        chain: number for chain, (number, _hash) in local.items()}

    # A second round sends nothing; an answer lost on the way (the record still
    # waiting) is sent again and answered as already held: still one copy.
    again = sync.sync_once(ctx, ports)
    assert (again.records.sent, again.journal.entries) == (0, 0)
    with store.engine.begin() as db:
        db.exec_driver_sql("UPDATE outbox SET state = 'waiting' WHERE seq IN"
                           " (SELECT seq FROM outbox ORDER BY seq LIMIT 2)")
        db.exec_driver_sql("UPDATE sync_state SET journal_sent_seq = 0")
    resent = sync.sync_once(ctx, ports)
    assert (resent.records.sent, resent.records.rejected) == (2, [])
    assert resent.journal.entries == last  # acknowledged again, flagged nowhere
    assert all(ack.flagged is None for ack in resent.journal.acks)
    assert sync_server.till(till_name)["records"] == 8
    orders = [order for order in sync_server.cli("orders", "--till", till_name)]
    assert len(orders) == 3 and all(order["paid_cents"] == 1400 for order in orders)


def test_a_server_down_keeps_everything_waiting_and_sends_it_once_back(
        ctx: Context, ports: SyncPorts, cashier: StaffMember,
        new_server: Callable[..., LocalServer], till_name: str) -> None:
    server = new_server()
    enrol(ctx, ports, server, till_name)
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    server.stop()

    sell_ride(ctx, cashier, "CB")
    sell_ride(ctx, cashier)
    down = sync.sync_once(ctx, ports)
    assert isinstance(down.failure, ServerUnreachable) and not down.reached
    first_failure = sync.sync_status(ctx).link
    assert first_failure is not None and not first_failure.online
    assert first_failure.offline_since is not None
    assert "cannot be reached" in (first_failure.last_error or "")
    assert sync.sync_once(ctx, ports).failure is not None
    status = sync.sync_status(ctx)
    assert status.link is not None
    assert status.link.offline_since == first_failure.offline_since  # since the first
    assert (status.counts.waiting, status.counts.sent) == (4, 4)  # with sign-in, session
    assert status.counts.oldest_waiting is not None

    server.start()
    back = sync.sync_once(ctx, ports)
    assert back.reached and back.records.sent == 4
    status = sync.sync_status(ctx)
    assert status.link is not None and status.link.online
    assert status.link.offline_since is None and status.link.last_error is None
    assert (status.counts.waiting, status.counts.sent) == (0, 8)
    assert server.till(till_name)["records"] == 8


def test_a_revoked_till_is_told_so_and_keeps_its_records(
        ctx: Context, ports: SyncPorts, cashier: StaffMember, sync_server: LocalServer,
        till_name: str) -> None:
    enrol(ctx, ports, sync_server, till_name)
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    sync_server.cli("revoke", till_name)
    sell_ride(ctx, cashier)

    run = sync.sync_once(ctx, ports)
    assert isinstance(run.failure, TokenRefused)
    assert "no longer enrolled" in str(run.failure) and "revoked" in str(run.failure)
    status = sync.sync_status(ctx)
    assert (status.counts.waiting, status.counts.sent) == (2, 4)  # with sign-in, session
    assert status.link is not None and not status.link.online
    assert "revoked" in (status.link.last_error or "")
    assert sync_server.till(till_name)["records"] == 4


def test_a_rejected_record_stays_rejected_and_listed_and_holds_nothing_back(
        ctx: Context, store: Store, ports: SyncPorts, cashier: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    enrol(ctx, ports, sync_server, till_name)
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).records.sent == 4  # the sign-in, the session, a sale
    # The till's first record changed after the server kept it (the same id, other
    # content), and a payload the protocol does not allow: both refused, with reasons.
    with store.engine.begin() as db:
        first, payload = db.exec_driver_sql(
            "SELECT record_id, payload FROM outbox ORDER BY seq LIMIT 1").one()
        changed = {**json.loads(payload), "total_cents": 1}
        db.exec_driver_sql("UPDATE outbox SET state = 'waiting', payload = ? WHERE"
                           " record_id = ?", (json.dumps(changed), first))
    sell_ride(ctx, cashier)
    sell_ride(ctx, cashier)
    with store.engine.begin() as db:
        malformed, payload = db.exec_driver_sql(
            "SELECT record_id, payload FROM outbox WHERE kind = 'order.validated'"
            " AND state = 'waiting' ORDER BY seq DESC LIMIT 1").one()
        without_total = {k: v for k, v in json.loads(payload).items() if k != "total_cents"}
        db.exec_driver_sql("UPDATE outbox SET payload = ? WHERE record_id = ?",
                           (json.dumps(without_total), malformed))

    run = sync.sync_once(ctx, ports)
    assert run.reached
    reasons = {outcome.record_id: outcome.reason for outcome in run.records.rejected}
    assert set(reasons) == {first, malformed}
    assert "other content" in (reasons[first] or "")
    assert "total_cents" in (reasons[malformed] or "")
    assert run.records.sent == 3  # the other sale and both payments

    status = sync.sync_status(ctx)
    assert (status.counts.waiting, status.counts.sent, status.counts.rejected) == (0, 6, 2)
    assert {record.record_id: record.reason for record in status.rejected} == reasons
    assert all(record.state is RecordState.REJECTED for record in status.rejected)
    again = sync.sync_once(ctx, ports)
    assert (again.records.sent, again.records.rejected) == (0, [])  # never sent again
    assert sync.sync_status(ctx).counts.rejected == 2
    assert sync_server.till(till_name)["records"] == 7


def test_a_server_clock_off_by_ten_minutes_is_journaled_once_per_episode(
        ctx: Context, ports: SyncPorts, cashier: StaffMember, clock: ShiftedClock,
        sync_server: LocalServer, till_name: str) -> None:
    clock.offset = timedelta(minutes=10)  # the till's clock ahead
    link = enrol(ctx, ports, sync_server, till_name)
    assert link.clock_off and link.clock_offset_seconds is not None
    assert -610 <= link.clock_offset_seconds <= -590
    noted = events(ctx, Event.SERVER_CLOCK_OFFSET)
    assert len(noted) == 1 and -610 <= noted[0]["offset_seconds"] <= -590
    sell_ride(ctx, cashier)
    run = sync.sync_once(ctx, ports)
    assert run.reached and run.clock is not None and run.clock.off
    assert not run.clock.newly_off
    assert len(events(ctx, Event.SERVER_CLOCK_OFFSET)) == 1  # the same episode

    clock.offset = timedelta(0)  # set right: the episode ends
    run = sync.sync_once(ctx, ports)
    assert run.clock is not None and not run.clock.off
    status = sync.sync_status(ctx)
    assert status.link is not None and not status.link.clock_off
    clock.offset = timedelta(minutes=-8)  # off again: a new episode
    run = sync.sync_once(ctx, ports)
    assert run.clock is not None and run.clock.newly_off
    assert len(events(ctx, Event.SERVER_CLOCK_OFFSET)) == 2
    assert sync.sync_status(ctx).link.clock_off  # type: ignore[union-attr]


def test_a_server_whose_clock_is_ahead_is_seen_from_a_till_on_time(
        ctx: Context, ports: SyncPorts, new_server: Callable[..., LocalServer],
        till_name: str) -> None:
    server = new_server(faketime="+10m")
    link = enrol(ctx, ports, server, till_name)
    assert link.clock_offset_seconds is not None
    assert 590 <= link.clock_offset_seconds <= 610
    assert len(events(ctx, Event.SERVER_CLOCK_OFFSET)) == 1
