"""How the till reaches its receipt printer (R20: chosen per till): the network (raw TCP,
port 9100), a serial port, USB, a device node or file, or a CUPS queue. Each takes
ESC/POS bytes; where the printer answers (network, serial, USB), it is asked before each
document whether it is online, its cover shut and its roll not empty, so that a document
waits in the queue rather than being lost in a printer that cannot print it.

A document is done only once the printer confirms it after the job: asked again after
the cut (status query on), it must answer, with paper and no error; a serial line is
drained first. With the status query off (printers and print servers that never answer
`DLE EOT`), a network printer confirms by closing the connection cleanly once it has
read everything; a serial line by taking every byte (drained). A file, a device node or
a CUPS queue can say no more than that the write (or `lp`) completed. Whatever fails
once the document's first byte may have left raises PrinterUnavailable with `started`:
the queue prints the document again whole, marked as a reprint.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pos_app.domain.devices import PrinterSettings, PrinterTransport
from pos_app.domain.printing import NO_STATUS_ANSWER, UNKNOWN_STATUS, PrinterStatus
from pos_app.services.ports import Printer, PrinterUnavailable

DLE_EOT = b"\x10\x04"
OFFLINE_BIT = 0x08  # DLE EOT 1
COVER_OPEN_BIT = 0x04  # DLE EOT 2
PAPER_END_STOP_BIT = 0x20  # DLE EOT 2
PAPER_NEAR_END_BITS = 0x0C  # DLE EOT 4
PAPER_END_BITS = 0x60  # DLE EOT 4
NETWORK_PORT = 9100
AFTER_JOB_SERIAL_TIMEOUT_S = 5.0
NO_ANSWER = NO_STATUS_ANSWER
T = TypeVar("T")


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


def _after_start(step: Callable[[], T]) -> T:
    """A step once the document's bytes may have started to leave: any failure says some
    of it may be on paper."""
    try:
        return step()
    except PrinterUnavailable as error:
        raise PrinterUnavailable(error.detail, started=True) from error
    except OSError as error:  # serial.SerialException is one too
        raise PrinterUnavailable(str(error) or type(error).__name__, started=True) from error


def _confirmed(status: Callable[[], PrinterStatus]) -> None:
    """The printer's status after the job: it must answer, with paper and no error."""
    _after_start(lambda: _ready(status()))


class NetworkPrinter:
    def __init__(self, host: str, port: int = NETWORK_PORT, timeout_s: float = 3.0,
                 status_query: bool = True) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.status_query = status_query

    def send(self, data: bytes) -> None:
        with self._connection() as connection:
            def status() -> PrinterStatus:
                return escpos_status(
                    lambda kind: _ask(connection.sendall, connection.recv, kind))

            if self.status_query:
                _ready(status())
            _after_start(lambda: connection.sendall(data))
            if self.status_query:
                _confirmed(status)
            else:
                _after_start(lambda: _closed_cleanly(connection))

    def status(self) -> PrinterStatus:
        with self._connection() as connection:
            if not self.status_query:  # reachable; it is not asked more
                return UNKNOWN_STATUS
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


def _closed_cleanly(connection: socket.socket) -> None:
    """The till says it has sent everything, and waits for the printer to close its side
    in turn (it has read every byte): a reset, or no close within the timeout, is no
    confirmation."""
    connection.shutdown(socket.SHUT_WR)
    while connection.recv(4096):  # anything it says before closing is not looked at
        pass


def _ask(write: Callable[[bytes], object], read: Callable[[int], bytes], kind: int) -> int:
    write(DLE_EOT + bytes([kind]))
    try:
        answer = read(1)
    except TimeoutError:
        answer = b""
    if not answer:
        raise PrinterUnavailable(NO_ANSWER)
    return answer[0]


class SerialPrinter:
    """A printer on a serial port (or a USB printer seen as one)."""

    def __init__(self, port: str, baudrate: int = 9600, timeout_s: float = 1.0,
                 status_query: bool = True) -> None:
        self.port, self.baudrate, self.timeout_s = port, baudrate, timeout_s
        self.status_query = status_query

    def send(self, data: bytes) -> None:
        with self._opened() as line:
            def status() -> PrinterStatus:
                return escpos_status(lambda kind: _ask(line.write, line.read, kind))

            if self.status_query:
                _ready(_guarded_serial(status))

            def written() -> None:
                line.write(data)
                line.flush()  # drained: every byte has left for the printer

            _after_start(written)
            if self.status_query:
                # A printer whose buffer is still full of the document may take its
                # query in only once it has room: it is given longer to answer.
                line.timeout = max(AFTER_JOB_SERIAL_TIMEOUT_S, self.timeout_s)
                _confirmed(status)

    def status(self) -> PrinterStatus:
        with self._opened() as line:
            return escpos_status(lambda kind: _ask(line.write, line.read, kind))

    def _opened(self) -> Any:
        import serial

        try:  # a context manager: the line is closed however the document ends
            return serial.Serial(self.port, self.baudrate, timeout=self.timeout_s,
                                 write_timeout=max(5.0, self.timeout_s))
        except (serial.SerialException, OSError) as error:
            raise PrinterUnavailable(f"{self.port}: {error}") from error


def _guarded_serial(step: Callable[[], T]) -> T:
    """A step before the document's first byte: a line that fails says the printer is
    unavailable, nothing printed."""
    try:
        return step()
    except OSError as error:  # serial.SerialException is one too
        raise PrinterUnavailable(str(error) or type(error).__name__) from error


class FilePrinter:
    """A device node (/dev/usb/lp0) or a file: the bytes are written as they are. Such a
    printer cannot be asked how it is: the write completing is all it can confirm."""

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

    def __init__(self, vendor: int, product: int, status_query: bool = True) -> None:
        self.vendor, self.product, self.status_query = vendor, product, status_query

    def send(self, data: bytes) -> None:
        printer = self._opened()
        try:
            if self.status_query:
                _ready(self._status(printer))
            _after_start(lambda: _usb_write(printer, data))
            if self.status_query:
                _confirmed(lambda: self._status(printer))
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


def _usb_write(printer: Any, data: bytes) -> None:
    try:
        printer._raw(data)  # the document's bytes, as rendered; the write is bulk, waited on
    except OSError:
        raise
    except Exception as error:  # pyusb's USBError is one: the document may be cut short
        raise PrinterUnavailable(str(error) or type(error).__name__, started=True) from error


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
            return NetworkPrinter(host.strip("[]"), int(port) if port else NETWORK_PORT,
                                  status_query=settings.status_query)
        case PrinterTransport.SERIAL:
            return SerialPrinter(address, settings.baudrate,
                                 status_query=settings.status_query)
        case PrinterTransport.USB:
            vendor, _colon, product = address.partition(":")
            try:
                return UsbPrinter(int(vendor, 16), int(product, 16), settings.status_query)
            except ValueError as error:
                raise ValueError(f"{address!r}: a USB printer is vendor:product in hex,"
                                 " as lsusb shows it (04b8:0e15)") from error
        case PrinterTransport.FILE:
            return FilePrinter(address)
        case PrinterTransport.CUPS:
            return CupsPrinter(address)
    raise ValueError(f"unknown printer transport {settings.transport!r}")
