"""Writing and checking the fiscal journal (domain/journal.py; docs/fiscal.md).

Entries are written inside the unit of work of the action they record, so an action
and its journal entry commit together or not at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

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
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.vat import split_vat
from pos_app.services.context import Context, local_till

if TYPE_CHECKING:  # signing in writes an entry: it does not wait for the orders' code
    from pos_app.domain.order import Cancellation, Order
    from pos_app.domain.payment import Payment
    from pos_app.domain.till import Till
    from pos_app.services.ports import JournalRepository, Signer, UnitOfWork


def append(uow: UnitOfWork, signer: Signer, till_id: str, chain: Chain, at: datetime,
           payload: dict[str, Any], amount_cents: int = 0) -> JournalEntry:
    """Add a signed entry to `chain`, in `uow`'s transaction. A signing key the store has
    not seen yet is first recorded, and announced in the event journal."""
    journal = uow.journal
    if journal.register_key(signer.key_id, signer.public_key, at):
        _add(journal, signer, till_id, Chain.EVENT, at,
             {"event": Event.KEY_CREATED.value, "key_id": signer.key_id,
              "public_key": signer.public_key}, 0)
    return _add(journal, signer, till_id, chain, at, payload, amount_cents)


def _add(journal: JournalRepository, signer: Signer, till_id: str, chain: Chain,
         at: datetime, payload: dict[str, Any], amount_cents: int) -> JournalEntry:
    entry = next_entry(journal.head(till_id, chain), till_id, chain, at, amount_cents,
                       payload, signer.sign, signer.key_id)
    journal.add(entry)
    return entry


def record_event(uow: UnitOfWork, signer: Signer, till_id: str, at: datetime,
                 event: Event, staff_id: str | None = None, **details: Any) -> JournalEntry:
    """An entry of the event journal (JET): what happened, who did it, the details."""
    return append(uow, signer, till_id, Chain.EVENT, at,
                  {"event": event.value, "staff_id": staff_id, **details})


CLOCK_TOLERANCE = timedelta(minutes=2)  # clocks drift and get corrected: this is a jump


def record_start(ctx: Context, version: str) -> None:
    """The till program started (JET). A version other than the last start's, and a
    clock earlier than the journal's newest entry, are recorded first."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = uow.tills.local()
        if till is None:
            return  # not set up yet: there is no journal to write to
        newest = uow.journal.latest_time(till.id)
        if newest is not None and now < from_journal_time(newest) - CLOCK_TOLERANCE:
            record_event(uow, ctx.signer, till.id, now, Event.CLOCK_JUMP,
                         newest_entry=newest, clock=journal_time(now))
        previous = uow.journal.last_event(till.id, Event.START)
        before = None if previous is None else previous.payload.get("version")
        if before is not None and before != version:
            record_event(uow, ctx.signer, till.id, now, Event.SOFTWARE_VERSION,
                         previous=before, version=version)
        record_event(uow, ctx.signer, till.id, now, Event.START, version=version)
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


# -- what the order chain says -------------------------------------------------------------


def sale_record(order: Order, till: Till) -> dict[str, Any]:
    """What French law lists for a sale: number, till, lines (label, quantity, unit
    price, VAT rate, amount without VAT), amount without VAT and VAT per rate, total,
    and how it was paid. The time is the entry's own, to the second."""
    lines = []
    for line in order.lines:
        split = split_vat(line.total_cents, line.vat_rate)
        lines.append({"label": line.label, "price_label": line.price_label,
                      "quantity": line.quantity, "unit_price_cents": line.unit_price_cents,
                      "vat_rate_bp": int(line.vat_rate), "total_cents": line.total_cents,
                      "total_excl_cents": split.excl_cents})
    vat = order.vat()
    return {
        "kind": "sale",
        "order_id": order.id,
        "number": order.number,
        "till": {"id": till.id, "code": till.code, "name": till.name,
                 "point_of_sale": till.point_of_sale},
        "staff_id": order.staff_id,
        "lines": lines,
        "vat": [{"rate_bp": int(line.rate), "excl_cents": line.excl_cents,
                 "vat_cents": line.vat_cents, "total_cents": line.total_cents}
                for line in vat],
        "total_excl_cents": sum(line.excl_cents for line in vat),
        "total_cents": order.total_cents,
        "payments": [_payment(payment) for payment in order.payments],
    }


def cancellation_record(order: Order, cancellation: Cancellation) -> dict[str, Any]:
    """A correction: the sale's amounts, negative, pointing at the sale it cancels."""
    vat = order.vat()
    return {
        "kind": "cancellation",
        "cancels": {"order_id": order.id, "number": order.number},
        "staff_id": cancellation.by_staff_id,
        "reason": cancellation.reason,
        "vat": [{"rate_bp": int(line.rate), "excl_cents": -line.excl_cents,
                 "vat_cents": -line.vat_cents, "total_cents": -line.total_cents}
                for line in vat],
        "total_excl_cents": -sum(line.excl_cents for line in vat),
        "total_cents": -order.total_cents,
    }


def payment_record(order: Order, payment: Payment) -> dict[str, Any]:
    """A payment taken after the sale: it settles, it adds nothing to the takings."""
    return {"kind": "payment", "order_id": order.id, "number": order.number,
            "staff_id": payment.staff_id, **_payment(payment)}


def _payment(payment: Payment) -> dict[str, Any]:
    return {"id": payment.id, "method": payment.method_code,
            "amount_cents": payment.amount_cents, "change_cents": payment.change_cents}


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
        for chain in uow.journal.chains(till.id):
            count, problem = verify_chain(till.id, chain, uow.journal.rows(till.id, chain),
                                          check, heads.get(chain), every_signature)
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
    report = JournalReport(entries, problems, location)
    if (record_failure and problems
            and not any(problem.chain == Chain.EVENT for problem in problems)):
        _record_failure(ctx, till.id, problems)
    return report


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
