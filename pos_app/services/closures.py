"""Closing the till (R6): cash movements, the X reading, the Z closure with the monthly
and yearly closures it brings, and the history of closures.

A Z covers everything recorded at this till since the previous Z, its till session,
whatever the clock said meanwhile: the orders made, cancelled and returned, the payments
taken and the refunds given (per method), and the cash put in or taken out. Its figures,
grand totals included, go in one signed entry of the journal's closure chain, in the
same transaction that closes the till.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pos_app.domain.closure import (
    NO_TAKINGS,
    NO_TOTALS,
    CashCount,
    CashFigures,
    CashMovementKind,
    Closure,
    ClosureKind,
    GrandTotals,
    MethodTotal,
    Reading,
    counted_cash,
    local_month,
)
from pos_app.domain.closure_checks import summed_figures
from pos_app.domain.errors import (
    CashReasonMissing,
    DraftHoldsPayments,
    GapReasonMissing,
    InvalidAmount,
    JournalMismatch,
    NoClosureStarted,
    NothingToClose,
    NotInTheDrawer,
)
from pos_app.domain.ids import new_id
from pos_app.domain.journal import Chain, journal_time
from pos_app.domain.money import format_plain
from pos_app.domain.order import check_reason
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.sync import JournalRef
from pos_app.domain.till import Till, TillSession, TillState
from pos_app.services.changes import CashMoved, PeriodClosed, ZClosed, record_change
from pos_app.services.context import Context, local_till
from pos_app.services.policies import policy_in
from pos_app.services.ports import Signer, UnitOfWork
from pos_app.services.staff import ensure_till_open


def record_cash_movement(ctx: Context, staff: StaffMember, kind: CashMovementKind,
                         amount_cents: int, reason: str = "") -> None:
    """The opening float, or cash put in or taken out, with who, when and why."""
    staff.require(Role.CASHIER, "move cash")
    if amount_cents <= 0:
        raise InvalidAmount(format_plain(amount_cents))
    if kind is not CashMovementKind.FLOAT and not reason.strip():
        raise CashReasonMissing()
    check_reason(reason)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        session = ensure_till_open(uow, ctx.signer, till, staff, now)
        if kind is CashMovementKind.OUT:
            check_drawer(uow, session, amount_cents)
        movement = CashMoved(new_id(), kind, amount_cents, reason.strip(), staff.id, session,
                             now)
        uow.closures.add_cash_movement(movement.id, till.id, kind, amount_cents,
                                       movement.reason, staff.id, now, session.id)
        record_change(uow, ctx.signer, till.id, now, movement)
        uow.commit()


def x_reading(ctx: Context) -> Reading:
    """What a Z would record now; changes nothing. A closed till has nothing since its Z."""
    with ctx.uow(write=False) as uow:
        return _x_reading(uow, local_till(uow), ctx.clock.now())


def _x_reading(uow: UnitOfWork, till: Till, now: datetime) -> Reading:
    session = uow.tills.latest_session(till.id)
    if session is not None and session.state is TillState.CLOSED:
        session = None
    return _reading(uow, till, now, uow.closures.last(till.id, ClosureKind.Z), session)


def start_closure(ctx: Context, staff: StaffMember) -> Reading:
    """R6: the till turns "closing" (yellow) until the Z is finished, even if the
    program stops in between; the figures to count against come back."""
    staff.require(Role.MANAGER, "close the till")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        session = _session_to_close(uow, till)
        _check_no_money_in_progress(uow, till)
        uow.tills.start_closing(session.id, now)
        reading = _reading(uow, till, now, uow.closures.last(till.id, ClosureKind.Z), session)
        uow.commit()
    return reading


@dataclass(frozen=True, slots=True)
class ClosureResult:
    closure: Closure
    reading: Reading
    made_alongside: tuple[Closure, ...]  # the monthly and yearly closures it brought


def finish_closure(ctx: Context, staff: StaffMember, counted_cents: int | None = None,
                   count: CashCount | None = None, reason: str = "") -> ClosureResult:
    """The Z: figures, cash counted against expected, grand totals; the till closes.
    When the Z is the first of a new month (or year), the month (and year) before are
    closed first. The till's rules (domain/policy.py) hold: counting blind, the counted
    cash must be said; a gap beyond the threshold needs `reason`, kept in the Z."""
    staff.require(Role.MANAGER, "close the till")
    check_reason(reason)
    reason = reason.strip()
    now = ctx.clock.now()
    with ctx.uow() as uow:
        policy = policy_in(uow)
        till = local_till(uow)
        session = _session_to_close(uow, till)
        if session.closing_started_at is None:
            uow.tills.start_closing(session.id, now)
        _check_no_money_in_progress(uow, till)
        previous = uow.closures.last(till.id, ClosureKind.Z)
        reading = _reading(uow, till, now, previous, session)
        journal_cents, journal_absolute, _count = uow.journal.range_totals(
            till.id, Chain.ORDER, reading.first_entry, reading.last_entry)
        if (journal_cents, journal_absolute) != (reading.takings_cents,
                                                 reading.takings_absolute_cents):
            raise JournalMismatch(reading.takings_cents, journal_cents)
        counted = counted_cash(reading.expected_cash_cents, counted_cents, count,
                               blind=policy.blind_count)
        gap = counted - reading.expected_cash_cents
        if policy.gap_needs_reason(gap) and not reason:
            raise GapReasonMissing(gap, policy.gap_reason_from_cents)
        alongside = _close_periods(uow, ctx.signer, till, staff, previous, now)
        # The heads the Z records: its monthly and yearly closures are in the closure
        # chain already; what the Z's own writing adds (its entry, a clock jump or key
        # announcement first, its note in the event journal) comes after them.
        reading = replace(reading, heads=_heads(uow, till))
        totals = (NO_TOTALS if previous is None else previous.totals).then(
            reading.takings_cents, reading.takings_absolute_cents)
        number = 1 if previous is None else previous.number + 1
        methods = _method_figures(reading, counted)
        change = ZClosed(new_id(), number, reading, staff.id, totals, methods, counted, count,
                         reason)
        entry = record_change(uow, ctx.signer, till.id, now, change)
        assert entry is not None  # a Z is always journaled
        closure = Closure(change.closure_id, till.id, ClosureKind.Z, number,
                          reading.period_start, now, staff.id, reading.orders, totals,
                          reading.expected_cash_cents, counted, entry.number,
                          reading.first_entry, reading.last_entry, gap_reason=reason)
        uow.closures.add(closure, methods, count, session.id)
        uow.tills.close_session(session.id, now)
        uow.commit()
    return ClosureResult(closure, reading, alongside)


def abandon_closure(ctx: Context, staff: StaffMember) -> None:
    """A closure started and not to be finished now (a manager): the till is open again,
    its session going on as before, and the event journal says who gave it up and when
    it had been started."""
    from pos_app.domain.journal import Event
    from pos_app.services.journal import record_event

    staff.require(Role.MANAGER, "abandon a closure")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        session = uow.tills.latest_session(till.id)
        if session is None or session.state is not TillState.CLOSING:
            raise NoClosureStarted()
        assert session.closing_started_at is not None  # closing: it was started
        uow.tills.stop_closing(session.id)
        record_event(uow, ctx.signer, till.id, now, Event.CLOSURE_ABANDONED, staff.id,
                     session=session.number,
                     started_at=journal_time(session.closing_started_at))
        uow.commit()


def closures_between(ctx: Context, start: datetime, end: datetime) -> list[Closure]:
    """R6: the closures that ended in [start, end), oldest first."""
    with ctx.uow(write=False) as uow:
        return uow.closures.between(local_till(uow).id, start, end)


def closure_methods(ctx: Context, closure_id: str) -> list[tuple[str, int, int]]:
    with ctx.uow(write=False) as uow:
        return uow.closures.method_figures(closure_id)


# -- the pieces -----------------------------------------------------------------------------


def _check_no_money_in_progress(uow: UnitOfWork, till: Till) -> None:
    """A sale in progress that holds real payments: money in the drawer the Z would not
    count. It is finished, or its payments handed back, first."""
    draft = uow.drafts.current(till.id)
    if draft is not None and draft.payments and not draft.training:
        raise DraftHoldsPayments(draft.paid_cents)


def _session_to_close(uow: UnitOfWork, till: Till) -> TillSession:
    session = uow.tills.latest_session(till.id)
    if session is None or session.state is TillState.CLOSED:
        raise NothingToClose()
    return session


def _reading(uow: UnitOfWork, till: Till, now: datetime, previous: Closure | None,
             session: TillSession | None) -> Reading:
    """What was recorded in `session` (None: nothing since the `previous` Z)."""
    after = None if previous is None else previous.period_end
    takings = NO_TAKINGS if session is None else uow.closures.takings(session.id)
    methods, cash = _money(uow, session)
    head = uow.journal.head(till.id, Chain.ORDER)
    first = 1 if previous is None else previous.last_entry + 1
    return Reading(till.id, 0 if session is None else session.number, after, now, takings,
                   methods, cash, first, first - 1 if head is None or session is None
                   else head.number, tuple(uow.sync.acknowledgements(till.id)),
                   _heads(uow, till), till)


def _heads(uow: UnitOfWork, till: Till) -> tuple[JournalRef, ...]:
    """Every chain's head as it stands, by chain name."""
    return tuple(JournalRef(chain, head.number, head.hash)
                 for chain, head in sorted(uow.journal.heads(till.id).items()))


