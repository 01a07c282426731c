"""The central server over HTTP(S) (docs/sync.md), with httpx: the services'
`SyncServer` port.

TLS certificates are verified by default, against the system's authorities or the
venue's own (`ca_file`). Plain `http://` is accepted for a server on 127.0.0.1 or on the
venue's own network, where the venue chooses it: the token then travels in clear on
that network. Every request has a connect and a read timeout, so a server that stops
answering is an error after seconds, never a thread stuck for good.

Nothing the server sends is trusted before `sync.contract` read it: a reply cut off,
not JSON, or not of the protocol's shape is `ServerReplyUnreadable`, and the caller
marks nothing sent.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import httpx

from pos_app import __version__
from pos_app.domain.sync import (
    ChainAck,
    PulledChange,
    PulledPage,
    QueuedRecord,
    RecordOutcome,
    RecordState,
    SyncCounts,
)
from pos_app.services.ports import (
    Enrolment,
    ServerAccess,
    ServerRefused,
    ServerReply,
    ServerReplyUnreadable,
    ServerUnreachable,
    TokenRefused,
)
from sync.contract import (
    HEADER_SERVER_TIME,
    MAX_BODY_BYTES,
    MAX_TEXT,
    PROTOCOL_VERSION,
    Answer,
    ContractError,
    EnrolRequest,
    Envelope,
    JournalRef,
    OutboxReport,
    WireEntry,
    parse_acks,
    parse_answers,
    parse_changes,
    parse_enrolment,
)

if TYPE_CHECKING:
    from pos_app.domain.journal import JournalEntry

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0  # a batch of 500 records is written in one transaction
MAX_REPLY_BYTES = 16 * 1024 * 1024  # more than any answer of the protocol
_PREFIX = f"/v{PROTOCOL_VERSION}"
_BATCH_BODY = re.compile(r"^records\[(\d+)\]")  # a 422's reason naming one record
_ENVELOPE = len(b'{"records":[]}')


class _Answer:
    """A response read whole (or refused as unreadable), before its status is judged."""

    def __init__(self, status: int, body: Any, server_time: datetime, retry_after: float | None
                 ) -> None:
        self.status, self.body, self.server_time = status, body, server_time
        self.retry_after = retry_after

    @property
    def reason(self) -> str:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), str):
            return str(self.body["error"])[:MAX_TEXT]
        return httpx.codes.get_reason_phrase(self.status) or f"status {self.status}"


class HttpSyncServer:
    """One connection pool per server address (and certificate authority), kept between
    rounds. Thread-safe: the sync thread and a command may share it."""

    def __init__(self, connect_timeout_s: float = CONNECT_TIMEOUT_S,
                 read_timeout_s: float = READ_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self._transport = transport
        self._clients: dict[tuple[str, str | None], httpx.Client] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # -- the protocol's requests ---------------------------------------------------------------

    def enrol(self, access: ServerAccess, code: str, public_key: str, key_id: str,
              version: str) -> ServerReply[Enrolment]:
        request = EnrolRequest(code, access.till_id, public_key, key_id, version)
        answer = self._send(access, "POST", "/enrol", request.to_wire(), authorised=False)
        # Here a 401 is the code's refusal (unknown, used, expired), not a token's.
        body = _accepted(answer, token_refusal=False)
        try:
            enrolment = parse_enrolment(body)
        except ContractError as error:
            raise ServerReplyUnreadable(str(error)) from error
        if enrolment.till_id != access.till_id:
            raise ServerReplyUnreadable(f"answer.till_id: {enrolment.till_id!r} is not this"
                                        " till")
        return ServerReply(Enrolment(enrolment.name, enrolment.token), answer.server_time)

    def ping(self, access: ServerAccess, outbox: SyncCounts | None = None
             ) -> ServerReply[str]:
        if outbox is None:
            answer = self._send(access, "GET", "/ping")
        else:
            oldest = outbox.oldest_waiting
            report = OutboxReport(outbox.waiting, outbox.rejected, None if oldest is None
                                  else oldest.astimezone(UTC).isoformat(timespec="seconds"))
            answer = self._send(access, "POST", "/ping", report.to_wire())
        body = _accepted(answer)
        try:
            name = _text(body, "name", MAX_TEXT)
        except ContractError as error:
            raise ServerReplyUnreadable(str(error)) from error
        return ServerReply(name, answer.server_time)

    def push_records(self, access: ServerAccess, records: Sequence[QueuedRecord]
                     ) -> ServerReply[list[RecordOutcome]]:
        envelopes, refused = _envelopes(access.till_id, records)
        if not envelopes:
            return ServerReply(refused, datetime.now(UTC))
        answer = self._send(access, "POST", "/records",
                            {"records": [wire for _id, wire in envelopes]})
        if answer.status == httpx.codes.UNPROCESSABLE_ENTITY:
            # The server refused the whole batch for one record's shape and names it: that
            # record is rejected with the server's reason, the others go again.
            named = _BATCH_BODY.match(answer.reason)
            if named is not None and int(named.group(1)) < len(envelopes):
                record_id = envelopes[int(named.group(1))][0]
                return ServerReply([*refused, RecordOutcome(
                    record_id, RecordState.REJECTED, answer.reason)], answer.server_time)
        body = _accepted(answer)
        try:
            answers = parse_answers(body)
        except ContractError as error:
            raise ServerReplyUnreadable(str(error)) from error
        return ServerReply([*refused, *(_outcome(item.record_id, item.answer, item.reason)
                                        for item in answers)], answer.server_time)

    def push_journal(self, access: ServerAccess, entries: Sequence[JournalEntry]
                     ) -> ServerReply[list[ChainAck]]:
        wire: list[dict[str, Any]] = []
        size = len(b'{"entries":[]}')
        for entry in entries:
            item = WireEntry(entry.chain.value, entry.number, entry.at, entry.amount_cents,
                             entry.body, entry.previous_hash, entry.hash, entry.signature,
                             entry.key_id).to_wire()
            size += len(_encode(item)) + 1
            if wire and size > MAX_BODY_BYTES:
                break  # the rest is not covered by the answer: it goes in the next batch
            wire.append(item)
        answer = self._send(access, "POST", "/journal", {"entries": wire})
        body = _accepted(answer)
        try:
            acks = parse_acks(body)
        except ContractError as error:
            raise ServerReplyUnreadable(str(error)) from error
        return ServerReply([ChainAck(ack.chain, ack.number, ack.hash, flagged=ack.flagged)
                            for ack in acks], answer.server_time)

    def changes(self, access: ServerAccess, since: int, limit: int
                ) -> ServerReply[PulledPage]:
        answer = self._send(access, "GET", f"/changes?since={int(since)}&limit={int(limit)}")
        body = _accepted(answer)
        try:
            page = parse_changes(body)
        except ContractError as error:
            raise ServerReplyUnreadable(str(error)) from error
        if page.cursor < since or any(change.cursor <= since for change in page.changes):
            raise ServerReplyUnreadable(f"the page goes back before cursor {since}")
        return ServerReply(PulledPage([PulledChange(change.cursor, change.kind, change.id,
                                                    change.data)
                                       for change in page.changes], page.cursor, page.more),
                           answer.server_time)

    # -- one request ---------------------------------------------------------------------------

    def _client(self, access: ServerAccess) -> httpx.Client:
        key = (access.url, access.ca_file)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = httpx.Client(
                    base_url=access.url, verify=_verification(access.ca_file),
                    timeout=self._timeout, transport=self._transport,
                    follow_redirects=False,  # a token is never carried elsewhere
                    headers={"User-Agent": f"caisse/{__version__}",
                             "Accept": "application/json"})
                self._clients[key] = client
            return client

    def _send(self, access: ServerAccess, method: str, path: str,
              body: dict[str, Any] | None = None, authorised: bool = True) -> _Answer:
        headers = {}
        if authorised:
            headers["Authorization"] = f"Bearer {access.token or ''}"
        content = None
        if body is not None:
            content = _encode(body)
            headers["Content-Type"] = "application/json"
        try:
            with self._client(access).stream(method, _PREFIX + path, content=content,
                                             headers=headers) as response:
                raw = _read(response)
                status, reply_headers = response.status_code, response.headers
        except httpx.TimeoutException as error:
            raise ServerUnreachable(f"no answer from {access.url} in time"
                                    f" ({type(error).__name__})") from error
        except httpx.RemoteProtocolError as error:
            raise ServerReplyUnreadable(f"the reply was cut off or malformed ({error})"
                                        ) from error
        except httpx.ConnectError as error:
            raise ServerUnreachable(_connect_problem(access, error)) from error
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
            raise ServerUnreachable(f"{access.url}: {error}") from error
        return _answer(status, reply_headers, raw)


def _read(response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise ServerReplyUnreadable(f"the reply is larger than"
                                        f" {MAX_REPLY_BYTES // (1024 * 1024)} MiB")
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(status: int, headers: httpx.Headers, raw: bytes) -> _Answer:
    body: Any = None
    if raw:
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            if status == httpx.codes.OK:
                raise ServerReplyUnreadable(f"not JSON ({error})") from error
    server_time = _server_time(headers.get(HEADER_SERVER_TIME), body)
    return _Answer(status, body, server_time, _retry_after(headers.get("Retry-After")))


def _accepted(answer: _Answer, token_refusal: bool = True) -> Any:
    """The body of a 200 answer; the error the status means otherwise."""
    status, reason = answer.status, answer.reason
    if status == httpx.codes.OK:
        if not isinstance(answer.body, dict):
            raise ServerReplyUnreadable("the reply is not a JSON object")
        return answer.body
    if status == httpx.codes.UNAUTHORIZED and token_refusal:
        raise TokenRefused(reason)
    if status in (httpx.codes.TOO_MANY_REQUESTS, httpx.codes.SERVICE_UNAVAILABLE):
        raise ServerUnreachable(f"the server is busy ({status}): {reason}", answer.retry_after)
    if status >= httpx.codes.INTERNAL_SERVER_ERROR:
        raise ServerUnreachable(f"the server failed ({status}): {reason}", answer.retry_after)
    if 300 <= status < 400:
        raise ServerRefused(status, "the server sends the till elsewhere: give its address as"
                            " it now is (https?)")
    if 400 <= status < 500:
        raise ServerRefused(status, reason)
    raise ServerReplyUnreadable(f"unexpected status {status}")


def _server_time(header: str | None, body: Any) -> datetime:
    """Every answer carries the server's clock; one without it is not of the protocol."""
    text = header
    if text is None and isinstance(body, dict):
        text = body.get("server_time")
    if not isinstance(text, str):
        raise ServerReplyUnreadable(f"no {HEADER_SERVER_TIME}")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ServerReplyUnreadable(f"{HEADER_SERVER_TIME}: {text[:40]!r} is not a time"
                                    ) from error
    if moment.tzinfo is None:
        raise ServerReplyUnreadable(f"{HEADER_SERVER_TIME}: {text[:40]!r} has no offset")
    return moment.astimezone(UTC)


