"""The device thread: every printer and drawer I/O of the till happens on it, so that no
screen and no sale ever waits for a device. Documents go through the persistent print
queue (enqueued by the action's own worker, after its commit); the thread prints what is
due, and sleeps until the next retry or until woken. When a device needs someone (paper
out, cover open, printer off), the operator is told, once, and told again when it works.
The code readers (serial scanner, camera) read on threads of their own, each kept
reading (services/reader_keeper.py): opened again with backoff when it dies; their
failures, and their coming back, are said and journaled on this thread too, once per
episode. The thread itself, should a pass fail, says so and carries on after a backoff.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pos_app.domain.printing import DRAWER_NO_ANSWER, NO_DRAWER, NO_PRINTER
from pos_app.services.context import Context
from pos_app.services.devices import record_device_state
from pos_app.services.drawer import kick_drawer
from pos_app.services.ports import PrinterUnavailable
from pos_app.services.print_queue import enqueue, next_due, print_due, retry_now
from pos_app.services.reader_keeper import BACKOFF_S, KeptReader

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from pos_app.domain.document import Document
    from pos_app.domain.scan import Scan
    from pos_app.services.ports import CashDrawer, CodeReader, Printer, TillDevices

log = logging.getLogger("caisse.devices")

LONGEST_SLEEP_S = 5.0  # a job queued by another process (the CLI) waits no longer
THREAD = "devices"  # the device thread itself, as a device that can fail
# A manager's opening waits this long for the device thread (behind a job being printed);
# past it, the opening is given up, never done late.
KICK_WAIT_S = 10.0


class Operator(Protocol):
    def device_problem(self, device: str, problem: str | None) -> None:
        """`device` ("printer", "drawer") needs someone for `problem`; None: it works
        again. Called on the device thread."""
        ...


class DeviceWorker:
    """Start it once the devices are known; `stop()` when the till closes. Jobs left in
    the queue are printed at the next start."""

    def __init__(self, ctx: Context, devices: TillDevices, operator: Operator) -> None:
        self.ctx, self.devices, self.operator = ctx, devices, operator
        self._wake = threading.Event()
        self._stopping = threading.Event()
        # What is done on the thread as soon as it wakes: drawer kicks, readers' states.
        self._kicks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._problems: dict[str, str] = {}
        self._no_printer = False  # jobs wait for a printer that is not set: no hurry
        self._thread = threading.Thread(target=self._run, name="devices", daemon=True)

    def start(self) -> DeviceWorker:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout_s)

    def print_document(self, document: Document) -> int:
        """Queue the document (on the caller's thread: a write of its own) and wake the
        device thread; returns its place in the queue."""
        seq = enqueue(self.ctx, document.kind.value, document.reference,
                      self.devices.escpos(document))
        self._wake.set()
        return seq

    def kick(self) -> None:
        """Open the drawer, on the device thread, now (never queued for later)."""
        self._later(self._kick)

    def waited_drawer(self, timeout_s: float = KICK_WAIT_S) -> CashDrawer:
        """The drawer, opened on the device thread while the caller waits to know whether
        it opened (a manager's opening is journaled with its outcome: services/drawer.py);
        its `kick` raises PrinterUnavailable when it did not."""
        return _WaitedDrawer(self, timeout_s)

    def start_readers(self, on_scan: Callable[[Scan], None],
                      on_end: Callable[[str, BaseException | None], None]
                      ) -> Sequence[CodeReader]:
        """Open the code readers the settings name, as `TillDevices.start_readers` does
        (on the caller's thread), and journal, on the device thread, each reader that
        fails ("scanner", "camera": `device_error`) and each that opens after it had
        failed (`device_back`). The journal says an episode once, however often the
        readers are opened again (new settings, the window restarted)."""
        readers: list[CodeReader] = []
        for kind, where in (("scanner", self.devices.settings.scanner.port),
                            ("camera", self.devices.settings.camera.source)):
            if where:
                readers += self._start_reader(kind, on_scan, on_end)
        return readers

    def keep_readers(self, on_scan: Callable[[Scan], None],
                     on_problem: Callable[[str, str], None] | None = None,
                     backoff_s: Sequence[float] = BACKOFF_S,
                     kinds: Collection[str] = ("scanner", "camera")) -> list[KeptReader]:
        """The code readers the settings name, each kept reading on a thread of its own:
        one that cannot be opened or dies is said to the operator (as "scanner" or
        "camera") and journaled, once per episode, then opened again after 1 s, 2 s, 4 s…
        (at most 30 s) until it reads again, which is said and journaled too. A code a
        reader drops or rejects goes to `on_problem` (its port, a sentence). `kinds`: the
        readers wanted, of those set."""
        kept: list[KeptReader] = []
        for kind, where in (("scanner", self.devices.settings.scanner.port),
                            ("camera", self.devices.settings.camera.source)):
            if where and kind in kinds:
                kept.append(KeptReader(
                    kind, lambda ended, kind=kind: self._start_reader(  # type: ignore[misc]
                        kind, on_scan, ended, on_problem),
                    lambda problem, kind=kind: self._later(  # type: ignore[misc]
                        lambda: self._tell(kind, problem)),
                    backoff_s).start())
        return kept

    def _start_reader(self, kind: str, on_scan: Callable[[Scan], None],
                      on_end: Callable[[str, BaseException | None], None],
                      on_problem: Callable[[str, str], None] | None = None,
                      ) -> Sequence[CodeReader]:
        failed = threading.Event()

        def ended(where: str, error: BaseException | None) -> None:
            if error is not None:
                failed.set()
                self._later(lambda: self._journal(kind, str(error) or type(error).__name__))
            on_end(where, error)

        def opened() -> None:
            if not failed.is_set():  # it may fail on its thread before this runs
                self._journal(kind, None)

        readers = self.devices.with_reader_only(kind).start_readers(on_scan, ended,
                                                                    on_problem)
        if readers:
            self._later(opened)
        return readers

    def _later(self, job: Callable[[], None]) -> None:
        self._kicks.put(job)
        self._wake.set()

    def wake(self) -> None:
        """Look at the queue now (new settings: a printer may have been set)."""
        self._no_printer = False
        self._wake.set()

    def retry(self) -> None:
        """Every job not printed yet is tried now (the queue's "Réessayer")."""
        retry_now(self.ctx)
        self._wake.set()

    def _run(self) -> None:
        tries = 0
        while not self._stopping.is_set():
            try:
                self._run_once()
            except Exception as error:  # said, and the thread goes on
                log.exception("the device thread failed")
                self._say(THREAD, str(error) or type(error).__name__)
                self._stopping.wait(BACKOFF_S[min(tries, len(BACKOFF_S) - 1)])
                tries += 1
            else:
                if tries:
                    tries = 0
                    self._say(THREAD, None)

    def _run_once(self) -> None:
        self._wake.wait(self._sleep_s())
        self._wake.clear()
        if self._stopping.is_set():
            return
        self._run_queued()
        self._print()

    def _run_queued(self) -> None:
        while not self._kicks.empty():
            self._kicks.get()()

    def _sleep_s(self) -> float:
        due = next_due(self.ctx)
        if due is None or self._no_printer:  # nothing to print, or nothing to print on
            return LONGEST_SLEEP_S
        return min(LONGEST_SLEEP_S, max(0.0, (due - self.ctx.clock.now()).total_seconds()))

    def _print(self) -> None:
        printer = self._printer()
        self._no_printer = printer is None
        if printer is None:
            # A job queued for a till without a printer waits, and the cashier is told
            # at once rather than left waiting for a ticket.
            due = next_due(self.ctx)
            if due is not None and due <= self.ctx.clock.now():
                self._say("printer", NO_PRINTER)
            return
        try:
            run = print_due(self.ctx, printer)
        except Exception as error:  # noqa: BLE001 - the store: said, and tried again later
            self._say("printer", str(error))
            return
        if run.printed or run.problem is not None:  # nothing tried: nothing learnt
            self._say("printer", run.problem)

    def _printer(self) -> Printer | None:
        try:
            return self.devices.printer()
        except ValueError as error:  # its address, as set, cannot be read
            self._say("printer", str(error))
            return None

    def _kick(self) -> None:
        try:
            drawer = self.devices.drawer()
            if drawer is not None:
                kick_drawer(self.ctx, drawer)
        except (PrinterUnavailable, ValueError) as error:
            self._say("drawer", getattr(error, "detail", str(error)))
        except Exception:  # the kick's journal entry: the device thread never dies of it
            log.exception("the drawer's opening could not be journaled")
        else:
            self._say("drawer", None)

    def _tell(self, device: str, problem: str | None) -> None:
        """Tell the operator when a reader's state changes (its journal entries are
        written as it fails and opens: `_start_reader`)."""
        if self._problems.get(device) == problem:
            return
        if problem is None:
            self._problems.pop(device, None)
        else:
            self._problems[device] = problem
        self.operator.device_problem(device, problem)

    def _say(self, device: str, problem: str | None) -> None:
        """Journal and tell the operator when a device's state changes, not at every
        retry."""
        if self._problems.get(device) != problem:
            self._journal(device, problem)
            self._tell(device, problem)

    def _journal(self, device: str, problem: str | None) -> None:
        """The same change of state in the event journal (services/devices.py). A
        journal that cannot be written leaves the device thread running: the operator
        is told regardless."""
        try:
            record_device_state(self.ctx, device, problem)
        except Exception:  # the device thread never dies of it
            log.exception("the %s's state could not be journaled", device)


class _WaitedDrawer:
    def __init__(self, worker: DeviceWorker, timeout_s: float) -> None:
        self.worker, self.timeout_s = worker, timeout_s

    def kick(self) -> None:
        done, lock = threading.Event(), threading.Lock()
        state = {"started": False, "given_up": False}
        failures: list[PrinterUnavailable | ValueError] = []

        def open_now() -> None:  # on the device thread
            with lock:
                if state["given_up"]:  # the manager was told it did not open: never late
                    return
                state["started"] = True
            try:
                drawer = self.worker.devices.drawer()
                if drawer is None:
                    raise PrinterUnavailable(NO_DRAWER)
                drawer.kick()
            except (PrinterUnavailable, ValueError) as error:
                failures.append(error)
                self.worker._say("drawer", getattr(error, "detail", str(error)))
            else:
                self.worker._say("drawer", None)
            finally:
                done.set()

        self.worker._later(open_now)
        if not done.wait(self.timeout_s):
            with lock:
                state["given_up"] = not state["started"]
            if state["given_up"]:
                raise PrinterUnavailable(DRAWER_NO_ANSWER)
            done.wait()  # under way: the printer's own timeouts bound it
        if failures:
            raise failures[0]