def _money(uow: UnitOfWork, session: TillSession | None
           ) -> tuple[tuple[MethodTotal, ...], CashFigures]:
    """Per method what came in and went back in `session`, and the drawer."""
    payments, refunds, moved = [], {}, {}
    if session is not None:
        payments = uow.closures.payments(session.id)
        refunds = uow.closures.refunds(session.id)
        moved = uow.closures.cash_movements(session.id)
    tendered = {code: (amount, change) for code, amount, change in payments}
    methods: list[MethodTotal] = []
    cash_taken = cash_change = cash_refunded = 0
    for code in sorted(tendered.keys() | refunds.keys()):
        method = uow.payment_methods.get(code)
        amount, change = tendered.get(code, (0, 0))
        refunded = refunds.get(code, 0)
        gives_change = method is not None and method.gives_change
        methods.append(MethodTotal(code, code if method is None else method.label,
                                   gives_change, amount - change, refunded))
        if gives_change:
            cash_taken, cash_change = cash_taken + amount, cash_change + change
            cash_refunded += refunded
    return tuple(methods), CashFigures(
        moved.get(CashMovementKind.FLOAT, 0), cash_taken, cash_change,
        moved.get(CashMovementKind.IN, 0), moved.get(CashMovementKind.OUT, 0), cash_refunded)


