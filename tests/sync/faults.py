"""A proxy on 127.0.0.1 that breaks the network on purpose, between a till and its server
(HTTP, request by request) or between a server and its database (raw TCP).

HTTP faults, each drawn per request with its own probability:
- `drop`: the request never reaches the server (the connection is closed at once);
- `lose_reply`: the server handles it and commits, and its reply is lost;
- `duplicate`: the server receives it twice, one after the other;
- `replay_later`: a copy is delivered again later, after requests that came after it
  (a reordered, late duplicate);
- `slow`: the reply is held back for up to `slow_s`.

`down()` refuses every new connection until `up()`: a server or database that is gone.
An HTTP proxy may forward to several servers (`also`), taking them in turn request by
request, as a load balancer would: copies and late copies then reach another server
than the first. The proxy keeps counts of what it did, and of the statuses the servers
answered, for the tests to print; `in_flight` says whether a request is with a server
(to kill it in the middle of a batch).
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field

READ_TIMEOUT_S = 30.0  # a peer that stops talking mid-message is given up on


@dataclass
class Faults:
    drop: float = 0.0
    lose_reply: float = 0.0
    duplicate: float = 0.0
    replay_later: float = 0.0
    slow: float = 0.0
    slow_s: float = 0.5


@dataclass
class _Late:
    request: bytes
    due_after: int  # delivered once this many more requests went through


@dataclass
class Proxy:
    """Listens on 127.0.0.1 (a free port) and forwards to `target`. `http=False` relays
    raw bytes both ways (a database connection), cut by `down()`."""

    target: tuple[str, int]
    faults: Faults = field(default_factory=Faults)
    http: bool = True
    seed: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    also: tuple[tuple[str, int], ...] = ()  # further servers, taken in turn (HTTP only)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._late: list[_Late] = []
        self._turn = 0
        self._with_server: Counter[tuple[tuple[str, int], bytes]] = Counter()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._refusing = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def down(self) -> None:
        """Refuse new connections and cut the open ones."""
        self._refusing.set()
        with self._lock:
            for connection in list(self._open):
                _close(connection)

    def up(self) -> None:
        self._refusing.clear()

    def close(self) -> None:
        self._stopping.set()
        self.down()
        self._thread.join(timeout=5)
        self._listener.close()

    def in_flight(self, target: tuple[str, int], request_line: bytes = b"") -> int:
        """How many requests starting with `request_line` (`b"POST /v1/records"`) are
        with `target` now: sent, their reply not read yet."""
        with self._lock:
            return sum(number for (where, line), number in self._with_server.items()
                       if where == target and line.startswith(request_line))

    def flush_late(self) -> None:
        """Deliver every held-back copy now (the end of a campaign)."""
        with self._lock:
            late, self._late = self._late, []
        for item in late:
            self._deliver(item.request, "replayed")

    # -- the proxy's threads ------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._refusing.is_set():
                self._count("refused")
                _close(client)
                continue
            client.settimeout(READ_TIMEOUT_S)
            self._track(client)
            handler = self._serve_http if self.http else self._relay
            threading.Thread(target=handler, args=(client,), daemon=True).start()

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.add(connection)

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)
        _close(connection)

    def _draw(self, chance: float) -> bool:
        with self._lock:
            return self._random.random() < chance

    def _count(self, what: str) -> None:
        # Counted under the lock: every connection has a thread of its own.
        with self._lock:
            self.counts[what] += 1

    def _next_target(self) -> tuple[str, int]:
        with self._lock:
            targets = (self.target, *self.also)
            self._turn += 1
            return targets[self._turn % len(targets)]

    def _serve_http(self, client: socket.socket) -> None:
        try:
            request = _read_request(client)
            if request is None:
                return
            self._count("requests")
            self._release_late()
            if self._draw(self.faults.drop):
                self._count("dropped")
                return
            if self._draw(self.faults.replay_later):
                with self._lock:
                    self._late.append(_Late(request, self._random.randint(1, 5)))
                self._count("held for later")
            reply = self._deliver(request, "forwarded")
            if reply is None:
                return
            if self._draw(self.faults.duplicate):
                self._deliver(request, "duplicated")
            if self._draw(self.faults.lose_reply):
                self._count("replies lost")
                return
            if self._draw(self.faults.slow):
                self._count("slowed")
                self._stopping.wait(self._random.uniform(0, self.faults.slow_s))
            client.sendall(reply)
        except OSError:
            self._count("client errors")
        finally:
            self._untrack(client)

    def _release_late(self) -> None:
        with self._lock:
            for item in self._late:
                item.due_after -= 1
            due = [item for item in self._late if item.due_after <= 0]
            self._late = [item for item in self._late if item.due_after > 0]
        for item in due:
            self._deliver(item.request, "replayed")

    def _deliver(self, request: bytes, what: str) -> bytes | None:
        """Send one request to the next server on a connection of its own; its whole
        reply (None when the server could not be reached or closed without a word)."""
        if self._refusing.is_set():
            self._count("refused")
            return None
        target = self._next_target()
        key = (target, request.split(b"\r\n", 1)[0])
        with self._lock:
            self._with_server[key] += 1
        try:
            with socket.create_connection(target, timeout=READ_TIMEOUT_S) as upstream:
                self._track(upstream)
                try:
                    upstream.sendall(request)
                    reply = _read_to_end(upstream)
                finally:
                    self._untrack(upstream)
        except OSError:
            self._count("server unreachable")
            return None
        finally:
            with self._lock:
                self._with_server[key] -= 1
        self._count(what)
        if not reply:
            self._count("no reply (server gone)")
            return None
        self._count(f"answered {_status(reply)}")
        if b'"retry_later"' in reply:
            self._count("answered retry_later")
        return reply

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=READ_TIMEOUT_S)
        except OSError:
            self._untrack(client)
            return
        self._track(upstream)
        self._count("connections")

        def pump(source: socket.socket, sink: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass  # the other side, or down(), closed it: the relay ends
            finally:
                self._untrack(source)
                self._untrack(sink)

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)


def _read_request(connection: socket.socket) -> bytes | None:
    """One HTTP/1.1 request (headers and a Content-Length body), rewritten to close the
    connection after its reply: each request goes on a connection of its own."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _separator, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name, _colon, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        if key != b"connection":
            kept.append(line)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        body += chunk
    kept.append(b"Connection: close")
    return b"\r\n".join(kept) + b"\r\n\r\n" + body[:length]


def _status(reply: bytes) -> str:
    """The status code of an HTTP reply (`HTTP/1.1 503 Service Unavailable`)."""
    parts = reply.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("ascii", "replace") if len(parts) > 1 else "?"


def _read_to_end(connection: socket.socket) -> bytes:
    parts = []
    while chunk := connection.recv(65536):
        parts.append(chunk)
    return b"".join(parts)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()
