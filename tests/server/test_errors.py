"""How the server refuses: every refusal a 4xx with a JSON reason, a database that cannot
be used a 503 with Retry-After, never a 500. Mostly on the application in this process
(which raises here anything the application lets escape), and the body limit on the real
process too."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from sync.contract import HEADER_SERVER_TIME, MAX_BODY_BYTES, parse_answers
from sync.server import records
from sync.server.app import create_app
from sync.server.database import DatabaseUnavailable, open_engine, sqlite_url
from sync.server.migrate import upgrade
from sync.server.tills import make_enrol_code
from tests.server.inprocess import InProcess
from tests.server.support import ServerProcess, Till, free_port, snapshot


@pytest.fixture
def app_url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    engine = open_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def app(app_url: str) -> FastAPI:
    # A short busy timeout: a locked database is answered within the test's patience.
    return create_app(app_url, busy_timeout_ms=200)


@pytest.fixture
def http(app: FastAPI) -> Iterator[InProcess]:
    client = InProcess(app)
    yield client
    client.close()


@pytest.fixture
def till(http: InProcess, app_url: str) -> Till:
    till = Till("Caisse bar")
    engine = open_engine(app_url)
    code = make_enrol_code(engine, till.name).code
    engine.dispose()
    till.token = http.post("/v1/enrol", json=till.enrol_request(code)).json()["token"]
    return till


def refused(answer: httpx.Response, status: int) -> str:
    """The reason of a refusal, after checking its shape."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body["error"], str) and body["error"]
    assert body["server_time"] == answer.headers[HEADER_SERVER_TIME]
    reason: str = body["error"]
    return reason


def post(http: InProcess, till: Till, path: str, content: Any,
         media: str = "application/json") -> httpx.Response:
    return http.post(path, content=content,
                     headers={**till.auth, "Content-Type": media})


@pytest.mark.parametrize(("body", "reason"), [
    (b'{"records": [', "not JSON"),
    (b'{"records": []}\xff', "not UTF-8"),
    (b'{"records": [NaN]}', "not JSON"),
    (b'{"records": [1e999]}', "number too large"),
    (b'{"records": ' + b"[" * 100 + b"]" * 100 + b"}", "nested deeper than 64"),
    (b'{"records": [' + b"1" * 5000 + b"]}", "not JSON"),
    (b'{"records": ["a\\u0000b"]}', "NUL character"),
    (b'{"records": ["\\ud800"]}', "surrogate"),
])
def test_a_body_that_is_not_json_the_server_keeps_is_400(
        http: InProcess, till: Till, app_url: str, body: bytes, reason: str) -> None:
    engine = open_engine(app_url)
    before = snapshot(engine)
    assert reason in refused(post(http, till, "/v1/records", body), 400)
    assert snapshot(engine) == before
    engine.dispose()


def test_a_body_not_declared_json_is_415(http: InProcess, till: Till) -> None:
    assert "JSON" in refused(post(http, till, "/v1/records", b"{}", "text/plain"), 415)
    assert refused(http.post("/v1/enrol", content=b"{}"), 415)


@pytest.mark.parametrize(("change", "reason"), [
    ({"till_seq": "7"}, "records[0].till_seq: wrong type"),
    ({"kind": "order.teleported"}, "records[0].kind: 'order.teleported' is not a known kind"),
    ({"schema": 2}, "records[0].schema: version 2 is not known"),
    ({"payload": {"id": "x", "number": "1", "total_cents": "14", "lines": [], "vat": [],
                  "created_at": "x"}}, "records[0].payload.total_cents: wrong type"),
])
def test_a_shape_the_protocol_does_not_allow_is_422_naming_the_field(
        http: InProcess, till: Till, change: dict[str, Any], reason: str) -> None:
    record = {**till.record(), **change}
    answer = http.post("/v1/records", json={"records": [record]}, headers=till.auth)
    assert refused(answer, 422).startswith(reason)


def test_more_than_500_records_at_once_are_422(http: InProcess, till: Till) -> None:
    batch = [till.record("customer.saved") for _ in range(501)]
    answer = http.post("/v1/records", json={"records": batch}, headers=till.auth)
    assert refused(answer, 422) == "request.records: more than 500 items"


