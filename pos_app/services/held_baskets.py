"""Baskets on hold: the cashier sets the basket being served aside under a name, serves
the next customer, and takes it up again later, at the same till, even after a restart.

A basket on hold is the sale in progress's own record (services/drafts.py), named and set
aside: its lines and payer are kept exactly as they were; the till's sale in progress is
the one record not on hold. Holding, taking up and deleting one are not fiscal events and
write no journal entry: nothing was sold, nothing was paid. (Giving up a sale in progress
is journaled only when payments had to be handed back, `drafts.abandon_draft`; a basket
on hold never holds any, so deleting one is not journaled either.)

**A basket that already received a payment is not put on hold** (`PaidBasketNotHeld`):
that money is in this session's drawer for a sale not yet made. The Z refuses to close
while the sale in progress holds payments (services/closures.py); set aside, the basket
would either hide that money from the Z or hold the closure hostage to a customer who
may never come back, and taken up after the Z it would carry money from one session into
the next. The cashier finishes that sale (pays the rest, or validates it unpaid), or
gives the payments back, first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_app.domain.draft import Draft
from pos_app.domain.errors import PaidBasketNotHeld, SaleInProgress, UnknownHeldBasket
from pos_app.domain.held_basket import HeldBasket, first_free_name, held_name
from pos_app.domain.ids import new_id
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till
from pos_app.services.discounts import check_discounts

if TYPE_CHECKING:
    from pos_app.domain.basket import Basket

DEFAULT_NAME = "Panier {n}"  # a basket held with no name typed: Panier 1, Panier 2…


def held_baskets(ctx: Context, training: bool = False) -> list[HeldBasket]:
    """The baskets on hold at this till, the longest waiting first (in training mode,
    the training ones, and only those)."""
    with ctx.uow(write=False) as uow:
        return uow.held_baskets.waiting(local_till(uow).id, training)


def hold_basket(ctx: Context, staff: StaffMember, basket: Basket, version: int, name: str,
                training: bool = False) -> HeldBasket:
    """Set the basket on the screen aside under `name` (none typed: the first free
    "Panier n"); the till has no sale in progress afterwards. `version` numbers the
    screen's change, as `drafts.keep_basket` does."""
    staff.require(Role.CASHIER, "put a basket on hold")
    name = held_name(name)
    basket.check_not_empty()
    now = ctx.clock.now()
    with ctx.uow() as uow:
        till = local_till(uow)
        draft = uow.drafts.current(till.id)
        if draft is None:
            draft = Draft(new_id(), till.id, staff.id, now, training=training)
        if draft.payments:
            raise PaidBasketNotHeld(draft.paid_cents)
        # Held, then taken up, its discounts count as kept: they are checked on the way in.
        check_discounts(uow, staff, basket, draft.basket)
        draft.replace_basket(basket, version)
        if not name:
            name = first_free_name(DEFAULT_NAME, uow.held_baskets.names(till.id))
        uow.drafts.save(draft)
        uow.held_baskets.hold(draft.id, name, now, staff.id)
        uow.commit()
    return HeldBasket(draft.id, name, now, staff.id, staff.display_name, draft.started_at,
                      draft.basket, draft.training)


def take_up_basket(ctx: Context, staff: StaffMember, held_id: str, version: int) -> Draft:
    """The basket on hold `held_id` becomes the till's sale in progress again, its saves
    numbered from `version` on. Refused while another sale is in progress (it is put on
    hold, or finished, first): nothing the cashier typed is ever dropped."""
    staff.require(Role.CASHIER, "sell")
    with ctx.uow() as uow:
        till = local_till(uow)
        current = uow.drafts.current(till.id)
        if current is not None:
            if current.basket.lines or current.payments:
                raise SaleInProgress(len(current.basket.lines))
            uow.drafts.delete(current.id)  # an empty leftover: nothing in it to keep
        if not uow.held_baskets.is_held(held_id, till.id):
            raise UnknownHeldBasket(held_id)
        uow.held_baskets.take_up(held_id, version)
        draft = uow.drafts.get(held_id)
        assert draft is not None  # read in the same transaction
        uow.commit()
    return draft


def delete_held_basket(ctx: Context, staff: StaffMember, held_id: str) -> None:
    """Give up a basket on hold (the customer left): its lines go; nothing was paid for
    it, so nothing is journaled (as for emptying a basket with nothing paid)."""
    staff.require(Role.CASHIER, "give up a sale")
    with ctx.uow() as uow:
        if not uow.held_baskets.is_held(held_id, local_till(uow).id):
            raise UnknownHeldBasket(held_id)
        uow.drafts.delete(held_id)
        uow.commit()
