"""A job is printed only when the printer confirms it after the job: against the
simulated network printer failing as real ones do (a connection reset at any byte, a
printer that never answers its status, one that answers late), every receipt is
printed whole exactly once, counting the reprints, marked "RÉIMPRESSION", of the
interrupted ones; none is lost. A manager can take a job out of the queue, journaled;
a cashier cannot.

No waits: the simulator records a connection's bytes before it answers the status
after the job, or before it resets it, so what it printed is known once `print_due`
returns."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest

from hardware.simulators.escpos_printer import Decoded, SimulatedPrinter, decode
from pos_app.adapters.clock import FrozenClock
from pos_app.domain.devices import PrinterSettings, PrinterTransport
from pos_app.domain.errors import NotAllowed
from pos_app.domain.journal import Event
from pos_app.domain.printing import REPRINT_MARK
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.context import Context
from pos_app.services.ports import Printer
from pos_app.services.print_queue import (
    NoSuchJob,
    delete_job,
    enqueue,
    print_due,
    queue_counts,
    recent_jobs,
)
from pos_app.services.receipts import receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import receipt_to_escpos
from printing.transports import NO_ANSWER, NetworkPrinter, open_printer
from tests.integration.test_events import new_events, only
from tests.integration.test_selling_services import basket_of

RECEIPTS = 100
STATUS_QUERIES = 9  # DLE EOT 1, 2 and 4: three bytes each, before and after the job


def sell_and_queue(ctx: Context, cashier: StaffMember, clock: FrozenClock) -> tuple[str, bytes]:
    clock.advance(timedelta(seconds=1))
    order = selling.sell(ctx, cashier, basket_of(ctx, "creme-glacee"),
                         [PaymentRequest("CB", 250)])
    data = receipt_to_escpos(receipt(ctx, order.number))
    enqueue(ctx, "receipt", order.number, data)
    return order.number, data


def print_until_empty(ctx: Context, printer: Printer, clock: FrozenClock) -> None:
    for _ in range(10):
        print_due(ctx, printer)
        if "pending" not in queue_counts(ctx):
            return
        clock.advance(timedelta(minutes=1))  # past the retry's pause


def whole(printed: Decoded) -> bool:
    """A receipt from its top to its cut: the cut is its last command."""
    return printed.cuts == 1 and len(printed.qr_codes) == 1


def number_of(printed: Decoded) -> str:
    return printed.qr_codes[0].split("|")[2]


def marked(printed: Decoded) -> bool:
    return bool(printed.lines) and printed.lines[0] == REPRINT_MARK


def test_a_hundred_receipts_through_resets_at_random_byte_counts(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    chance = random.Random(16)  # seeded: the same resets at every run
    resets: dict[str, int] = {}  # receipt → the byte count its first connection died at
    numbers: list[str] = []
    with SimulatedPrinter() as device:
        # A timeout only a starved machine would reach: a reset is said at once.
        printer = NetworkPrinter(*device.address, timeout_s=5)
        for _ in range(RECEIPTS):
            number, data = sell_and_queue(ctx, cashier, clock)
            numbers.append(number)
            if chance.random() < 0.6:  # anywhere: the queries before, the job, those after
                resets[number] = device.reset_after = chance.randint(
                    1, STATUS_QUERIES + len(data) + STATUS_QUERIES - 1)
            print_until_empty(ctx, printer, clock)
        connections = [decode(bytes(printed)) for printed in device.connections]
        assert device.resets == len(resets)
    assert queue_counts(ctx) == {"printed": RECEIPTS}  # none lost
    wholes = [printed for printed in connections if whole(printed)]
    firsts = Counter(number_of(printed) for printed in wholes if not marked(printed))
    reprints = Counter(number_of(printed) for printed in wholes if marked(printed))
    for number in numbers:
        reset = resets.get(number)
        if reset is None:  # never interrupted: printed whole once, unmarked
            assert (firsts[number], reprints[number]) == (1, 0), number
        elif reset < STATUS_QUERIES:  # died before the job's first byte: nothing to mark
            assert (firsts[number], reprints[number]) == (1, 0), (number, reset)
        elif reset > STATUS_QUERIES:  # cut short, or never confirmed: one whole reprint
            assert reprints[number] == 1, (number, reset)
            # …after a first copy that was whole only when the line died after its cut
            assert firsts[number] == (reset >= STATUS_QUERIES + len(data)), (number, reset)
        else:  # the reset raced the last answer before the job: either is right
            assert firsts[number] + reprints[number] >= 1
    # Every receipt cut short before its end was printed again: the partial copies are
    # the interrupted ones, never one that had been confirmed.
    partial = [printed for printed in connections if printed.lines and not whole(printed)]
    assert len(partial) == sum(STATUS_QUERIES < reset < STATUS_QUERIES + len(data)
                               for reset in resets.values())
    assert sum(reprints.values()) >= len(partial) > 10  # the seed does cut some short


def test_a_printer_that_never_answers_prints_with_its_status_query_off(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    with SimulatedPrinter() as device:
        device.answers_status = False  # a print server that does not pass DLE EOT on
        host, port = device.address
        asking = NetworkPrinter(host, port, timeout_s=0.3)
        queued = [sell_and_queue(ctx, cashier, clock)[0] for _ in range(3)]
        run = print_due(ctx, asking)
        assert (run.printed, run.problem) == (0, NO_ANSWER)  # said, and the jobs wait
        assert queue_counts(ctx) == {"pending": 3}
        assert recent_jobs(ctx)[-1].last_error == NO_ANSWER
        not_asking = open_printer(PrinterSettings(PrinterTransport.NETWORK, f"{host}:{port}",
                                                  status_query=False))
        assert not_asking is not None
        clock.advance(timedelta(minutes=1))
        assert print_due(ctx, not_asking).printed == 3
        printed = [decode(bytes(bytes_)) for bytes_ in device.connections]
    assert queue_counts(ctx) == {"printed": 3}
    wholes = [copy for copy in printed if whole(copy)]
    assert [number_of(copy) for copy in wholes] == queued  # each once, in order
    assert not any(marked(copy) for copy in wholes)  # nothing had left before: no reprint
    assert sum(bool(copy.lines) for copy in printed) == 3


def test_a_printer_that_answers_late_within_the_timeout_prints_each_once(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    with SimulatedPrinter() as device:
        device.answer_delay_s = 0.1  # every answer, before and after the job
        printer = NetworkPrinter(*device.address, timeout_s=5)
        queued = [sell_and_queue(ctx, cashier, clock)[0] for _ in range(2)]
        assert print_due(ctx, printer).printed == 2
        printed = [decode(bytes(bytes_)) for bytes_ in device.connections]
    assert queue_counts(ctx) == {"printed": 2}
    assert [number_of(copy) for copy in printed if whole(copy)] == queued
    assert not any(marked(copy) for copy in printed)


def test_a_job_printed_whole_but_not_confirmed_is_reprinted_marked(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    """The line dies after the cut, before the status after it: the printer may have
    printed it, or not; the till cannot know, so it prints it again, marked."""
    with SimulatedPrinter() as device:
        printer = NetworkPrinter(*device.address, timeout_s=5)
        number, data = sell_and_queue(ctx, cashier, clock)
        device.reset_after = STATUS_QUERIES + len(data) + 2  # dies during the answers after
        run = print_due(ctx, printer)
        assert run.printed == 0 and run.problem is not None
        clock.advance(timedelta(minutes=1))
        assert print_due(ctx, printer).printed == 1
        first, second = (decode(bytes(bytes_)) for bytes_ in device.connections)
    assert whole(first) and not marked(first)
    assert whole(second) and marked(second) and number_of(second) == number
    assert second.lines[1:] == first.lines  # the same receipt, under its mark


def test_a_manager_deletes_a_waiting_job_a_cashier_cannot(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    seq = enqueue(ctx, "receipt", "T1-000042", b"\x1bt\x10UN\n")
    with pytest.raises(NotAllowed):
        delete_job(ctx, cashier, seq)
    assert queue_counts(ctx) == {"pending": 1}
    written = new_events(ctx, lambda: delete_job(ctx, manager, seq))
    entry = only(written, Event.PRINT_JOB_DELETED)
    assert (entry["seq"], entry["kind"], entry["reference"]) == (seq, "receipt", "T1-000042")
    assert entry["jet"] == 720
    assert queue_counts(ctx) == {}
    with pytest.raises(NoSuchJob):  # gone, or printed meanwhile: nothing to delete
        delete_job(ctx, manager, seq)



class _TillStops:
    """A printer whose send never returns: the till stops (its process killed) mid-job."""

    def send(self, data: bytes) -> None:
        raise SystemExit("the till stops here")

    def status(self) -> object:
        raise AssertionError("not asked")


def test_a_job_the_till_stopped_in_the_middle_of_is_reprinted_marked(
        ctx: Context, cashier: StaffMember, clock: FrozenClock) -> None:
    number, _data = sell_and_queue(ctx, cashier, clock)
    with pytest.raises(SystemExit):
        print_due(ctx, _TillStops())  # type: ignore[arg-type]
    with SimulatedPrinter() as device:  # the till started again
        assert print_due(ctx, NetworkPrinter(*device.address, timeout_s=5)).printed == 1
        (copy,) = (decode(bytes(bytes_)) for bytes_ in device.connections)
    assert whole(copy) and marked(copy) and number_of(copy) == number
