"""The device thread with the simulated printer: documents print after their sale, a
printer without paper is said to the operator once and its documents wait, the drawer
opens on the same thread, and a retry prints what waited."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from hardware.simulators.escpos_printer import SimulatedPrinter
from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import open_devices
from pos_app.documents import receipt_document
from pos_app.domain.devices import DeviceSettings, PrinterSettings, PrinterTransport
from pos_app.domain.journal import Chain
from pos_app.domain.printing import DRAWER_NO_ANSWER, NO_DRAWER, NO_PRINTER
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.context import Context
from pos_app.services.device_worker import DeviceWorker
from pos_app.services.drawer import open_drawer
from pos_app.services.ports import PrinterUnavailable
from pos_app.services.print_queue import queue_counts, recent_jobs
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from tests.integration.test_selling_services import basket_of


class Told:
    """The operator: what the device thread said, in order."""

    def __init__(self) -> None:
        self.said: queue.Queue[tuple[str, str | None]] = queue.Queue()

    def device_problem(self, device: str, problem: str | None) -> None:
        self.said.put((device, problem))


def wait_for(check: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert check(), "timed out"


@pytest.fixture
def device() -> Iterator[SimulatedPrinter]:
    with SimulatedPrinter() as printer:
        yield printer


def worker_for(ctx: Context, device: SimulatedPrinter, told: Told,
               data_dir: Path) -> DeviceWorker:
    host, port = device.address
    devices = open_devices(data_dir).with_settings(DeviceSettings(
        printer=PrinterSettings(PrinterTransport.NETWORK, f"{host}:{port}", 58)))
    return DeviceWorker(ctx, devices, told).start()


def test_receipts_print_on_the_device_thread_and_wait_through_a_paper_out(
        ctx: Context, cashier: StaffMember, device: SimulatedPrinter,
        clock: FrozenClock, data_dir: Path) -> None:
    told = Told()
    worker = worker_for(ctx, device, told, data_dir)
    try:
        def sell() -> str:
            number = selling.sell(ctx, cashier, basket_of(ctx, "creme-glacee"),
                                  [PaymentRequest("ESP", 500)]).number
            worker.print_document(receipt_document(receipt(ctx, number)))
            return number

        first = sell()
        # Printed once the printer confirmed it, after its cut (its paper out before
        # that answer would, rightly, have it printed again)
        wait_for(lambda: queue_counts(ctx) == {"printed": 1})
        assert device.decoded().cuts == 1
        device.paper_out = True
        waiting = [sell(), sell()]  # committed at once; their receipts wait
        assert told.said.get(timeout=10) == ("printer", "out of paper")
        assert queue_counts(ctx)["pending"] == 2
        states = {job.reference: job.state for job in recent_jobs(ctx)}
        assert states == {first: "printed", waiting[0]: "failed", waiting[1]: "pending"}
        worker.kick()  # the drawer for a cash payment: refused, said, never queued
        assert told.said.get(timeout=10) == ("drawer", "out of paper")
        device.paper_out = False
        clock.advance(timedelta(seconds=1))
        worker.retry()
        wait_for(lambda: queue_counts(ctx) == {"printed": 3})
        assert told.said.get(timeout=10) == ("printer", None)
        assert told.said.empty()  # each change said once, not at every retry
        printed = [code.split("|")[2] for code in device.decoded().qr_codes]
        assert printed == [first, *waiting]
        assert device.decoded().barcodes == [first, *waiting]
        assert device.decoded().drawer_kicks == []
        worker.kick()
        assert told.said.get(timeout=10) == ("drawer", None)
        wait_for(lambda: device.decoded().drawer_kicks == [(0, 50, 50)])
    finally:
        worker.stop()


def test_a_till_without_printer_keeps_its_documents_queued(
        ctx: Context, cashier: StaffMember, data_dir: Path) -> None:
    told = Told()
    worker = DeviceWorker(ctx, open_devices(data_dir), told).start()
    try:
        number = selling.sell(ctx, cashier, basket_of(ctx, "creme-glacee"),
                              [PaymentRequest("ESP", 500)]).number
        worker.print_document(receipt_document(receipt(ctx, number)))
        # Said at once, once: the cashier does not wait for a ticket that cannot come.
        assert told.said.get(timeout=10) == ("printer", NO_PRINTER)
        assert queue_counts(ctx) == {"pending": 1}  # kept for when a printer is set
        time.sleep(0.3)
        assert told.said.empty()
    finally:
        worker.stop()


def drawer_openings(ctx: Context) -> list[tuple[str, bool, str | None]]:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        bodies = [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.EVENT)]
    return [(b["reason"], b["reached"], b["problem"]) for b in bodies
            if b["event"] == "drawer_opened"]


def test_a_managers_opening_waits_for_the_device_thread_and_is_journaled_as_it_went(
        ctx: Context, manager: StaffMember, device: SimulatedPrinter, data_dir: Path) -> None:
    told = Told()
    worker = worker_for(ctx, device, told, data_dir)
    bare = DeviceWorker(ctx, open_devices(data_dir), Told()).start()  # no printer, no drawer
    try:
        open_drawer(ctx, manager, worker.waited_drawer(), "Monnaie")
        assert device.decoded().drawer_kicks == [(0, 50, 50)]  # opened before it returned
        with pytest.raises(PrinterUnavailable) as refused:
            open_drawer(ctx, manager, bare.waited_drawer(), "Comptage")
        assert refused.value.detail == NO_DRAWER
    finally:
        worker.stop()
        bare.stop()
    assert drawer_openings(ctx) == [("Monnaie", True, None), ("Comptage", False, NO_DRAWER)]


def test_an_opening_the_device_thread_could_not_reach_in_time_never_happens_late(
        ctx: Context, manager: StaffMember, device: SimulatedPrinter, data_dir: Path) -> None:
    worker = worker_for(ctx, device, Told(), data_dir)
    busy, done = threading.Event(), threading.Event()
    try:
        worker._later(busy.wait)  # a long job on the device thread
        with pytest.raises(PrinterUnavailable) as refused:
            open_drawer(ctx, manager, worker.waited_drawer(timeout_s=0.2), "Monnaie")
        assert refused.value.detail == DRAWER_NO_ANSWER
        busy.set()
        worker._later(done.set)  # after the given-up opening, in the thread's order
        assert done.wait(10)
        assert device.decoded().drawer_kicks == []  # the manager was told: it never opens
    finally:
        busy.set()
        worker.stop()
    assert drawer_openings(ctx) == [("Monnaie", False, DRAWER_NO_ANSWER)]
