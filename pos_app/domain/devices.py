"""The till's devices as its settings describe them (R20: the printer is chosen per till):
the receipt printer and how it is reached, the cash drawer, a serial code reader and a
camera, and how a keyboard-wedge scanner marks its codes. Read from text (an INI file),
every value is checked: a value the till cannot use is reported and replaced by its
default, and never stops the till."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar


class PrinterTransport(StrEnum):
    NONE = "none"
    NETWORK = "network"  # raw TCP, port 9100 by default: "192.168.1.50" or "host:9100"
    SERIAL = "serial"  # a serial port: "/dev/ttyS0", "COM3"
    USB = "usb"  # vendor:product in hex, as lsusb shows it: "04b8:0e15"
    FILE = "file"  # a device node or a file: "/dev/usb/lp0"
    CUPS = "cups"  # a CUPS queue, sent raw: "TM-T20"


class DrawerConnection(StrEnum):
    NONE = "none"
    PRINTER = "printer"  # wired to the receipt printer's drawer port (RJ11)
    SERIAL = "serial"  # a drawer with its own serial interface


TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t"}
# What ends a serial reader's code: a terminator, or a pause of the partial-code timeout.
SCANNER_TERMINATORS = (*TERMINATORS, "TIMEOUT")
SCANNER_ENCODINGS = ("latin-1", "utf-8")
PARTIAL_TIMEOUTS_MS = range(20, 2001)
DECODERS = ("auto", "zxing", "pyzbar")
PAPER_WIDTHS = (58, 80)
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


@dataclass(frozen=True, slots=True)
class PrinterSettings:
    transport: PrinterTransport = PrinterTransport.NONE
    address: str = ""
    paper_mm: int = 80
    baudrate: int = 9600  # a serial printer's speed
    # Asked its status (DLE EOT) before and after each job: a job is done once the
    # printer says, after its cut, that it has paper and no error. Off, for printers and
    # print servers that never answer: done once sent and the connection closed cleanly.
    status_query: bool = True


@dataclass(frozen=True, slots=True)
class DrawerSettings:
    connection: DrawerConnection = DrawerConnection.PRINTER
    pin: int = 2  # the printer's drawer connector pin: 2 or 5
    pulse_ms: int = 100
    port: str = ""  # a serial drawer's port


@dataclass(frozen=True, slots=True)
class ScannerSettings:
    """A code reader on a serial port; none when `port` is empty (a keyboard-wedge
    reader needs no setting)."""

    port: str = ""
    baudrate: int = 9600
    terminator: str = "CR"
    # Bytes left without a terminator for this long are a partial code, dropped and
    # reported (with "TIMEOUT": the pause that ends a code).
    partial_timeout_ms: int = 100
    encoding: str = "latin-1"


# The symbologies a camera may read (the Scan's names, as zxing-cpp says them), and those
# it reads unless told otherwise: what the till's products and tickets carry. Not Micro
# QR: one can be read off a corner of a ticket's QR code (a "029" that is no ticket).
CAMERA_FORMATS = ("EAN13", "EAN8", "UPCA", "UPCE", "Code128", "QRCode", "MicroQRCode",
                  "Code39", "Code93", "ITF", "Codabar", "DataMatrix", "PDF417", "Aztec")
DEFAULT_CAMERA_FORMATS = ("EAN13", "EAN8", "UPCA", "UPCE", "Code128", "QRCode")


@dataclass(frozen=True, slots=True)
class CameraSettings:
    source: str = ""  # none when empty; a camera's index ("0"), device node or a video file
    # auto: zxing-cpp, then its second chances and ZBar on a frame where it found nothing
    decoder: str = "auto"
    formats: tuple[str, ...] = DEFAULT_CAMERA_FORMATS  # the symbologies it may read


def read_camera_formats(text: str | None, problems: list[str]) -> tuple[str, ...]:
    """The symbologies named in `text`, separated by commas, each as zxing-cpp names it
    or as people write it ("EAN-13", "Code 128", "QR Code"); a name not known is
    reported and left out, and none known at all gives the default."""
    if text is None or not text.strip():
        return DEFAULT_CAMERA_FORMATS
    known = {_format_key(name): name for name in CAMERA_FORMATS}
    chosen: list[str] = []
    for word in text.split(","):
        name = known.get(_format_key(word))
        if name is None:
            problems.append(f"[camera] formats: {word.strip()!r} is not one of"
                            f" {', '.join(CAMERA_FORMATS)}: left out")
        elif name not in chosen:
            chosen.append(name)
    return tuple(chosen) if chosen else DEFAULT_CAMERA_FORMATS


def _format_key(name: str) -> str:
    return "".join(letter for letter in name.lower() if letter.isalnum())


# -- the keyboard-wedge scanner ([wedge]) -------------------------------------------------

# Keys a wedge scanner can be set to send before or after its code, beside one printable
# character: a function key the till has no shortcut on (the sale screen's are F2 to F6:
# a shortcut's key never reaches the scanner's watch), and, as a suffix, Tab or Enter.
WEDGE_KEY_NAMES = ("ENTER", "TAB", *(f"F{number}" for number in range(7, 25)))
# Keys people press between fields all the time: as a prefix, they would hold back what
# follows them.
NOT_PREFIXES = ("ENTER", "TAB")
WEDGE_GAPS_MS = range(20, 501)
# Said (as a device problem of "keyboard") when a code begun by its prefix never ended.
WEDGE_UNFINISHED = "a code begun by its prefix never ended: its keys were typed"


@dataclass(frozen=True, slots=True)
class WedgeSettings:
    """A keyboard-wedge scanner (it types its codes): what it sends before and after each
    code, and the longest pause between two keys of one code."""

    prefix: str = ""  # none when empty; else a key as `wedge_key` reads it
    suffix: str = "ENTER"  # Enter always ends a code too
    # A pause longer than this ends a burst of keys (without a prefix): what was held is
    # typed. Scanners send a key every few milliseconds; one late key is tolerated.
    max_gap_ms: int = 60


def wedge_key(text: str) -> str | None:
    """`text` as a prefix or suffix key: one printable character (kept as is), or one of
    `WEDGE_KEY_NAMES` in any case (upper case); None when it is neither."""
    if len(text) == 1 and text.isprintable() and not text.isspace():
        return text
    name = text.upper()
    return name if name in WEDGE_KEY_NAMES else None


def _read_wedge(reader: _Reader) -> WedgeSettings:
    shown = "one printable character, ENTER, TAB or F7 to F24"
    prefix = reader.text("wedge", "prefix", "")
    suffix = reader.text("wedge", "suffix", "ENTER") or "ENTER"
    read_prefix = wedge_key(prefix) if prefix else ""
    if read_prefix is None or read_prefix in NOT_PREFIXES:
        read_prefix = reader.refuse("wedge", "prefix", prefix, "",
                                    "one printable character or F7 to F24")
    read_suffix = wedge_key(suffix)
    if read_suffix is None:
        read_suffix = reader.refuse("wedge", "suffix", suffix, "ENTER", shown)
    if read_prefix and read_prefix == read_suffix:
        problem = f"[wedge] prefix and suffix are both {read_prefix!r}: no prefix is used"
        reader.problems.append(problem)
        read_prefix = ""
    return WedgeSettings(read_prefix, read_suffix,
                         reader.number("wedge", "max_gap_ms", 60, WEDGE_GAPS_MS))


def _wedge_section(wedge: WedgeSettings) -> dict[str, str]:
    return {"prefix": wedge.prefix, "suffix": wedge.suffix,
            "max_gap_ms": str(wedge.max_gap_ms)}


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    drawer: DrawerSettings = field(default_factory=DrawerSettings)
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    camera: CameraSettings = field(default_factory=CameraSettings)
    wedge: WedgeSettings = field(default_factory=WedgeSettings)


Sections = Mapping[str, Mapping[str, str]]
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def read_device_settings(sections: Sections) -> tuple[DeviceSettings, list[str]]:
    """The settings in `sections` (INI sections: printer, drawer, scanner, camera, wedge),
    and a
    sentence for each value that could not be used (its default is used instead)."""
    problems: list[str] = []
    reader = _Reader(sections, problems)
    printer = PrinterSettings(
        reader.choice("printer", "transport", PrinterTransport, PrinterTransport.NONE),
        reader.text("printer", "address", ""),
        reader.number("printer", "paper_mm", 80, PAPER_WIDTHS),
        reader.number("printer", "baudrate", 9600, BAUD_RATES),
        reader.word("printer", "status_query", "on", ("on", "off")) == "on")
    if printer.transport is not PrinterTransport.NONE and not printer.address:
        problems.append(f"[printer] transport {printer.transport} needs an address:"
                        " no printer is used")
        printer = PrinterSettings()
    drawer = DrawerSettings(
        reader.choice("drawer", "connection", DrawerConnection, DrawerConnection.PRINTER),
        reader.number("drawer", "pin", 2, (2, 5)),
        reader.number("drawer", "pulse_ms", 100, range(50, 501)),
        reader.text("drawer", "port", ""))
    scanner = ScannerSettings(
        reader.text("scanner", "port", ""),
        reader.number("scanner", "baudrate", 9600, BAUD_RATES),
        reader.word("scanner", "terminator", "CR", SCANNER_TERMINATORS),
        reader.number("scanner", "partial_timeout_ms", 100, PARTIAL_TIMEOUTS_MS),
        reader.word("scanner", "encoding", "latin-1", SCANNER_ENCODINGS))
    camera = CameraSettings(reader.text("camera", "source", ""),
                            reader.word("camera", "decoder", "auto", DECODERS),
                            read_camera_formats(reader.text("camera", "formats", ""),
                                                problems))
    wedge = _read_wedge(reader)
    return DeviceSettings(printer, drawer, scanner, camera, wedge), problems


def device_settings_sections(settings: DeviceSettings) -> dict[str, dict[str, str]]:
    """The settings as INI sections, as `read_device_settings` reads them back."""
    printer, drawer = settings.printer, settings.drawer
    return {
        "printer": {"transport": printer.transport.value, "address": printer.address,
                    "paper_mm": str(printer.paper_mm), "baudrate": str(printer.baudrate),
                    "status_query": "on" if printer.status_query else "off"},
        "drawer": {"connection": drawer.connection.value, "pin": str(drawer.pin),
                   "pulse_ms": str(drawer.pulse_ms), "port": drawer.port},
        "scanner": {"port": settings.scanner.port, "baudrate": str(settings.scanner.baudrate),
                    "terminator": settings.scanner.terminator,
                    "partial_timeout_ms": str(settings.scanner.partial_timeout_ms),
                    "encoding": settings.scanner.encoding},
        "camera": {"source": settings.camera.source, "decoder": settings.camera.decoder,
                   "formats": ", ".join(settings.camera.formats)},
        "wedge": _wedge_section(settings.wedge),
    }


class _Reader:
    def __init__(self, sections: Sections, problems: list[str]) -> None:
        self.sections, self.problems = sections, problems

    def _raw(self, section: str, key: str) -> str | None:
        value = self.sections.get(section, {}).get(key)
        return None if value is None else value.strip()

    def text(self, section: str, key: str, default: str) -> str:
        value = self._raw(section, key)
        return default if value is None else value

    def word(self, section: str, key: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self._raw(section, key)
        if value is None or value == "":
            return default
        if value not in allowed:
            return self._refuse(section, key, value, default, ", ".join(allowed))
        return value

    def choice(self, section: str, key: str, kind: type[E], default: E) -> E:
        value = self._raw(section, key)
        if value is None or value == "":
            return default
        try:
            return kind(value)
        except ValueError:
            return self._refuse(section, key, value, default,
                                ", ".join(member.value for member in kind))

    def number(self, section: str, key: str, default: int, allowed: tuple[int, ...] | range,
               ) -> int:
        value = self._raw(section, key)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number not in allowed:
            shown = (f"{allowed.start} to {allowed.stop - 1}" if isinstance(allowed, range)
                     else ", ".join(map(str, allowed)))
            return self._refuse(section, key, value, default, shown)
        return number

    def refuse(self, section: str, key: str, value: str, default: T, allowed: str) -> T:
        return self._refuse(section, key, value, default, allowed)

    def _refuse(self, section: str, key: str, value: str, default: T, allowed: str) -> T:
        self.problems.append(f"[{section}] {key} = {value!r} is not one of {allowed}:"
                             f" {default!s} is used")
        return default
