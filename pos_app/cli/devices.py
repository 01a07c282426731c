"""`caisse devices list|set|test|simulate`: the printer, the cash drawer and the code
readers (docs/devices.md)."""

from __future__ import annotations

import argparse
import queue
import signal
import sys
import time
from typing import TYPE_CHECKING, Any

from pos_app.bootstrap import Store, open_devices
from pos_app.cli.output import Result
from pos_app.cli.parser import UsageError
from pos_app.domain.devices import device_settings_sections, read_device_settings
from pos_app.formatting import format_local_time
from pos_app.services.devices import (
    change_device_settings,
    device_problems,
    record_device_state,
    test_page,
)
from pos_app.services.drawer import open_drawer
from pos_app.services.print_queue import enqueue, print_due, retry_now

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pos_app.device_set import Devices
    from pos_app.domain.document import Document
    from pos_app.domain.scan import Scan
    from pos_app.domain.staff import StaffMember

SETTING_NAMES = {  # command-line option → the setting it changes, per device
    "printer": {"transport": "transport", "address": "address", "paper": "paper_mm",
                "baudrate": "baudrate", "status_query": "status_query"},
    "drawer": {"connection": "connection", "pin": "pin", "pulse": "pulse_ms", "port": "port"},
    "scanner": {"port": "port", "baudrate": "baudrate", "terminator": "terminator",
                "partial_timeout": "partial_timeout_ms", "encoding": "encoding"},
    "camera": {"source": "source", "decoder": "decoder", "formats": "formats"},
    "wedge": {"prefix": "prefix", "suffix": "suffix", "max_gap": "max_gap_ms"},
}


def devices_list(store: Store, _args: argparse.Namespace) -> Result:
    devices = open_devices(store.data_dir)
    sections = device_settings_sections(devices.settings)
    found = devices.discover()
    status: dict[str, Any] = {}
    if devices.printer_set:
        try:
            printer_status = devices.status()
            status = {"online": printer_status.online, "problem": printer_status.problem,
                      "paper_low": printer_status.paper_low}
        except Exception as error:  # noqa: BLE001 - said, as the answer to "how is it?"
            status = {"online": False, "problem": str(error)}
    failing = device_problems(store.context)
    data = {"settings": sections, "problems": devices.problems, "printer_status": status,
            "device_problems": failing,
            **{kind: [{"address": address, "description": description}
                      for address, description in items] for kind, items in found.items()}}
    lines = [f"{section}: " + ", ".join(f"{key}={value or '-'}" for key, value in values.items())
             for section, values in sections.items()]
    if status:
        lines.append("printer: " + ("ready" if status.get("online") and not status.get(
            "problem") else f"NOT READY ({status.get('problem') or 'offline'})")
            + (", paper low" if status.get("paper_low") else ""))
    lines += [f"problem: {problem}" for problem in devices.problems]
    lines += [f"{device}: NOT WORKING ({problem}), as last journaled"
              for device, problem in failing.items()]
    for kind, items in found.items():
        lines.append(f"{kind.replace('_', ' ')}: " + (", ".join(
            f"{address} ({description})" for address, description in items) or "none found"))
    return Result(data, "\n".join(lines))


def devices_set(store: Store, args: argparse.Namespace,
                staff: Callable[[], StaffMember]) -> Result:
    manager = staff()
    devices = open_devices(store.data_dir)
    sections = device_settings_sections(devices.settings)
    for option, key in SETTING_NAMES[args.device].items():
        value = getattr(args, option, None)
        if value is not None:
            sections[args.device][key] = str(value)
    settings, problems = read_device_settings(sections)
    if problems:
        raise UsageError("; ".join(problems))
    if args.device == "printer":
        try:  # an address in a form the printer's transport cannot read: said now
            devices.with_settings(settings).printer()
        except ValueError as error:
            raise UsageError(str(error)) from error
    change_device_settings(store.context, manager, devices.config, settings)
    return devices_list(store, args)


def print_document(store: Store, document: Document) -> str:
    """Queue `document` in the till's persistent print queue and print what is due now:
    a sentence saying so, or that the printer did not take it (it waits in the queue,
    printed once the printer is back: the window's device thread prints it)."""
    return print_documents(store, [document])


def print_documents(store: Store, documents: Sequence[Document]) -> str:
    """`print_document` for several documents, queued in their order, then printed."""
    devices = open_devices(store.data_dir)
    printer = devices.printer()
    if printer is None:
        raise UsageError("no printer is set: caisse devices set printer TRANSPORT ADDRESS")
    for document in documents:
        enqueue(store.context, document.kind.value, document.reference,
                devices.escpos(document))
    # Asked to print now: what waits for the printer is tried now too, in its order,
    # rather than at its next attempt (the printer may just have been set right).
    retry_now(store.context)
    run = print_due(store.context, printer)
    record_device_state(store.context, "printer", run.problem)  # once per episode
    if run.problem is not None:
        return (f"imprimante / printer: {run.problem} — en attente dans la file, imprimé à"
                " son retour / waiting in the queue, printed once it is back")
    return "imprimé / printed"


