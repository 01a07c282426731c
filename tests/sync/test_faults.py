"""The fault proxy does what the sync tests count on: each fault happens, and only it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from tests.sync.faults import Faults, Proxy
from tests.sync.support import wait_for


class Counting(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Counting.received.append(body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    Counting.received = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield ("127.0.0.1", httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


def post(proxy: Proxy, body: bytes) -> bytes | None:
    try:
        return httpx.post(proxy.url, content=body, timeout=5).content
    except httpx.TransportError:
        return None


def test_a_clean_proxy_forwards_each_request_once(server: tuple[str, int]) -> None:
    proxy = Proxy(server)
    try:
        assert [post(proxy, f"r{n}".encode()) for n in range(5)] == [
            f"r{n}".encode() for n in range(5)]
    finally:
        proxy.close()
    assert Counting.received == [f"r{n}".encode() for n in range(5)]


def test_lost_replies_reach_the_server_and_dropped_requests_do_not(
        server: tuple[str, int]) -> None:
    proxy = Proxy(server, Faults(lose_reply=1.0))
    assert post(proxy, b"kept") is None
    assert Counting.received == [b"kept"]
    proxy.faults = Faults(drop=1.0)
    assert post(proxy, b"dropped") is None
    assert Counting.received == [b"kept"]
    proxy.faults = Faults(duplicate=1.0)
    assert post(proxy, b"twice") == b"twice"
    assert Counting.received == [b"kept", b"twice", b"twice"]
    proxy.close()
    assert (proxy.counts["replies lost"], proxy.counts["dropped"],
            proxy.counts["duplicated"]) == (1, 1, 1)


def test_late_copies_arrive_after_later_requests(server: tuple[str, int]) -> None:
    proxy = Proxy(server, Faults(replay_later=1.0), seed=3)
    post(proxy, b"first")
    proxy.faults = Faults()
    for n in range(6):
        post(proxy, f"next{n}".encode())
    proxy.flush_late()
    proxy.close()
    assert Counting.received.count(b"first") == 2
    assert Counting.received.index(b"first", 1) > Counting.received.index(b"next0")


def test_a_server_that_is_down_refuses_until_it_is_up(server: tuple[str, int]) -> None:
    proxy = Proxy(server)
    proxy.down()
    assert post(proxy, b"lost") is None
    proxy.up()
    assert post(proxy, b"back") == b"back"
    proxy.close()
    assert Counting.received == [b"back"]


def test_a_database_connection_is_relayed_and_cut(server: tuple[str, int]) -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def echo() -> None:
        connection, _address = listener.accept()
        with connection:
            while data := connection.recv(1024):
                connection.sendall(data)

    threading.Thread(target=echo, daemon=True).start()
    proxy = Proxy(listener.getsockname(), http=False)
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as client:
        client.sendall(b"SELECT 1")
        assert client.recv(1024) == b"SELECT 1"
        proxy.down()
        assert client.recv(1024) == b""  # the database went away mid-connection
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", proxy.port),
                                                          timeout=5) as refused:
        refused.sendall(b"SELECT 1")
        if not refused.recv(1024):
            raise ConnectionResetError("closed at once")
    proxy.close()
    listener.close()


def test_several_servers_are_taken_in_turn_and_their_answers_counted() -> None:
    held = threading.Event()
    seen: dict[int, list[bytes]] = {0: [], 1: []}

    def handler(slot: int) -> type[BaseHTTPRequestHandler]:
        class Answering(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                seen[slot].append(body)
                if body == b"hold":
                    held.wait(5)
                self.send_response(200 if slot == 0 else 503)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                pass

        return Answering

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler(slot)) for slot in (0, 1)]
    for httpd in servers:
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
    first, second = (("127.0.0.1", httpd.server_address[1]) for httpd in servers)
    proxy = Proxy(first, also=(second,))
    try:
        for n in range(4):
            post(proxy, f"r{n}".encode())
        assert sorted(seen[0] + seen[1]) == [b"r0", b"r1", b"r2", b"r3"]
        assert len(seen[0]) == len(seen[1]) == 2
        assert (proxy.counts["answered 200"], proxy.counts["answered 503"]) == (2, 2)
        # A request the server holds is said to be with it, until it answers.
        waiting = threading.Thread(target=post, args=(proxy, b"hold"))
        waiting.start()
        wait_for(lambda: proxy.in_flight(first, b"POST /")
                 + proxy.in_flight(second, b"POST /") == 1, 5, "the request at a server")
        assert proxy.in_flight(first, b"GET /") + proxy.in_flight(second, b"GET /") == 0
        held.set()
        waiting.join(5)
        assert proxy.in_flight(first) + proxy.in_flight(second) == 0
    finally:
        held.set()
        proxy.close()
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()
