"""Helpers for the server's tests: a real `caisse-server` process, PostgreSQL databases
made for a test session, and tills that sign their journal with a real Ed25519 key."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from pos_app.domain.ids import new_id
from pos_app.domain.journal import Chain, ChainHead, JournalEntry, next_entry
from sync.server.database import open_engine
from sync.server.tills import make_enrol_code

BIN = Path(sys.executable).parent
SERVER = str(BIN / "caisse-server")
# Set by `python3 dev.py test` in CI: PostgreSQL's tests then fail rather than skip.
REQUIRE_POSTGRESQL = "CAISSE_TEST_POSTGRESQL"
POSTGRESQL_URL = "CAISSE_TEST_POSTGRESQL_URL"  # another server than 127.0.0.1:5432
START_DEADLINE_S = 30.0


def postgresql_required() -> bool:
    return os.environ.get(REQUIRE_POSTGRESQL) == "required" or bool(os.environ.get("CI"))


def postgresql_admin_url() -> str | None:
    """A URL of the `test` database that answers, as root or postgres; None if none."""
    import psycopg

    candidates = [os.environ[POSTGRESQL_URL]] if os.environ.get(POSTGRESQL_URL) else [
        f"postgresql+psycopg://{user}@127.0.0.1:5432/test" for user in ("root", "postgres")]
    for url in candidates:
        try:
            psycopg.connect(_libpq(url), connect_timeout=3).close()
        except psycopg.Error:
            continue
        return url
    return None


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def postgresql_database(admin_url: str) -> Iterator[str]:
    """A new, empty database `caisse_test_<random>` on the server of `admin_url`, dropped
    afterwards (with the connections servers still hold to it)."""
    import psycopg

    name = f"caisse_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def cli(*arguments: str, check: bool = True, timeout: float = 60
        ) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([SERVER, *arguments], capture_output=True, text=True,
                            timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"caisse-server {' '.join(arguments)}: {result.returncode}\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


class ServerProcess:
    """`caisse-server run` on 127.0.0.1 and a free port, ready once it answers."""

    def __init__(self, database_url: str, log: Path, workers: int = 1,
                 wait: bool = True) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [SERVER, "--database-url", database_url, "run", "--port", str(self.port),
             "--workers", str(workers), "--log-level", "warning"],
            stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.log.read_text()}")
            try:
                answer = httpx.get(f"{self.url}/v1/ping", timeout=1)
            except httpx.TransportError:
                time.sleep(0.05)  # polled with a deadline: the port opens when it is ready
                continue
            if answer.status_code == 401:
                return
        self.stop()
        raise AssertionError(f"the server did not answer in {START_DEADLINE_S} s:"
                             f" {self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the workers too
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self._log_file.close()

    def logged(self) -> str:
        return self.log.read_text()


@dataclass
class Till:
    """A till as the server sees it: its id, its signing key, its token once enrolled."""

    name: str
    id: str = field(default_factory=new_id)
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    token: str = ""
    seq: int = 0
    heads: dict[str, ChainHead] = field(default_factory=dict)
    clock: datetime = field(default_factory=lambda: datetime(2026, 7, 11, 8, 0, tzinfo=UTC))

    @property
    def public_key(self) -> str:
        return self.key.public_key().public_bytes_raw().hex()

    @property
    def key_id(self) -> str:
        return hashlib.sha256(bytes.fromhex(self.public_key)).hexdigest()[:16]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def enrol_request(self, code: str) -> dict[str, Any]:
        return {"code": code, "till_id": self.id, "public_key": self.public_key,
                "key_id": self.key_id, "version": "0.1.0"}

    def record(self, kind: str = "order.validated", /, seq: int | None = None,
               **payload: Any) -> dict[str, Any]:
        """An envelope of `kind`, numbered after the last one unless `seq` is given; the
        payload holds what the kind requires, and `payload` (a closure's `kind` too)."""
        if seq is None:
            self.seq += 1
            seq = self.seq
        aggregate = payload.get("id") or payload.get("order_id") or new_id()
        return {"record_id": new_id(), "till_id": self.id, "till_seq": seq, "schema": 1,
                "kind": kind, "aggregate_id": aggregate,
                "created_at": "2026-07-11T08:00:00Z", "journal": None,
                "payload": {**default_payload(kind), **payload}}

    def entries(self, count: int, chain: Chain = Chain.ORDER) -> list[dict[str, Any]]:
        """The next `count` entries of `chain`, signed with the till's key."""
        made = []
        for _ in range(count):
            self.clock += timedelta(seconds=7)
            entry = next_entry(self.heads.get(chain), self.id, chain, self.clock, 1400,
                               {"kind": "sale", "n": self.seq}, self.key.sign, self.key_id)
            self.heads[chain] = ChainHead(entry.number, entry.hash)
            made.append(wire(entry))
        return made


def wire(entry: JournalEntry) -> dict[str, Any]:
    return {"chain": entry.chain.value, "number": entry.number, "at": entry.at,
            "amount_cents": entry.amount_cents, "body": entry.body,
            "previous_hash": entry.previous_hash, "hash": entry.hash,
            "signature": entry.signature, "key_id": entry.key_id}


def default_payload(kind: str) -> dict[str, Any]:
    """Payload fields each kind requires (sync.contract.PAYLOAD_FIELDS), filled in."""
    order = new_id()
    return {
        "order.validated": {"id": order, "number": "CD1-000001", "total_cents": 1400,
                            "lines": [], "vat": [], "created_at": "2026-07-11T08:00:00Z"},
        "payment.taken": {"id": new_id(), "order_id": order, "order_number": "CD1-000001",
                          "method": "ESP", "amount_cents": 1400},
        "order.cancelled": {"order_id": order, "order_number": "CD1-000001",
                            "cancelled_cents": 1400},
        "order.returned": {"id": new_id(), "number": "AV1-000001", "order_id": order,
                           "total_cents": 700},
        "refund.given": {"id": new_id(), "order_id": order, "method": "ESP",
                         "amount_cents": 700},
        "cash.moved": {"id": new_id(), "kind": "float", "amount_cents": 15000},
        "closure.made": {"id": new_id(), "kind": "z", "number": 1},
        "customer.saved": {"id": new_id(), "name": "Martin"},
        "staff.signed_in": {"staff_id": "caissier"},
        "staff.signed_out": {"staff_id": "caissier"},
        "session.opened": {"id": new_id(), "number": 1},
        "ticket.validated": {"id": new_id(), "reference": "K7QM4XH92T",
                             "at": "2026-07-11T08:00:00Z", "staff_id": "controle",
                             "token": ""},
        "ticket.refused": {"id": new_id(), "at": "2026-07-11T08:00:00Z", "reason": "forged"},
        "ticket.voided": {"id": new_id(), "reference": "K7QM4XH92T",
                          "at": "2026-07-11T08:00:00Z", "staff_id": "controle",
                          "reason": "déchiré"},
        "tickets.issued": {"order_id": order, "number": "CD1-000001", "tickets": []},
    }[kind]


def enrol(client: httpx.Client, database_url: str, name: str | None = None) -> Till:
    """A till enrolled on the server `client` speaks to, with a code made in its
    database as `caisse-server enrol-code` makes it."""
    till = Till(name or f"Caisse {uuid.uuid4().hex[:8]}")
    engine = open_engine(database_url)
    try:
        code = make_enrol_code(engine, till.name).code
    finally:
        engine.dispose()
    answer = client.post("/v1/enrol", json=till.enrol_request(code))
    assert answer.status_code == 200, answer.text
    till.token = answer.json()["token"]
    return till


def count(engine: Engine, table: str, till: Till | None = None) -> int:
    column = "id" if table == "tills" else "till_id"
    query = f"SELECT COUNT(*) FROM {table}" + ("" if till is None else f" WHERE {column} = :t")
    with engine.connect() as connection:
        return int(connection.execute(text(query), {"t": till.id if till else None}
                                      ).scalar_one())


DATA_TABLES = ("tills", "enrol_codes", "records", "orders", "closures", "journal_entries",
               "journal_heads", "journal_flags", "sync_conflicts", "admin_tokens",
               "admin_sessions")


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the server's tables, but the tills' last contact (a note every
    authenticated request may move): to show that a refused request wrote nothing."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in DATA_TABLES:
            found = connection.execute(text(f"SELECT * FROM {table}")).mappings().all()
            rows[table] = sorted(
                tuple(str(value) for key, value in row.items() if key != "last_contact_at")
                for row in found)
    return rows


# Tables no code path updates or deletes from: their count says whether one was written.
_APPEND_ONLY = ("records", "closures", "journal_entries", "journal_flags")


def fingerprint(engine: Engine) -> dict[str, object]:
    """A cheaper `snapshot` for many requests: the small tables whole, the counts of the
    tables that only ever grow."""
    rows: dict[str, object] = {}
    with engine.connect() as connection:
        for table in DATA_TABLES:
            if table in _APPEND_ONLY:
                rows[table] = connection.execute(text(f"SELECT COUNT(*) FROM {table}")
                                                 ).scalar_one()
                continue
            found = connection.execute(text(f"SELECT * FROM {table}")).mappings().all()
            rows[table] = sorted(
                tuple(str(value) for key, value in row.items() if key != "last_contact_at")
                for row in found)
    return rows
