"""The fiscal journal (NF 525, CGI art. 286 I-3° bis): per till, append-only chains of
signed entries, one chain per kind of record, each numbered without gaps.

An entry's hash is the SHA-256 of its *message*: the previous entry's hash, the till,
the chain, the number, the time, the amount and the canonical JSON body, one per line.
Each entry's hash covers the one before it, so a signature on an entry vouches for the
whole chain up to it. docs/fiscal.md describes the format for auditors.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pos_app.domain.clock import BACK_TOLERANCE

GENESIS = "0" * 64  # the "previous hash" of a chain's first entry


class Chain(StrEnum):
    ORDER = "order"  # sales, their corrections and later payments: what receipts say
    DUPLICATE = "duplicate"  # reprints of receipts
    CLOSURE = "closure"  # Z, monthly and yearly closures, with the grand totals
    ARCHIVE = "archive"  # archives made of the journal
    EVENT = "event"  # the event journal (JET)
    TRAINING = "training"  # training mode's sales: never in a grand total


def order_chain(training: bool) -> Chain:
    """Where a sale and what follows it are journaled: training never in the takings."""
    return Chain.TRAINING if training else Chain.ORDER


class Event(StrEnum):
    """What the event journal (JET) records; each has its JET code (JET_CODES)."""

    TILL_CREATED = "till_created"  # the store got its till
    KEY_CREATED = "key_created"
    # A new signing key, signed by the key it replaces (services/journal.py rotate_key).
    KEY_ROTATED = "key_rotated"
    START = "start"
    STOP = "stop"
    COMMAND = "command"  # a `caisse` command that changes data ran (its start, as a window's)
    SOFTWARE_VERSION = "software_version"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"  # a wrong secret for a member of the staff
    LOCKOUT = "lockout"  # the failure that locks an identifier for a while
    STAFF_UNLOCKED = "staff_unlocked"  # a manager lifts a member's lock before it ends
    SIGN_OUT = "sign_out"
    SESSION_OPENED = "session_opened"  # the till opened for the day: its session number
    X_READING = "x_reading"
    CLOSURE = "closure"  # a Z
    MONTH_CLOSURE = "month_closure"
    YEAR_CLOSURE = "year_closure"
    CASH_MOVEMENT = "cash_movement"
    # A Z started and given up (a manager): the till is open again, its session goes on.
    CLOSURE_ABANDONED = "closure_abandoned"
    DUPLICATE = "duplicate"  # a receipt reprinted: beside its entry of the duplicate chain
    DRAFT_ABANDONED = "draft_abandoned"  # a sale in progress given up, what it held given back
    PAYMENT_GIVEN_BACK = "payment_given_back"  # a sale in progress's payment handed back
    TICKET_VOIDED = "ticket_voided"  # an admission ticket destroyed at a gate, with a reason
    ARCHIVE = "archive"
    SETTINGS_CHANGE = "settings_change"
    SELLER_CHANGE = "seller_change"  # the venue: name, address, SIRET, VAT number
    PRODUCT_CREATED = "product_created"
    PRICE_CHANGE = "price_change"
    VAT_RATE_CHANGE = "vat_rate_change"
    PRODUCT_RENAMED = "product_renamed"  # the label receipts print
    PRODUCT_WITHDRAWN = "product_withdrawn"  # deleted: unpublished, never sold again
    DEVICE_ERROR = "device_error"  # a device stopped working: once per episode
    DEVICE_BACK = "device_back"  # it works again
    DRAWER_OPENED = "drawer_opened"  # by a manager, outside a sale, with a reason
    DRAWER_KICK = "drawer_kick"  # the drawer was sent its opening, and whether it took it
    PRINT_JOB_DELETED = "print_job_deleted"  # a manager took a job out of the print queue
    CLOCK_JUMP = "clock_jump"
    # The central server's clock and the till's differ by more than CLOCK_TOLERANCE
    # (domain/sync.py): recorded once per episode, when it is first seen.
    SERVER_CLOCK_OFFSET = "server_clock_offset"
    VERIFICATION_SUCCESS = "verification_success"
    VERIFICATION_FAILURE = "verification_failure"
    TRAINING_ON = "training_on"
    TRAINING_OFF = "training_off"


# The JET code of each event, written in its entry's body (`"jet"`), so that an auditor
# reads the journal by code without our software. Grouped by family, hundreds first:
# 1xx the program and the till, 2xx staff, 3xx readings, closures and cash, 4xx
# documents and sales in progress, 5xx archives, 6xx settings, seller and catalogue,
# 7xx devices and the drawer, 8xx the clock, 9xx verification and training. A code is
# never given to another event (docs/fiscal.md lists them all; a test holds both to it).
JET_CODES: Mapping[Event, int] = {
    Event.TILL_CREATED: 101,
    Event.KEY_CREATED: 102,
    Event.KEY_ROTATED: 103,
    Event.START: 110,
    Event.STOP: 111,
    Event.COMMAND: 112,
    Event.SOFTWARE_VERSION: 120,
    Event.SIGN_IN: 201,
    Event.SIGN_IN_FAILED: 202,
    Event.LOCKOUT: 203,
    Event.SIGN_OUT: 204,
    Event.STAFF_UNLOCKED: 205,
    Event.SESSION_OPENED: 301,
    Event.X_READING: 310,
    Event.CLOSURE: 320,
    Event.MONTH_CLOSURE: 321,
    Event.YEAR_CLOSURE: 322,
    Event.CLOSURE_ABANDONED: 323,
    Event.CASH_MOVEMENT: 330,
    Event.DUPLICATE: 401,
    Event.DRAFT_ABANDONED: 410,
    Event.PAYMENT_GIVEN_BACK: 411,
    Event.TICKET_VOIDED: 420,
    Event.ARCHIVE: 501,
    Event.SETTINGS_CHANGE: 601,
    Event.SELLER_CHANGE: 602,
    Event.PRODUCT_CREATED: 610,
    Event.PRICE_CHANGE: 611,
    Event.VAT_RATE_CHANGE: 612,
    Event.PRODUCT_RENAMED: 613,
    Event.PRODUCT_WITHDRAWN: 614,
    Event.DEVICE_ERROR: 701,
    Event.DEVICE_BACK: 702,
    Event.DRAWER_OPENED: 710,
    Event.DRAWER_KICK: 711,
    Event.PRINT_JOB_DELETED: 720,
    Event.CLOCK_JUMP: 801,
    Event.SERVER_CLOCK_OFFSET: 802,
    Event.VERIFICATION_SUCCESS: 901,
    Event.VERIFICATION_FAILURE: 902,
    Event.TRAINING_ON: 910,
    Event.TRAINING_OFF: 911,
}


def event_payload(event: Event, **fields: Any) -> dict[str, Any]:
    """The body of an event entry: its name, its JET code and its fields. The code's key,
    `jet`, sorts after `event`, so a body whose fields all sort after it (a start, a
    stop, a clock jump) still starts with its name, which the journal is searched by
    (`last_event`)."""
    return {"event": event.value, "jet": JET_CODES[event], **fields}


def canonical_json(payload: Mapping[str, Any]) -> str:
    """The one text of `payload` (RFC 8785 style for the values the till writes: keys
    sorted, no spaces, UTF-8). Payloads hold text, booleans, null and integers (amounts
    in cents, rates in basis points), never floats, whose text RFC 8785 defines
    differently: the record builders guarantee it, and their tests check it."""
    return _CANONICAL.encode(payload)


# Made once: json.dumps would build an encoder for every entry.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False)


def journal_time(moment: datetime) -> str:
    """UTC to the second, e.g. `2026-11-27T20:49:14Z`."""
    if moment.tzinfo is None:
        raise ValueError("journal times are offset-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_journal_time(text: str) -> datetime:
    # fromisoformat, not strptime: this runs as the till starts, and strptime's module
    # (with calendar's) takes milliseconds to load.
    if len(text) != len("2026-11-27T20:49:14Z") or text[10] != "T" or text[-1] != "Z":
        raise ValueError(f"not a journal time: {text!r}")
    return datetime.fromisoformat(text)


def entry_message(previous_hash: str, till_id: str, chain: str, number: int, at: str,
                  amount_cents: int, body: str) -> bytes:
    return "\n".join((previous_hash, till_id, chain, str(number), at, str(amount_cents),
                      body)).encode("utf-8")


def entry_hash(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry of a chain: where the next one attaches."""

    number: int
    hash: str


