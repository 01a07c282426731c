"""The print queue against the simulated network printer: sales never wait for the
printer, and every receipt queued while it was off or out of paper is printed once it
is back, each once."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from hardware.simulators.escpos_printer import Decoded, SimulatedPrinter
from pos_app.adapters.clock import FrozenClock
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.context import Context
from pos_app.services.print_queue import enqueue, print_due, queue_counts
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import receipt_to_escpos
from printing.transports import NetworkPrinter
from tests.integration.test_selling_services import basket_of

SALES = 100


def decoded_once(device: SimulatedPrinter, done: Callable[[Decoded], bool]) -> Decoded:
    """What the printer made of its bytes once `done` holds: the socket hands them over
    before the simulator has read them all, later on a loaded machine."""
    deadline = time.monotonic() + 10
    printed = device.decoded()
    while not done(printed) and time.monotonic() < deadline:
        time.sleep(0.02)
        printed = device.decoded()
    return printed


def test_a_hundred_sales_through_an_offline_then_paperless_printer(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    numbers: list[str] = []
    with SimulatedPrinter() as device:
        printer = NetworkPrinter(*device.address, timeout_s=2)
        for index in range(SALES):
            device.online = not 30 <= index < 50  # switched off for a while…
            device.paper_out = 50 <= index < 70  # …then the roll runs out
            clock.advance(timedelta(seconds=1))
            order = selling.sell(ctx, cashier, basket_of(ctx, "creme-glacee"),
                                 [PaymentRequest("CB", 250)])  # committed at once
            numbers.append(order.number)
            enqueue(ctx, "receipt", order.number,
                    receipt_to_escpos(receipt(ctx, order.number)))
            print_due(ctx, printer)  # what the print worker does between sales
            if index == 69:  # the 40 receipts of the outage wait, the sales did not
                assert queue_counts(ctx) == {"printed": 30, "pending": 40}
                assert decoded_once(device, lambda seen: seen.cuts >= 30).cuts == 30
        for _ in range(200):  # the printer is back: the worker empties the queue
            clock.advance(timedelta(seconds=30))
            print_due(ctx, printer)
            if "pending" not in queue_counts(ctx):
                break
        printed = decoded_once(device, lambda seen: seen.cuts >= SALES)
    assert queue_counts(ctx) == {"printed": SALES}
    printed_numbers = [code.split("|")[2] for code in printed.qr_codes]
    assert sorted(printed_numbers) == sorted(numbers)  # every receipt, none twice
    assert printed.cuts == SALES


def test_documents_print_in_the_order_they_were_queued(ctx: Context,
                                                      clock: FrozenClock) -> None:
    with SimulatedPrinter() as device:
        printer = NetworkPrinter(*device.address, timeout_s=2)
        device.paper_out = True
        enqueue(ctx, "test", "FIRST", b"\x1bt\x10FIRST\n")
        assert print_due(ctx, printer).problem == "out of paper"  # FIRST waits its retry
        enqueue(ctx, "test", "SECOND", b"\x1bt\x10SECOND\n")  # due now, but after FIRST
        device.paper_out = False
        assert print_due(ctx, printer).printed == 0  # SECOND does not jump the queue
        clock.advance(timedelta(seconds=1))
        assert print_due(ctx, printer).printed == 2
        assert decoded_once(device, lambda seen: len(seen.lines) >= 2).lines == [
            "FIRST", "SECOND"]
