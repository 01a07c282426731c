"""What the till does with replies the real server never gives: cut off, not JSON, of a
shape the protocol does not allow, without the server's clock, "busy, come back in 7
s", a refused token, a 422 naming one record, part of a batch answered. Nothing the
server did not answer is ever marked sent."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import QueuedRecord
from pos_app.services import sync
from pos_app.services.context import Context
from pos_app.services.ports import (
    ServerReplyUnreadable,
    ServerUnreachable,
    TokenRefused,
)
from pos_app.services.sync import SyncPorts
from sync.contract import parse_journal_push, parse_ping, parse_push
from tests.sync.stub import Reply, pong, stub_server
from tests.sync.support import prelude_sent, sell_ride

TOKEN = "a-token-of-this-till"


def link_to(ctx: Context, ports: SyncPorts, url: str) -> str:
    """The till enrolled with the stub, as an enrolment would leave it."""
    with ctx.uow() as uow:
        till = uow.tills.local()
        assert till is not None
        uow.sync.enrol(url, "Stub", ctx.clock.now(), None)
        uow.commit()
    ports.tokens.save(till.id, TOKEN)
    return till.id


def waiting(ctx: Context) -> list[QueuedRecord]:
    with ctx.uow(write=False) as uow:
        return uow.outbox.waiting(1000)


def records_answered(answer: Callable[[list[str]], dict[str, Any] | Reply]
                     ) -> Callable[[str, str, Any], Reply]:
    """Pings answered; each push of records checked against the protocol, then answered
    with `answer(record ids)`; the journal acknowledged as sent."""
    def script(method: str, path: str, request: Any) -> Reply:
        if path == "/v1/records":
            ids = [envelope.record_id for envelope in parse_push(request)]
            made = answer(ids)
            return made if isinstance(made, Reply) else Reply(body=made)
        if path == "/v1/journal":
            entries = parse_journal_push(request)
            heads: dict[str, Any] = {}
            for entry in entries:
                heads[entry.chain] = {"chain": entry.chain, "number": entry.number,
                                      "hash": entry.hash, "flagged": None}
            return Reply(body={"chains": list(heads.values())})
        return pong(method, path, request)
    return script


def stored(ids: list[str]) -> dict[str, Any]:
    return {"answers": [{"record_id": record_id, "answer": "stored"} for record_id in ids]}


@pytest.mark.parametrize("reply", [
    Reply(body=b"", cut_after=0),  # replaced below by a cut-off answer
    Reply(body=b"<html>Bad gateway</html>"),
    Reply(body={"answers": [{"record_id": "nope", "answer": "stored"}]}),
    Reply(body={"answers": "all of them"}),
], ids=["cut off", "not JSON", "an id that is no record's", "not a list"])
def test_an_unreadable_reply_marks_nothing_sent(ctx: Context, ports: SyncPorts,
                                                cashier: StaffMember, reply: Reply) -> None:
    def answer(ids: list[str]) -> Reply:
        if reply.cut_after is not None:  # the real answer, cut off in its middle
            return Reply(body=json.dumps(stored(ids)).encode(), cut_after=20)
        return reply

    sell_ride(ctx, cashier)
    before = waiting(ctx)
    with stub_server(records_answered(answer)) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
    assert isinstance(run.failure, ServerReplyUnreadable), run.failure
    assert "unreadable" in str(run.failure)
    assert waiting(ctx) == before  # not even tried once more: nothing was answered
    status = sync.sync_status(ctx)
    assert status.counts.sent == 0 and status.link is not None and not status.link.online
    assert "unreadable" in (status.link.last_error or "")


def test_a_reply_without_the_servers_clock_is_unreadable(
        ctx: Context, ports: SyncPorts) -> None:
    with stub_server(lambda *_request: Reply(body={"name": "Stub"}, server_time=False)
                     ) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
    assert isinstance(run.failure, ServerReplyUnreadable)
    assert "X-Server-Time" in str(run.failure)


@pytest.mark.parametrize("status, header, seconds", [
    (503, "7", 7.0),
    (429, "120", 120.0),
    (503, "an HTTP date a minute ahead", 60.0),
])
def test_a_busy_server_says_how_long_to_wait(ctx: Context, ports: SyncPorts, status: int,
                                             header: str, seconds: float) -> None:
    if not header.isdigit():
        header = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    busy = Reply(status, {"error": "the database is unavailable: try again later"},
                 {"Retry-After": header})
    with stub_server(lambda *_request: busy) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
    assert isinstance(run.failure, ServerUnreachable)
    assert run.failure.retry_after_s is not None
    assert seconds - 2 <= run.failure.retry_after_s <= seconds


def test_a_refused_token_says_the_till_is_no_longer_enrolled(
        ctx: Context, ports: SyncPorts, cashier: StaffMember) -> None:
    sell_ride(ctx, cashier)
    prelude_sent(ctx)
    with stub_server(lambda *_request: Reply(401, {"error": "this till was revoked"})
                     ) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
        (method, path, body, authorization), = stub.seen
    assert (method, path, authorization) == ("POST", "/v1/ping", f"Bearer {TOKEN}")
    # The heartbeat tells the server what waits in the outbox (contract's shape).
    report = parse_ping(body)
    assert (report.waiting, report.rejected) == (2, 0)
    assert report.oldest_waiting_at is not None
    assert isinstance(run.failure, TokenRefused)
    assert run.failure.reason == "this till was revoked"
    assert len(waiting(ctx)) == 2


def test_a_batch_refused_for_one_record_sends_the_others(
        ctx: Context, ports: SyncPorts, cashier: StaffMember) -> None:
    sell_ride(ctx, cashier)
    sell_ride(ctx, cashier)
    prelude_sent(ctx)
    refused: list[str] = []

    def answer(ids: list[str]) -> dict[str, Any] | Reply:
        if not refused:  # the whole batch refused, naming its second record
            refused.append(ids[1])
            return Reply(422, {"error": "records[1].payload.method: wrong type"})
        return stored(ids)

    with stub_server(records_answered(answer)) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
        pushes = [request for _m, path, request, _a in stub.seen if path == "/v1/records"]
    assert run.reached
    assert [(o.record_id, o.reason) for o in run.records.rejected] == [
        (refused[0], "records[1].payload.method: wrong type")]
    assert run.records.sent == 3
    assert [len(push["records"]) for push in pushes] == [4, 3]
    assert sync.sync_status(ctx).counts.rejected == 1


def test_only_what_the_server_answered_is_settled(
        ctx: Context, ports: SyncPorts, cashier: StaffMember) -> None:
    """A server that answers one record per request: each is settled as it is answered,
    the others sent again, and the round ends with all of them sent."""
    for _sale in range(3):
        sell_ride(ctx, cashier)
    prelude_sent(ctx)
    with stub_server(records_answered(lambda ids: stored(ids[:1]))) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
        pushes = [request for _m, path, request, _a in stub.seen if path == "/v1/records"]
    assert run.reached and run.records.sent == 6
    assert [len(push["records"]) for push in pushes] == [6, 5, 4, 3, 2, 1]
    assert sync.sync_status(ctx).counts.sent == 6 + 2  # and the two sent before


def test_retry_later_keeps_the_record_waiting_and_ends_the_push(
        ctx: Context, ports: SyncPorts, cashier: StaffMember) -> None:
    sell_ride(ctx, cashier)
    prelude_sent(ctx)

    def answer(ids: list[str]) -> dict[str, Any]:
        """The first record of the first push kept; the other one: not now."""
        later = [{"record_id": record_id, "answer": "retry_later",
                  "reason": "the database is busy"} for record_id in ids[-1:]]
        return {"answers": ([{"record_id": ids[0], "answer": "stored"}] if len(ids) > 1
                            else []) + later}

    with stub_server(records_answered(answer)) as stub:
        link_to(ctx, ports, stub.url)
        run = sync.sync_once(ctx, ports)
        pushes = [path for _m, path, _r, _a in stub.seen if path == "/v1/records"]
    assert run.reached and (run.records.sent, run.records.waiting) == (1, 1)
    left = waiting(ctx)
    assert len(left) == 1 and left[0].attempts == 2  # tried again once the journal went
    assert left[0].reason == "the database is busy"
    assert len(pushes) == 2


def test_envelopes_carry_the_tills_id_sequence_and_journal_entry(
        ctx: Context, ports: SyncPorts, cashier: StaffMember) -> None:
    sell_ride(ctx, cashier)
    queued = waiting(ctx)
    with stub_server(records_answered(stored)) as stub:
        till_id = link_to(ctx, ports, stub.url)
        assert sync.sync_once(ctx, ports).reached
        push = next(request for _m, path, request, _a in stub.seen if path == "/v1/records")
    envelopes = parse_push(push)
    assert [(e.record_id, e.till_id, e.till_seq, e.kind) for e in envelopes] == [
        (record.record_id, till_id, record.seq, record.kind) for record in queued]
    for envelope, record in zip(envelopes, queued, strict=True):
        sent = envelope.journal
        assert (None if sent is None else (sent.chain, sent.number, sent.hash)) == (
            None if record.journal is None
            else (record.journal.chain, record.journal.number, record.journal.hash))
        assert envelope.payload == json.loads(record.payload)
