"""The gate (R11): what a scanned QR code or a typed reference means for the visitor in
front of the checker, and the acts that follow: let in (validate), refuse, void.

A verdict is judged from what this till knows, without a network:

- one of its own tickets (`tickets`), with its order's state (cancelled, unpaid);
- the server's view of the venue's other tickets, as last pulled (`ticket_states`);
- or, for a ticket neither knows, the claims of its token alone, once its signature
  holds with this till's key (past or present: `till_keys`) or an enrolled till's
  (`ticket_keys`, pulled). A token that does not read, does not hold, or names a key
  no one here knows is forged.

Entries used = the validations the server holds from other tills (as last pulled) +
this till's own, synced or not. Voids made here count at once, as do revocations of
this till's own tickets.

Every validation and every refusal is written with its outbox record in one
transaction (a refusal is kept and counted); a void is also journaled (JET 420).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from pos_app.domain.admission import Checkpoint, OrderState, Reason, TicketFacts, Verdict, judge
from pos_app.domain.errors import DomainError, NotAllowed
from pos_app.domain.gate import Outcome, TicketConflict, Validation
from pos_app.domain.ids import new_id
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.ticket import (
    TicketClaims,
    TicketReferenceInvalid,
    TicketTokenInvalid,
    is_token,
    message_digest,
    normalise_reference,
    read_token,
)
from pos_app.services.changes import (
    TicketRefused,
    TicketValidated,
    TicketVoided,
    record_change,
)
from pos_app.services.context import Context, local_till
from pos_app.services.periods import day_bounds
from pos_app.services.ports import Signer, UnitOfWork
from pos_app.services.tickets import UnknownTicket, venue_zone

EVERY_PRODUCT = Checkpoint()  # a gate that admits every product


class Source(StrEnum):
    """Where a verdict's facts came from."""

    STORE = "store"  # one of this till's tickets
    PULLED = "pulled"  # the server's view, pulled
    TOKEN = "token"  # the token's signed claims alone
    NONE = "none"  # nothing: unknown, forged or unreadable


@dataclass(frozen=True, slots=True)
class GateVerdict:
    """A verdict with what the checker's screen shows beside it."""

    verdict: Verdict
    reference: str | None
    source: Source
    product_name: str | None = None
    token: str | None = None  # as scanned, or the stored ticket's
    key_id: str | None = None

    @property
    def reason(self) -> Reason:
        return self.verdict.reason

    @property
    def admits(self) -> bool:
        return self.verdict.admits

    @property
    def ticket(self) -> TicketFacts | None:
        return self.verdict.ticket


@dataclass(frozen=True, slots=True)
class GateAct:
    """What a validation did: `verdict` as judged before it; `validation` the row written
    (a refusal when the verdict did not admit); `ticket` the facts after it (one entry
    more, its time, when one was let in)."""

    verdict: GateVerdict
    validation: Validation

    @property
    def validated(self) -> bool:
        return self.validation.outcome is Outcome.VALIDATED

    @property
    def ticket(self) -> TicketFacts | None:
        facts = self.verdict.ticket
        if facts is None or not self.validated:
            return facts
        return replace(facts, entries_used=facts.entries_used + 1,
                       last_validated_at=self.validation.at)


class VoidReasonMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("a ticket is voided with a reason")


class TicketAlreadyVoided(DomainError):
    """A void is final: a second one changes nothing, and is said so."""

    def __init__(self, reference: str, at: datetime) -> None:
        super().__init__(f"ticket {reference} was already voided at {at.isoformat()}")
        self.reference = reference
        self.at = at


# -- the verdict ----------------------------------------------------------------------------


def _public_key(uow: UnitOfWork, key_id: str) -> str | None:
    """A key a token of this venue may be signed with: an enrolled till's (pulled), or
    one of this till's own, past or present."""
    return uow.ticket_keys.public_key(key_id) or uow.journal.keys().get(key_id)


def _verified(uow: UnitOfWork, signer: Signer, text: str) -> TicketClaims | None:
    """The claims of a token whose signature holds; None for any other (forged)."""
    try:
        read = read_token(text)
    except TicketTokenInvalid:
        return None
    public_key = _public_key(uow, read.claims.key_id)
    if public_key is None or not signer.verify(public_key, message_digest(read.message),
                                               read.signature):
        return None
    return read.claims