@dataclass(frozen=True, slots=True)
class JournalEntry:
    till_id: str
    chain: Chain
    number: int
    at: str
    amount_cents: int  # what the entry adds to the grand totals (0 when it adds nothing)
    body: str  # canonical JSON
    previous_hash: str
    hash: str
    signature: str  # Ed25519 over the 32 bytes of `hash`, hex
    key_id: str

    @property
    def payload(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    def message(self) -> bytes:
        return entry_message(self.previous_hash, self.till_id, self.chain, self.number,
                             self.at, self.amount_cents, self.body)


def next_entry(head: ChainHead | None, till_id: str, chain: Chain, at: datetime,
               amount_cents: int, payload: Mapping[str, Any],
               sign: Callable[[bytes], bytes], key_id: str) -> JournalEntry:
    """The entry that follows `head` (None: the chain's first), hashed and signed."""
    number, previous = (1, GENESIS) if head is None else (head.number + 1, head.hash)
    body = canonical_json(payload)
    when = journal_time(at)
    digest = entry_hash(entry_message(previous, till_id, chain, number, when, amount_cents,
                                      body))
    return JournalEntry(till_id, chain, number, when, amount_cents, body, previous, digest,
                        sign(bytes.fromhex(digest)).hex(), key_id)


# -- verification --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JournalProblem:
    """The first thing found wrong in a chain; `number` names the entry (0: the chain)."""

    chain: str
    number: int
    reason: str

    def __str__(self) -> str:
        where = f"{self.chain} chain" + (f", entry {self.number}" if self.number else "")
        return f"{where}: {self.reason}"


SignatureCheck = Callable[[str, bytes, bytes], bool]  # key id, digest, signature
BAD_SIGNATURE = "its signature is not valid"


def verify_chain(till_id: str, chain: str, rows: Iterable[tuple[Any, ...]],
                 check_signature: SignatureCheck, expected_head: ChainHead | None,
                 every_signature: bool = False, after: ChainHead | None = None,
                 feed: Callable[[tuple[Any, ...]], None] | None = None
                 ) -> tuple[int, JournalProblem | None]:
    """Walk one chain in number order: numbers without gaps from 1, each entry's previous
    hash equal to the hash before it, each hash equal to the SHA-256 of its message, the
    last entry equal to the head the store keeps. Signatures are checked on the last
    entry and on every closure (each covers all before it), or on every entry with
    `every_signature`. `after` is the entry the rows follow (an archive starts mid-chain;
    None: the chain's start). `feed` is given each row as it is read (before it is checked),
    for a check of what the rows say. Returns how many entries were read and the first
    problem."""
    previous, number = (GENESIS, 0) if after is None else (after.hash, after.number)
    start = number
    sha256 = hashlib.sha256
    check_all = every_signature or chain == Chain.CLOSURE
    last: tuple[Any, ...] | None = None
    for row in rows:
        if feed is not None:
            feed(row)
        number += 1
        found, at, previous_hash, digest, amount, body, signature, key_id = row
        if found != number:
            reason = (f"entry {number} is missing" if found > number
                      else f"entry {found} appears again")
            return number - start, JournalProblem(chain, found, reason)
        if previous_hash != previous:
            return number - start, JournalProblem(chain, found, "it does not follow the entry"
                                                  " before it (its previous hash differs)")
        message = "\n".join((previous, till_id, chain, str(found), at, str(amount), body))
        if sha256(message.encode("utf-8")).hexdigest() != digest:
            return number - start, JournalProblem(chain, found,
                                                  "its content does not match its hash")
        if check_all and not check_signature(key_id, bytes.fromhex(digest),
                                             bytes.fromhex(signature)):
            return number - start, JournalProblem(chain, found, BAD_SIGNATURE)
        previous, last = digest, row
    read = number - start
    if expected_head is not None and (expected_head.number != number
                                      or expected_head.hash != previous):
        if expected_head.number > number:
            return read, JournalProblem(chain, number + 1,
                                        f"entries {number + 1} to {expected_head.number}"
                                        " are missing (the chain was cut short)")
        return read, JournalProblem(chain, number, "the chain does not end where its"
                                    " recorded head says")
    if expected_head is None and read:
        return read, JournalProblem(chain, 0, "the chain has no recorded head")
    if last is not None and not check_all and not check_signature(
            last[7], bytes.fromhex(last[3]), bytes.fromhex(last[6])):
        return read, JournalProblem(chain, number, BAD_SIGNATURE)
    return read, None


@dataclass(frozen=True, slots=True)
class KeyProof:
    """The keys a journal proves: each announced by event entry 1 (key_created) or by a
    key_rotated entry signed by the key before it."""

    keys: dict[str, str]  # key id → public key (hex), in the order they were proven
    latest: str | None  # the key the till signs with now, as the journal proves it
    problem: JournalProblem | None


PublicKeyCheck = Callable[[str, bytes, bytes], bool]  # public key (hex), digest, signature


def public_key_id(public_key: str) -> str:
    """A key's id: the first 16 hex digits of the SHA-256 of its raw public key."""
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:16]


