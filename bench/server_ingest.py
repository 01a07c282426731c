"""The server's ingest on PostgreSQL: records a second with one till pushing, and with
four tills pushing at once.

`caisse-server run --workers 2` (one process per core of the build machine) on a
PostgreSQL database made for the run on 127.0.0.1:5432 and dropped after it. The records
are a real till's (the sync push benchmark's till: sales and their payments, the
sign-in, the session), given to five enrolled tills under ids of their own, in batches
of 500 encoded before timing and posted with plain httpx, each till on a connection and
a thread of its own. One till posts all N records; four tills post N/4 each, started
together; each round's time runs from the first request to the last answer. The
server's records (and what they feed: the orders, and their documents in the changes
feed) are emptied between rounds, untimed. Without a
PostgreSQL on 127.0.0.1:5432 (user root or postgres, database `test`) the measure is
left out.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from bench import sync_push
from bench.server_process import Server
from bench.timing import Measure, Samples
from pos_app.domain.ids import new_id
from sync.contract import MAX_BATCH
from sync.server.database import open_engine
from sync.server.migrate import upgrade
from sync.server.tills import make_enrol_code

# Four tills at once take no longer than one for as many records, give or take the
# noise of a shared machine: on two cores, one till's pushes already keep the server's
# workers and PostgreSQL busy, so what four show is that they do not get in each
# other's way (every record stored at once, none answered retry_later).
TARGET_RATIO = 1.2
WORKERS = 2
_ID_FIELDS = ("id", "order_id")


def admin_url() -> str | None:
    """The `test` database on 127.0.0.1:5432, as root or postgres; None if none answers."""
    import psycopg

    for user in ("root", "postgres"):
        try:
            psycopg.connect(f"postgresql://{user}@127.0.0.1:5432/test", connect_timeout=3
                            ).close()
        except psycopg.Error:
            continue
        return f"postgresql+psycopg://{user}@127.0.0.1:5432/test"
    return None


@contextmanager
def _database(admin: str) -> Iterator[str]:
    import psycopg

    name = f"caisse_bench_{uuid.uuid4().hex[:12]}"
    libpq = admin.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _real_records(records: int) -> list[tuple[str, str, dict[str, Any], Any]]:
    """(kind, aggregate id, payload, journal reference) of a real till's outbox."""
    with sync_push._copy_of(sync_push.build(records) / "till") as store, \
            store.engine.begin() as db:
        rows = db.exec_driver_sql(
            "SELECT kind, aggregate_id, payload, journal_chain, journal_number, journal_hash"
            " FROM outbox ORDER BY seq").all()
    return [(kind, aggregate, json.loads(payload),
             None if chain is None else {"chain": chain, "number": number, "hash": digest})
            for kind, aggregate, payload, chain, number, digest in rows]


def _enrol(client: httpx.Client, engine: Engine, name: str) -> tuple[str, str]:
    """A till enrolled as a till enrols: its id and its token."""
    key = Ed25519PrivateKey.generate().public_key().public_bytes_raw().hex()
    till_id = str(uuid.uuid4())
    answer = client.post("/v1/enrol", json={
        "code": make_enrol_code(engine, name).code, "till_id": till_id, "public_key": key,
        "key_id": hashlib.sha256(bytes.fromhex(key)).hexdigest()[:16], "version": "bench"})
    answer.raise_for_status()
    return till_id, str(answer.json()["token"])


def _bodies(till_id: str, real: list[tuple[str, str, dict[str, Any], Any]]) -> list[bytes]:
    """The records as this till's, encoded in batches: new record ids, its sequence, and
    ids of its own for the orders and closures they name (the server keeps an order to
    the till that made it)."""
    renamed: dict[str, str] = {}

    def own(value: str) -> str:
        return renamed.setdefault(value, new_id())

    envelopes = []
    for seq, (kind, aggregate, payload, journal) in enumerate(real, start=1):
        moved = {key: own(value) if key in _ID_FIELDS and isinstance(value, str) else value
                 for key, value in payload.items()}
        envelopes.append({"record_id": new_id(), "till_id": till_id, "till_seq": seq,
                          "schema": 1, "kind": kind, "aggregate_id": own(aggregate),
                          "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                          "journal": journal, "payload": moved})
    return [json.dumps({"records": envelopes[start:start + MAX_BATCH]},
                       separators=(",", ":")).encode()
            for start in range(0, len(envelopes), MAX_BATCH)]


def _push_at_once(url: str, pushes: list[tuple[str, list[bytes]]]) -> float:
    """Each (token, bodies) posted on a thread and connection of its own, started
    together: seconds from the first request to the last answer."""
    ready = threading.Barrier(len(pushes) + 1)
    failures: list[str] = []

    def push(token: str, bodies: list[bytes]) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        with httpx.Client(base_url=url, timeout=120) as client:
            client.get("/v1/ping", headers=headers)  # connected before the start
            ready.wait()
            for body in bodies:
                answer = client.post("/v1/records", content=body, headers=headers)
                if answer.status_code != 200 or answer.content.count(b'"stored"') != body.count(
                        b'"record_id"'):
                    failures.append(answer.text[:300])  # refused, or told to come back

    threads = [threading.Thread(target=push, args=item) for item in pushes]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    assert not failures, failures[:3]
    return elapsed


def _forget(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE records, orders, closures, reference_items"))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE records, orders, closures, reference_items"))


def measure(records: int, rounds: int) -> Measure | None:
    admin = admin_url()
    if admin is None:
        print("server ingest: no PostgreSQL on 127.0.0.1:5432, left out")
        return None
    real = _real_records(records)
    quarter = len(real) // 4
    with _database(admin) as url, tempfile.TemporaryDirectory() as folder:
        engine = open_engine(url)
        upgrade(engine)
        server = Server(url, Path(folder) / "server.log", workers=WORKERS)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                tills = [_enrol(client, engine, f"Caisse bench {n}") for n in range(5)]
            alone = [(tills[0][1], _bodies(tills[0][0], real))]
            together = [(token, _bodies(till_id, real[n * quarter:(n + 1) * quarter]))
                        for n, (till_id, token) in enumerate(tills[1:])]
            one: list[float] = []
            four: list[float] = []
            for index in range(rounds):  # which goes first alternates
                order = [(alone, one), (together, four)]
                for pushes, sink in order if index % 2 == 0 else reversed(order):
                    sink.append(_push_at_once(server.url, pushes))
                    _forget(engine)
        finally:
            server.stop()
            engine.dispose()
    mine, baseline = Samples(four), Samples(one)
    alone_rate = len(real) / (baseline.median_ms / 1000)
    together_rate = 4 * quarter / (mine.median_ms / 1000)
    return Measure(
        f"server ingest on PostgreSQL, {WORKERS} workers: 4 tills pushing {4 * quarter:,}"
        f" records at once ({together_rate:,.0f} records/s, {together_rate / alone_rate:.2f}×"
        f" one till's)", mine, baseline,
        f"1 till pushing {len(real):,} records ({alone_rate:,.0f} records/s)",
        f"≤ {TARGET_RATIO}× (time for as many records)",
        mine.median_ms * len(real) <= TARGET_RATIO * baseline.median_ms * 4 * quarter)
