"""How the till reaches its receipt printer (R20: chosen per till): the network (raw TCP,
port 9100), a serial port, USB, a device node or file, or a CUPS queue. Each takes
ESC/POS bytes; where the printer answers (network, serial, USB), it is asked before each
document whether it is online, its cover shut and its roll not empty, so that a document
waits in the queue rather than being lost in a printer that cannot print it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pos_app.domain.devices import PrinterSettings, PrinterTransport
from pos_app.domain.printing import UNKNOWN_STATUS, PrinterStatus
from pos_app.services.ports import Printer, PrinterUnavailable

DLE_EOT = b"\x10\x04"
OFFLINE_BIT = 0x08  # DLE EOT 1
COVER_OPEN_BIT = 0x04  # DLE EOT 2
PAPER_END_STOP_BIT = 0x20  # DLE EOT 2
PAPER_NEAR_END_BITS = 0x0C  # DLE EOT 4
PAPER_END_BITS = 0x60  # DLE EOT 4
NETWORK_PORT = 9100


def escpos_status(ask: Callable[[int], int]) -> PrinterStatus:
    """The printer's answers to `DLE EOT 1`, `2` and `4`, read as a status."""
    printer, cause, paper = ask(1), ask(2), ask(4)
    return PrinterStatus(
        online=not printer & OFFLINE_BIT,
        cover_open=bool(cause & COVER_OPEN_BIT),
        paper_low=bool(paper & PAPER_NEAR_END_BITS),
        paper_out=bool(paper & PAPER_END_BITS or cause & PAPER_END_STOP_BIT))


def _ready(status: PrinterStatus) -> None:
    if status.problem is not None:
        raise PrinterUnavailable(status.problem)


class NetworkPrinter:
    def __init__(self, host: str, port: int = NETWORK_PORT, timeout_s: float = 3.0) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s

    def send(self, data: bytes) -> None:
        with self._connection() as connection:
            _ready(escpos_status(lambda kind: _ask(connection.sendall, connection.recv, kind)))
            connection.sendall(data)

    def status(self) -> PrinterStatus:
        with self._connection() as connection:
            return escpos_status(lambda kind: _ask(connection.sendall, connection.recv, kind))

    def _connection(self) -> _Guarded:
        try:
            connection = socket.create_connection((self.host, self.port),
                                                  timeout=self.timeout_s)
        except OSError as error:
            raise PrinterUnavailable(str(error) or type(error).__name__) from error
        return _Guarded(connection)


class _Guarded:
    """A connection whose failures, whenever they happen, say the printer is unavailable."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection

    def __enter__(self) -> socket.socket:
        return self.connection

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 _trace: object) -> None:
        self.connection.close()
        if isinstance(error, OSError):
            raise PrinterUnavailable(str(error) or type(error).__name__) from error


def _ask(write: Callable[[bytes], object], read: Callable[[int], bytes], kind: int) -> int:
    write(DLE_EOT + bytes([kind]))
    answer = read(1)
    if not answer:
        raise PrinterUnavailable("no answer to the status query")
    return answer[0]


class SerialPrinter:
    """A printer on a serial port (or a USB printer seen as one)."""

    def __init__(self, port: str, baudrate: int = 9600, timeout_s: float = 1.0) -> None:
        self.port, self.baudrate, self.timeout_s = port, baudrate, timeout_s

    def send(self, data: bytes) -> None:
        with self._opened() as line:
            _ready(escpos_status(lambda kind: _ask(line.write, line.read, kind)))
            line.write(data)
            line.flush()

    def status(self) -> PrinterStatus:
        with self._opened() as line:
            return escpos_status(lambda kind: _ask(line.write, line.read, kind))

    def _opened(self) -> Any:
        import serial

        try:
            return serial.Serial(self.port, self.baudrate, timeout=self.timeout_s,
                                 write_timeout=max(5.0, self.timeout_s))
        except (serial.SerialException, OSError) as error:
            raise PrinterUnavailable(f"{self.port}: {error}") from error


class FilePrinter:
    """A device node (/dev/usb/lp0) or a file: the bytes are written as they are. Such a
    printer cannot be asked how it is."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def send(self, data: bytes) -> None:
        try:
            with self.path.open("ab") as out:
                out.write(data)
                out.flush()
        except OSError as error:
            raise PrinterUnavailable(f"{self.path}: {error.strerror or error}") from error

    def status(self) -> PrinterStatus:
        return UNKNOWN_STATUS


