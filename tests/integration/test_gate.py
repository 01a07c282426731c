"""The gate (R11) through the services, with an injected clock: the verdict for a ticket
of this till, a pulled one or a token alone; validating (row and outbox record in one
transaction), refusing (kept and counted), voiding (final, journaled)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pos_app.adapters.clock import FrozenClock
from pos_app.domain.admission import AdmissionRule, Light, Reason, validity
from pos_app.domain.basket import Basket
from pos_app.domain.errors import NotAllowed
from pos_app.domain.gate import Outcome, TicketKey, TicketState
from pos_app.domain.journal import Chain
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.ticket import (
    Ticket,
    TicketClaims,
    encode_token,
    message_digest,
    new_reference,
    shown_reference,
    signed_message,
    whole_minute,
)
from pos_app.services import orders, selling
from pos_app.services.admissions import (
    Source,
    TicketAlreadyVoided,
    VoidReasonMissing,
    check_ticket,
    running_count,
    ticket_stats,
    validate_ticket,
    void_ticket,
)
from pos_app.services.context import Context
from pos_app.services.staff import sign_in
from pos_app.services.tickets import UnknownTicket
from tests.integration.test_tickets import sale, stored

CHECKER = StaffMember("s-checker", "controle", "Chloé Contrôle", Role.CHECKER)
# A 20:30 to 22:00 show (Paris, UTC+2), the nocturne's margins: 30 min before, 15 after.
SLOT = (datetime(2026, 7, 11, 18, 30, tzinfo=UTC), datetime(2026, 7, 11, 20, 0, tzinfo=UTC))
NOCTURNE = AdmissionRule(1, timedelta(minutes=30), timedelta(minutes=15))


def token_for(sign: Any, key_id: str, reference: str | None = None,
              entries: int | None = 1, product_id: str = "nocturne") -> str:
    start, end = validity(NOCTURNE, SLOT[0], UTC, SLOT)
    claims = TicketClaims(key_id, reference or new_reference(), product_id,
                          whole_minute(start), whole_minute(end), entries)
    message = signed_message(claims)
    return encode_token(message, sign(message_digest(message)))


def foreign_key() -> tuple[Ed25519PrivateKey, str, str]:
    """Another till's key: the private key, its public half (hex), its id as tokens say."""
    import hashlib

    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return private, public.hex(), hashlib.sha256(public).hexdigest()[:16]


def enrol(ctx: Context, public: str, key_id: str) -> None:
    with ctx.uow() as uow:
        uow.ticket_keys.save_many([TicketKey(key_id, public, "till-2", "Caisse 2")])
        uow.commit()


def own_ticket(ctx: Context, cashier: StaffMember, product: str = "spectacle-equestre"
               ) -> Ticket:
    order = sale(ctx, cashier, (product, 1))
    [ticket] = stored(ctx, order.id)
    return ticket


def records(ctx: Context, kind: str) -> list[dict[str, Any]]:
    with ctx.uow(write=False) as uow:
        return [json.loads(record.payload) for record in uow.outbox.waiting(1000)
                if record.kind == kind]


# -- the window, with the injected clock ---------------------------------------------------


@pytest.mark.parametrize(("at", "reason"), [
    (SLOT[0] - timedelta(minutes=31), Reason.TOO_EARLY),
    (SLOT[0] - timedelta(minutes=30), Reason.VALID),  # the margin before, its first minute
    (SLOT[1] + timedelta(minutes=14, seconds=59), Reason.VALID),  # the margin after
    (SLOT[1] + timedelta(minutes=15), Reason.EXPIRED),
])
def test_the_window_is_the_slot_with_its_margins(ctx: Context, clock: FrozenClock,
                                                 at: datetime, reason: Reason) -> None:
    token = token_for(ctx.signer.sign, ctx.signer.key_id)
    clock.current = at
    verdict = check_ticket(ctx, token)
    assert verdict.reason is reason and verdict.source is Source.TOKEN
    assert verdict.verdict.light is {Reason.VALID: Light.GREEN,
                                     Reason.TOO_EARLY: Light.ORANGE}.get(reason, Light.RED)