def check_drawer(uow: UnitOfWork, session: TillSession | None, out_cents: int) -> None:
    """Cash cannot go out (a refund, a withdrawal) beyond what the drawer holds by the
    till's count: it could not be handed over, and the Z would expect a negative drawer."""
    held = _money(uow, session)[1].expected_cents
    if out_cents > held:
        raise NotInTheDrawer(out_cents, max(held, 0))


def _method_figures(reading: Reading, counted: int) -> list[tuple[str, int, int]]:
    """(method, expected, counted) per method: cash is counted (its expected figure
    includes the float, movements and cash refunds); other methods count as expected."""
    figures = [(m.method_code, m.net_cents, m.net_cents) for m in reading.methods
               if not m.gives_change]
    cash_codes = [m.method_code for m in reading.methods if m.gives_change]
    figures.append((cash_codes[0] if cash_codes else "cash", reading.expected_cash_cents,
                    counted))
    return sorted(figures)


def _close_periods(uow: UnitOfWork, signer: Signer, till: Till, staff: StaffMember,
                   last_z: Closure | None, now: datetime) -> tuple[Closure, ...]:
    """At the first Z of a later month, the Zs since the last monthly closure are closed
    as the month of the last of them (and at the first Z of a later year, the months as
    a year), before the Z itself. A month (year) is closed once: a clock set back to an
    earlier month, or one that ran ahead and closed it early, closes nothing more."""
    if last_z is None:
        return ()
    month = _close_if_over(uow, signer, till, staff, ClosureKind.MONTH, ClosureKind.Z, now,
                           local_month)
    if month is None:
        return ()
    year = _close_if_over(uow, signer, till, staff, ClosureKind.YEAR, ClosureKind.MONTH, now,
                          lambda moment: local_month(moment)[:1])
    return (month,) if year is None else (month, year)


