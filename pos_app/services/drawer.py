"""The cash drawer: opened for a cash payment, or by a manager with a reason; a drawer
opened outside a sale is recorded in the event journal, and so is every opening sent to
the drawer, with whether it reached it."""

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
    """A manager opens the drawer outside a sale (change to make, a count): recorded
    first, then opened."""
    staff.require(Role.MANAGER, "open the cash drawer")
    if not reason.strip():
        raise CashReasonMissing()
    record_event_alone(ctx, Event.DRAWER_OPENED, staff.id, reason=reason.strip())
    drawer.kick()


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


class RecordedDrawer:
    """A drawer whose every opening is journaled with its outcome (a drawer opened on
    the caller's thread: the device thread journals its own, device_worker.py)."""

    def __init__(self, ctx: Context, drawer: CashDrawer) -> None:
        self.ctx, self.drawer = ctx, drawer

    def kick(self) -> None:
        kick_drawer(self.ctx, self.drawer)
