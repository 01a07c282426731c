"""Malformed requests, made at random from a seed: what a broken, outdated or hostile
client could send. Each `Probe` says what the server must do with it: refuse it with a
4xx and a JSON reason, writing nothing, or (a well-formed entry under a forged
signature) answer it with the chain flagged and the entry not stored."""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.domain.ids import new_id
from pos_app.domain.journal import Chain, ChainHead, next_entry
from sync.contract import MAX_BATCH, MAX_BODY_BYTES, PAYLOAD_FIELDS, Kind
from tests.server.support import Till, wire

REFUSED = "refused"
FLAGGED = "flagged"

# A value of every JSON type; a field is given one of those its type does not allow.
_SAMPLES: list[Any] = [None, True, False, 0, -1, 7, 1.5, "", "x", "12", [], [1], {}, {"a": 1}]
_ENVELOPE_TYPES: dict[str, type] = {"record_id": str, "till_id": str, "till_seq": int,
                                    "schema": int, "kind": str, "aggregate_id": str,
                                    "created_at": str, "payload": dict}
# Values of the right type that the protocol still refuses.
_BAD_VALUES: dict[str, list[Any]] = {
    "record_id": ["", "not-a-uuid", new_id().upper(), "01a22cf9-502d-43a3-83cd-5cfb45f724fb"],
    "till_id": ["", "till", "01A22CF9-502D-73A3-83CD-5CFB45F724FB"],
    "till_seq": [0, -3, 2**62, 2**80],
    "aggregate_id": ["x" * 65],
    "created_at": ["", "yesterday", "2026-11-30 14:02:11", "2026-11-30T14:02:11"],
}


# Entry fields of the right name and a value the protocol refuses.
_BROKEN_ENTRY: dict[str, list[Any]] = {
    "number": [0, -1, "1", None, 1.5, True, 2**62],
    "at": ["", "2026-11-30", "now", None, 5],
    "amount_cents": ["-1", None, 1.5, 2**62, -(2**62), True],
    "body": [None, 3, [], {}, "x" * (256 * 1024 + 1)],
    "previous_hash": ["", "AB" * 32, "ab" * 31, None],
    "hash": ["", "AB" * 32, "zz" * 32, None],
    "key_id": [None, "k" * 65, 7],
}
_PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " "


@dataclass
class Probe:
    label: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | list[bytes] | None = None  # a list: streamed in chunks, no length
    expect: str = REFUSED


