"""Stateless processes: two `caisse-server` processes (one of them with two workers) on
one PostgreSQL database, sent the same batches at the same moment, behave as one; two
tills paying the same orders through each at once queue on the orders' rows."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select

from pos_app.domain.ids import new_id
from sync.contract import parse_acks, parse_answers
from sync.server.database import open_engine
from sync.server.migrate import upgrade
from sync.server.schema import orders, sync_conflicts
from tests.server.support import ServerProcess, Till, count, enrol


@pytest.fixture(scope="module")
def shared_url(new_postgresql_database: Callable[[], str]) -> str:
    url = new_postgresql_database()
    engine = open_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def pair(shared_url: str, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[list[ServerProcess]]:
    logs = tmp_path_factory.mktemp("two-processes")
    started = [ServerProcess(shared_url, logs / "a.log", workers=2, wait=False),
               ServerProcess(shared_url, logs / "b.log", wait=False)]
    for server in started:  # started together, they get ready together
        server.wait_ready()
    yield started
    for server in started:
        server.stop()


def at_once(servers: list[ServerProcess], send: Callable[[httpx.Client], Any]) -> list[Any]:
    """`send` through each server, from one thread each, released together."""
    start = threading.Barrier(len(servers))
    results: list[Any] = [None] * len(servers)

    def run(slot: int) -> None:
        with httpx.Client(base_url=servers[slot].url, timeout=60) as client:
            start.wait(timeout=30)
            results[slot] = send(client)

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(len(servers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_processes_receiving_the_same_batches_hold_each_record_once(
        pair: list[ServerProcess], shared_url: str) -> None:
    with httpx.Client(base_url=pair[0].url, timeout=30) as client:
        tills = [enrol(client, shared_url) for _ in range(2)]
    batches = [[till.record() for _ in range(100)] for till in tills for _ in range(3)]
    owners = [till for till in tills for _ in range(3)]

    def send(client: httpx.Client) -> list[str]:
        answers: list[str] = []
        for till, batch in zip(owners, batches, strict=True):
            answer = client.post("/v1/records", json={"records": batch}, headers=till.auth)
            assert answer.status_code == 200, answer.text
            answers += [item.answer.value for item in parse_answers(answer.json())]
        return answers

    first, second = at_once(pair, send)
    for mine, theirs in zip(first, second, strict=True):
        assert sorted((mine, theirs)) == ["already_had", "stored"]
    engine: Engine = open_engine(shared_url)
    try:
        for till in tills:
            assert count(engine, "records", till) == 300
            assert count(engine, "orders", till) == 300
    finally:
        engine.dispose()


def test_two_processes_receiving_the_same_journal_store_each_entry_once_in_order(
        pair: list[ServerProcess], shared_url: str) -> None:
    with httpx.Client(base_url=pair[1].url, timeout=30) as client:
        till = enrol(client, shared_url)
    pushes = [till.entries(40) for _ in range(5)]

    def send(client: httpx.Client) -> list[tuple[int, str | None]]:
        heads = []
        for entries in pushes:
            answer = client.post("/v1/journal", json={"entries": entries}, headers=till.auth)
            assert answer.status_code == 200, answer.text
            heads += [(ack.number, ack.flagged) for ack in parse_acks(answer.json())]
        return heads

    for heads in at_once(pair, send):
        # Each push is acknowledged at least up to its last entry (the other process may
        # have stored more meanwhile), never flagged.
        assert [flagged for _, flagged in heads] == [None] * 5
        numbers = [number for number, _ in heads]
        assert numbers == sorted(numbers) and numbers[-1] == 200
        assert all(number >= 40 * n for n, number in enumerate(numbers, start=1))
    engine = open_engine(shared_url)
    try:
        assert count(engine, "journal_entries", till) == 200
        assert count(engine, "journal_flags", till) == 0
    finally:
        engine.dispose()


def test_two_tills_paying_the_same_orders_through_two_processes_at_once_make_one_conflict(
        pair: list[ServerProcess], shared_url: str) -> None:
    with httpx.Client(base_url=pair[0].url, timeout=30) as client:
        seller, first, second = (enrol(client, shared_url) for _ in range(3))
        ids = [new_id() for _ in range(40)]
        sold = client.post("/v1/records", headers=seller.auth, json={"records": [
            seller.record("order.validated", id=order, total_cents=1400) for order in ids]})
        assert sold.status_code == 200, sold.text
    # Each till pays every order in full, one order a batch, both at the same moment.
    payments = {till.id: [till.record("payment.taken", order_id=order, amount_cents=1400)
                          for order in ids] for till in (first, second)}

    def pay(till: Till) -> Callable[[httpx.Client], list[str]]:
        def send(client: httpx.Client) -> list[str]:
            answers: list[str] = []
            for record in payments[till.id]:
                answer = client.post("/v1/records", json={"records": [record]},
                                     headers=till.auth)
                assert answer.status_code == 200, answer.text
                answers += [item.answer.value for item in parse_answers(answer.json())]
            return answers
        return send

    # The first till through the first process, the second through the other.
    senders = {pair[0].url: pay(first), pair[1].url: pay(second)}
    results = at_once(pair, lambda client: senders[str(client.base_url).rstrip("/")](client))
    assert results == [["stored"] * 40, ["stored"] * 40]
    engine = open_engine(shared_url)
    try:
        with engine.connect() as connection:
            paid = dict(connection.execute(select(orders.c.id, orders.c.paid_cents).where(
                orders.c.id.in_(ids))).all())
            found = dict(connection.execute(
                select(sync_conflicts.c.subject_id, func.count())
                .where(sync_conflicts.c.subject_id.in_(ids))
                .group_by(sync_conflicts.c.subject_id)).all())
        assert paid == dict.fromkeys(ids, 2800)
        assert found == dict.fromkeys(ids, 1)  # exactly one conflict per order
    finally:
        engine.dispose()
