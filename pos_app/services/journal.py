"""Writing and checking the fiscal journal (domain/journal.py; docs/fiscal.md).

Entries are written inside the unit of work of the action they record, so an action
and its journal entry commit together or not at all. A state change the server hears
of is journaled through services/changes.py (`record_change`), which builds its body
beside its outbox record; this module appends entries and writes the events that are
the journal's alone (start, stop, clock jumps, verification…).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pos_app.domain.clock import ClockJump, clock_jump
from pos_app.domain.journal import (
    Chain,
    Event,
    JournalEntry,
    JournalProblem,
    from_journal_time,
    journal_time,
    next_entry,
    verify_chain,
    verify_grand_totals,
    verify_time_order,
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
    if uow.journal.register_key(signer.key_id, signer.public_key, at):
        _add(uow.journal, signer, till_id, Chain.EVENT, at,
             {"event": Event.KEY_CREATED.value, "key_id": signer.key_id,
              "public_key": signer.public_key}, 0)


def _add(journal: JournalRepository, signer: Signer, till_id: str, chain: Chain,
         at: datetime, payload: dict[str, Any], amount_cents: int) -> JournalEntry:
    entry = next_entry(journal.head(till_id, chain), till_id, chain, at, amount_cents,
                       payload, signer.sign, signer.key_id)
    journal.add(entry)
    return entry


def event_body(event: Event, staff_id: str | None = None, **details: Any) -> dict[str, Any]:
    """The body of an entry of the event journal (JET): what happened, who did it, the
    details (the one shape, for `record_event` and for the changes of services/changes.py)."""
    return {"event": event.value, "staff_id": staff_id, **details}


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
    body = {"event": Event.CLOCK_JUMP.value, "newest_entry": journal_time(jump.newest),
            "now": journal_time(jump.clock), "offset_seconds": offset, "staff_id": None,
            "way": jump.direction.value}
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


def record_settings_change(ctx: Context, staff: StaffMember, setting: str,
                           value: str) -> None:
    record_event_alone(ctx, Event.SETTINGS_CHANGE, staff.id, setting=setting, value=value)


def set_training(ctx: Context, staff: StaffMember, on: bool) -> None:
    """Training mode on or off (a manager): the event journal says when and who."""
    staff.require(Role.MANAGER, "switch training mode")
    record_event_alone(ctx, Event.TRAINING_ON if on else Event.TRAINING_OFF, staff.id)


def record_stop(ctx: Context) -> None:
    record_event_alone(ctx, Event.STOP)


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
                   record_failure: bool = True) -> JournalReport:
    """Recompute every chain of this till: numbers, links, hashes, and the signatures of
    each chain's last entry and of every closure (`every_signature`: of all entries).
    The keys recorded in the store must include this till's own key. A failed check is
    itself recorded in the event journal, when that chain is sound and `record_failure`
    (not on a store opened read-only)."""
    # Loaded here, not with the module: selling journals, and never reconciles.
    from pos_app.services.reconciliation import Reconciliation, in_reconciling_order

    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        keys = uow.journal.keys()
        heads = uow.journal.heads(till.id)
        problems: list[JournalProblem] = []
        location = _check_own_key(ctx.signer, keys, problems)

        def check(key_id: str, digest: bytes, signature: bytes) -> bool:
            public = keys.get(key_id)
            return public is not None and ctx.signer.verify(public, digest, signature)

        entries: dict[str, int] = {}
        reconciliation = Reconciliation(uow.records, till.id)
        for chain in in_reconciling_order(uow.journal.chains(till.id)):
            count, problem = verify_chain(till.id, chain, reconciliation.tap(
                chain, uow.journal.rows(till.id, chain)), check, heads.get(chain),
                every_signature)
            entries[chain] = count
            if problem is not None:
                problems.append(problem)
        if not any(p.chain in (Chain.ORDER, Chain.CLOSURE) for p in problems):
            totals = verify_grand_totals(
                ((row[0], json.loads(row[5])) for row in uow.journal.rows(till.id,
                                                                          Chain.CLOSURE)),
                lambda first, last: uow.journal.range_totals(till.id, Chain.ORDER, first,
                                                             last)[:2])
            if totals is not None:
                problems.append(totals)
        problems += _check_whole(uow.journal, till.id, entries, keys, problems)
        if not problems:
            problems += reconciliation.problems(problems)
    report = JournalReport(entries, problems, location)
    # Nothing is written to an event journal that is itself broken, nor under this
    # till's id when the journal seems to be another till's.
    if (record_failure and problems and not any(
            problem.chain in (Chain.EVENT, STORE) for problem in problems)):
        _record_failure(ctx, till.id, problems)
    return report


STORE = "journal"  # the chain name of a problem of the journal as a whole

# What a chain journals, as problems name it.
_RECORDS: dict[str, str] = {Chain.ORDER: "orders, payments or refunds", Chain.TRAINING:
            "training orders, payments or refunds", Chain.CLOSURE: "closures",
            Chain.EVENT: "cash movements"}


def _check_whole(journal: JournalRepository, till_id: str, entries: dict[str, int],
                 keys: dict[str, str], found: list[JournalProblem]) -> list[JournalProblem]:
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
    if entries:
        late = verify_time_order(journal.in_store_order(till_id))
        if late is not None and late.chain not in broken | {p.chain for p in problems}:
            problems.append(late)
    return problems


def _announces_key(entry: JournalEntry, keys: dict[str, str]) -> bool:
    try:
        body = entry.payload
    except ValueError:
        return False
    return (isinstance(body, dict) and body.get("event") == Event.KEY_CREATED.value
            and keys.get(str(body.get("key_id"))) == body.get("public_key"))


def _check_own_key(signer: Signer, keys: dict[str, str],
                   problems: list[JournalProblem]) -> str:
    from pos_app.services.ports import SigningKeyUnavailable

    try:
        if not signer.exists():
            return "none: this till has no signing key yet"
        own_id, own_public, location = signer.key_id, signer.public_key, signer.location
    except SigningKeyUnavailable as error:
        problems.append(JournalProblem("keys", 0, f"this till's key cannot be read: {error}"))
        return "unreadable"
    if keys and keys.get(own_id) != own_public:
        problems.append(JournalProblem(
            "keys", 0, "the keys recorded in the journal are not this till's key"))
    return location


def _record_failure(ctx: Context, till_id: str, problems: list[JournalProblem]) -> None:
    with ctx.uow() as uow:
        record_event(uow, ctx.signer, till_id, ctx.clock.now(), Event.VERIFICATION_FAILURE,
                     problems=[str(problem) for problem in problems])
        uow.commit()
