"""Who may give a discount, and how much: the till's rules (domain/policy.py) applied to
a basket the screen (or the command line) hands over. The screen hides the buttons from
those who may not; this is the rule.

A discount already kept with the sale in progress was checked when it was kept: a
cashier may go on with a sale a manager discounted. A new one (or a changed one) must be
given by the staff member acting, whose role is at least the policy's `discount_role`.
Every discount, old or new, stays within the policy's `max_discount_percent`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_app.domain.discount import check_discount
from pos_app.domain.errors import NotAllowed
from pos_app.services.policies import policy_in

if TYPE_CHECKING:
    from pos_app.domain.basket import Basket, BasketLine
    from pos_app.domain.staff import Role, StaffMember
    from pos_app.services.ports import UnitOfWork


def check_discounts(uow: UnitOfWork, staff: StaffMember, basket: Basket,
                    kept: Basket | None) -> None:
    """Refuse the basket's discounts that the policy, or `staff`, does not allow; `kept`
    is the basket as kept before (None: nothing was)."""
    policy = policy_in(uow)
    known = set() if kept is None else {_said(line) for line in kept.lines
                                        if line.discount_cents}
    for line in basket.lines:
        if not line.discount_cents:
            continue
        check_discount(line.discount_cents, line.gross_cents, line.discount_reason,
                       policy.max_discount_percent)
        if _said(line) not in known:
            _may_give(staff, line.discount_by, policy.discount_role)
    discount = basket.discount
    if discount is not None:
        check_discount(basket.discount_cents, basket.subtotal_cents, discount.reason,
                       policy.max_discount_percent, discount.percent)
        if kept is None or kept.discount != discount:
            _may_give(staff, discount.by, policy.discount_role)


def _said(line: BasketLine) -> tuple[object, ...]:
    return (line.product_id, line.price_id, line.discount_cents, line.discount_reason,
            line.discount_by)


def _may_give(staff: StaffMember, by: str | None, role: Role) -> None:
    staff.require(role, "give a discount")
    if by != staff.id:  # a discount is given in one's own name
        raise NotAllowed(staff.login, "give a discount in another's name", role.value)