def test_a_ticket_of_the_day_admits_that_day_only(ctx: Context, clock: FrozenClock,
                                                  cashier: StaffMember) -> None:
    ticket = own_ticket(ctx, cashier)
    verdict = check_ticket(ctx, shown_reference(ticket.reference).lower())
    assert verdict.reason is Reason.VALID and verdict.source is Source.STORE
    assert verdict.product_name == "Spectacle équestre « Crinières de feu »"
    assert verdict.token == ticket.token
    clock.current = ticket.valid_until
    assert check_ticket(ctx, ticket.token).reason is Reason.EXPIRED


# -- entries ---------------------------------------------------------------------------------


def test_a_second_entry_on_a_single_entry_ticket_is_refused_and_kept(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    ticket = own_ticket(ctx, cashier)
    act = validate_ticket(ctx, CHECKER, ticket.token)
    assert act.validated and act.ticket is not None
    assert (act.ticket.entries_used, act.ticket.last_validated_at) == (1, clock.current)
    clock.advance(timedelta(minutes=5))
    again = validate_ticket(ctx, CHECKER, ticket.reference)
    assert not again.validated and again.verdict.reason is Reason.USED_UP
    assert again.validation.outcome is Outcome.REFUSED
    assert again.ticket is not None and again.ticket.entries_used == 1
    assert again.ticket.last_validated_at == clock.current - timedelta(minutes=5)
    [validated] = records(ctx, "ticket.validated")
    assert validated == {
        "id": act.validation.id, "reference": ticket.reference,
        "at": act.validation.at.isoformat(), "staff_id": CHECKER.id, "token": ticket.token,
        "till_id": act.validation.till_id, "product_id": "spectacle-equestre",
        "key_id": ticket.key_id}
    [refused] = records(ctx, "ticket.refused")
    assert refused["reason"] == "used_up" and refused["reference"] == ticket.reference
    [kept] = stored(ctx, ticket.order_id)
    assert kept.entries_used == 1  # the ticket's own count follows


def test_entries_counted_by_other_tills_count_here(ctx: Context, cashier: StaffMember) -> None:
    ticket = own_ticket(ctx, cashier, "concert-ete")  # two entries
    with ctx.uow() as uow:
        uow.ticket_states.save_many([TicketState(
            ticket.reference, ticket.product_id, ticket.order_id, ticket.valid_from,
            ticket.valid_until, 2, ticket.key_id, entries_elsewhere=1)])
        uow.commit()
    assert validate_ticket(ctx, CHECKER, ticket.reference).validated
    assert check_ticket(ctx, ticket.reference).reason is Reason.USED_UP


# -- voided, revoked, the order ------------------------------------------------------------


def test_a_voided_ticket_is_refused_saying_when(ctx: Context, cashier: StaffMember,
                                                clock: FrozenClock) -> None:
    ticket = own_ticket(ctx, cashier)
    with pytest.raises(NotAllowed):
        void_ticket(ctx, cashier, ticket.reference, "déchiré")
    with pytest.raises(VoidReasonMissing):
        void_ticket(ctx, CHECKER, ticket.reference, "  ")
    voided_at = clock.current
    void_ticket(ctx, CHECKER, ticket.reference, "Billet déchiré")
    clock.advance(timedelta(minutes=1))
    verdict = check_ticket(ctx, ticket.token)
    assert verdict.reason is Reason.VOIDED and verdict.verdict.since == voided_at
    with pytest.raises(TicketAlreadyVoided):
        void_ticket(ctx, CHECKER, ticket.reference, "encore")
    [voided] = records(ctx, "ticket.voided")
    assert voided["reason"] == "Billet déchiré" and voided["reference"] == ticket.reference
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        entry = uow.journal.last_event(till.id, "ticket_voided")
    assert entry is not None and entry.chain is Chain.EVENT
    assert entry.payload["jet"] == 420 and entry.payload["reference"] == ticket.reference
    [kept] = stored(ctx, ticket.order_id)
    assert (kept.voided_at, kept.void_reason) == (voided_at, "Billet déchiré")


def test_a_void_by_another_till_is_pulled_and_refused(ctx: Context,
                                                      cashier: StaffMember) -> None:
    private, public, key_id = foreign_key()
    enrol(ctx, public, key_id)
    token = token_for(private.sign, key_id)
    from pos_app.domain.ticket import read_token

    claims = read_token(token).claims
    with ctx.uow() as uow:
        uow.ticket_states.save_many([TicketState(
            claims.reference, claims.product_id, None, claims.valid_from, claims.valid_until,
            1, key_id, voided_at=SLOT[0])])
        uow.commit()
    assert check_ticket(ctx, token).reason is Reason.VOIDED


def test_a_ticket_of_a_cancelled_order_is_refused(ctx: Context, cashier: StaffMember,
                                                  manager: StaffMember) -> None:
    ticket = own_ticket(ctx, cashier)
    orders.cancel_order(ctx, manager, ticket.order_number, "météo")
    # Cancelling revokes its tickets: said with when.
    verdict = check_ticket(ctx, ticket.token)
    assert verdict.reason is Reason.REVOKED and verdict.verdict.since is not None


def test_a_ticket_of_a_refunded_place_is_refused(ctx: Context, cashier: StaffMember,
                                                 manager: StaffMember) -> None:
    ticket = own_ticket(ctx, cashier)
    orders.return_lines(ctx, manager, ticket.order_number, [(0, 1)], "absent")
    assert check_ticket(ctx, ticket.reference).reason is Reason.REVOKED


def test_a_ticket_of_an_unpaid_order_is_refused(ctx: Context, cashier: StaffMember) -> None:
    basket = Basket()
    selling.add_product(ctx, basket, "spectacle-equestre", 1)
    order = selling.sell(ctx, cashier, basket, validate_without_paying=True)
    [ticket] = stored(ctx, order.id)
    assert validate_ticket(ctx, CHECKER, ticket.reference).verdict.reason is (
        Reason.ORDER_UNPAID)


def test_a_ticket_revoked_before_the_last_pull_is_refused_offline(ctx: Context) -> None:
    private, public, key_id = foreign_key()
    enrol(ctx, public, key_id)
    token = token_for(private.sign, key_id)
    from pos_app.domain.ticket import read_token

    claims = read_token(token).claims
    with ctx.uow() as uow:
        uow.ticket_states.save_many([TicketState(
            claims.reference, claims.product_id, "order-elsewhere", claims.valid_from,
            claims.valid_until, 1, key_id, revoked_at=SLOT[0] - timedelta(days=1))])
        uow.commit()
    act = validate_ticket(ctx, CHECKER, token)
    assert not act.validated and act.verdict.reason is Reason.REVOKED
    assert act.verdict.source is Source.PULLED


# -- tokens ------------------------------------------------------------------------------------


def test_a_token_alone_by_an_enrolled_till_validates(ctx: Context, clock: FrozenClock) -> None:
    private, public, key_id = foreign_key()
    enrol(ctx, public, key_id)
    token = token_for(private.sign, key_id)
    clock.current = SLOT[0]
    act = validate_ticket(ctx, CHECKER, token)
    assert act.validated and act.verdict.source is Source.TOKEN
    assert act.verdict.product_name == "Nocturne aux flambeaux"
    [sent] = records(ctx, "ticket.validated")
    assert sent["token"] == token and sent["key_id"] == key_id
    assert check_ticket(ctx, token).reason is Reason.USED_UP


def test_forged_tokens_are_refused(ctx: Context, clock: FrozenClock) -> None:
    clock.current = SLOT[0]
    private, public, key_id = foreign_key()
    unknown = token_for(private.sign, key_id)  # its key enrolled nowhere
    assert check_ticket(ctx, unknown).reason is Reason.FORGED
    enrol(ctx, public, key_id)
    assert check_ticket(ctx, unknown).reason is Reason.VALID
    # Signed by one key, saying it is another's.
    stranger, _public, _id = foreign_key()
    assert check_ticket(ctx, token_for(stranger.sign, key_id)).reason is Reason.FORGED
    good = token_for(ctx.signer.sign, ctx.signer.key_id)
    assert check_ticket(ctx, good).reason is Reason.VALID
    for position in range(4, len(good)):
        changed = good[:position] + ("B" if good[position] != "B" else "C") + good[position + 1:]
        assert check_ticket(ctx, changed).reason is Reason.FORGED, position
    act = validate_ticket(ctx, CHECKER, unknown[:-1] + ("A" if unknown[-1] != "A" else "Q"))
    assert act.validation.outcome is Outcome.REFUSED and act.validation.reference is None
    [refused] = records(ctx, "ticket.refused")
    assert refused["reason"] == "forged" and "reference" not in refused


def test_an_unknown_reference_is_unknown_and_cannot_be_voided(ctx: Context) -> None:
    reference = new_reference()
    assert check_ticket(ctx, reference).reason is Reason.UNKNOWN
    assert check_ticket(ctx, "n'importe quoi").reason is Reason.UNKNOWN
    with pytest.raises(UnknownTicket):
        void_ticket(ctx, CHECKER, reference, "perdu")


# -- one transaction ---------------------------------------------------------------------------


def test_a_validation_that_fails_leaves_neither_row_nor_record(
        ctx: Context, cashier: StaffMember) -> None:
    ticket = own_ticket(ctx, cashier)
    with ctx.uow() as uow:  # the outbox refuses any new record: the transaction fails
        uow._db.execute(  # type: ignore[attr-defined]
            "CREATE TRIGGER no_outbox BEFORE INSERT ON outbox"
            " BEGIN SELECT RAISE(ABORT, 'outbox full'); END")
        uow.commit()
    with pytest.raises(sqlite3.IntegrityError):
        validate_ticket(ctx, CHECKER, ticket.reference)
    with ctx.uow() as uow:
        assert uow.ticket_validations.used(ticket.reference) == (0, None)
        uow._db.execute("DROP TRIGGER no_outbox")  # type: ignore[attr-defined]
        uow.commit()
    assert records(ctx, "ticket.validated") == []
    assert stored(ctx, ticket.order_id)[0].entries_used == 0
    assert validate_ticket(ctx, CHECKER, ticket.reference).validated


# -- counts -------------------------------------------------------------------------------------


def test_the_counts_and_the_statistics(ctx: Context, cashier: StaffMember,
                                       clock: FrozenClock) -> None:
    first = own_ticket(ctx, cashier)
    second = own_ticket(ctx, cashier, "nocturne")
    validate_ticket(ctx, CHECKER, first.reference)
    clock.advance(timedelta(hours=1))
    validate_ticket(ctx, CHECKER, second.reference)
    validate_ticket(ctx, CHECKER, second.reference)  # refused: used up
    validate_ticket(ctx, CHECKER, "TK1:AAAA")  # refused: forged
    count = running_count(ctx)
    assert (count.today, count.this_hour) == (2, 1)
    day = clock.current.astimezone(UTC).date()
    stats = ticket_stats(ctx, day, day)
    assert stats.entries == 2 and stats.per_day == ((day, 2),)
    assert [hour for hour, entries in stats.per_hour if entries] == [10, 11]  # Paris
    assert {(product, entries) for product, _name, entries in stats.per_product} == {
        ("spectacle-equestre", 1), ("nocturne", 1)}
    assert dict(stats.refusals) == {"used_up": 1, "forged": 1}


def test_a_checker_signs_in(ctx: Context) -> None:
    assert sign_in(ctx, "controle", "5678").role is Role.CHECKER


def test_a_pulled_ticket_typed_by_its_reference_validates_without_a_token(
        ctx: Context, clock: FrozenClock) -> None:
    reference = new_reference()
    start, end = validity(NOCTURNE, SLOT[0], UTC, SLOT)
    with ctx.uow() as uow:
        uow.ticket_states.save_many([TicketState(
            reference, "nocturne", "order-elsewhere", whole_minute(start), whole_minute(end),
            2, "0011223344556677", entries_elsewhere=1,
            last_validated_at=SLOT[0] - timedelta(minutes=10))])
        uow.commit()
    clock.current = SLOT[0]
    act = validate_ticket(ctx, CHECKER, shown_reference(reference))
    assert act.validated and act.verdict.source is Source.PULLED
    assert act.ticket is not None and act.ticket.entries_used == 2
    [sent] = records(ctx, "ticket.validated")
    assert sent["reference"] == reference and sent["token"] == ""
    assert check_ticket(ctx, reference).reason is Reason.USED_UP
