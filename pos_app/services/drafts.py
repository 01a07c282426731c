"""The sale in progress, kept as it changes: the basket and its payer each time the
screen changes them, every payment the moment it is tendered. A till that stops in the
middle of a sale reopens it with what the customer already handed over; nothing of it is
in the fiscal journal until it is validated, as one order with those payments.

Abandoning a sale that holds payments is refused until they are given back; then the
event journal says what went back, and to whom it was handed (the staff member).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pos_app.domain.basket import Basket
from pos_app.domain.draft import Draft
from pos_app.domain.errors import ClosureInProgress, DraftHoldsPayments, NoDraft, SaleChanged
from pos_app.domain.ids import new_id
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till
from pos_app.services.discounts import check_discounts

if TYPE_CHECKING:  # the sale screen brings a sale back without the selling code
    from pos_app.domain.order import Order
    from pos_app.services.ports import UnitOfWork


def current_draft(ctx: Context) -> Draft | None:
    """The sale in progress at this till, as last kept (None: there is none)."""
    with ctx.uow(write=False) as uow:
        return uow.drafts.current(local_till(uow).id)


def keep_basket(ctx: Context, staff: StaffMember, basket: Basket, version: int,
                training: bool = False) -> Draft | None:
    """Keep the screen's basket (and payer) as the sale in progress. `version` numbers the
    screen's changes: an older one than what is kept changes nothing. An empty basket
    with nothing paid ends the sale in progress. While a Z is in progress (R6) a basket
    is not filled: what it sells would fall in no closure's count (a training basket
    sells nothing, and goes on)."""
    from pos_app.domain.till import TillState

    staff.require(Role.CASHIER, "sell")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        if not basket.is_empty and not training:
            session = uow.tills.latest_session(local_till(uow).id)
            if session is not None and session.state is TillState.CLOSING:
                raise ClosureInProgress()
        draft = _draft(uow, staff, now, training, create=not basket.is_empty)
        if draft is not None:
            check_discounts(uow, staff, basket, draft.basket)
        if draft is None or not draft.replace_basket(basket, version):
            return draft
        if draft.basket.is_empty and not draft.payments:
            uow.drafts.delete(draft.id)
            uow.commit()
            return None
        uow.drafts.save(draft)
        uow.commit()
    return draft


def tender(ctx: Context, staff: StaffMember, basket: Basket, version: int, method_code: str,
           amount_cents: int, training: bool = False,
           payment_id: str | None = None) -> Draft:
    """A payment handed over for the sale in progress, kept at once with the basket it
    pays (R5: settled against what is left; cash beyond it gives change). `payment_id`,
    when the caller names the payment, makes asking twice take it once."""
    from pos_app.services.selling import payment_method
    from pos_app.services.staff import ensure_till_open

    staff.require(Role.CASHIER, "take a payment")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        draft = _draft(uow, staff, now, training, create=True)
        assert draft is not None
        if payment_id is not None and any(p.id == payment_id for p in draft.payments):
            return draft  # taken already: the caller did not hear the answer
        if not draft.training:  # money goes in the drawer: the till is open, not closing
            ensure_till_open(uow, ctx.signer, local_till(uow), staff, now)
        check_discounts(uow, staff, basket, draft.basket)
        draft.replace_basket(basket, version)
        draft.tender(payment_method(uow, method_code), amount_cents,
                     payment_id or new_id(), now, staff.id)
        uow.drafts.save(draft)
        uow.commit()
    return draft


def untender(ctx: Context, staff: StaffMember) -> Draft:
    """Give back the last payment tendered (the customer changed their mind): money went
    into the drawer and out again, so the event journal says so."""
    from pos_app.domain.journal import Event
    from pos_app.services.journal import record_event

    staff.require(Role.CASHIER, "take a payment")
    with ctx.uow() as uow:
        till = local_till(uow)
        draft = uow.drafts.current(till.id)
        if draft is None:
            raise NoDraft()
        given_back = draft.undo()
        if given_back is not None:
            record_event(uow, ctx.signer, till.id, ctx.clock.now(), Event.PAYMENT_GIVEN_BACK,
                         staff.id, method=given_back.method_code,
                         amount_cents=given_back.amount_cents,
                         change_cents=given_back.change_cents, training=draft.training)
            uow.drafts.save(draft)
            uow.commit()
    return draft


def validate_draft(ctx: Context, staff: StaffMember, basket: Basket, version: int, *,
                   validate_without_paying: bool = False, training: bool = False,
                   postal_code: str | None = None) -> Order:
    """The sale in progress becomes an order with the payments tendered for it, and stops
    being in progress, in one transaction (R5: unpaid, it needs `validate_without_paying`;
    `postal_code`: the visitor's answer when the till asked, R12).
    The basket must be the one kept: changed elsewhere meanwhile, it is refused. A sale
    that holds payments is sold even in a session past its 24 hours (the money is in
    this session's drawer); a training sale stays one."""
    from pos_app.services.selling import record_sale

    kept = current_draft(ctx)
    kept_id = None if kept is None else kept.id

    def take(uow: UnitOfWork, order: Order, now: datetime) -> None:
        draft = _draft(uow, staff, now, training, create=kept is None)
        if draft is None or (kept_id is not None and draft.id != kept_id):
            raise SaleChanged()
        draft.replace_basket(basket, version)
        if (draft.basket.lines, draft.basket.payer_id, draft.basket.discount) != (
                list(basket.lines), basket.payer_id, basket.discount):
            raise SaleChanged()
        order.payments.extend(draft.payments)
        uow.drafts.delete(draft.id)

    return record_sale(ctx, staff, basket, take, validate_without_paying=validate_without_paying,
                       training=training if kept is None else kept.training,
                       even_overdue=kept is not None and bool(kept.payments),
                       kept=None if kept is None else kept.basket, postal_code=postal_code)


def abandon_draft(ctx: Context, staff: StaffMember, given_back: bool = False) -> None:
    """Give up the sale in progress. One that holds payments is given up only once they
    were handed back (`given_back`): the event journal records what went back."""
    from pos_app.domain.journal import Event
    from pos_app.services.journal import record_event

    staff.require(Role.CASHIER, "give up a sale")
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        draft = uow.drafts.current(till.id)
        if draft is None:
            return
        if draft.payments:
            if not given_back:
                raise DraftHoldsPayments(draft.paid_cents)
            record_event(uow, ctx.signer, till.id, now, Event.DRAFT_ABANDONED, staff.id,
                         total_cents=draft.total_cents, lines=len(draft.basket.lines),
                         training=draft.training,
                         given_back=[{"method": p.method_code, "amount_cents": p.amount_cents,
                                      "change_cents": p.change_cents} for p in draft.payments])
        uow.drafts.delete(draft.id)
        uow.commit()


def _draft(uow: UnitOfWork, staff: StaffMember, now: datetime, training: bool,
           create: bool) -> Draft | None:
    till = local_till(uow)
    draft = uow.drafts.current(till.id)
    if draft is None and create:
        draft = Draft(new_id(), till.id, staff.id, now, training=training)
    return draft
