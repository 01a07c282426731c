"""The cash drawer: opened after a payment in a method that opens it, or by a manager
with a reason; every opening sent to the drawer is recorded in the event journal with
whether it reached it (a manager's with who and why)."""

from __future__ import annotations

from pos_app.domain.errors import CashReasonMissing
from pos_app.domain.journal import Event
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context
from pos_app.services.journal import record_event_alone
from pos_app.services.ports import CashDrawer, PrinterUnavailable


def open_for_payment(drawer: CashDrawer) -> None:
    """After a cash payment has committed: the sale is recorded, the drawer follows."""
    drawer.kick()


def open_drawer(ctx: Context, staff: StaffMember, drawer: CashDrawer, reason: str) -> None:
    """A manager opens the drawer outside a sale (change to make, a count): journaled
    with who, why and whether it opened (`reached`, and the printer's `problem` when it
    did not: an opening that failed is never journaled as one that happened); a failure
    is then raised on. `drawer.kick` must wait for the outcome (the device thread's
    `DeviceWorker.waited_drawer`)."""
    staff.require(Role.MANAGER, "open the cash drawer")
    if not reason.strip():
        raise CashReasonMissing()
    try:
        drawer.kick()
    except (PrinterUnavailable, ValueError) as error:
        record_event_alone(ctx, Event.DRAWER_OPENED, staff.id, reason=reason.strip(),
                           reached=False, problem=getattr(error, "detail", str(error)))
        raise
    record_event_alone(ctx, Event.DRAWER_OPENED, staff.id, reason=reason.strip(),
                       reached=True, problem=None)


def kick_drawer(ctx: Context, drawer: CashDrawer) -> None:
    """Send `drawer` its opening and journal whether it took it (`reached`, and the
    printer's `problem` when it did not); a failure is then raised on."""
    try:
        drawer.kick()
    except (PrinterUnavailable, ValueError) as error:
        record_event_alone(ctx, Event.DRAWER_KICK, reached=False,
                           problem=getattr(error, "detail", str(error)))
        raise
    record_event_alone(ctx, Event.DRAWER_KICK, reached=True, problem=None)