def rotation_digest(previous_key_id: str, key_id: str) -> bytes:
    """What the new key signs in a rotation (its `new_key_signature`): that it takes
    over from `previous_key_id`. Without it, someone who re-signed a whole journal with
    a key of their own could end it with a rotation to the till's real key, signed by
    their own key, and the till's key would look proven."""
    return hashlib.sha256(f"caisse key rotation\n{previous_key_id}\n{key_id}".encode()
                          ).digest()


def prove_keys(trail: Iterable[tuple[Any, ...]], check: PublicKeyCheck) -> KeyProof:
    """Walk every entry of one till in store order, (chain, number, key id, event, body,
    hash, signature), body, hash and signature given for key events only. The first
    entry must be event entry 1, key_created, announcing the key that signs it; from
    then on every entry must carry the key proven when it was written, and a new key is
    proven only by a key_rotated entry signed by the key it replaces (whose body names
    that key, and the new key's id and public key) and countersigned by the new key
    (`new_key_signature`, over `rotation_digest`). Only the announcement and rotation
    signatures are checked here: the chains' own walk checks the others, under the
    keys proven."""
    proven: dict[str, str] = {}
    current: str | None = None

    def failed(chain: str, number: int, reason: str) -> KeyProof:
        return KeyProof(proven, current, JournalProblem(chain, number, reason))

    for chain, number, key_id, event, body, digest, signature in trail:
        if current is None:
            if chain != Chain.EVENT or number != 1 or event != Event.KEY_CREATED:
                return failed(chain, number, "it was written before the announcement of"
                              " the till's key (key_created, event entry 1), with which"
                              " the journal starts: no key signing it is proven")
            announced = _announced_key(body)
            if announced is None or announced[0] != key_id or not _signed(
                    check, announced[1], digest, signature):
                return failed(chain, number, "the announcement of the till's key"
                              " (key_created) is not signed by the key it announces")
            proven[key_id], current = announced[1], key_id
            continue
        if key_id != current:
            return failed(chain, number, f"it is signed under key {key_id}, but the key"
                          f" proven when it was written is {current} (a key is proven"
                          " only by event entry 1, key_created, or by a key_rotated entry"
                          " signed by the key before it)")
        if event == Event.KEY_CREATED:
            return failed(chain, number, "a second key announcement (key_created): a new"
                          " key comes only with a key_rotated entry signed by the key"
                          " before it")
        if event == Event.KEY_ROTATED:
            rotated = _announced_key(body)
            if rotated is None or _loaded(body).get("previous_key_id") != current:
                return failed(chain, number, "a key rotation that does not name the key"
                              f" it replaces ({current}) and the new key")
            if not _signed(check, proven[current], digest, signature):
                return failed(chain, number, "a key rotation not signed by the key it"
                              f" replaces ({current})")
            if not _signed(check, rotated[1], rotation_digest(current, rotated[0]).hex(),
                           _loaded(body).get("new_key_signature")):
                return failed(chain, number, "a key rotation not countersigned by the new"
                              f" key {rotated[0]}: whoever wrote it did not hold that key")
            if rotated[0] in proven:
                return failed(chain, number, f"a key rotation back to key {rotated[0]},"
                              " used before")
            proven[rotated[0]], current = rotated[1], rotated[0]
    return KeyProof(proven, current, None)