class Fuzzer:
    """Probes for `till` (enrolled, its journal held up to `till.heads`), with `other`
    another enrolled till and `revoked` a till whose token was revoked."""

    def __init__(self, rng: random.Random, till: Till, other: Till, revoked: Till,
                 network: bool = False) -> None:
        self.rng = rng
        self.till, self.other, self.revoked = till, other, revoked
        # Over a real socket, a client cannot declare one length and send another.
        self.network = network
        self.makers: list[tuple[int, Callable[[], Probe]]] = [
            (12, self.garbled_auth), (6, self.not_json_media), (14, self.bad_json),
            (22, self.wrong_type), (8, self.unknown_kind_or_schema), (8, self.replay),
            (10, self.forged_entry), (6, self.wrong_endpoint), (8, self.bad_enrolment),
            (4, self.bad_request_shape), (2, self.too_many), (1, self.oversized),
            (6, self.bad_ping),
        ]

    def probes(self, count: int) -> Iterator[Probe]:
        weights = [weight for weight, _ in self.makers]
        for _ in range(count):
            yield self.rng.choices(self.makers, weights)[0][1]()

    # -- helpers -----------------------------------------------------------------------

    def _json(self, value: Any) -> bytes:
        return json.dumps(value).encode("utf-8")

    def _post(self, label: str, path: str, body: bytes | list[bytes], till: Till | None = None,
              media: str = "application/json", expect: str = REFUSED, **extra: str) -> Probe:
        headers = {"Content-Type": media, **extra}
        if till is not None:
            headers.update(till.auth)
        return Probe(label, "POST", path, headers, body, expect)

    def _records(self, till: Till, count: int | None = None) -> list[dict[str, Any]]:
        kinds = [kind.value for kind in Kind]
        made = [till.record(self.rng.choice(kinds))
                for _ in range(count or self.rng.randint(1, 4))]
        return made

    def _text(self, length: int) -> str:
        return "".join(self.rng.choices(_PRINTABLE, k=length))

    # -- the probes ----------------------------------------------------------------------

    def garbled_auth(self) -> Probe:
        token = self.till.token
        header = self.rng.choice([
            None, "", "Bearer", "Bearer ", f"Basic {token}", f"bearer{token}",
            f"Bearer {token[:-1]}", f"Bearer {token}x", f"Bearer {token} {token}",
            f"Token {token}", f"Bearer {self._text(40)}",
            f"Bearer {self.revoked.token}", "Bearer " + "A" * 1000])
        auth = {} if header is None else {"Authorization": header.strip()}
        route = self.rng.randrange(4)
        if route == 0:
            return Probe("auth", "GET", "/v1/ping", auth)
        if route == 1:
            return Probe("auth", "GET", "/v1/journal", auth)
        if route == 2:
            body = self._json({"records": self._records(self.till)})
            return self._post("auth", "/v1/records", body, **auth)
        body = self._json({"entries": self._next_entries(self.till.key, 1)})
        return self._post("auth", "/v1/journal", body, **auth)

    def not_json_media(self) -> Probe:
        media = self.rng.choice(["text/plain", "", "application/xml", "application/jsonx",
                                 "multipart/form-data", "application/x-www-form-urlencoded"])
        body = self._json({"records": self._records(self.till)})
        return self._post("media", self.rng.choice(["/v1/records", "/v1/journal"]), body,
                          self.till, media)

    def bad_json(self) -> Probe:
        valid = self._json({"records": self._records(self.till)})
        body = self.rng.choice([
            lambda: valid[:self.rng.randrange(1, len(valid))],  # cut short
            lambda: bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 64))),
            lambda: valid[:10] + b"\xff\xfe" + valid[10:],  # not UTF-8
            lambda: valid.replace(b'"till_seq": ', b'"till_seq": NaN, "x": ', 1),
            lambda: valid.replace(b'"till_seq": ', b'"till_seq": Infinity, "x": ', 1),
            lambda: valid.replace(b'"till_seq": ', b'"till_seq": 1e999, "x": ', 1),
            lambda: valid.replace(b'"till_seq": ', b'"till_seq": ' + b"9" * 5000 + b', "x": ', 1),
            lambda: b'{"records": ' + b"[" * 70 + b"]" * 70 + b"}",
            lambda: b'{"records": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            lambda: valid.replace(b'"schema": 1', b'"schema": 1, "n": "a\\u0000b"', 1),
            lambda: valid.replace(b'"schema": 1', b'"schema": 1, "n": "\\udc00"', 1),
            lambda: b"",
            lambda: valid + b"garbage",
        ])()
        path = self.rng.choice(["/v1/records", "/v1/journal", "/v1/enrol"])
        return self._post("bad json", path, body, self.till)

    def wrong_type(self) -> Probe:
        records = self._records(self.till)
        target = self.rng.choice(records)
        if self.rng.random() < 0.5:
            self._break_envelope(target)
        else:
            self._break_payload(target)
        return self._post("wrong type", "/v1/records", self._json({"records": records}),
                          self.till)

    def _break_envelope(self, record: dict[str, Any]) -> None:
        name = self.rng.choice([*_ENVELOPE_TYPES, "journal"])
        if name == "journal":
            record["journal"] = self.rng.choice([
                "order", 5, [], {"chain": "training", "number": 1, "hash": "ab" * 32},
                {"chain": "order", "number": 0, "hash": "ab" * 32},
                {"chain": "order", "number": 1, "hash": "AB" * 32}, {"chain": "order"}])
            return
        choices: list[Any] = ["delete", *_wrong_for(_ENVELOPE_TYPES[name]),
                              *_BAD_VALUES.get(name, [])]
        value = self.rng.choice(choices)
        if isinstance(value, str) and value == "delete":
            del record[name]
        else:
            record[name] = value

    def _break_payload(self, record: dict[str, Any]) -> None:
        required = PAYLOAD_FIELDS[Kind(record["kind"])]
        name = self.rng.choice(list(required))
        if self.rng.random() < 0.3:
            del record["payload"][name]
        else:
            kinds = required[name]
            record["payload"][name] = self.rng.choice(_wrong_for(kinds))

    def unknown_kind_or_schema(self) -> Probe:
        records = self._records(self.till)
        target = self.rng.choice(records)
        if self.rng.random() < 0.5:
            target["kind"] = self.rng.choice(["order.teleported", "ORDER.VALIDATED", "order",
                                              "", "order.validated ", "x" * 65,
                                              "ticket.punched"])
        else:
            target["schema"] = self.rng.choice([0, 2, 99, -1, 2**70, "1", 1.0, None])
        return self._post("kind or schema", "/v1/records", self._json({"records": records}),
                          self.till)

    def replay(self) -> Probe:
        """Another till's records, alone or among this till's own."""
        theirs = self._records(self.other)
        mine = self._records(self.till) if self.rng.random() < 0.6 else []
        batch = mine + theirs
        self.rng.shuffle(batch)
        sender = self.rng.choice([self.till, self.till, self.revoked])
        return self._post("replay", "/v1/records", self._json({"records": batch}), sender)

    def forged_entry(self) -> Probe:
        way = self.rng.randrange(4)
        if way == 0:  # well-formed, the next entry, signed by a key not the till's
            entries = self._next_entries(Ed25519PrivateKey.generate(), 1, self.till.key_id)
            return self._post("forged signature", "/v1/journal",
                              self._json({"entries": entries}), self.till, expect=FLAGGED)
        entries = self._next_entries(self.till.key, self.rng.randint(1, 3))
        target = self.rng.choice(entries)
        if way == 1:
            target["signature"] = self.rng.choice([
                "", "00", target["signature"].upper(), target["signature"][:-2],
                target["signature"] + "00", "zz" * 64, 12345])
        elif way == 2:
            target["chain"] = self.rng.choice(["training", "orders", "", None, 3])
        else:
            name = self.rng.choice(list(_BROKEN_ENTRY))
            target[name] = self.rng.choice(_BROKEN_ENTRY[name])
        return self._post("forged or broken entry", "/v1/journal",
                          self._json({"entries": entries}), self.till)

    def _next_entries(self, key: Ed25519PrivateKey, count: int,
                      key_id: str | None = None) -> list[dict[str, Any]]:
        """Entries after the till's head as the server holds it (the fuzzer never moves
        it: none of these is stored)."""
        head: ChainHead | None = self.till.heads.get(Chain.ORDER)
        made = []
        for _ in range(count):
            entry = next_entry(head, self.till.id, Chain.ORDER, self.till.clock, 100,
                               {"n": self.rng.randrange(10**9)}, key.sign,
                               key_id or self.till.key_id)
            head = ChainHead(entry.number, entry.hash)
            made.append(wire(entry))
        return made

    def wrong_endpoint(self) -> Probe:
        method, path = self.rng.choice([
            ("GET", "/v1/records"), ("DELETE", "/v1/journal"), ("PUT", "/v1/records"),
            ("POST", "/v1/ping"), ("GET", "/v1/enrol"), ("GET", "/v2/records"),
            ("GET", "/nowhere"), ("POST", "/v1/records/1"), ("PATCH", "/v1/enrol"),
            ("GET", "/v1/" + "".join(self.rng.choices(string.ascii_lowercase, k=9)))])
        return Probe("endpoint", method, path, self.till.auth)

    def bad_enrolment(self) -> Probe:
        fresh = Till("Caisse fuzz")
        request = fresh.enrol_request(self.rng.choice([
            "AAAAA-BBBBB-CCCCC-DDDDD", self._text(20), "x"]))
        way = self.rng.randrange(4)
        if way == 1:
            request["key_id"] = "0" * 16
        elif way == 2:
            request[self.rng.choice(list(request))] = self.rng.choice(_SAMPLES[:8])
        elif way == 3:
            request["till_id"] = self.till.id  # an enrolled till, with a code never made
        return self._post("enrolment", "/v1/enrol", self._json(request))

    def bad_request_shape(self) -> Probe:
        path = self.rng.choice(["/v1/records", "/v1/journal", "/v1/enrol"])
        value = self.rng.choice([[], "records", 1, None, {"records": "x"}, {"entries": {}},
                                 {"records": None}, {"entries": [1]}, {"records": [[]]}])
        return self._post("request shape", path, self._json(value), self.till)

    def bad_ping(self) -> Probe:
        """A heartbeat whose report of the outbox is not the protocol's."""
        report: dict[str, Any] = {"waiting": 3, "rejected": 0,
                                  "oldest_waiting_at": "2026-11-30T14:02:11Z"}
        way = self.rng.randrange(4)
        if way == 0:
            del report[self.rng.choice(list(report))]
        elif way == 1:
            name = self.rng.choice(["waiting", "rejected"])
            report[name] = self.rng.choice([-1, 2**62, *_wrong_for(int)])
        elif way == 2:
            report["oldest_waiting_at"] = self.rng.choice(
                ["", "hier", "2026-11-30", "2026-11-30 14:02:11", 5, [], {}, True])
        else:
            value: Any = self.rng.choice([[], "ping", 1, None, [report]])
            return self._post("ping", "/v1/ping", self._json(value), self.till)
        if self.rng.random() < 0.2:
            return self._post("ping", "/v1/ping", self._json(report), self.till,
                              self.rng.choice(["text/plain", ""]))
        return self._post("ping", "/v1/ping", self._json(report), self.till)

    def too_many(self) -> Probe:
        if self.rng.random() < 0.5:
            body = {"records": [self.till.record("staff.signed_in")
                                for _ in range(MAX_BATCH + 1)]}
            return self._post("too many", "/v1/records", self._json(body), self.till)
        entry = self._next_entries(self.till.key, 1)[0]
        body = {"entries": [entry] * (MAX_BATCH + 1)}
        return self._post("too many", "/v1/journal", self._json(body), self.till)

    def oversized(self) -> Probe:
        if self.network or self.rng.random() < 0.5:
            if self.network:  # a real client sends what it declares: a too-large batch
                return self.too_many()
            chunks = [b'{"records": ["'] + [b"x" * (1 << 20)] * 8 + [b'"]}']
            return self._post("oversized", "/v1/records", chunks, self.till)
        length = str(self.rng.choice([MAX_BODY_BYTES + 1, 10**12]))
        return self._post("oversized", "/v1/records", b"{}", self.till,
                          **{"Content-Length": length})


def _wrong_for(kinds: type | tuple[type, ...]) -> list[Any]:
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    return [value for value in _SAMPLES
            if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed)]
