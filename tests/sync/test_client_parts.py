"""The HTTP client's pieces (envelopes, headers read) and the token store, alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from pos_app.adapters.token_store import TOKEN_FILE, KeyringTokenStore
from pos_app.domain.ids import new_id
from pos_app.domain.sync import JournalRef, QueuedRecord, RecordState
from pos_app.services.ports import ServerReplyUnreadable, TokenUnavailable
from pos_app.services.sync import InvalidServerUrl, server_url
from sync.client.http import _envelopes, _retry_after, _server_time
from sync.contract import MAX_BODY_BYTES, parse_push

TILL = new_id()
AT = datetime(2026, 11, 30, 14, 2, 11, 250_000, tzinfo=UTC)


def queued(seq: int, payload: str = '{"staff_id": "caissier"}',
           journal: JournalRef | None = None, kind: str = "staff.signed_in") -> QueuedRecord:
    return QueuedRecord(seq, new_id(), 1, kind, new_id(), journal, payload, AT,
                        RecordState.WAITING, 0, None)


def test_envelopes_are_what_the_protocol_reads() -> None:
    ref = JournalRef("order", 812, "ab" * 32)
    records = [queued(1, journal=ref), queued(2)]
    wire, refused = _envelopes(TILL, records)
    assert refused == []
    envelopes = parse_push({"records": [item for _id, item in wire]})
    assert [(e.record_id, e.till_id, e.till_seq) for e in envelopes] == [
        (r.record_id, TILL, r.seq) for r in records]
    assert envelopes[0].journal is not None
    assert (envelopes[0].journal.chain, envelopes[0].journal.number) == ("order", 812)
    assert envelopes[1].journal is None
    assert envelopes[0].created_at == "2026-11-30T14:02:11.250000Z"
    # The same text at every try: the server tells a record sent again by its content.
    assert _envelopes(TILL, records)[0] == wire


def test_a_payload_the_till_cannot_read_back_is_rejected_not_sent() -> None:
    broken, fine = queued(1, payload="{not json"), queued(2)
    wire, refused = _envelopes(TILL, [broken, fine])
    assert [record_id for record_id, _item in wire] == [fine.record_id]
    assert [(outcome.record_id, outcome.state) for outcome in refused] == [
        (broken.record_id, RecordState.REJECTED)]


def test_a_batch_stops_before_the_servers_body_limit() -> None:
    big = json.dumps({"staff_id": "caissier", "note": "x" * 300_000})
    records = [queued(seq, payload=big) for seq in range(1, 41)]
    wire, refused = _envelopes(TILL, records)
    assert refused == [] and 20 < len(wire) < 40  # the rest waits for the next batch
    body = json.dumps({"records": [item for _id, item in wire]}, separators=(",", ":"))
    assert len(body.encode()) <= MAX_BODY_BYTES
    huge = queued(41, payload=json.dumps({"staff_id": "x", "note": "y" * MAX_BODY_BYTES}))
    assert [outcome.record_id for outcome in _envelopes(TILL, [huge])[1]] == [huge.record_id]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert _retry_after("7") == 7.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= (_retry_after(later) or 0) <= 90


def test_the_servers_clock_is_read_from_its_header_or_body() -> None:
    assert _server_time("2026-11-30T14:02:11Z", None) == datetime(2026, 11, 30, 14, 2, 11,
                                                                  tzinfo=UTC)
    assert _server_time(None, {"server_time": "2026-11-30T15:02:11+01:00"}) == datetime(
        2026, 11, 30, 14, 2, 11, tzinfo=UTC)
    for header in (None, "yesterday", "2026-11-30T14:02:11"):
        with pytest.raises(ServerReplyUnreadable):
            _server_time(header, {})


@pytest.mark.parametrize("typed, kept", [
    ("https://caisse.example.org/", "https://caisse.example.org"),
    ("  http://127.0.0.1:8765 ", "http://127.0.0.1:8765"),
    ("HTTPS://Serveur.local:8443/base", "HTTPS://Serveur.local:8443/base"),
])
def test_server_addresses_as_typed(typed: str, kept: str) -> None:
    assert server_url(typed) == kept


@pytest.mark.parametrize("typed", ["", "caisse.example.org", "ftp://x", "https://",
                                   "https://a b", "https://x/?token=1"])
def test_what_is_not_a_server_address(typed: str) -> None:
    with pytest.raises(InvalidServerUrl):
        server_url(typed)


def test_the_token_is_kept_in_a_private_file_without_a_keyring(tmp_path: Path) -> None:
    tokens = KeyringTokenStore(tmp_path, use_keyring=False)
    assert tokens.load(TILL) is None
    assert tokens.location(TILL) == "nowhere: no token is kept"
    tokens.save(TILL, "first-token")
    path = tmp_path / TOKEN_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    tokens.save(TILL, "second-token")  # a new enrolment replaces it
    again = KeyringTokenStore(tmp_path, use_keyring=False)
    assert again.load(TILL) == "second-token"
    assert again.location(TILL) == f"file {path}, readable only by this user"
    path.chmod(0o644)  # someone widened it: narrowed at the next read
    assert KeyringTokenStore(tmp_path, use_keyring=False).load(TILL) == "second-token"
    assert path.stat().st_mode & 0o777 == 0o600
    for bad in ("", "two words", "x" * 301):
        with pytest.raises(TokenUnavailable):
            tokens.save(TILL, bad)
    assert again.load(TILL) == "second-token"