def _loaded(body: str | None) -> dict[str, Any]:
    try:
        loaded = json.loads(body or "")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _announced_key(body: str | None) -> tuple[str, str] | None:
    """The (key id, public key) a key_created or key_rotated body gives, when its id is
    its public key's."""
    loaded = _loaded(body)
    key_id, public = loaded.get("key_id"), loaded.get("public_key")
    if not isinstance(key_id, str) or not isinstance(public, str) or len(public) != 64:
        return None
    try:
        return (key_id, public) if public_key_id(public) == key_id else None
    except ValueError:
        return None


def _signed(check: PublicKeyCheck, public: str, digest: str | None,
            signature: str | None) -> bool:
    try:
        return check(public, bytes.fromhex(digest or ""), bytes.fromhex(signature or ""))
    except ValueError:
        return False


def verify_time_order(entries: Iterable[tuple[str, int, str, str, str]]
                      ) -> JournalProblem | None:
    """TimeOrder over `entries`, (chain, number, at, event, jump) of every entry of one
    till in store order."""
    order = TimeOrder()
    for entry in entries:
        order.feed(*entry)
    return order.problem


class TimeOrder:
    """Check that time never goes back without the journal saying so, fed (chain,
    number, at, event, jump) for every entry of one till, all chains together, in the
    order the store wrote them (its `seq`), `event` being an event entry's name
    ("" for other chains) and `jump` a clock jump's two times as its body records them
    (`newest_entry`, a space, `now`; "" for other entries).

    The till compares every new entry's time with the entry written just before it
    (whatever its chain) and journals a clock jump first when it is earlier by more than
    BACK_TOLERANCE (services/journal.py `append`). So, in store order, a step back beyond
    the tolerance is only ever a `clock_jump` entry, or a key announcement immediately
    followed by one (a key announced as the clock jumped is written just before the
    jump). Any other step back is an entry whose time was changed afterwards. Comparing
    consecutive entries, not only a chain's, means an honest clock corrected by less
    than the tolerance several times in a row is never a problem, while a back-dated
    entry is found even when it stays after its own chain's previous one. A clock jump
    excuses its step only if its body says the times around it: its own time and that of
    the entry written before it (before the key announced with it, if one was), so that a
    jump entry cannot itself be moved back."""

    __slots__ = ("_before_key", "_found", "_previous", "_waiting")

    def __init__(self) -> None:
        self._previous: tuple[str, int, str] | None = None
        self._before_key = ""  # the time of the entry written before a key announcement
        self._waiting: JournalProblem | None = None  # a key announcement back in time
        self._found: JournalProblem | None = None

    @property
    def problem(self) -> JournalProblem | None:
        return self._found or self._waiting

    def feed(self, chain: str, number: int, at: str, event: str, jump: str) -> None:
        if self._found is not None:
            return
        previous = self._previous
        if event == Event.CLOCK_JUMP:
            if previous is not None and jump != f"{self._before_key or previous[2]} {at}":
                self._found = JournalProblem(
                    chain, number, f"this clock jump's times ({jump or 'none'}) are not its"
                    " own time and that of the entry written before it: it was altered")
                return
            self._waiting = None
        elif self._waiting is not None:
            self._found = self._waiting
            return
        elif previous is not None and at < previous[2]:
            # Text comparison first: journal times sort as text, and parsing every one
            # of a million entries would cost more than the rest of the walk.
            try:
                back = from_journal_time(previous[2]) - from_journal_time(at)
            except ValueError:
                self._found = JournalProblem(chain, number, f"its time {at!r} is not a"
                                             " journal time, or the one before it is not")
                return
            if back > BACK_TOLERANCE:
                problem = JournalProblem(
                    chain, number,
                    f"its time {at} is {back} before that of the entry written just"
                    f" before it ({previous[0]} chain, entry {previous[1]}, at"
                    f" {previous[2]}), and no clock jump is journaled between them")
                if event != Event.KEY_CREATED:
                    self._found = problem
                    return
                self._waiting = problem
        self._before_key = previous[2] if event == Event.KEY_CREATED and previous else ""
        self._previous = (chain, number, at)


