"""The sync thread: it sends after a wake, heartbeats otherwise, backs off while the
server does not answer (as long as the server asks, when it asks), survives what nobody
foresaw, and stops promptly."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_app.domain.journal import JournalEntry
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import (
    ChainAck,
    PulledPage,
    QueuedRecord,
    RecordOutcome,
    SyncCounts,
)
from pos_app.services import sync
from pos_app.services.context import Context
from pos_app.services.ports import (
    Enrolment,
    ServerAccess,
    ServerReply,
    ServerUnreachable,
    TokenRefused,
)
from pos_app.services.sync import SyncPorts
from pos_app.services.sync_worker import SyncWorker
from tests.sync.support import LocalServer, sell_ride, wait_for

DEADLINE_S = 20.0


@pytest.fixture
def workers() -> Iterator[list[SyncWorker]]:
    made: list[SyncWorker] = []
    yield made
    for worker in made:
        worker.stop()


def waiting(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return uow.outbox.counts().waiting


def test_the_worker_sends_after_a_wake_and_stops_cleanly(
        ctx: Context, ports: SyncPorts, cashier: StaffMember, sync_server: LocalServer,
        till_name: str, workers: list[SyncWorker]) -> None:
    sync.enrol(ctx, ports, sync_server.url, sync_server.enrol_code(till_name), None, "0.1.0")
    sell_ride(ctx, cashier)
    # A heartbeat of an hour: only its first round and the wakes send anything here.
    worker = SyncWorker(ctx, lambda: ports, heartbeat=timedelta(hours=1))
    workers.append(worker.start())
    wait_for(lambda: waiting(ctx) == 0 and worker.rounds == 1, DEADLINE_S,
             "the first round")
    sell_ride(ctx, cashier)
    assert waiting(ctx) == 2
    worker.wake()
    wait_for(lambda: worker.rounds == 2, DEADLINE_S, "the round after the wake")
    assert waiting(ctx) == 0 and worker.failures == 0
    # Two sales and their payments, the cashier's sign-in and the session opened.
    assert sync_server.till(till_name)["records"] == 4 + 2
    started = time.monotonic()
    assert worker.stop()
    assert time.monotonic() - started < 2.0 and not worker.running


class ScriptedServer:
    """A server port whose ping does what the test says; it counts the pings."""

    def __init__(self, ping: Callable[[], Any]) -> None:
        self._ping = ping
        self.pings = 0
        self.pushes = 0

    def enrol(self, access: ServerAccess, code: str, public_key: str, key_id: str,
              version: str) -> ServerReply[Enrolment]:
        raise AssertionError("not asked here")

    def ping(self, access: ServerAccess, outbox: SyncCounts | None = None
             ) -> ServerReply[str]:
        self.pings += 1
        self._ping()
        return ServerReply("Stub", datetime.now(UTC))

    def push_records(self, access: ServerAccess, records: Sequence[QueuedRecord]
                     ) -> ServerReply[list[RecordOutcome]]:
        self.pushes += 1
        return ServerReply([], datetime.now(UTC))

    def push_journal(self, access: ServerAccess, entries: Sequence[JournalEntry]
                     ) -> ServerReply[list[ChainAck]]:
        self.pushes += 1
        return ServerReply([], datetime.now(UTC))

    def changes(self, access: ServerAccess, since: int, limit: int
                ) -> ServerReply[PulledPage]:
        return ServerReply(PulledPage([], since, False), datetime.now(UTC))


def scripted(ctx: Context, ports: SyncPorts, ping: Callable[[], Any]
             ) -> tuple[SyncPorts, ScriptedServer]:
    with ctx.uow() as uow:
        till = uow.tills.local()
        assert till is not None
        uow.sync.enrol("http://127.0.0.1:9", "Stub", ctx.clock.now(), None)
        uow.commit()
    ports.tokens.save(till.id, "token")
    server = ScriptedServer(ping)
    return SyncPorts(server, ports.tokens), server


def unreachable(retry_after_s: float | None = None) -> Callable[[], Any]:
    def ping() -> None:
        raise ServerUnreachable("connection refused", retry_after_s)
    return ping


def test_backoff_doubles_with_jitter_and_a_wake_does_not_cut_it_short(
        ctx: Context, ports: SyncPorts, workers: list[SyncWorker]) -> None:
    faked, server = scripted(ctx, ports, unreachable())
    # Jitter 0.5: the middle of ±50 %, so each wait is exactly 1 s, 2 s, 4 s…
    worker = SyncWorker(ctx, lambda: faked, jitter=lambda: 0.5)
    workers.append(worker.start())
    wait_for(lambda: worker.failures == 1, DEADLINE_S, "the first failure")
    assert 0.5 < worker.due_in_s <= 1.0
    wait_for(lambda: worker.failures == 2, DEADLINE_S, "the second failure")
    assert 1.5 < worker.due_in_s <= 2.0
    worker.wake()  # an action while the server is down: the wait goes on
    wait_for(lambda: worker.deferred_wakes == 1, DEADLINE_S, "the wake to be seen")
    assert server.pings == 2
    worker.wake(urgent=True)  # staff asked: now
    wait_for(lambda: server.pings == 3, DEADLINE_S, "the urgent round")
    wait_for(lambda: worker.failures == 3, DEADLINE_S, "the third failure")
    assert 3.0 < worker.due_in_s <= 4.0
    link = sync.sync_status(ctx).link
    assert link is not None and not link.online and link.offline_since is not None


def test_retry_after_is_honoured_even_by_an_urgent_wake(
        ctx: Context, ports: SyncPorts, workers: list[SyncWorker]) -> None:
    faked, server = scripted(ctx, ports, unreachable(retry_after_s=120))
    worker = SyncWorker(ctx, lambda: faked, jitter=lambda: 0.5)
    workers.append(worker.start())
    wait_for(lambda: worker.failures == 1, DEADLINE_S, "the first failure")
    assert 119 < worker.due_in_s <= 120
    worker.wake(urgent=True)
    wait_for(lambda: worker.deferred_wakes == 1, DEADLINE_S, "the wake to be seen")
    assert server.pings == 1


def test_a_refused_token_is_asked_again_only_every_few_minutes(
        ctx: Context, ports: SyncPorts, workers: list[SyncWorker]) -> None:
    def revoked() -> None:
        raise TokenRefused("this till was revoked")

    faked, _server = scripted(ctx, ports, revoked)
    worker = SyncWorker(ctx, lambda: faked, jitter=lambda: 0.0)
    workers.append(worker.start())
    wait_for(lambda: worker.failures == 1, DEADLINE_S, "the refusal")
    assert 149 < worker.due_in_s <= 150  # 5 minutes, -50 %


def test_an_unforeseen_error_is_logged_noted_and_tried_again(
        ctx: Context, ports: SyncPorts, workers: list[SyncWorker],
        caplog: pytest.LogCaptureFixture) -> None:
    calls = iter([RuntimeError("a bug"), None])

    def ping() -> None:
        error = next(calls, None)
        if error is not None:
            raise error

    faked, server = scripted(ctx, ports, ping)
    caplog.set_level(logging.ERROR, logger="caisse.sync")
    worker = SyncWorker(ctx, lambda: faked, jitter=lambda: 0.0)
    workers.append(worker.start())
    wait_for(lambda: worker.failures == 1, DEADLINE_S, "the error")
    assert "sync round failed" in caplog.text and "a bug" in caplog.text
    link = sync.sync_status(ctx).link
    assert link is not None and "unexpected error: RuntimeError: a bug" in (
        link.last_error or "")
    wait_for(lambda: server.pings == 2 and worker.failures == 0, DEADLINE_S,
             "the round after it")
    assert worker.running
    wait_for(lambda: (sync.sync_status(ctx).link or link).online, DEADLINE_S, "online")


def test_stop_ends_the_round_after_the_request_under_way(
        ctx: Context, ports: SyncPorts, workers: list[SyncWorker]) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow() -> None:
        entered.set()
        release.wait(DEADLINE_S)

    faked, server = scripted(ctx, ports, slow)
    worker = SyncWorker(ctx, lambda: faked)
    workers.append(worker.start())
    assert entered.wait(DEADLINE_S)
    assert not worker.stop(timeout_s=0.1)  # the ping under way is not cut
    release.set()
    wait_for(lambda: not worker.running, DEADLINE_S, "the thread to end")
    assert server.pings == 1 and server.pushes == 0  # the round went no further


def test_a_till_not_enrolled_is_left_alone(ctx: Context, ports: SyncPorts,
                                           workers: list[SyncWorker]) -> None:
    worker = SyncWorker(ctx, lambda: ports, heartbeat=timedelta(seconds=30))
    workers.append(worker.start())
    wait_for(lambda: worker.rounds == 1, DEADLINE_S, "the first look")
    assert worker.failures == 0 and 29 < worker.due_in_s <= 30
    assert sync.sync_status(ctx).link is None
