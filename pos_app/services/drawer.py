"""The cash drawer: opened for a cash payment, or by a manager with a reason; a drawer
opened outside a sale is recorded in the event journal."""

from __future__ import annotations

from pos_app.domain.errors import CashReasonMissing
from pos_app.domain.journal import Event
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context
from pos_app.services.journal import record_event_alone
from pos_app.services.ports import CashDrawer


def open_for_payment(drawer: CashDrawer) -> None:
    """After a cash payment has committed: the sale is recorded, the drawer follows."""
    drawer.kick()


def open_drawer(ctx: Context, staff: StaffMember, drawer: CashDrawer, reason: str) -> None:
    """A manager opens the drawer outside a sale (change to make, a count): recorded
    first, then opened."""
    staff.require(Role.MANAGER, "open the cash drawer")
    if not reason.strip():
        raise CashReasonMissing()
    record_event_alone(ctx, Event.DRAWER_OPENED, staff.id, reason=reason.strip())
    drawer.kick()