def devices_test(store: Store, args: argparse.Namespace,
                 staff: Callable[[], StaffMember]) -> Result:
    devices = open_devices(store.data_dir)
    if args.device == "printer":
        printer = devices.printer()
        if printer is None:
            raise UsageError("no printer is set: caisse devices set printer TRANSPORT ADDRESS")
        now = format_local_time(store.context.clock.now())
        printer.send(devices.escpos(test_page(now, devices.paper_mm)))
        return Result({"printed": True}, f"test page sent to the printer ({now})")
    if args.device == "drawer":
        drawer = devices.drawer()
        if drawer is None:
            raise UsageError("no drawer is set: caisse devices set drawer printer|serial")
        open_drawer(store.context, staff(), drawer, "test")  # journaled, with its outcome
        return Result({"opened": True}, "drawer opened (recorded in the event journal)")
    return _read_codes(devices, args)


def _read_codes(devices: Devices, args: argparse.Namespace) -> Result:
    codes: queue.Queue[Scan] = queue.Queue()
    failures: list[str] = []
    rejected: list[str] = []  # partial codes and noise: said, the reading goes on

    def reject(where: str, problem: str) -> None:
        rejected.append(f"{where}: {problem}")
        print(f"problem: {where}: {problem}", file=sys.stderr, flush=True)

    reading = devices.with_reader_only(args.device)
    readers = reading.start_readers(codes.put, lambda where, error: failures.append(
        f"{where}: {error}") if error else None, reject)
    if not readers and not failures:
        raise UsageError(f"no {args.device} is set: caisse devices set {args.device} …")
    read: list[Scan] = []
    deadline = time.monotonic() + args.seconds
    try:
        while time.monotonic() < deadline and not failures and (
                args.count is None or len(read) < args.count):
            try:
                scan = codes.get(timeout=0.1)
            except queue.Empty:
                continue
            read.append(scan)
            print(f"{scan.code}  ({scan.symbology or 'code'}, {scan.source})", file=sys.stderr,
                  flush=True)
    finally:
        for reader in readers:
            reader.stop()
    data = {"codes": [{"code": scan.code, "symbology": scan.symbology, "source": scan.source}
                      for scan in read], "problems": failures, "rejected": rejected}
    text = "\n".join([*(scan.code for scan in read), *(f"problem: {f}" for f in failures)])
    return Result(data, text or "no code read", 1 if failures else 0)


def devices_simulate(args: argparse.Namespace) -> Result:
    if args.device == "camera":
        from hardware.simulators.camera import ticket_frames, write_video

        write_video(ticket_frames(args.codes), args.out)
        return Result({"video": str(args.out), "codes": args.codes},
                      f"{args.out}: {len(args.codes)} tickets' QR codes; use it with"
                      f" caisse devices set camera {args.out}")
    if args.device == "printer":
        return _simulate_printer(args.port)
    return _simulate_scanner()


def _stops(how: int) -> None:
    """Hold back (or let through) Ctrl-C and `kill`, where the system can."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(how, {signal.SIGINT, signal.SIGTERM})


def _simulate_printer(port: int) -> Result:
    from hardware.simulators.escpos_printer import SimulatedPrinter

    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does
    # Stopped only while it waits: a line printed is always a line counted. Held back
    # before the printer's thread starts, which inherits the mask: a signal the system
    # gave that thread would still interrupt this one anywhere.
    _stops(signal.SIG_BLOCK)
    shown = 0
    try:
        try:
            simulated = SimulatedPrinter(port)
        except OSError as error:
            raise UsageError(f"127.0.0.1:{port} cannot be used ({error.strerror}): another"
                             " printer listens there? try --port") from error
        with simulated as printer:
            host, bound = printer.address
            print(f"simulated printer on {host}:{bound} (Ctrl-C stops it); set it with:"
                  f" caisse devices set printer network {host}:{bound}", flush=True)
            while True:
                _stops(signal.SIG_UNBLOCK)
                time.sleep(0.2)
                _stops(signal.SIG_BLOCK)
                decoded = printer.decoded()
                printed = [*decoded.lines, *(f"[QR] {code}" for code in decoded.qr_codes),
                           *(f"[code 128] {code}" for code in decoded.barcodes),
                           *("[drawer opened]" for _kick in decoded.drawer_kicks)]
                for line in printed[shown:]:
                    print(line, flush=True)
                shown = len(printed)
    except KeyboardInterrupt:
        pass
    finally:
        _stops(signal.SIG_UNBLOCK)
    return Result({"printed_lines": shown}, f"stopped after {shown} lines")


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _simulate_scanner() -> Result:
    from hardware.simulators.serial_scanner import SimulatedSerialReader

    sent = 0
    with SimulatedSerialReader() as reader:
        print(f"simulated reader on {reader.port}: each line typed is read as a code"
              f" (Ctrl-D stops); set it with: caisse devices set scanner {reader.port}",
              flush=True)
        try:
            for line in sys.stdin:
                if line.strip():
                    reader.scan(line.strip())
                    sent += 1
        except KeyboardInterrupt:
            pass
    return Result({"codes_sent": sent}, f"{sent} codes sent")