class CupsPrinter:
    """A CUPS queue, sent raw (`lp -o raw`): the printer's own driver is not involved."""

    def __init__(self, queue: str, timeout_s: float = 30.0) -> None:
        self.queue, self.timeout_s = queue, timeout_s

    def send(self, data: bytes) -> None:
        command = shutil.which("lp")
        if command is None:
            raise PrinterUnavailable("CUPS's lp command is not installed (apt install cups-client)")
        try:
            done = subprocess.run([command, "-d", self.queue, "-o", "raw", "-t", "caisse"],
                                  input=data, capture_output=True, timeout=self.timeout_s,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PrinterUnavailable(f"lp: {error}") from error
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise PrinterUnavailable(f"CUPS queue {self.queue}: {said}")

    def status(self) -> PrinterStatus:
        return UNKNOWN_STATUS


class UsbPrinter:
    """A USB printer by vendor and product id, through python-escpos and pyusb (optional:
    `pip install pyusb`, and libusb); a printer the system shows as /dev/usb/lp0 can be
    used as a file instead."""

    def __init__(self, vendor: int, product: int) -> None:
        self.vendor, self.product = vendor, product

    def send(self, data: bytes) -> None:
        printer = self._opened()
        try:
            _ready(self._status(printer))
            printer._raw(data)  # the document's bytes, as rendered
        finally:
            printer.close()

    def status(self) -> PrinterStatus:
        printer = self._opened()
        try:
            return self._status(printer)
        finally:
            printer.close()

    @staticmethod
    def _status(printer: Any) -> PrinterStatus:
        paper = printer.paper_status()  # 2: enough, 1: near its end, 0: none
        return PrinterStatus(online=bool(printer.is_online()), paper_low=paper == 1,
                             paper_out=paper == 0)

    def _opened(self) -> Any:
        try:
            import usb.core  # noqa: F401 - pyusb: without it python-escpos cannot even close
        except ImportError as error:
            raise PrinterUnavailable(f"USB {self.vendor:04x}:{self.product:04x}: pyusb is not"
                                     " installed (pip install pyusb)") from error
        try:
            from escpos.printer import Usb

            printer = Usb(self.vendor, self.product)
            printer.open()
        except Exception as error:
            raise PrinterUnavailable(f"USB {self.vendor:04x}:{self.product:04x}: {error}"
                                     ) from error
        return printer


def open_printer(settings: PrinterSettings) -> Printer | None:
    """The printer the settings describe, or None when the till has none. An address
    that cannot be read raises ValueError, with the form it should have."""
    address = settings.address.strip()
    match settings.transport:
        case PrinterTransport.NONE:
            return None
        case PrinterTransport.NETWORK:
            host, colon, port = address.rpartition(":")
            if not colon:
                host, port = address, ""
            if port and not port.isdigit():
                raise ValueError(f"{address!r}: a network printer is host or host:port")
            return NetworkPrinter(host.strip("[]"), int(port) if port else NETWORK_PORT)
        case PrinterTransport.SERIAL:
            return SerialPrinter(address, settings.baudrate)
        case PrinterTransport.USB:
            vendor, _colon, product = address.partition(":")
            try:
                return UsbPrinter(int(vendor, 16), int(product, 16))
            except ValueError as error:
                raise ValueError(f"{address!r}: a USB printer is vendor:product in hex,"
                                 " as lsusb shows it (04b8:0e15)") from error
        case PrinterTransport.FILE:
            return FilePrinter(address)
        case PrinterTransport.CUPS:
            return CupsPrinter(address)
    raise ValueError(f"unknown printer transport {settings.transport!r}")