def _facts(uow: UnitOfWork, reference: str, claims: TicketClaims | None,
           ) -> tuple[TicketFacts | None, Source, str | None, str | None, str | None]:
    """What this till knows of `reference`: the facts, where from, the product's name,
    the ticket's token and its key (when known)."""
    view = uow.tickets.gate_view(reference)
    own, state = view.own, view.state
    used_here, last_here, voided_here = view.used_here, view.last_here, view.voided_here
    elsewhere = 0 if state is None else state.entries_elsewhere
    last_elsewhere = None if state is None else state.last_validated_at
    voids = [moment for moment in (voided_here, None if state is None else state.voided_at)
             if moment is not None]
    revoked = None if state is None else state.revoked_at
    name = view.product_name
    token: str | None = None
    order: OrderState | None = None
    # The ticket's own terms, from the first that knows them (built once: on the hot path).
    terms: tuple[str, datetime, datetime, int | None]
    if own is not None:
        order = (OrderState.CANCELLED if own.order_cancelled
                 else OrderState.UNPAID if own.left_to_pay_cents > 0 else OrderState.PAID)
        terms = (own.product_id, own.valid_from, own.valid_until, own.entries_allowed)
        if own.voided_at is not None:
            voids.append(own.voided_at)
        revoked = own.revoked_at or revoked
        token, key_id, source = own.token, own.key_id, Source.STORE
    elif state is not None:
        terms = (state.product_id, state.valid_from, state.valid_until, state.entries_allowed)
        key_id, source = state.key_id, Source.PULLED
    elif claims is not None:
        terms = (claims.product_id, claims.valid_from, claims.valid_until,
                 claims.entries_allowed)
        key_id, source = claims.key_id, Source.TOKEN
    else:
        return None, Source.NONE, None, None, None
    last = (last_here if last_elsewhere is None else last_elsewhere if last_here is None
            else max(last_here, last_elsewhere))
    facts = TicketFacts(reference, *terms, order=order,
                        voided_at=min(voids) if voids else None, revoked_at=revoked,
                        entries_used=elsewhere + used_here, last_validated_at=last)
    if name is None and source is Source.TOKEN:
        name = uow.catalogue.name(facts.product_id)
    return facts, source, name, token, key_id


def judge_text(uow: UnitOfWork, signer: Signer, text: str, now: datetime,
               checkpoint: Checkpoint = EVERY_PRODUCT) -> GateVerdict:
    """The verdict for what was scanned or typed, judged inside `uow`'s transaction."""
    stripped = text.strip()
    if is_token(stripped):
        claims = _verified(uow, signer, stripped)
        if claims is None:
            return GateVerdict(judge(None, now, checkpoint, forged=True), None, Source.NONE,
                               token=stripped)
        facts, source, name, _token, _key = _facts(uow, claims.reference, claims)
        return GateVerdict(judge(facts, now, checkpoint), claims.reference, source, name,
                           stripped, claims.key_id)
    try:
        reference = normalise_reference(stripped)
    except TicketReferenceInvalid:
        return GateVerdict(judge(None, now, checkpoint), None, Source.NONE)
    facts, source, name, token, key_id = _facts(uow, reference, None)
    return GateVerdict(judge(facts, now, checkpoint), reference, source, name, token, key_id)


def check_ticket(ctx: Context, text: str, checkpoint: Checkpoint = EVERY_PRODUCT
                 ) -> GateVerdict:
    """The verdict alone: nothing is written. Read outside a transaction (the gate's hot
    path): the ticket's view is one statement, and a key, once known, stays known."""
    with ctx.uow(write=False, snapshot=False) as uow:
        return judge_text(uow, ctx.signer, text, ctx.clock.now(), checkpoint)


# -- the acts -------------------------------------------------------------------------------


def validate_ticket(ctx: Context, staff: StaffMember, text: str,
                    checkpoint: Checkpoint = EVERY_PRODUCT) -> GateAct:
    """Let the visitor in if the verdict is green: the validation and its
    `ticket.validated` record in one transaction. Any other verdict writes a refusal and
    its `ticket.refused` record (kept and counted). Judged inside the write transaction,
    so that two gates of this till never let the same last entry in twice."""
    with ctx.uow() as uow:
        now = ctx.clock.now()
        till_id = local_till(uow).id
        verdict = judge_text(uow, ctx.signer, text, now, checkpoint)
        facts = verdict.ticket
        product_id = None if facts is None else facts.product_id
        if verdict.admits:
            assert verdict.reference is not None
            # A pulled ticket typed by its reference: this till holds no token for it.
            validation = Validation(new_id(), verdict.reference, now, Outcome.VALIDATED,
                                    None, staff.id, till_id, product_id, verdict.key_id,
                                    verdict.token or "")
            uow.ticket_validations.add(validation)
            uow.tickets.mark_validated(verdict.reference, now)
            record_change(uow, ctx.signer, till_id, now, TicketValidated(validation))
        else:
            validation = Validation(new_id(), verdict.reference, now, Outcome.REFUSED,
                                    verdict.reason.value, staff.id, till_id, product_id,
                                    verdict.key_id, verdict.token)
            uow.ticket_validations.add(validation)
            record_change(uow, ctx.signer, till_id, now, TicketRefused(validation))
        uow.commit()
    return GateAct(verdict, validation)


def may_void(staff: StaffMember) -> bool:
    """A checker at the gate or a manager voids a ticket; a cashier does not."""
    return staff.role is not Role.CASHIER


