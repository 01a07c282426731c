"""Writing the fiscal journal (domain/journal.py; docs/fiscal.md); services/journal_check.py
checks it.

Entries are written inside the unit of work of the action they record, so an action
and its journal entry commit together or not at all. A state change the server hears
of is journaled through services/changes.py (`record_change`), which builds its body
beside its outbox record; this module appends entries and writes the events that are
the journal's alone (start, stop, clock jumps, verification…).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pos_app.domain.clock import ClockJump, clock_jump
from pos_app.domain.journal import (
    Chain,
    Event,
    JournalEntry,
    entry_hash,
    event_payload,
    from_journal_time,
    journal_time,
    next_entry,
    prove_keys,
    rotation_digest,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till

if TYPE_CHECKING:

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
