"""Admission tickets (R11): issued with the sale, in its transaction, one per place of
each line of an admission product; revoked, in their transaction, by the cancellation
of their order or the return of their places; read back to be printed.

A ticket's token is signed with the till's key (the journal's: ports.Signer), so that a
gate that has never seen the ticket can still check it from its QR code. Training sales
issue no ticket: a token signed by the till would open a gate that never heard the sale
was a training one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache

from pos_app.domain.admission import validity
from pos_app.domain.errors import DomainError, UnknownOrder
from pos_app.domain.order import CreditNote, Order
from pos_app.domain.ticket import (
    Ticket,
    TicketClaims,
    encode_token,
    looks_like_reference,
    message_digest,
    new_reference,
    normalise_reference,
    shown_reference,
    signed_message,
    whole_minute,
)
from pos_app.services.context import Context
from pos_app.services.ports import Signer, UnitOfWork


class UnknownTicket(DomainError):
    def __init__(self, reference: str) -> None:
        super().__init__(f"no ticket {reference!r} on this till")
        self.reference = reference


@cache
def venue_zone() -> tzinfo:
    """Where the venue's days are counted: a ticket with no slot is valid its days of
    sale there."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


def issue_tickets(uow: UnitOfWork, signer: Signer, order: Order, now: datetime,
                  zone: tzinfo | None = None) -> list[Ticket]:
    """One ticket per place of each line of an admission product, written in `uow`'s
    transaction (the sale's): none for a training sale, nor for an order with no
    admission."""
    if order.training:
        return []
    rules = uow.catalogue.admissions(list({line.product_id for line in order.lines}))
    if not rules:
        return []
    key_id = signer.key_id
    issued: list[Ticket] = []
    for position, line in enumerate(order.lines):
        rule = rules.get(line.product_id)
        if rule is None:
            continue
        # A place in a slot: the slot with the product's margins; otherwise its days of
        # sale, as the venue's clock counts them.
        slot = (None if line.slot_start is None or line.slot_end is None
                else (line.slot_start, line.slot_end))
        start, end = validity(rule, now, zone or venue_zone(), slot)
        valid_from, valid_until = whole_minute(start), whole_minute(end)
        for unit in range(1, line.quantity + 1):
            claims = TicketClaims(key_id, new_reference(), line.product_id, valid_from,
                                  valid_until, rule.entries)
            message = signed_message(claims)
            token = encode_token(message, signer.sign(message_digest(message)))
            issued.append(Ticket(claims.reference, order.id, order.number, position, unit,
                                 line.product_id, valid_from, valid_until, rule.entries,
                                 token, key_id, now, order.till_id))
    uow.tickets.add_many(issued)
    return issued


def revoke_order_tickets(uow: UnitOfWork, order: Order, at: datetime) -> tuple[str, ...]:
    """A cancelled order's tickets admit no one from `at` on (in the cancellation's
    transaction); their references, which the cancellation's record carries to every
    device."""
    return tuple(uow.tickets.revoke_order(order.id, at))


def revoke_returned_places(uow: UnitOfWork, note: CreditNote,
                           at: datetime) -> tuple[str, ...]:
    """The tickets of the places a return took back (in the return's transaction): as
    many of each line's tickets as places returned; their references."""
    return tuple(reference for item in note.lines for reference in uow.tickets.revoke_places(
        note.order_id, item.position, item.line.quantity, at))


@dataclass(frozen=True, slots=True)
class OrderTickets:
    """What printing tickets needs: the order, and its tickets (all, or the one asked)."""

    order: Order
    tickets: tuple[Ticket, ...]
    payer_name: str | None
    venue_name: str


class TicketNotValid(DomainError):
    """Printing a ticket that admits no one any more would hand out a paper that fails
    at the gate."""

    def __init__(self, reference: str, why: str) -> None:
        super().__init__(f"ticket {shown_reference(reference)} {why}: it is not printed")
        self.reference = reference


class NoTickets(DomainError):
    def __init__(self, number: str, training: bool = False) -> None:
        super().__init__(f"order {number} is a training sale: it issued no tickets"
                         if training else
                         f"order {number} has no admission ticket that still admits")
        self.number = number


def tickets_to_print(ctx: Context, wanted: str) -> OrderTickets:
    """The tickets an order number or a ticket reference names: an order's tickets that
    still admit (neither revoked nor voided), or the one ticket asked, which must."""
    with ctx.uow(write=False) as uow:
        ticket = (uow.tickets.get(normalise_reference(wanted))
                  if looks_like_reference(wanted) else None)
        if ticket is not None:
            if ticket.revoked_at is not None:
                raise TicketNotValid(ticket.reference, "was revoked (its place was cancelled"
                                     " or returned)")
            if ticket.voided_at is not None:
                raise TicketNotValid(ticket.reference, "was voided")
            order = uow.orders.get_by_number(ticket.order_number)
            tickets: tuple[Ticket, ...] = (ticket,)
        else:
            # Not a ticket's reference here: an order's number (the two look nothing
            # alike, but an order number is never taken for a reference unheard of).
            order = uow.orders.get_by_number(wanted.strip())
            if order is None:
                raise (UnknownTicket(wanted) if looks_like_reference(wanted)
                       else UnknownOrder(wanted))
            tickets = tuple(ticket for ticket in uow.tickets.of_order(order.id)
                            if ticket.revoked_at is None and ticket.voided_at is None)
            if not tickets:
                raise NoTickets(order.number, order.training)
        if order is None:
            raise UnknownOrder(wanted)
        payer = uow.customers.get(order.payer_id) if order.payer_id else None
        venue = uow.tills.venue()
    return OrderTickets(order, tickets, None if payer is None else payer.display_name,
                        "" if venue is None else venue.name)