def void_ticket(ctx: Context, staff: StaffMember, text: str, reason: str) -> Validation:
    """Void a ticket, for good: dated, journaled (JET 420), sent as `ticket.voided`.
    The ticket must be known here (this till's, pulled, or a token that holds)."""
    if not may_void(staff):
        raise NotAllowed(staff.login, "void a ticket", "checker or manager")
    why = " ".join(reason.split())
    if not why:
        raise VoidReasonMissing()
    with ctx.uow() as uow:
        now = ctx.clock.now()
        till_id = local_till(uow).id
        verdict = judge_text(uow, ctx.signer, text, now)
        facts = verdict.ticket
        if facts is None or verdict.reference is None:
            raise UnknownTicket(text.strip())
        if facts.voided_at is not None:
            raise TicketAlreadyVoided(verdict.reference, facts.voided_at)
        validation = Validation(new_id(), verdict.reference, now, Outcome.VOIDED, why,
                                staff.id, till_id, facts.product_id, verdict.key_id,
                                verdict.token)
        uow.ticket_validations.add(validation)
        uow.tickets.mark_voided(verdict.reference, now, why)
        record_change(uow, ctx.signer, till_id, now, TicketVoided(validation))
        uow.commit()
    return validation


# -- counts and statistics --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunningCount:
    """The entries let in at this till today and in the current hour (the venue's clock)."""

    today: int
    this_hour: int


def running_count(ctx: Context, zone: tzinfo | None = None) -> RunningCount:
    now = ctx.clock.now().astimezone(zone or venue_zone())
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    with ctx.uow(write=False) as uow:
        return RunningCount(uow.ticket_validations.entries_since(day_start),
                            uow.ticket_validations.entries_since(hour_start))


@dataclass(frozen=True, slots=True)
class GateStats:
    """Entries let in at this till over a period (days as the venue counts them), per
    day, per hour of the day, per product; and refusals by reason."""

    first_day: date
    last_day: date
    per_day: tuple[tuple[date, int], ...]  # every day of the period, none left out
    per_hour: tuple[tuple[int, int], ...]  # 0 to 23
    per_product: tuple[tuple[str, str, int], ...]  # id, name, entries: most first
    refusals: tuple[tuple[str, int], ...]  # reason, count: most first
    voids: int

    @property
    def entries(self) -> int:
        return sum(count for _day, count in self.per_day)


def ticket_stats(ctx: Context, first_day: date, last_day: date,
                 zone: tzinfo | None = None) -> GateStats:
    """The gate's figures from `first_day` to `last_day`, both included."""
    where = zone or venue_zone()
    start, end = day_bounds(first_day, last_day, where)
    with ctx.uow(write=False) as uow:
        acts = uow.ticket_validations.between(start, end)
        days: Counter[date] = Counter()
        hours: Counter[int] = Counter()
        products: Counter[str] = Counter()
        refusals: Counter[str] = Counter()
        voids = 0
        for act in acts:
            if act.outcome is Outcome.VALIDATED:
                local = act.at.astimezone(where)
                days[local.date()] += 1
                hours[local.hour] += 1
                products[act.product_id or ""] += 1
            elif act.outcome is Outcome.REFUSED:
                refusals[act.reason or ""] += 1
            else:
                voids += 1
        names = {product_id: uow.catalogue.name(product_id) or product_id
                 for product_id in products}
    span = (last_day - first_day).days + 1
    every_day = [first_day + timedelta(days=offset) for offset in range(span)]
    return GateStats(first_day, last_day, tuple((day, days[day]) for day in every_day),
                     tuple((hour, hours[hour]) for hour in range(24)),
                     tuple((product_id, names[product_id], count)
                           for product_id, count in products.most_common()),
                     tuple(refusals.most_common()), voids)


def stats_rows(stats: GateStats) -> list[tuple[str, str, str, int]]:
    """The figures as rows (figure, key, label, count): day, hour, product, refusal,
    voided."""
    rows = [("day", day.isoformat(), "", count) for day, count in stats.per_day]
    rows += [("hour", f"{hour:02d}", "", count) for hour, count in stats.per_hour]
    rows += [("product", product_id, name, count)
             for product_id, name, count in stats.per_product]
    rows += [("refusal", reason, "", count) for reason, count in stats.refusals]
    rows.append(("voided", "", "", stats.voids))
    return rows


def stats_csv(stats: GateStats) -> str:
    """The figures as CSV (the CLI's `--csv`, the statistics window's export)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("figure", "key", "label", "count"))
    writer.writerows(stats_rows(stats))
    return out.getvalue()


def ticket_conflicts(ctx: Context) -> list[TicketConflict]:
    """The conflicts the server recorded between gates (as last pulled), newest first."""
    with ctx.uow(write=False) as uow:
        return uow.ticket_conflicts.all()