def test_a_body_streamed_past_8_mib_is_413_without_a_declared_length(
        http: InProcess, till: Till) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"records": ["'
        for _ in range(9):
            yield b"x" * (1024 * 1024)
        yield b'"]}'

    answer = post(http, till, "/v1/records", chunks())
    assert "larger than" in refused(answer, 413)


def test_a_body_declared_larger_than_8_mib_is_413_before_it_is_sent(
        server: ServerProcess) -> None:
    """On the real process: the answer comes without the body, read from the socket."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            b"POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(MAX_BODY_BYTES + 1).encode() + b"\r\n\r\n")
        answer = b""
        while b"}" not in answer:  # the JSON reason ends the answer
            chunk = connection.recv(65536)
            assert chunk, answer
            answer += chunk
    text = answer.decode("latin-1")
    assert text.startswith("HTTP/1.1 413 ")
    assert '"error":"the body is larger than' in text


def test_unknown_paths_and_methods_are_json_4xx(http: InProcess) -> None:
    assert refused(http.get("/v1/nowhere"), 404) == "no such endpoint: GET /v1/nowhere"
    assert refused(http.get("/v1/changes"), 401)  # served, to tills only
    assert refused(http.put("/v1/records"), 405) == "PUT is not allowed on /v1/records"


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic dXNlcjpwYXNz",
                                    "Bearer not-a-token", "Bearer " + "x" * 400])
def test_no_or_a_garbled_token_is_401(http: InProcess, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    assert refused(http.get("/v1/ping", headers=headers), 401)
    assert refused(http.post("/v1/records", json={"records": []}, headers=headers), 401)


def test_fastapi_validation_errors_are_422_json(app: FastAPI, http: InProcess) -> None:
    # The routes to come (GET /v1/changes?since=N) take typed parameters.
    @app.get("/v1/probe")
    def probe(since: int) -> dict[str, int]:
        return {"since": since}

    assert refused(http.get("/v1/probe?since=soon"), 422).startswith("query.since:")


def test_an_unexpected_error_is_logged_and_answered_503_never_500(
        http: InProcess, till: Till, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(records, "store_batch", broken)
    answer = http.post("/v1/records", json={"records": [till.record()]}, headers=till.auth)
    assert refused(answer, 503) == "the server could not answer: try again later"
    assert answer.headers["Retry-After"] == "10"
    assert "a bug" in caplog.text


def test_a_database_that_does_not_answer_is_503_with_retry_after() -> None:
    nowhere = f"postgresql+psycopg://root@127.0.0.1:{free_port()}/none"
    client = InProcess(create_app(nowhere))
    for answer in (client.get("/v1/ping", headers={"Authorization": "Bearer x"}),
                   client.post("/v1/enrol", json=Till("x").enrol_request("CODE"))):
        assert "unavailable" in refused(answer, 503)
        assert answer.headers["Retry-After"] == "10"
    client.close()


def test_a_busy_database_answers_records_retry_later_and_the_journal_503(
        http: InProcess, till: Till, app_url: str) -> None:
    holder = sqlite3.connect(app_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        batch = [till.record("customer.saved"), till.record("customer.saved")]
        answer = http.post("/v1/records", json={"records": batch}, headers=till.auth)
        assert [a.answer.value for a in parse_answers(answer.json())] == ["retry_later"] * 2
        journal = http.post("/v1/journal", json={"entries": till.entries(1)},
                            headers=till.auth)
        assert "unavailable" in refused(journal, 503)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    answer = http.post("/v1/records", json={"records": batch}, headers=till.auth)
    assert [a.answer.value for a in parse_answers(answer.json())] == ["stored"] * 2


def test_a_database_lost_in_the_middle_of_a_batch_answers_every_record_retry_later(
        http: InProcess, till: Till, app_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(*_args: object) -> None:
        raise DatabaseUnavailable("server closed the connection unexpectedly")

    engine = open_engine(app_url)
    before = snapshot(engine)
    monkeypatch.setattr(records, "_store", lost)
    batch = [till.record("customer.saved"), till.record("customer.saved")]
    answer = http.post("/v1/records", json={"records": batch}, headers=till.auth)
    assert [(a.answer.value, a.reason) for a in parse_answers(answer.json())] == [
        ("retry_later", "the database is unavailable")] * 2
    assert snapshot(engine) == before
    engine.dispose()
