"""Thousands of malformed requests (tests/server/fuzzing.py): every one answered 4xx with
a JSON reason, never 5xx, and nothing written for any of them; a well-formed entry under
a forged signature flags its chain and is not stored.

Fast by default (some 3,000 requests on the application in this process, a few hundred
on the real process); longer runs:

    CAISSE_SERVER_FUZZ_REQUESTS=50000 CAISSE_SERVER_FUZZ_SEED=7 \\
        python3 dev.py test tests/server/test_fuzz.py

The figures (requests by kind and status) are printed at the end of the run's summary,
with or without `-s`.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from pos_app.domain.journal import Chain
from sync.contract import HEADER_SERVER_TIME, parse_acks
from sync.server.app import create_app
from sync.server.database import open_engine, sqlite_url
from sync.server.migrate import upgrade
from sync.server.tills import make_enrol_code, revoke
from tests.server.fuzzing import FLAGGED, Fuzzer, Probe
from tests.server.inprocess import InProcess
from tests.server.support import ServerProcess, Till, fingerprint

REQUESTS = int(os.environ.get("CAISSE_SERVER_FUZZ_REQUESTS", "3000"))
NETWORK_REQUESTS = max(200, REQUESTS // 10)
SEED = int(os.environ.get("CAISSE_SERVER_FUZZ_SEED", "20261130"))

Send = Callable[[Probe], httpx.Response]


def enrolled(send: Callable[..., httpx.Response], engine: Engine, name: str) -> Till:
    till = Till(name)
    code = make_enrol_code(engine, name).code
    answer = send("POST", "/v1/enrol", json=till.enrol_request(code))
    assert answer.status_code == 200, answer.text
    till.token = answer.json()["token"]
    return till


def cast(send: Callable[..., httpx.Response], engine: Engine) -> tuple[Till, Till, Till]:
    """The fuzzer's tills: one with records and a journal held, another with records,
    and a revoked one. Every enrol code made is used, so no guessed code can match."""
    till, other, revoked = (enrolled(send, engine, name) for name in
                            (f"Fuzz {SEED}", f"Fuzz other {SEED}", f"Fuzz revoked {SEED}"))
    for owner in (till, other):
        sold = owner.record()
        batch = [sold, owner.record("payment.taken", order_id=sold["payload"]["id"])]
        assert send("POST", "/v1/records", json={"records": batch},
                    headers=owner.auth).status_code == 200
    entries = till.entries(5) + till.entries(2, Chain.EVENT)
    assert send("POST", "/v1/journal", json={"entries": entries},
                headers=till.auth).status_code == 200
    revoke(engine, revoked.name)
    return till, other, revoked


def campaign(send: Send, engine: Engine, fuzzer: Fuzzer, count: int) -> Counter[str]:
    """Send `count` probes, each checked at once; the figures by kind and status."""
    figures: Counter[str] = Counter()
    before = fingerprint(engine)
    for probe in fuzzer.probes(count):
        answer = send(probe)
        figures[f"{answer.status_code} {probe.label}"] += 1

        def context(probe: Probe = probe, answer: httpx.Response = answer) -> str:
            # Made only for a failure's message: a body may be megabytes long.
            return (f"{probe.label}: {probe.method} {probe.path} {probe.headers}"
                    f" {str(probe.content)[:300]} -> {answer.status_code}"
                    f" {answer.text[:300]}")

        assert HEADER_SERVER_TIME in answer.headers, context()
        if probe.expect == FLAGGED:
            assert answer.status_code == 200, context()
            acks = {ack.chain: ack for ack in parse_acks(answer.json())}
            assert acks["order"].flagged is not None, context()
            assert acks["order"].number == fuzzer.till.heads[Chain.ORDER].number, context()
            after = fingerprint(engine)
            assert after["journal_entries"] == before["journal_entries"], context()
            assert after["records"] == before["records"], context()
            before = after  # the flag is written: that is what the server must do
            continue
        assert 400 <= answer.status_code < 500, context()
        body = answer.json()
        assert isinstance(body.get("error"), str) and body["error"], context()
        assert body["server_time"] == answer.headers[HEADER_SERVER_TIME], context()
        assert fingerprint(engine) == before, context()
    return figures


def report(figures: Counter[str], where: str, seed: int,
           record_property: Callable[[str, object], None]) -> None:
    statuses = Counter(key.split(" ", 1)[0] for key in figures.elements())
    line = (f"fuzz ({where}, seed {seed}): {sum(figures.values())} requests; by status "
            + ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
            + "; by kind " + ", ".join(f"{key}: {n}" for key, n in sorted(figures.items())))
    record_property("fuzz", line)
    print(line)


@pytest.fixture
def in_process(tmp_path: Path) -> Iterator[tuple[InProcess, Engine]]:
    url = sqlite_url(tmp_path)
    engine = open_engine(url)
    upgrade(engine)
    client = InProcess(create_app(url))
    yield client, engine
    client.close()
    engine.dispose()


def test_malformed_requests_are_refused_with_a_reason_and_write_nothing(
        in_process: tuple[InProcess, Engine],
        record_property: Callable[[str, object], None]) -> None:
    client, engine = in_process
    till, other, revoked = cast(client.request, engine)
    fuzzer = Fuzzer(random.Random(SEED), till, other, revoked)

    def send(probe: Probe) -> httpx.Response:
        return client.request(probe.method, probe.path, headers=probe.headers,
                              content=probe.content)

    figures = campaign(send, engine, fuzzer, REQUESTS)
    report(figures, "in process", SEED, record_property)
    assert not any(key.startswith("5") for key in figures)


def test_malformed_requests_to_the_real_process_are_refused_too(
        server: ServerProcess, client: httpx.Client, database_url: str,
        record_property: Callable[[str, object], None]) -> None:
    engine = open_engine(database_url)
    try:
        def send_plain(method: str, path: str, **options: object) -> httpx.Response:
            return client.request(method, path, **options)  # type: ignore[arg-type]

        till, other, revoked = cast(send_plain, engine)
        fuzzer = Fuzzer(random.Random(SEED + 1), till, other, revoked, network=True)

        def send(probe: Probe) -> httpx.Response:
            return client.request(probe.method, probe.path, headers=probe.headers,
                                  content=probe.content)

        figures = campaign(send, engine, fuzzer, NETWORK_REQUESTS)
    finally:
        engine.dispose()
    kind = database_url.split(":", maxsplit=1)[0]
    report(figures, f"real process, {kind}", SEED + 1, record_property)
    assert "Traceback" not in server.logged()
