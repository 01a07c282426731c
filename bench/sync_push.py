"""A till pushing its queued records to the server over loopback, against bare POSTs of
the same bytes to the same endpoint.

A till with N records waiting (sales through `selling.sell`, each an `order.validated`
and a `payment.taken`, with the sign-in and the session) is enrolled with a real
`caisse-server` on SQLite; both are built once and kept in .bench-cache/. Each round
pushes a fresh copy's records with `sync.push_records` and the till's HTTP client:
batches of 500 read from the outbox, their envelopes built and encoded, posted, the
answers read through the contract and settled in the store (one fsync'd transaction a
batch). Baseline: the request bodies the client sent, recorded once, posted one after
the other with plain httpx on one connection to the same server. The server's records
(and what they feed) are deleted between rounds, untimed, so that both store every
record anew.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.big_catalogue import CACHE, SCHEMA_VERSION
from bench.server_process import SERVER, Server
from bench.timing import Measure, Samples
from pos_app.adapters.clock import FrozenClock
from pos_app.adapters.token_store import KeyringTokenStore
from pos_app.bootstrap import Store, demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.services import closures, importing, selling, setup, sync
from pos_app.services.ports import ServerAccess
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from pos_app.services.sync import SyncPorts
from sync.client.http import HttpSyncServer
from sync.server.database import DATABASE_FILE, sqlite_url

TARGET_RATIO = 2.0
OPENING = datetime(2026, 7, 11, 6, 0, tzinfo=UTC)


def build(records: int) -> Path:
    """The till (in `till/`) and the server's database (in `server/`), enrolled."""
    folder = CACHE / f"sync-push-{records}-v{SCHEMA_VERSION}-1"
    if (folder / "complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "server").mkdir(parents=True)
    url = sqlite_url(folder / "server")
    _run_cli("--database-url", url, "init")
    code = _run_cli("--database-url", url, "enrol-code", "--till", "Caisse bench").split()[0]
    server = Server(url, folder / "server.log")
    clock = FrozenClock(OPENING)
    store = open_store(folder / "till", clock)
    try:
        setup.initialise_till(store.context, "Caisse bench", "9", "Bench")
        importing.import_data(store.context, None, demo_document())
        client = HttpSyncServer()
        try:
            sync.enrol(store.context, SyncPorts(client, _tokens(store)), server.url, code,
                       None, "bench")
        finally:
            client.close()
        _sell(store, clock, records)
    finally:
        store.close()
        server.stop()
    (folder / "complete").touch()
    return folder


def _run_cli(*arguments: str) -> str:
    return subprocess.run([SERVER, *arguments], capture_output=True, text=True, check=True,
                          timeout=120).stdout


def _tokens(store: Store) -> KeyringTokenStore:
    return KeyringTokenStore(store.data_dir, use_keyring=False)


def _sell(store: Store, clock: FrozenClock, records: int) -> None:
    """Sales until the outbox holds `records` records (a cash movement evens it out)."""
    ctx = store.context
    cashier = sign_in(ctx, "caissier", "1234")
    baskets = []
    for products in (["balade-poney-1h", "cafe"], ["kayak-2h"], ["creme-glacee", "cafe"],
                     ["visite-guidee", "balade-poney-1h"]):
        basket = Basket()
        for product in products:
            selling.add_product(ctx, basket, product)
        baskets.append(basket)
    index = 0
    while (made := _waiting(store)) < records:
        clock.advance(timedelta(seconds=5))
        if made == records - 1:
            closures.record_cash_movement(ctx, cashier, CashMovementKind.IN, 1000, "Monnaie")
            continue
        basket = baskets[index % len(baskets)]
        method = "ESP" if index % 3 else "CB"
        tendered = basket.total_cents + (500 - basket.total_cents % 500 if method == "ESP"
                                         else 0)
        selling.sell(ctx, cashier, basket, [PaymentRequest(method, tendered)])
        index += 1


def _waiting(store: Store) -> int:
    with store.context.uow(write=False) as uow:
        return uow.outbox.counts().waiting


class _Recording(httpx.HTTPTransport):
    """The client's transport, keeping the body of each push of records."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/records"):
            self.bodies.append(request.read())
        return super().handle_request(request)


@contextmanager
def _copy_of(source: Path) -> Iterator[Store]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "till"
        shutil.copytree(source, copy)
        store = open_store(copy, FrozenClock(OPENING + timedelta(days=1)))
        try:
            yield store
        finally:
            store.close()


def _push(source: Path, url: str, records: int,
          transport: httpx.BaseTransport | None = None) -> float:
    """Seconds for the till to push all its records (the copy and opening untimed)."""
    with _copy_of(source) as store:
        ctx = store.context
        with ctx.uow(write=False) as uow:
            till = uow.tills.local()
        assert till is not None
        access = ServerAccess(url, till.id, _tokens(store).load(till.id), None)
        server = HttpSyncServer(transport=transport)
        try:
            start = time.perf_counter()
            pushed = sync.push_records(ctx, server, access)
            elapsed = time.perf_counter() - start
        finally:
            server.close()
    assert (pushed.sent, pushed.rejected, pushed.waiting) == (records, [], 0), pushed
    return elapsed


def _post(url: str, token: str, bodies: list[bytes]) -> float:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=url, timeout=60) as client:
        start = time.perf_counter()
        for body in bodies:
            answer = client.post("/v1/records", content=body, headers=headers)
            assert answer.status_code == 200, answer.text
        return time.perf_counter() - start


def _forget(database: Path) -> None:
    """The server's records and what they fed deleted: the next push stores anew."""
    db = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        db.executescript("BEGIN IMMEDIATE; DELETE FROM orders; DELETE FROM closures;"
                         " DELETE FROM records; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")
    finally:
        db.close()


def measure(records: int, rounds: int) -> Measure:
    source = build(records)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(source / "server", work / "server")
        database = work / "server" / DATABASE_FILE
        server = Server(sqlite_url(work / "server"), work / "server.log")
        try:
            recording = _Recording()  # a first push, untimed: the bytes of the baseline
            _push(source / "till", server.url, records, recording)
            _forget(database)
            with _copy_of(source / "till") as till_store:
                with till_store.context.uow(write=False) as uow:
                    till = uow.tills.local()
                assert till is not None
                token = _tokens(till_store).load(till.id)
            assert token is not None
            ours: list[float] = []
            base: list[float] = []

            def till_pushes() -> float:
                return _push(source / "till", server.url, records)

            def bare_posts() -> float:
                assert token is not None
                return _post(server.url, token, recording.bodies)

            for index in range(rounds):  # which goes first alternates
                pair: list[tuple[Callable[[], float], list[float]]] = [
                    (till_pushes, ours), (bare_posts, base)]
                for run, sink in pair if index % 2 == 0 else reversed(pair):
                    sink.append(run())
                    _forget(database)
        finally:
            server.stop()
    mine, baseline = Samples(ours), Samples(base)
    ratio = mine.median_ms / baseline.median_ms
    return Measure(
        f"sync push of {records:,} queued records to caisse-server (SQLite) over loopback,"
        f" {len(recording.bodies)} batches ({records / (mine.median_ms / 1000):,.0f}"
        f" records/s; bare POSTs {records / (baseline.median_ms / 1000):,.0f} records/s)",
        mine, baseline, "the same request bodies posted with plain httpx, same server",
        f"≤ {TARGET_RATIO}×", ratio <= TARGET_RATIO)
