"""Helpers for the till's sync tests: a `caisse-server` process on 127.0.0.1 that can be
stopped and started again on the same port, a till clock that follows the real one, and
the `caisse` command."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from pos_app.domain.basket import Basket
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import RecordOutcome, RecordState
from pos_app.services import selling
from pos_app.services.context import Context
from pos_app.services.selling import PaymentRequest
from tests.server.support import SERVER, free_port

START_DEADLINE_S = 30.0


class ShiftedClock:
    """The real clock, moved by `offset`: the server answers with the real time, so a
    till's clock is compared with it (a frozen date would be months off)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


class LocalServer:
    """`caisse-server run` on 127.0.0.1, on a port it keeps across a stop and a start
    (the till's link names it), optionally under libfaketime (`faketime` as
    `+10m`)."""

    def __init__(self, database_url: str, log: Path, faketime: str | None = None) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.faketime = faketime
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def start(self, wait: bool = True) -> LocalServer:
        """Start the server; once it answers, unless `wait` is False (then `ready()`)."""
        command = [SERVER, "--database-url", self.database_url, "run", "--port",
                   str(self.port), "--log-level", "warning"]
        env = dict(os.environ)
        if self.faketime is not None:
            command = ["faketime", "-f", self.faketime, *command]
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            env=env, start_new_session=True)
        if wait:
            self.ready()
        return self

    def ready(self) -> None:
        wait_for(self._answers, START_DEADLINE_S, f"the server on {self.url} to answer")

    def kill(self) -> None:
        """SIGKILL, whatever it was doing: no answer finished, no connection closed."""
        process, self.process = self.process, None
        assert process is not None and process.poll() is None, "the server is not running"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)
        self._gone()

    def _gone(self) -> None:
        """Wait until nothing listens on the port any more: the process waited for may
        be `faketime`, whose child (the server) can outlive it by a moment."""
        def refused() -> bool:
            try:
                socket.create_connection(self.address, timeout=1).close()
            except OSError:
                return True
            return False

        wait_for(refused, START_DEADLINE_S, f"the server on {self.url} to be gone")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the server stopped: {self.log.read_text()}")
        try:
            return httpx.get(f"{self.url}/v1/ping", timeout=1).status_code == 401
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
        self._gone()

    def cli(self, *arguments: str) -> Any:
        """`caisse-server … --json ARGUMENTS` on this server's database: its JSON."""
        result = subprocess.run([SERVER, "--database-url", self.database_url, "--json",
                                 *arguments], capture_output=True, text=True, timeout=60,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout)

    def enrol_code(self, till_name: str) -> str:
        code: str = self.cli("enrol-code", "--till", till_name)["code"]
        return code

    def till(self, name: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [till for till in self.cli("tills")
                                       if till["name"] == name]
        assert len(found) == 1, found
        return found[0]


def wait_for(condition: Callable[[], bool], deadline_s: float, what: str,
             every_s: float = 0.02) -> None:
    """Poll `condition` every `every_s` until it holds; fail after `deadline_s` seconds."""
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {deadline_s} s for {what}")
        time.sleep(every_s)


def prelude_sent(ctx: Context) -> None:
    """Mark the records that are not sales' (the cashier's sign-in, the session the first
    sale opened) as sent already: tests of one sale's records count those alone."""
    with ctx.uow() as uow:
        uow.outbox.settle([RecordOutcome(record.record_id, RecordState.SENT)
                           for record in uow.outbox.waiting(1000)
                           if record.kind in ("staff.signed_in", "session.opened")],
                          datetime.now(UTC))
        uow.commit()


def sell_ride(ctx: Context, cashier: StaffMember, method: str = "ESP") -> None:
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    selling.sell(ctx, cashier, basket, [PaymentRequest(method, 1400)])


def caisse(data_dir: Path, *args: str, staff: tuple[str, str] | None = None,
           stdin: str = "", faketime: str | None = None,
           ) -> subprocess.CompletedProcess[str]:
    """The `caisse` command on `data_dir`, with --json, its clock moved by `faketime`."""
    env = {key: value for key, value in os.environ.items() if key != "CAISSE_SECRET"}
    command = [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir), "--json"]
    if staff is not None:
        command += ["--staff", staff[0]]
        env["CAISSE_SECRET"] = staff[1]
    if faketime is not None:
        command = ["faketime", "-f", faketime, *command]
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    return subprocess.run([*command, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def answer(result: subprocess.CompletedProcess[str], status: int = 0) -> Any:
    """The command's JSON, once its exit status is `status` (and no traceback)."""
    assert result.returncode == status, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)
