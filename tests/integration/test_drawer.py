"""The cash drawer through the simulated printer: the kick alone, no receipt; a manager's
opening outside a sale journaled with whether the drawer opened."""

from __future__ import annotations

import json
import time

import pytest

from hardware.simulators.escpos_printer import SimulatedPrinter
from pos_app.domain.errors import CashReasonMissing, NotAllowed
from pos_app.domain.journal import Chain
from pos_app.domain.printing import NO_STATUS_ANSWER
from pos_app.domain.staff import StaffMember
from pos_app.services.context import Context
from pos_app.services.drawer import open_drawer, open_for_payment
from pos_app.services.ports import PrinterUnavailable
from printing.drawer import PrinterDrawer
from printing.transports import NetworkPrinter


def kicks(device: SimulatedPrinter, count: int) -> list[tuple[int, int, int]]:
    deadline = time.monotonic() + 5  # the bytes arrive on the simulator's thread
    while len(device.decoded().drawer_kicks) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return device.decoded().drawer_kicks


def test_a_cash_payment_opens_the_drawer_with_the_kick_alone() -> None:
    with SimulatedPrinter() as device:
        open_for_payment(PrinterDrawer(NetworkPrinter(*device.address), pin=5, pulse_ms=120))
        assert kicks(device, 1) == [(1, 60, 60)]
        decoded = device.decoded()
        assert decoded.cuts == 0 and not any(decoded.lines)  # nothing printed


def test_a_managers_opening_is_journaled_with_whether_it_opened(ctx: Context, cashier: StaffMember,
                                              manager: StaffMember) -> None:
    with SimulatedPrinter() as device:
        drawer = PrinterDrawer(NetworkPrinter(*device.address))
        with pytest.raises(NotAllowed):
            open_drawer(ctx, cashier, drawer, "monnaie")
        with pytest.raises(CashReasonMissing):
            open_drawer(ctx, manager, drawer, " ")
        open_drawer(ctx, manager, drawer, "Faire de la monnaie")
        assert kicks(device, 1) == [(0, 50, 50)]
        device.online = False
        with pytest.raises(PrinterUnavailable):  # said, and still recorded
            open_drawer(ctx, manager, drawer, "Comptage")
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        events = [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.EVENT)]
    opened = [e for e in events if e["event"] == "drawer_opened"]
    assert [(e["reason"], e["staff_id"], e["reached"], e["problem"]) for e in opened] == [
        ("Faire de la monnaie", manager.id, True, None),
        ("Comptage", manager.id, False, NO_STATUS_ANSWER)]  # never journaled as opened
