"""The server as the journal's witness, from the till's side (docs/sync.md, "The
journal"): an entry changed on the till's disk after it went is flagged on both sides,
and a flagged chain is sent no further while the other chains still go."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pos_app.cli.sync import status_result
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.journal import Chain, JournalEntry
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import (
    ChainAck,
    PulledPage,
    QueuedRecord,
    RecordOutcome,
    SyncCounts,
)
from pos_app.services import closures, sync
from pos_app.services.context import Context
from pos_app.services.journal_check import verify_journal
from pos_app.services.ports import (
    Enrolment,
    ServerAccess,
    ServerReply,
    ServerReplyUnreadable,
    SyncServer,
)
from pos_app.services.sync import SyncPorts
from tests.sync.faults import Faults, Proxy
from tests.sync.support import LocalServer, sell_ride
from tests.sync.tampering import change_body, entry, forge


@dataclass
class Recording:
    """The real client, noting each journal push's entries by chain."""

    server: SyncServer
    pushes: list[Counter[str]] = field(default_factory=list)

    def enrol(self, access: ServerAccess, code: str, public_key: str, key_id: str,
              version: str) -> ServerReply[Enrolment]:
        return self.server.enrol(access, code, public_key, key_id, version)

    def ping(self, access: ServerAccess, outbox: SyncCounts | None = None
             ) -> ServerReply[str]:
        return self.server.ping(access, outbox)

    def push_records(self, access: ServerAccess, records: Sequence[QueuedRecord]
                     ) -> ServerReply[list[RecordOutcome]]:
        return self.server.push_records(access, records)

    def push_journal(self, access: ServerAccess, entries: Sequence[JournalEntry]
                     ) -> ServerReply[list[ChainAck]]:
        self.pushes.append(Counter(entry.chain.value for entry in entries))
        return self.server.push_journal(access, entries)

    def changes(self, access: ServerAccess, since: int, limit: int
                ) -> ServerReply[PulledPage]:
        return self.server.changes(access, since, limit)


@pytest.fixture
def proxy(sync_server: LocalServer) -> Iterator[Proxy]:
    made = Proxy(("127.0.0.1", sync_server.port))
    yield made
    made.close()


def till_id(ctx: Context) -> str:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return till.id


def head(ctx: Context, chain: Chain) -> int:
    with ctx.uow(write=False) as uow:
        found = uow.journal.head(till_id(ctx), chain.value)
    return 0 if found is None else found.number


def acks(ctx: Context) -> dict[str, ChainAck]:
    with ctx.uow(write=False) as uow:
        return {ack.chain: ack for ack in uow.sync.acknowledgements(till_id(ctx))}


def server_flags(server: LocalServer, name: str) -> list[tuple[str, int, str]]:
    return [(flag["chain"], flag["number"], flag["reason"])
            for flag in server.till(name)["flags"]]