def _retry_after(header: str | None) -> float | None:
    """Seconds, or an HTTP date (RFC 9110); None when absent or unreadable."""
    if header is None:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _verification(ca_file: str | None) -> ssl.SSLContext | bool:
    if ca_file is None:
        return True
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as error:
        raise ServerUnreachable(f"the certificate authority file {ca_file} cannot be used:"
                                f" {error}") from error


def _connect_problem(access: ServerAccess, error: httpx.ConnectError) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (f"{access.url}: its certificate is not trusted ({cause.verify_message});"
                    " give the venue's certificate authority with --ca-file")
        cause = cause.__cause__ or cause.__context__
    return f"{access.url}: {error or 'connection failed'}"


def _encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _envelopes(till_id: str, records: Sequence[QueuedRecord]
               ) -> tuple[list[tuple[str, dict[str, Any]]], list[RecordOutcome]]:
    """The records as the server reads them, as many as one request may carry (the
    rest wait for the next batch), and those the till itself cannot send: a payload it
    cannot read back, or one no request could carry (rejected, kept and shown)."""
    wire: list[tuple[str, dict[str, Any]]] = []
    refused: list[RecordOutcome] = []
    size = _ENVELOPE
    for record in records:
        try:
            payload = json.loads(record.payload)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            refused.append(RecordOutcome(record.record_id, RecordState.REJECTED,
                                         "payload: not a JSON object on the till"))
            continue
        journal = (None if record.journal is None else
                   JournalRef(record.journal.chain, record.journal.number, record.journal.hash))
        item = Envelope(record.record_id, till_id, record.seq, record.schema, record.kind,
                        record.aggregate_id, _wire_time(record.created_at), journal,
                        payload).to_wire()
        length = len(_encode(item)) + 1
        if _ENVELOPE + length > MAX_BODY_BYTES:
            refused.append(RecordOutcome(record.record_id, RecordState.REJECTED,
                                         "larger than a request to the server may be"))
            continue
        if size + length > MAX_BODY_BYTES:
            break
        size += length
        wire.append((record.record_id, item))
    return wire, refused


def _wire_time(moment: datetime) -> str:
    """UTC with `Z`, as the protocol writes times (the same text at every try: the server
    tells a record sent again by its content)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _outcome(record_id: str, answer: Answer, reason: str | None) -> RecordOutcome:
    if answer in (Answer.STORED, Answer.ALREADY_HAD):
        return RecordOutcome(record_id, RecordState.SENT)
    if answer is Answer.REJECTED:
        return RecordOutcome(record_id, RecordState.REJECTED,
                             reason or "rejected by the server (no reason given)")
    return RecordOutcome(record_id, RecordState.WAITING, reason)


def _text(body: Any, name: str, limit: int) -> str:
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ContractError(f"answer.{name}: missing or not a valid value")
    return value
