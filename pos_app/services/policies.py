"""The till's rules (domain/policy.py): read by the use cases that obey them, changed by a
manager, each change journaled with the value it replaced in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_app.domain.journal import Event
from pos_app.domain.policy import TillPolicy, parse_policy, policy_from
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till
from pos_app.services.journal import record_event

if TYPE_CHECKING:
    from pos_app.services.ports import UnitOfWork


def till_policy(ctx: Context) -> TillPolicy:
    with ctx.uow(write=False) as uow:
        return policy_in(uow)


def policy_in(uow: UnitOfWork) -> TillPolicy:
    """The rules as kept, read inside the caller's transaction (a use case that obeys them
    decides on the same reading it writes under)."""
    return policy_from(uow.policies.kept())


def set_policy(ctx: Context, staff: StaffMember, name: str, value: str) -> TillPolicy:
    """Set one rule (a manager). The value is checked and kept in its normal form; the
    event journal says which rule, the new value and the one before."""
    staff.require(Role.MANAGER, "change the till's rules")
    text = parse_policy(name, value).as_text()[name]
    with ctx.uow() as uow:
        till = local_till(uow)
        before = policy_in(uow).as_text()[name]
        if text != before:
            uow.policies.keep(name, text)
            record_event(uow, ctx.signer, till.id, ctx.clock.now(), Event.SETTINGS_CHANGE,
                         staff.id, setting=f"policy.{name}", value=text, previous=before)
        policy = policy_in(uow)
        uow.commit()
    return policy
