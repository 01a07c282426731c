"""Signing staff in (R19): identifier and secret, a lock after repeated failures (which a
manager may lift, journaled), and the choice of the till to work on, which opens it if it
was closed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pos_app.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    ClosureInProgress,
    ClosureRequired,
    DomainError,
    StaffNotLocked,
    UnknownStaff,
)
from pos_app.domain.ids import new_id
from pos_app.domain.lockout import SignInOutcome, locked_until
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import Till, TillSession, TillState, till_state
from pos_app.services.context import Context, local_till

if TYPE_CHECKING:
    from pos_app.services.ports import Signer, UnitOfWork

SESSION_SERIES = "session"  # till sessions are numbered per till: 1, 2, 3…


class UnknownTill(DomainError):
    def __init__(self, till_id: str) -> None:
        super().__init__(f"this store cannot sell on till {till_id!r}")
        self.till_id = till_id


@dataclass(frozen=True, slots=True)
class TillStatus:
    till: Till
    state: TillState
    opened: bool = False  # this sign-in opened the till (a new session): ask its float


def sign_in(ctx: Context, login: str, secret: str,
            before_recording: Callable[[], object] | None = None) -> StaffMember:
    """The active member whose secret matches; the same refusal whatever was wrong.

    Every attempt is recorded; after five wrong secrets in a row the identifier is
    locked for a while, and attempts during the lock are refused without checking.
    `before_recording` runs between the check and the record: the till's start, being
    journaled on another thread meanwhile, waits there to come first in the journal.
    """
    login = login.strip()
    if not login:
        raise AuthenticationFailed(login)
    now = ctx.clock.now()
    with ctx.uow(write=False) as uow:
        found = uow.staff.get_by_login(login)
        until = locked_until(uow.staff.failures_since_success(login), now)
    if until is not None:
        _record(ctx, login, SignInOutcome.LOCKED)
        raise AccountLocked(login, until)
    if found is None:
        ctx.hasher.hash(secret)  # same cost as a real check: do not reveal which logins exist
        member = None
    else:
        member, stored_hash = found
        if not member.active or not ctx.hasher.verify(stored_hash, secret):
            member = None
    # Hashing takes tens of milliseconds: the write lock is taken only to record.
    if before_recording is not None:
        before_recording()
    _record(ctx, login, SignInOutcome.FAILURE if member is None else SignInOutcome.SUCCESS,
            member, None if found is None else found[0])
    if member is None:
        raise AuthenticationFailed(login)
    return member


def prepare_sign_in(ctx: Context) -> None:
    """Get the secret check and the journal's key ready while the sign-in screen waits
    for staff to type. The check first: a secret typed at once waits on it alone (the
    check itself needs no interpreter lock), while the journal's code and key load."""
    ctx.hasher.prepare()
    # The journal's code and the changes' (with the ports' records), loaded here, off
    # the UI thread: a sign-in is a change, journaled and sent.
    from pos_app.services import changes  # noqa: F401

    ctx.signer.prepare()


def _record(ctx: Context, login: str, outcome: SignInOutcome,
            member: StaffMember | None = None, known: StaffMember | None = None) -> None:
    """The attempt; a success is also a change: in the event journal, and sent. A wrong
    secret for a member of the staff (`known`) is journaled, and so is the lock it
    starts; each member's lock bounds those entries (five failures, then a quarter of an
    hour of refusals, which are not journaled). Identifiers the staff do not hold are
    only counted among the attempts: anyone can type any number of them."""
    # The journal's code loads with the first sign-in, not with the sign-in screen.
    from pos_app.domain.journal import Event, journal_time
    from pos_app.services.changes import SignedIn, record_change
    from pos_app.services.journal import record_event

    now = ctx.clock.now()
    with ctx.uow() as uow:
        uow.staff.record_attempt(login, now, outcome)
        till = uow.tills.local()
        if member is not None and till is not None:
            record_change(uow, ctx.signer, till.id, now,
                          SignedIn(new_id(), member.id, till.id, now))
        elif outcome is SignInOutcome.FAILURE and known is not None and till is not None:
            record_event(uow, ctx.signer, till.id, now, Event.SIGN_IN_FAILED, known.id,
                         login=login)
            until = locked_until(uow.staff.failures_since_success(login), now)
            if until is not None:  # not locked before this failure: it starts the lock
                record_event(uow, ctx.signer, till.id, now, Event.LOCKOUT, known.id,
                             login=login, until=journal_time(until))
        uow.commit()


def sign_out(ctx: Context, staff: StaffMember) -> None:
    """Staff hand the till over: the event journal says when, and the server hears it
    (nothing when the store has no till yet: there is no journal to write to)."""
    from pos_app.services.changes import SignedOut, record_change

    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = uow.tills.local()
        if till is not None:
            record_change(uow, ctx.signer, till.id, now,
                          SignedOut(new_id(), staff.id, till.id, now))
            uow.commit()


