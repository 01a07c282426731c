"""A ticket at the gate (R11): the verdict a checker sees, decided by rules taken in a
fixed order, the first that fails giving the reason:

1. the ticket is known here, or its token's signature holds (a ticket this device has
   not synced yet is checked from its QR code alone);
2. it is not voided, nor revoked (its order cancelled or refunded): said with when;
3. its order is not cancelled nor unpaid (when this device knows the order);
4. its product is one this checkpoint admits;
5. now is inside its validation window (its slot, with the product's margins before and
   after; the window is carried by the ticket, so a token alone knows it);
6. it has entries left: the validations this device knows, synced or not, count.

Green: let in (validating counts one entry). Orange: a genuine ticket, but not here or
not yet (another gate, come back at the time said). Red: refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum


class Light(StrEnum):
    GREEN = "green"
    ORANGE = "orange"
    RED = "red"


class Reason(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"  # not in the store, and no token (a typed reference)
    FORGED = "forged"  # a token whose signature does not hold, or by an unknown key
    VOIDED = "voided"
    REVOKED = "revoked"  # its order was cancelled or refunded (the revocation list)
    ORDER_CANCELLED = "order_cancelled"
    ORDER_UNPAID = "order_unpaid"
    WRONG_CHECKPOINT = "wrong_checkpoint"
    TOO_EARLY = "too_early"
    EXPIRED = "expired"
    USED_UP = "used_up"


LIGHTS = {Reason.VALID: Light.GREEN, Reason.WRONG_CHECKPOINT: Light.ORANGE,
          Reason.TOO_EARLY: Light.ORANGE}


class OrderState(StrEnum):
    PAID = "paid"
    UNPAID = "unpaid"  # validated but not (fully) paid yet
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What this device knows of a ticket: from its store, or from a verified token
    alone (then `order` is None: the order is not known here)."""

    reference: str
    product_id: str
    valid_from: datetime
    valid_until: datetime  # the first moment it no longer admits
    entries_allowed: int | None  # None: no limit
    order: OrderState | None = None
    voided_at: datetime | None = None
    revoked_at: datetime | None = None
    entries_used: int = 0  # every validation known here, synced or not
    last_validated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A gate: the products it admits (None: every product)."""

    products: Collection[str] | None = None

    def admits(self, product_id: str) -> bool:
        return self.products is None or product_id in self.products


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: Reason
    ticket: TicketFacts | None = None
    since: datetime | None = None  # when it was voided or revoked

    @property
    def light(self) -> Light:
        return LIGHTS.get(self.reason, Light.RED)

    @property
    def admits(self) -> bool:
        return self.reason is Reason.VALID


def judge(ticket: TicketFacts | None, now: datetime, checkpoint: Checkpoint = Checkpoint(),
          forged: bool = False) -> Verdict:
    """The verdict for `ticket` at `now` (`forged`: what was read was a token that does
    not hold; `ticket` None and not forged: nothing known by that reference)."""
    if ticket is None:
        return Verdict(Reason.FORGED if forged else Reason.UNKNOWN)
    if ticket.voided_at is not None:
        return Verdict(Reason.VOIDED, ticket, ticket.voided_at)
    if ticket.revoked_at is not None:
        return Verdict(Reason.REVOKED, ticket, ticket.revoked_at)
    if ticket.order is OrderState.CANCELLED:
        return Verdict(Reason.ORDER_CANCELLED, ticket)
    if ticket.order is OrderState.UNPAID:
        return Verdict(Reason.ORDER_UNPAID, ticket)
    if not checkpoint.admits(ticket.product_id):
        return Verdict(Reason.WRONG_CHECKPOINT, ticket)
    if now < ticket.valid_from:
        return Verdict(Reason.TOO_EARLY, ticket)
    if now >= ticket.valid_until:
        return Verdict(Reason.EXPIRED, ticket)
    if ticket.entries_allowed is not None and ticket.entries_used >= ticket.entries_allowed:
        return Verdict(Reason.USED_UP, ticket)
    return Verdict(Reason.VALID, ticket)


@dataclass(frozen=True, slots=True)
class AdmissionRule:
    """A product's admission settings: entries per ticket (None: no limit), the margins
    of its validation window around the slot, and for a ticket with no slot, how many
    days it is valid from its day of sale."""

    entries: int | None = 1
    before: timedelta = timedelta(minutes=30)
    after: timedelta = timedelta(minutes=30)
    days: int = 1


def validity(rule: AdmissionRule, sold_at: datetime, zone: tzinfo,
             slot: tuple[datetime, datetime] | None = None) -> tuple[datetime, datetime]:
    """The validation window (UTC) of a ticket sold at `sold_at`: its slot with the
    margins; with no slot, from the start of its day of sale to the end of the last day
    it is valid (days as the venue's clock in `zone` counts them). The end is the first
    moment it no longer admits."""
    if slot is not None:
        start, end = slot
        # In UTC first: margins are lengths of time, whatever the clocks do that night.
        return start.astimezone(UTC) - rule.before, end.astimezone(UTC) + rule.after
    day = sold_at.astimezone(zone).date()
    first = datetime.combine(day, time(0), zone)
    after_last = datetime.combine(day + timedelta(days=max(rule.days, 1)), time(0), zone)
    return first.astimezone(UTC), after_last.astimezone(UTC)


MAX_MARGIN_MINUTES = 24 * 60
MAX_DAYS = 366
AdmissionColumns = tuple[int | None, int | None, int | None, int | None]
NOT_AN_ADMISSION: AdmissionColumns = (None, None, None, None)


def admission_columns(rule: AdmissionRule | None) -> AdmissionColumns:
    """How a rule is stored and packed: entries (0: no limit), the margins in minutes,
    days; all None for a product that is not an admission."""
    if rule is None:
        return NOT_AN_ADMISSION
    return (rule.entries or 0, rule.before // timedelta(minutes=1),
            rule.after // timedelta(minutes=1), rule.days)


def admission_of(columns: tuple[int | None, ...] | list[int | None] | None
                 ) -> AdmissionRule | None:
    """The rule `admission_columns` gave (days None: not an admission)."""
    if columns is None:
        return None
    entries, before, after, days = columns
    if days is None:
        return None
    return AdmissionRule(entries or None, timedelta(minutes=before or 0),
                         timedelta(minutes=after or 0), days)
