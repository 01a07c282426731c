"""R11 at the gate (domain/admission.py): each rule in its order, with the clock given."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pos_app.domain.admission import (
    AdmissionRule,
    Checkpoint,
    Light,
    OrderState,
    Reason,
    TicketFacts,
    judge,
    validity,
)

PARIS = ZoneInfo("Europe/Paris")
RIDE = AdmissionRule(entries=1, before=timedelta(minutes=15), after=timedelta(minutes=10))
SLOT = (datetime(2026, 7, 14, 14, 0, tzinfo=PARIS), datetime(2026, 7, 14, 15, 0, tzinfo=PARIS))
SOLD = datetime(2026, 7, 10, 9, 0, tzinfo=UTC)


def ride(**changes: object) -> TicketFacts:
    start, end = validity(RIDE, SOLD, PARIS, SLOT)
    facts = TicketFacts("K7QM4XH92T", "balade-poney-1h", start, end, RIDE.entries,
                        OrderState.PAID)
    return replace(facts, **changes)  # type: ignore[arg-type]


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 7, 14, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(("now", "reason"), [
    (at(13, 44), Reason.TOO_EARLY),  # a minute before the 15-minute margin
    (at(13, 45), Reason.VALID),  # inside the margin before the slot
    (at(14, 30), Reason.VALID),
    (at(15, 9), Reason.VALID),  # inside the margin after it
    (at(15, 10), Reason.EXPIRED),  # the window's end no longer admits
])
def test_the_window_is_the_slot_with_its_margins(now: datetime, reason: Reason) -> None:
    assert judge(ride(), now).reason is reason


def test_a_single_entry_ticket_admits_once_then_is_used_up() -> None:
    assert judge(ride(entries_used=0), at(14)).admits
    used = judge(ride(entries_used=1, last_validated_at=at(14)), at(14, 5))
    assert used.reason is Reason.USED_UP and used.light is Light.RED
    assert used.ticket is not None and used.ticket.last_validated_at == at(14)
    assert judge(ride(entries_allowed=None, entries_used=40), at(14)).admits  # a pass


def test_voided_and_revoked_are_said_with_when_before_anything_else() -> None:
    voided = judge(ride(voided_at=at(11), order=OrderState.CANCELLED), at(20))
    assert (voided.reason, voided.since, voided.light) == (Reason.VOIDED, at(11), Light.RED)
    revoked = judge(ride(revoked_at=at(12), entries_used=1), at(14))
    assert (revoked.reason, revoked.since) == (Reason.REVOKED, at(12))


def test_the_order_of_a_cancelled_or_unpaid_sale_refuses_it() -> None:
    assert judge(ride(order=OrderState.CANCELLED), at(14)).reason is Reason.ORDER_CANCELLED
    assert judge(ride(order=OrderState.UNPAID), at(14)).reason is Reason.ORDER_UNPAID
    # A token alone: the order is not known on this device, the ticket is judged as signed.
    assert judge(ride(order=None), at(14)).admits


def test_another_gates_ticket_is_orange_before_its_time_is_checked() -> None:
    gate = Checkpoint(products={"visite-guidee"})
    verdict = judge(ride(), at(9), gate)
    assert (verdict.reason, verdict.light) == (Reason.WRONG_CHECKPOINT, Light.ORANGE)
    assert judge(ride(), at(9)).light is Light.ORANGE  # too early: come back later
    assert judge(ride(product_id="visite-guidee"), at(14), gate).reason is Reason.VALID


def test_nothing_known_and_a_forged_token_are_red() -> None:
    assert judge(None, at(14)).reason is Reason.UNKNOWN
    assert judge(None, at(14), forged=True).reason is Reason.FORGED
    assert judge(None, at(14)).light is Light.RED


def test_a_ticket_without_slot_is_valid_its_days_of_sale_in_the_venues_time() -> None:
    late = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 in Paris, the 28th
    start, end = validity(AdmissionRule(days=2), late, PARIS)
    assert start == datetime(2026, 3, 28, 0, 0, tzinfo=PARIS)
    # The 29th is the day clocks go forward: the window ends at midnight all the same.
    assert end == datetime(2026, 3, 30, 0, 0, tzinfo=PARIS)
    assert (end - start) == timedelta(hours=47)
