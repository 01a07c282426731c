"""Writing and checking the fiscal journal (domain/journal.py; docs/fiscal.md).

Entries are written inside the unit of work of the action they record, so an action
and its journal entry commit together or not at all. A state change the server hears
of is journaled through services/changes.py (`record_change`), which builds its body
beside its outbox record; this module appends entries and writes the events that are
the journal's alone (start, stop, clock jumps, verification…).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pos_app.domain.clock import ClockJump, clock_jump
from pos_app.domain.journal import (
    BAD_SIGNATURE,
    Chain,
    Event,
    JournalEntry,
    JournalProblem,
    KeyProof,
    TimeOrder,
    entry_hash,
    event_payload,
    from_journal_time,
    journal_time,
    next_entry,
    prove_keys,
    rotation_digest,
    verify_chain,
    verify_grand_totals,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till
from pos_app.services.journal_witnesses import check_recorded_heads

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pos_app.domain.sync import ChainAck
    from pos_app.services.ports import JournalRepository, Signer, UnitOfWork


def append(uow: UnitOfWork, signer: Signer, till_id: str, chain: Chain, at: datetime,
           payload: dict[str, Any], amount_cents: int = 0) -> JournalEntry:
    """Add a signed entry to `chain`, in `uow`'s transaction. A signing key the store has
    not seen yet is first recorded, and announced in the event journal; a clock that
    jumped since the newest entry is first recorded too (once: the entry then written
    is the newest)."""
    jump = _jump(uow, till_id, at)
    _announce_key(uow, signer, till_id, at)
    if jump is not None:
        _record_jump(uow, signer, till_id, jump)
    return _add(uow.journal, signer, till_id, chain, at, payload, amount_cents)


def _announce_key(uow: UnitOfWork, signer: Signer, till_id: str, at: datetime) -> None:
    """The till's first key is recorded and announced with its first entry; any other
    key must be recorded already (a rotation records it): a key the store does not know
    signs nothing, whatever made it, and neither does one a rotation replaced."""
    key_id = signer.key_id
    if uow.journal.knows_key(key_id):
        newest = uow.journal.newest_key()
        if newest not in (None, key_id):  # a rotation made by another program
            from pos_app.services.ports import SigningKeyUnavailable

            raise SigningKeyUnavailable(
                f"the till's signing key {key_id} was replaced by key {newest}"
                " (caisse journal rotate-key) after this program loaded it: start the"
                " till again")
        return
    if uow.journal.keys() or uow.journal.newest(till_id) is not None:
        from pos_app.services.ports import SigningKeyUnavailable

        raise SigningKeyUnavailable(
            f"the till's signing key {key_id} is not the key its journal is signed with:"
            " the till's key is gone or was replaced. Restore it from the keyring or a"
            " backup of the till's folder; the till signs nothing, so sells nothing, until"
            " then")
    uow.journal.register_key(key_id, signer.public_key, at)
    _add(uow.journal, signer, till_id, Chain.EVENT, at,
         event_payload(Event.KEY_CREATED, key_id=key_id, public_key=signer.public_key), 0)


def _add(journal: JournalRepository, signer: Signer, till_id: str, chain: Chain,
         at: datetime, payload: dict[str, Any], amount_cents: int) -> JournalEntry:
    entry = next_entry(journal.head(till_id, chain), till_id, chain, at, amount_cents,
                       payload, signer.sign, signer.key_id)
    journal.add(entry)
    return entry


def event_body(event: Event, staff_id: str | None = None, **details: Any) -> dict[str, Any]:
    """The body of an entry of the event journal (JET): what happened, who did it, the
    details (the one shape, for `record_event` and for the changes of services/changes.py)."""
    return event_payload(event, staff_id=staff_id, **details)


def record_event(uow: UnitOfWork, signer: Signer, till_id: str, at: datetime,
                 event: Event, staff_id: str | None = None, **details: Any) -> JournalEntry:
    """An entry of the event journal (JET) that no outbox record goes with (a start, a
    clock jump…): a change the server hears of is a services/changes.py `Change`."""
    return append(uow, signer, till_id, Chain.EVENT, at, event_body(event, staff_id, **details))


# -- the clock ------------------------------------------------------------------------------


def _jump(uow: UnitOfWork, till_id: str, now: datetime) -> ClockJump | None:
    newest = uow.journal.newest(till_id)
    if newest is None:
        return None
    at, body = newest
    return clock_jump(from_journal_time(at), now,
                      after_stop=body.startswith(f'{{"event":"{Event.STOP.value}",'))


def _record_jump(uow: UnitOfWork, signer: Signer, till_id: str, jump: ClockJump) -> ClockJump:
    """The jump in the event journal (both times, and by how much), and in the open
    session's age, which leaves it out (a day ahead after the till stopped is counted:
    it was as likely switched off)."""
    offset = int(jump.offset.total_seconds())
    body = event_payload(Event.CLOCK_JUMP, newest_entry=journal_time(jump.newest),
                         now=journal_time(jump.clock), offset_seconds=offset, staff_id=None,
                         way=jump.direction.value)
    if jump.after_stop:
        body["till_stopped"] = True  # (a key sorting after "event": see last_event)
    entry = _add(uow.journal, signer, till_id, Chain.EVENT, jump.clock, body, 0)
    if jump.left_out_of_sessions:
        uow.tills.shift_clock(till_id, offset)
    return replace(jump, entry_number=entry.number)


def note_clock(uow: UnitOfWork, signer: Signer, till_id: str, now: datetime) -> ClockJump | None:
    """Record, in `uow`'s transaction, a jump the clock made since the newest entry (a
    session about to open calls this first: a jump is never counted in the age of a
    session opened after it)."""
    jump = _jump(uow, till_id, now)
    if jump is None:
        return None
    _announce_key(uow, signer, till_id, now)
    return _record_jump(uow, signer, till_id, jump)


def record_clock_jump(ctx: Context) -> ClockJump | None:
    """Record the jump the clock makes now, if it makes one (nothing is written when it
    does not); the jump comes back, to be shown."""
    now = ctx.clock.now()
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        if till is None or _jump(uow, till.id, now) is None:
            return None
    with ctx.uow() as uow:
        jump = note_clock(uow, ctx.signer, till.id, now)
        uow.commit()
    return jump


def latest_clock_jump(ctx: Context, after: int = 0) -> ClockJump | None:
    """The newest clock jump of the journal recorded after the event journal's entry
    `after`, once the one the clock makes now, if it does, is recorded: a screen says it
    to the staff; selling goes on regardless."""
    jump = record_clock_jump(ctx)
    if jump is not None:
        return jump
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        return None if till is None else _last_jump(uow.journal, till.id, after)


def _last_jump(journal: JournalRepository, till_id: str, after: int) -> ClockJump | None:
    entry = journal.last_event(till_id, Event.CLOCK_JUMP.value, after=after)
    if entry is None:
        return None
    body = entry.payload
    return ClockJump(from_journal_time(body["now"]), from_journal_time(body["newest_entry"]),
                     entry.number, bool(body.get("till_stopped")))


def record_start(ctx: Context, version: str) -> int:
    """The till program started (JET). A clock that jumped, and a version other than the
    last run's, are recorded first. Returns the number the event journal had reached
    before: a clock jump after it (the start's own, or a later one) is to be said."""
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        head = None if till is None else uow.journal.head(till.id, Chain.EVENT)
    _record_run(ctx, Event.START, version)
    return 0 if head is None else head.number


def record_command(ctx: Context, command: str, version: str,
                   staff_id: str | None = None) -> None:
    """A `caisse` command that changed data has run: journaled as a window's start is,
    with the same clock and version checks."""
    _record_run(ctx, Event.COMMAND, version, staff_id, name=command)


def _last_version(journal: JournalRepository, till_id: str) -> str | None:
    """The software version of the last start of the window or of a command."""
    run = journal.last_event(till_id, Event.START, Event.COMMAND)
    version = None if run is None else run.payload.get("version")
    return version if isinstance(version, str) else None


def _record_run(ctx: Context, event: Event, version: str, staff_id: str | None = None,
                **details: Any) -> None:
    """A run journaled; its first entry records a clock jump first, if there was one."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = uow.tills.local()
        if till is None:
            return  # not set up yet: there is no journal to write to
        before = _last_version(uow.journal, till.id)
        if before is not None and before != version:
            record_event(uow, ctx.signer, till.id, now, Event.SOFTWARE_VERSION,
                         previous=before, version=version)
        record_event(uow, ctx.signer, till.id, now, event, staff_id, version=version,
                     **details)
        uow.commit()


def record_event_alone(ctx: Context, event: Event, staff_id: str | None = None,
                       **details: Any) -> None:
    """An event that is an action of its own, in its own transaction (nothing when the
    store has no till yet: there is no journal to write to)."""
    with ctx.uow() as uow:
        till = uow.tills.local()
        if till is not None:
            record_event(uow, ctx.signer, till.id, ctx.clock.now(), event, staff_id,
                         **details)
            uow.commit()


def record_settings_change(ctx: Context, staff: StaffMember, setting: str, value: str,
                           previous: str | None = None) -> None:
    """A setting changed: its name, its new value and, where known, the one before."""
    record_event_alone(ctx, Event.SETTINGS_CHANGE, staff.id, setting=setting, value=value,
                       previous=previous)


def set_training(ctx: Context, staff: StaffMember, on: bool) -> None:
    """Training mode on or off (a manager): the event journal says when and who."""
    staff.require(Role.MANAGER, "switch training mode")
    record_event_alone(ctx, Event.TRAINING_ON if on else Event.TRAINING_OFF, staff.id)


def record_stop(ctx: Context) -> None:
    record_event_alone(ctx, Event.STOP)


# -- the signing key -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyRotation:
    previous_key_id: str
    key_id: str
    public_key: str
    entry_number: int  # the key_rotated entry of the event journal


def rotate_key(ctx: Context, staff: StaffMember) -> KeyRotation:
    """Replace the till's signing key (a manager). The key_rotated entry, signed by the
    current key, names it, the new key's id and public key; it is written, with the new
    key recorded in till_keys, in one transaction; every entry after it is signed by
    the new key, and the previous private key is removed. The new key
    countersigns the rotation (`new_key_signature`): a rotation to a key its writer did
    not hold proves nothing."""
    staff.require(Role.MANAGER, "replace the journal's signing key")
    signer = ctx.signer
    previous = signer.key_id  # a key that is gone cannot sign its successor
    written: list[KeyRotation] = []

    def record(key_id: str, public_key: str, sign_new: Callable[[bytes], bytes]) -> None:
        now = ctx.clock.now()
        with ctx.uow() as uow:
            till = local_till(uow)
            entry = record_event(uow, signer, till.id, now, Event.KEY_ROTATED, staff.id,
                                 previous_key_id=previous, key_id=key_id,
                                 # (a key sorting after "event", which stays first)
                                 public_key=public_key, new_key_signature=sign_new(
                                     rotation_digest(previous, key_id)).hex())
            uow.journal.register_key(key_id, public_key, now)
            uow.commit()
        written.append(KeyRotation(previous, key_id, public_key, entry.number))

    signer.rotate(record)
    return written[0]


def proven_keys(uow: UnitOfWork, signer: Signer, till_id: str) -> dict[str, str]:
    """The keys the journal proves (its key announcement and rotations, each entry's
    hash recomputed, each signed as `prove_keys` requires), when they lead to this
    till's own key; {} otherwise. What a document printed from the journal is checked
    against: a key merely put in `till_keys` proves nothing. Reads the key events only
    (`journal verify` checks that every entry carries the key proven when written), and
    keeps the answer while the recorded keys stay the same."""
    recorded = frozenset(uow.journal.keys().items())
    cached = _PROVEN.get((till_id, recorded))
    if cached is not None:
        return cached
    events = uow.journal.key_events(till_id)
    if any(entry_hash(entry.message()) != entry.hash for entry in events):
        return {}
    proof = prove_keys([(entry.chain.value, entry.number, entry.key_id,
                         entry.payload.get("event", ""), entry.body, entry.hash,
                         entry.signature) for entry in events], signer.verify)
    own = signer.key_id
    proven = proof.keys if proof.problem is None and proof.latest == own else {}
    if proven:
        _PROVEN.clear()  # one till, one store: only the latest answer is worth keeping
        _PROVEN[(till_id, recorded)] = proven
    return proven


_PROVEN: dict[tuple[str, frozenset[tuple[str, str]]], dict[str, str]] = {}


# -- verification --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JournalReport:
    entries: dict[str, int]  # chain → entries read
    problems: list[JournalProblem] = field(default_factory=list)
    key_location: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_journal(ctx: Context, every_signature: bool = False,
                   record_failure: bool = True,
                   server_heads: Sequence[ChainAck] = ()) -> JournalReport:
    """Recompute every chain of this till: numbers, links, hashes, and the signatures of
    each chain's last entry and of every closure (`every_signature`: of all entries).
    The keys recorded in the store must include this till's own key. A failed check is
    itself recorded in the event journal, when that chain is sound and `record_failure`
    (not on a store opened read-only); so is a sound result, when anything is journaled.
    `server_heads`: the heads the server answers now (`--with-server`), which the journal
    must hold too."""
    # Loaded here, not with the module: selling journals, and never reconciles.
    from pos_app.services.reconciliation import Reconciliation, in_reconciling_order

    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        keys = uow.journal.keys()
        heads = uow.journal.heads(till.id)
        problems: list[JournalProblem] = []
        proof, late = _walk_store_order(uow.journal, till.id, ctx.signer)
        location = _check_own_key(ctx.signer, keys, proof, problems)
        # A proof that fails is named once: past it, signatures are checked under the
        # keys recorded, so that the other chains are judged on their own.
        proven = proof.keys if proof.problem is None else {**keys, **proof.keys}

        def check(key_id: str, digest: bytes, signature: bytes) -> bool:
            # Under the key the journal proves, never one merely in till_keys.
            public = proven.get(key_id)
            return public is not None and ctx.signer.verify(public, digest, signature)

        entries: dict[str, int] = {}
        reconciliation = Reconciliation(uow.records, till.id)
        for chain in in_reconciling_order(uow.journal.chains(till.id)):
            count, problem = verify_chain(till.id, chain, reconciliation.tap(
                chain, uow.journal.rows(till.id, chain)), check, heads.get(chain),
                every_signature)
            entries[chain] = count
            problem = _first(problem, proof.problem, chain)
            if problem is not None:
                problems.append(problem)
        if proof.problem is not None and proof.problem.chain not in entries:
            problems.append(proof.problem)
        if proof.problem is None:
            problems += _unproven_keys(keys, proven)
        if not any(p.chain in (Chain.ORDER, Chain.CLOSURE) for p in problems):
            totals = verify_grand_totals(
                ((row[0], json.loads(row[5])) for row in uow.journal.rows(till.id,
                                                                          Chain.CLOSURE)),
                lambda first, last: uow.journal.range_totals(till.id, Chain.ORDER, first,
                                                             last)[:2])
            if totals is not None:
                problems.append(totals)
        problems += check_recorded_heads(uow, till.id, problems, server_heads)
        problems += _check_whole(uow.journal, till.id, entries, keys, problems, late)
        if not problems:
            problems += reconciliation.problems(problems)
    report = JournalReport(entries, problems, location)
    # Nothing is written to an event journal that is itself broken, nor under this
    # till's id when the journal seems to be another till's.
    if (record_failure and problems and not any(
            problem.chain in (Chain.EVENT, STORE) for problem in problems)):
        _record_failure(ctx, till.id, problems)
    elif record_failure and not problems and entries:
        # A sound result is journaled too (with what was read), so that the journal shows
        # when it was checked; a till that journaled nothing yet gets no entry for it.
        record_event_alone(ctx, Event.VERIFICATION_SUCCESS, entries=entries,
                           every_signature=every_signature)
    return report


STORE = "journal"  # the chain name of a problem of the journal as a whole

# What a chain journals, as problems name it.
_RECORDS: dict[str, str] = {Chain.ORDER: "orders, payments or refunds", Chain.TRAINING:
            "training orders, payments or refunds", Chain.CLOSURE: "closures",
            Chain.EVENT: "cash movements"}


def _walk_store_order(journal: JournalRepository, till_id: str, signer: Signer
                      ) -> tuple[KeyProof, JournalProblem | None]:
    """The keys the journal proves and the first step back in time it does not excuse,
    from one walk of every entry in store order."""
    time_order = TimeOrder()
    feed = time_order.feed

    def trail() -> Iterator[tuple[Any, ...]]:
        for row in journal.store_order(till_id):
            feed(row[0], row[1], row[7], row[3], row[8])
            yield row[:7]

    walk = trail()
    proof = prove_keys(walk, signer.verify)
    for _row in walk:  # what the proof, stopped at a problem, did not read
        pass
    return proof, time_order.problem


def _check_whole(journal: JournalRepository, till_id: str, entries: dict[str, int],
                 keys: dict[str, str], found: list[JournalProblem],
                 late: JournalProblem | None) -> list[JournalProblem]:
    """What the chains, each sound, can still hide: a journal emptied, or whose till id
    was changed, reads as no chains at all; an event journal rewritten without its start;
    an entry whose time was moved back. `entries` are the chains read."""
    problems: list[JournalProblem] = []
    if not entries and (others := journal.other_tills(till_id)):
        problems.append(JournalProblem(
            STORE, 0, f"it has no entry of this till ({till_id}) but entries of"
            f" {', '.join(others)}: the till's id was changed, or the journal is another"
            " till's"))
    elif not entries and keys:
        # A key is only ever recorded with its announcement in the event journal.
        problems.append(JournalProblem(
            STORE, 0, f"it has no entries, but {len(keys)} signing key(s) are recorded"
            " (till_keys), each written with its announcement in the event journal: the"
            " journal was removed"))
    for chain, count in journal.records_to_journal(till_id).items():
        if chain not in entries:
            problems.append(JournalProblem(
                chain, 0, f"the store holds {_RECORDS.get(chain, 'records')} made at this"
                f" till ({count}), but the chain has no entries (the journal was removed)"))
    broken = {problem.chain for problem in found + problems}
    if entries and Chain.EVENT not in entries:
        problems.append(JournalProblem(
            Chain.EVENT, 0, "the event journal is missing: it starts, before any other"
            " entry, with the announcement of the till's key (key_created)"))
    elif entries and Chain.EVENT not in broken:
        first = journal.entry(till_id, Chain.EVENT, 1)
        if first is not None and not _announces_key(first, keys):
            problems.append(JournalProblem(
                Chain.EVENT, 1, "it is not the announcement of one of the journal's keys"
                " (key_created), with which the event journal starts"))
    if entries and late is not None and late.chain not in broken | {
            p.chain for p in problems}:
        problems.append(late)
    return problems


def _announces_key(entry: JournalEntry, keys: dict[str, str]) -> bool:
    try:
        body = entry.payload
    except ValueError:
        return False
    return (isinstance(body, dict) and body.get("event") == Event.KEY_CREATED.value
            and keys.get(str(body.get("key_id"))) == body.get("public_key"))


def _first(chain_problem: JournalProblem | None, key_problem: JournalProblem | None,
           chain: str) -> JournalProblem | None:
    """The chain's first problem: its own walk's, or the key proof's when that names an
    earlier entry of this chain (or the same one, whose signature the key explains)."""
    if key_problem is None or key_problem.chain != chain:
        return chain_problem
    if chain_problem is None or 0 < key_problem.number < chain_problem.number or (
            key_problem.number == chain_problem.number
            and chain_problem.reason == BAD_SIGNATURE):
        return key_problem
    return chain_problem


def _unproven_keys(keys: dict[str, str],
                   proven: dict[str, str]) -> list[JournalProblem]:
    """A key recorded (till_keys) that the journal does not prove proves nothing: it is
    named, as one recorded under a proven key's id with another public key."""
    problems = []
    for key_id, public in sorted(keys.items()):
        if key_id not in proven:
            problems.append(JournalProblem(
                "keys", 0, f"key {key_id} is recorded (till_keys), but neither the"
                " announcement of event entry 1 (key_created) nor a key rotation"
                " (key_rotated) signed by the key before it proves it"))
        elif proven[key_id] != public:
            problems.append(JournalProblem(
                "keys", 0, f"key {key_id} is recorded (till_keys) with another public key"
                " than the journal announced"))
    return problems


def _check_own_key(signer: Signer, keys: dict[str, str], proof: KeyProof,
                   problems: list[JournalProblem]) -> str:
    """The till's own key (keyring or file) must be the key the journal proves last: a
    journal re-signed whole, from a new announcement, under a key of the forger's is
    then found."""
    from pos_app.services.ports import SigningKeyUnavailable

    try:
        if not signer.exists():
            if keys or proof.latest is not None:
                problems.append(JournalProblem(
                    "keys", 0, f"this till's signing key is gone (the journal is signed"
                    f" with key {proof.latest or ', '.join(sorted(keys))}, and no key file"
                    " or keyring entry holds it): restore it from the keyring or a backup"))
                return "gone"
            return "none: this till has no signing key yet"
        own_id, own_public, location = signer.key_id, signer.public_key, signer.location
    except SigningKeyUnavailable as error:
        problems.append(JournalProblem("keys", 0, f"this till's key cannot be read: {error}"))
        return "unreadable"
    if keys and keys.get(own_id) != own_public:
        problems.append(JournalProblem(
            "keys", 0, "the keys recorded in the journal are not this till's key"))
    elif proof.latest is not None and proof.latest != own_id:
        problems.append(JournalProblem(
            "keys", 0, f"this till's key ({own_id}) is not the key the journal proves it"
            f" signs with now ({proof.latest})"))
    return location


def _record_failure(ctx: Context, till_id: str, problems: list[JournalProblem]) -> None:
    from pos_app.services.ports import SigningKeyUnavailable

    try:
        with ctx.uow() as uow:
            record_event(uow, ctx.signer, till_id, ctx.clock.now(),
                         Event.VERIFICATION_FAILURE,
                         problems=[str(problem) for problem in problems])
            uow.commit()
    except SigningKeyUnavailable:
        pass  # the till signs nothing without its key: the report says why