def _close_if_over(uow: UnitOfWork, signer: Signer, till: Till, staff: StaffMember,
                   kind: ClosureKind, part: ClosureKind, now: datetime,
                   period_of: Callable[[datetime], tuple[int, ...]]) -> Closure | None:
    """The month (year) of the Zs (months) not closed yet, when `now` is past it. It is
    the latest of their periods (a Z made while the clock was set back does not take the
    month back), and is closed only once."""
    previous = uow.closures.last(till.id, kind)
    parts = uow.closures.of_kind_after(till.id, part,
                                       0 if previous is None else previous.last_part)
    if not parts:
        return None
    end = max(item.period_end for item in parts)
    if period_of(now) <= period_of(end) or (
            previous is not None and period_of(end) <= period_of(previous.period_end)):
        return None
    return _close_period(uow, signer, till, staff, kind, part, end, now)


def _close_period(uow: UnitOfWork, signer: Signer, till: Till, staff: StaffMember,
                  kind: ClosureKind, part: ClosureKind, end: datetime,
                  now: datetime) -> Closure:
    """A monthly (yearly) closure: the Zs (months) since the previous one, by number."""
    previous = uow.closures.last(till.id, kind)
    start = None if previous is None else previous.period_end
    parts: Sequence[Closure] = uow.closures.of_kind_after(
        till.id, part, 0 if previous is None else previous.last_part)
    period = sum(p.totals.period_cents for p in parts)
    first, last = parts[0], parts[-1]
    totals = GrandTotals(period, last.totals.perpetual_cents,
                         last.totals.perpetual_absolute_cents)
    number = 1 if previous is None else previous.number + 1
    orders = sum(p.orders for p in parts)
    expected = sum(p.expected_cash_cents for p in parts)
    counted = sum(p.counted_cash_cents for p in parts)
    change = PeriodClosed(new_id(), kind, number, start, end, _label(kind, end), staff.id,
                          part, first.number, last.number, first.first_entry,
                          last.last_entry, orders, totals, expected, counted,
                          summed_figures(_bodies(uow, till, parts)))
    entry = record_change(uow, signer, till.id, now, change)
    assert entry is not None  # a closure is always journaled
    closure = Closure(change.closure_id, till.id, kind, number, start, end, staff.id, orders,
                      totals, expected, counted, entry.number, first.first_entry,
                      last.last_entry, first.number, last.number)
    uow.closures.add(closure, [], None, None)
    return closure


def _bodies(uow: UnitOfWork, till: Till, parts: Sequence[Closure]) -> list[dict[str, Any]]:
    """The parts' entries in the closure chain, as signed."""
    bodies = []
    for part in parts:
        entry = uow.journal.entry(till.id, Chain.CLOSURE, part.journal_number)
        if entry is None:
            raise JournalMismatch(part.totals.period_cents, 0)
        bodies.append(entry.payload)
    return bodies


def _label(kind: ClosureKind, end: datetime) -> str:
    year, month = local_month(end)
    return f"{year}-{month:02d}" if kind is ClosureKind.MONTH else str(year)


def record_x_reading(ctx: Context, staff: StaffMember | None) -> Reading:
    """An X reading shown to `staff` (None: from a terminal, without signing in): the
    reading, and in the event journal who read it, when, and its totals summary. The
    reading changes nothing else."""
    from pos_app.domain.journal import Event
    from pos_app.services.journal import record_event

    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        reading = _x_reading(uow, till, now)
        record_event(uow, ctx.signer, till.id, now, Event.X_READING,
                     None if staff is None else staff.id, session=reading.session,
                     orders=reading.orders, takings_cents=reading.takings_cents,
                     takings_absolute_cents=reading.takings_absolute_cents,
                     cancellations=reading.cancellations, returns=reading.returns,
                     expected_cash_cents=reading.expected_cash_cents)
        uow.commit()
    return reading