def verify_grand_totals(closures: Iterable[tuple[int, Mapping[str, Any]]],
                        order_totals: Callable[[int, int], tuple[int, int]]
                        ) -> JournalProblem | None:
    """Recompute the closure chain's figures from the order chain: each Z covers the
    order entries after the previous Z's, its takings are their amounts' sum (and the sum
    of their absolute values), and the perpetual totals add up; a monthly (yearly)
    closure sums its Zs (months). `order_totals(first, last)` sums order entries."""
    covered = perpetual = absolute = 0
    figures: dict[tuple[str, int], tuple[int, int, int]] = {}  # (kind, number) → totals
    for number, body in closures:
        kind, totals = body["kind"], body["grand_totals"]
        found = (totals["period_cents"], totals["perpetual_cents"],
                 totals["perpetual_absolute_cents"])
        if kind == "z":
            first, last = body["order_entries"]["first"], body["order_entries"]["last"]
            if first != covered + 1:
                return JournalProblem(Chain.CLOSURE, number, f"its orders start at entry"
                                      f" {first}, not after the previous Z's ({covered})")
            period, period_absolute = order_totals(first, last)
            if (period, period_absolute) != (found[0], body["takings_absolute_cents"]):
                return JournalProblem(Chain.CLOSURE, number, "its takings differ from the"
                                      " order entries it covers")
            covered, perpetual, absolute = last, perpetual + period, absolute + period_absolute
            if found[1:] != (perpetual, absolute):
                return JournalProblem(Chain.CLOSURE, number,
                                      "its perpetual grand totals do not add up")
        else:
            parts = body["parts"]
            wanted = [(parts["kind"], part) for part in range(parts["first"], parts["last"] + 1)]
            summed = [figures[key] for key in wanted if key in figures]
            if len(summed) != len(wanted) or found != (sum(f[0] for f in summed),
                                                       summed[-1][1], summed[-1][2]):
                return JournalProblem(Chain.CLOSURE, number, f"its grand totals are not"
                                      f" those of its {parts['kind']} closures")
        figures[(kind, body["number"])] = found
    return None
