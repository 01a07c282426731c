"""Setting up a new store: the till it belongs to."""

from __future__ import annotations

from pos_app.domain.errors import DomainError
from pos_app.domain.ids import new_id
from pos_app.domain.journal import Event
from pos_app.domain.till import Till
from pos_app.services.context import Context
from pos_app.services.journal import record_event


class AlreadyInitialised(DomainError):
    def __init__(self, till: Till) -> None:
        super().__init__(f"this store already belongs to till {till.name!r} ({till.code})")
        self.till = till


def initialise_till(ctx: Context, name: str, code: str, point_of_sale: str,
                    order_prefix: str | None = None) -> Till:
    """Give an empty store its till; orders will be numbered `<prefix>000001` onwards."""
    with ctx.uow() as uow:
        existing = uow.tills.local()
        if existing is not None:
            raise AlreadyInitialised(existing)
        till = Till(new_id(), code, name, point_of_sale, order_prefix or f"CD{code}-")
        uow.tills.save(till)
        # The journal starts with the till (after its key's announcement).
        record_event(uow, ctx.signer, till.id, ctx.clock.now(), Event.TILL_CREATED,
                     code=till.code, name=till.name, point_of_sale=till.point_of_sale,
                     order_prefix=till.order_prefix)
        uow.commit()
    return till


def current_till(ctx: Context) -> Till | None:
    with ctx.uow(write=False) as uow:
        return uow.tills.local()