def test_a_flagged_chain_is_held_back_and_the_other_chains_still_go(
        ctx: Context, ports: SyncPorts, data_dir: Path, cashier: StaffMember,
        sync_server: LocalServer, till_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    # A sale's entry changed on disk before it went: the server finds that its content
    # is not its hash, and flags the order chain there.
    sell_ride(ctx, cashier)
    changed = entry(ctx, till_id(ctx), Chain.ORDER, head(ctx, Chain.ORDER))
    change_body(data_dir, changed, 100)
    recording = Recording(ports.server)
    watched = SyncPorts(recording, ports.tokens)
    run = sync.sync_once(ctx, watched)
    assert run.reached
    reason = f"entry {changed.number}: its content does not match its hash"
    assert acks(ctx)["order"].flagged == reason
    assert acks(ctx)["order"].number == changed.number - 1

    # Later sales and events: the order chain's entries stay on the till, round after
    # round; the event chain's go, and are acknowledged at their head, even when the
    # held entries fill whole batches before them (batches of 2 here).
    monkeypatch.setattr(sync, "BATCH", 2)
    for _sale in range(3):
        sell_ride(ctx, cashier)
    closures.record_cash_movement(ctx, cashier, CashMovementKind.IN, 2000, "Monnaie")
    recording.pushes.clear()
    run = sync.sync_once(ctx, watched)
    assert run.reached and run.records.sent == 7 and run.records.rejected == []
    assert run.journal.held_back == 3
    assert [push["order"] for push in recording.pushes] == [0]
    assert recording.pushes[0]["event"] >= 1
    assert (acks(ctx)["event"].number, acks(ctx)["event"].flagged) == (
        head(ctx, Chain.EVENT), None)
    assert sync.sync_once(ctx, watched).reached
    assert len(recording.pushes) == 1  # nothing left to send: no journal request at all

    status = sync.sync_status(ctx)
    assert status.journal_waiting == 0
    order = next(chain for chain in status.chains if chain.chain == "order")
    assert order.acknowledged is not None and order.acknowledged.flagged == reason
    assert order.held_back == head(ctx, Chain.ORDER) - order.acknowledged.number == 4
    shown = status_result(status)
    assert reason in shown.text and "4 entrées retenues" in shown.text
    assert {chain["chain"]: chain["held_back"] for chain in shown.data["journal"]["chains"]
            }["order"] == 4
    # Flagged once on the server, by the one push that showed the changed entry.
    assert server_flags(sync_server, till_name) == [("order", changed.number, reason)]


@pytest.mark.parametrize("how", ["body changed", "forged with the till's key"])
def test_an_entry_changed_on_disk_after_it_went_is_flagged_on_both_sides(
        ctx: Context, ports: SyncPorts, data_dir: Path, cashier: StaffMember,
        sync_server: LocalServer, proxy: Proxy, till_name: str, how: str) -> None:
    sync.enrol(ctx, ports, proxy.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    sell_ride(ctx, cashier)
    # The server takes the new sale's entry, and its answer is lost on the way: the
    # till will send that entry again.
    token = ports.tokens.load(till_id(ctx))
    access = ServerAccess(proxy.url, till_id(ctx), token, None)
    assert sync.push_records(ctx, ports.server, access).sent == 2
    proxy.faults = Faults(lose_reply=1.0)
    with pytest.raises(ServerReplyUnreadable):
        sync.push_journal(ctx, ports.server, access)
    number = head(ctx, Chain.ORDER)
    held = {head["chain"]: head["number"] for head in sync_server.till(till_name)[
        "journal_heads"]}
    assert held["order"] == number

    original = entry(ctx, till_id(ctx), Chain.ORDER, number)
    if how == "body changed":
        change_body(data_dir, original, 100)
        reason = f"entry {number} came again with content that does not match its hash"
    else:
        forge(data_dir, ctx.signer, original, 100)
        reason = f"entry {number} came again with another hash than the one held"
    proxy.faults = Faults()
    run = sync.sync_once(ctx, ports)
    assert run.reached

    assert server_flags(sync_server, till_name) == [("order", number, reason)]
    assert acks(ctx)["order"].flagged == reason
    assert acks(ctx)["order"].number == number  # the server's copy stands
    # The forged entry's hash and signature are right: the server's acknowledgement,
    # which the till keeps, shows that it changed. A changed body the till finds itself.
    problems = verify_journal(ctx).problems
    assert [(problem.chain, problem.number) for problem in problems] == [("order", number)]
    if how != "body changed":
        assert (f"the server acknowledged order entry {number} with hash"
                f" {original.hash[:8]}… (as the till keeps it); the journal's entry {number}"
                " is ") in problems[0].reason


def test_a_head_forged_after_the_server_acknowledged_it_is_flagged_on_both_sides(
        ctx: Context, ports: SyncPorts, data_dir: Path, cashier: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    number = head(ctx, Chain.ORDER)
    assert acks(ctx)["order"].number == number
    forge(data_dir, ctx.signer, entry(ctx, till_id(ctx), Chain.ORDER, number), 100)

    # No sale follows, only an event: the order chain has nothing to send, yet its
    # acknowledged head is not the till's entry any more. The till flags it and shows
    # the server that entry, which the server flags in turn.
    closures.record_cash_movement(ctx, cashier, CashMovementKind.IN, 2000, "Monnaie")
    run = sync.sync_once(ctx, ports)
    assert run.reached
    mine = f"the server holds order entry {number} with another hash than this till's"
    assert acks(ctx)["order"].flagged == mine
    assert server_flags(sync_server, till_name) == [
        ("order", number, f"entry {number} came again with another hash than the one held")]
    # The forgery holds on the till alone; the server's acknowledgement it keeps does not.
    problems = verify_journal(ctx).problems
    assert [(problem.chain, problem.number) for problem in problems] == [("order", number)]
    assert "the journal was rewritten or cut after it was sent" in problems[0].reason

    sell_ride(ctx, cashier)
    run = sync.sync_once(ctx, ports)
    assert run.reached and run.journal.held_back == 1
    assert acks(ctx)["order"].flagged == mine  # the first reason stays
    assert len(server_flags(sync_server, till_name)) == 1


def test_after_a_key_rotation_the_server_takes_the_entries_the_new_key_signs(
        ctx: Context, ports: SyncPorts, cashier: StaffMember, manager: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    from pos_app.services.journal import rotate_key

    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    previous = ctx.signer.key_id
    rotation = rotate_key(ctx, manager)
    assert rotation.previous_key_id == previous and ctx.signer.key_id == rotation.key_id
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    acknowledged = acks(ctx)
    assert {chain: (ack.number, ack.flagged) for chain, ack in acknowledged.items()} == {
        "event": (head(ctx, Chain.EVENT), None), "order": (head(ctx, Chain.ORDER), None)}
    assert server_flags(sync_server, till_name) == []
    assert sync_server.till(till_name)["key_id"] == rotation.key_id
    assert verify_journal(ctx, every_signature=True).ok


def test_a_till_that_rotated_its_key_before_it_enrolled_is_followed_from_its_first_key(
        ctx: Context, ports: SyncPorts, cashier: StaffMember, manager: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    """It enrols with the key its journal starts with; the server then takes the
    rotation as the journal comes. Enrolled again afterwards (a lost token), with that
    same first key, it is still the till the server knows."""
    from pos_app.services.journal import rotate_key

    sell_ride(ctx, cashier)
    first = ctx.signer.key_id
    rotation = rotate_key(ctx, manager)
    sell_ride(ctx, cashier)
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    assert sync_server.till(till_name)["key_id"] == first
    assert sync.sync_once(ctx, ports).reached
    assert server_flags(sync_server, till_name) == []
    assert {ack.flagged for ack in acks(ctx).values()} == {None}
    assert sync_server.till(till_name)["key_id"] == rotation.key_id
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    assert server_flags(sync_server, till_name) == []
    assert acks(ctx)["order"].number == head(ctx, Chain.ORDER)
def test_a_journal_rewritten_with_the_till_s_key_is_found_once_synced(
        ctx: Context, ports: SyncPorts, data_dir: Path, cashier: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    """The whole order chain re-made from its first sale with the till's own key, the
    head moved: every hash, link, signature and time holds, and no Z was made. The head
    the server acknowledged, as the till keeps it, is no longer in the journal."""
    from tests.integration.test_journal_heads import re_sign
    from tests.sync.tampering import unguarded

    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    for _sale in range(3):
        sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    acknowledged = acks(ctx)["order"]
    assert (acknowledged.number, acknowledged.flagged) == (head(ctx, Chain.ORDER), None)
    assert verify_journal(ctx).ok

    with unguarded(data_dir) as connection:
        re_sign(connection, ctx.signer, "order", 1,
                lambda body: {**body, "staff_id": "someone-else"})
    problems = verify_journal(ctx, every_signature=True).problems
    assert [(problem.chain, problem.number) for problem in problems] == [
        ("order", acknowledged.number)]
    assert (f"the server acknowledged order entry {acknowledged.number} with hash"
            f" {acknowledged.hash[:8]}…") in problems[0].reason


def test_verify_with_the_server_finds_what_the_till_s_copy_no_longer_shows(
        ctx: Context, ports: SyncPorts, data_dir: Path, cashier: StaffMember,
        sync_server: LocalServer, till_name: str) -> None:
    """The head forged with the till's key, and the till's copy of the server's
    acknowledgement edited to match: the store alone holds together (the sale's seller
    is changed, which no table holds as it was at the sale); the server's own answer
    does not."""
    from tests.integration.test_cli import caisse
    from tests.sync.tampering import forge_body, unguarded

    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    assert sync.sync_once(ctx, ports).reached
    number = head(ctx, Chain.ORDER)
    original = entry(ctx, till_id(ctx), Chain.ORDER, number)
    body = original.payload
    forged = forge_body(data_dir, ctx.signer, original,
                        {**body, "seller": {**body["seller"], "siret": "99999999900099"}},
                        original.amount_cents)
    with unguarded(data_dir) as connection:
        connection.execute("UPDATE journal_acks SET hash = ? WHERE chain = 'order'",
                           (forged.hash,))
    assert verify_journal(ctx, every_signature=True).ok  # the store alone holds together

    result = caisse(data_dir, "journal", "verify", "--with-server")
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f"the server acknowledged order entry {number} with hash {original.hash[:8]}…"
            " (as the server answers now)") in result.stdout
