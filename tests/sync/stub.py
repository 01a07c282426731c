"""A server on 127.0.0.1 that answers what a test scripts: replies the real server never
gives (cut off, not JSON, of the wrong shape, without its clock), statuses with a
Retry-After, a 422 naming one record."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict[str, Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    server_time: bool = True  # send X-Server-Time
    cut_after: int | None = None  # close the connection after this many bytes of body


Script = Callable[[str, str, Any], Reply]  # (method, path, request JSON) → reply


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = json.loads(raw) if raw else None
        self.server.seen.append((self.command, self.path, request,
                                 self.headers.get("Authorization")))
        reply = self.server.script(self.command, self.path, request)
        body = (reply.body if isinstance(reply.body, bytes)
                else json.dumps(reply.body).encode("utf-8"))
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if reply.server_time:
            self.send_header("X-Server-Time",
                             datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if reply.cut_after is None:
            self.wfile.write(body)
            return
        self.wfile.write(body[:reply.cut_after])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test says what matters."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.seen: list[tuple[str, str, Any, str | None]] = []


@dataclass
class StubServer:
    url: str
    server: _Server

    @property
    def seen(self) -> list[tuple[str, str, Any, str | None]]:
        """(method, path, request JSON, Authorization) of each request, in order."""
        return self.server.seen

    def script(self, script: Script) -> None:
        self.server.script = script


@contextmanager
def stub_server(script: Script) -> Iterator[StubServer]:
    server = _Server(script)
    thread = threading.Thread(target=server.serve_forever, name="stub-server", daemon=True)
    thread.start()
    try:
        yield StubServer(f"http://127.0.0.1:{server.server_address[1]}", server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def pong(method: str, path: str, request: Any) -> Reply:
    """The ping answered, and the pull of reference data (none); anything else scripted
    by the caller."""
    if path.startswith("/v1/changes"):
        since = int(path.partition("since=")[2].partition("&")[0] or 0)
        return Reply(body={"changes": [], "cursor": since, "more": False,
                           "server_time": datetime.now(UTC).isoformat()})
    return Reply(body={"till_id": "x", "name": "Stub",
                       "server_time": datetime.now(UTC).isoformat()})