def ensure_till_open(uow: UnitOfWork, signer: Signer, till: Till, staff: StaffMember,
                     now: datetime, even_overdue: bool = False) -> TillSession:
    """Selling needs an open till: a closed one opens (the first sale of the day), a till
    whose closure was started must finish it (R6), and one open for more than a day
    asks for its Z first (its age with the clock's recorded jumps left out), unless
    `even_overdue` (a sale whose money is already in this session's drawer)."""
    session = uow.tills.latest_session(till.id)
    if session is None or session.state is TillState.CLOSED:
        session = _open_session(uow, signer, till, staff.id, now)
    elif session.state is TillState.CLOSING:
        raise ClosureInProgress()
    elif session.needs_z(now) and not even_overdue:
        # Past its 24 hours by the clock: unless the clock jumped ahead, which is then
        # recorded and left out of the session's age. (A clock gone back only makes the
        # age look shorter; the sale's own entry records that jump.)
        from pos_app.services.journal import note_clock

        if note_clock(uow, signer, till.id, now) is not None:
            session = uow.tills.latest_session(till.id) or session
        if session.needs_z(now):
            raise ClosureRequired(session.opened_at)
    return session


def _open_session(uow: UnitOfWork, signer: Signer, till: Till, staff_id: str,
                  now: datetime) -> TillSession:
    """A new session, numbered after the last one, its opening journaled. A clock jump is
    recorded first, so that it never counts in the age of the session opened after it."""
    from pos_app.services.changes import SessionOpened, record_change
    from pos_app.services.journal import note_clock

    note_clock(uow, signer, till.id, now)
    session = TillSession(new_id(), till.id, now, staff_id,
                          number=uow.sequences.next(till.id, SESSION_SERIES))
    uow.tills.open_session(session)
    record_change(uow, signer, till.id, now, SessionOpened(session))
    return session


def till_statuses(ctx: Context) -> list[TillStatus]:
    """The tills staff can choose at sign-in, each open, closing or closed."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        return [TillStatus(till, till_state(uow.tills.latest_session(till.id)))]


def signable_staff(ctx: Context) -> list[StaffMember]:
    """The active members, as the sign-in screen shows them to tap (no secret read)."""
    with ctx.uow(write=False) as uow:
        return uow.staff.active_members()


def open_till(ctx: Context, staff: StaffMember, till_id: str) -> TillStatus:
    """Start work on a till: a closed till opens a new session in `staff`'s name; an open
    or closing one is left as it is (a closing till must finish its closure first, R6)."""
    with ctx.uow() as uow:
        till = local_till(uow)
        if till.id != till_id:
            raise UnknownTill(till_id)
        state = till_state(uow.tills.latest_session(till.id))
        if state is TillState.CLOSED:
            _open_session(uow, ctx.signer, till, staff.id, ctx.clock.now())
            uow.commit()
            return TillStatus(till, TillState.OPEN, opened=True)
    return TillStatus(till, state)


@dataclass(frozen=True, slots=True)
class LockedMember:
    member: StaffMember
    until: datetime  # when the lock ends by itself


def locked_staff(ctx: Context, manager: StaffMember) -> list[LockedMember]:
    """The active members locked out now, after too many wrong secrets (a manager's)."""
    manager.require(Role.MANAGER, "see who is locked out")
    now = ctx.clock.now()
    with ctx.uow(write=False) as uow:
        locked = []
        for member in uow.staff.active_members():
            until = locked_until(uow.staff.failures_since_success(member.login), now)
            if until is not None:
                locked.append(LockedMember(member, until))
        return locked


def unlock_staff(ctx: Context, manager: StaffMember, login: str) -> LockedMember:
    """A manager lifts a member's lock before it ends: the member signs in again at once
    (the failures before count no more). The attempts' record keeps it, and the event
    journal says who unlocked whom, and when the lock would have ended."""
    from pos_app.domain.journal import Event, journal_time
    from pos_app.services.journal import record_event

    manager.require(Role.MANAGER, "unlock a staff member")
    login = login.strip()
    now = ctx.clock.now()
    with ctx.uow() as uow:
        found = uow.staff.get_by_login(login)
        if found is None:
            raise UnknownStaff(login)
        member = found[0]
        until = locked_until(uow.staff.failures_since_success(login), now)
        if until is None:
            raise StaffNotLocked(login)
        uow.staff.record_attempt(login, now, SignInOutcome.UNLOCKED)
        record_event(uow, ctx.signer, local_till(uow).id, now, Event.STAFF_UNLOCKED,
                     manager.id, login=login, member_id=member.id, until=journal_time(until))
        uow.commit()
    return LockedMember(member, until)
