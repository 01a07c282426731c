"""A real `caisse-server` process for the sync benchmarks, on 127.0.0.1 and a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SERVER = str(Path(sys.executable).parent / "caisse-server")
START_DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """`caisse-server run` on `database_url`, ready once it answers; on every core the
    machine has (the benchmark process may have pinned itself to one)."""

    def __init__(self, database_url: str, log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log.open("a") as out:
            self.process = subprocess.Popen(
                [SERVER, "--database-url", database_url, "run", "--port", str(self.port),
                 "--workers", str(workers), "--log-level", "warning"],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        if hasattr(os, "sched_setaffinity"):  # before it starts its workers, who inherit it
            os.sched_setaffinity(self.process.pid, range(os.cpu_count() or 1))
        deadline = time.monotonic() + START_DEADLINE_S
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"caisse-server did not start: {log.read_text()}")
            time.sleep(0.05)  # polled until the deadline: the port opens when it is ready

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/v1/ping", timeout=1).status_code == 401
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
