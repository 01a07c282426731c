"""A barcode or QR reader on a serial port (RS-232, or USB in serial mode): it sends each
code followed by a terminator (CR by default), or, set to "TIMEOUT", nothing: a code then
ends when the line goes quiet. Each code arrives as a domain `Scan`, from a reading
thread, within milliseconds of its end.

What is read is never guessed at: a code cut short (no end within the partial-code
timeout) is dropped, and a code holding bytes no reader sends in a code (control or
noise bytes, or bytes the encoding cannot read) is rejected; both are reported as a
device problem through `on_problem`, never delivered, and never glued to the next code.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pos_app.domain.scan import Scan

MAX_CODE_BYTES = 4096  # a reader never sends more between terminators: noise is dropped
LINE_ENDS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "TAB": b"\t"}
END_BYTES = b"\r\n\t"
# The ends a setting expects: CRLF may come as CR or LF alone (the other one lost).
EXPECTED_ENDS = {"CR": (b"\r",), "LF": (b"\n",), "CRLF": (b"\r", b"\n"), "TAB": (b"\t",)}
GS = "\x1d"  # the GS1 group separator: part of a GS1-128 or DataMatrix code, kept
SHOWN_BYTES = 40  # how much of a rejected code a problem quotes


@dataclass(frozen=True, slots=True)
class Framed:
    """What a stretch of bytes turned out to be: a code, or a problem to report."""

    code: str | None = None
    problem: str | None = None


class CodeFramer:
    """Bytes in, codes and problems out; the time is passed in, so it is pure.

    Any line end (CR, LF, CRLF or Tab) ends a code whatever the setting: a reader set to
    send LF while the till expects CR is read all the same, and the mismatch is reported
    once so that the setting can be put right. CR followed by LF is one end, never an
    empty second code. With "TIMEOUT", a code ends once no byte came for `timeout_s`;
    otherwise bytes left without an end for that long are a partial code, dropped."""

    def __init__(self, terminator: str = "CR", timeout_s: float = 0.1,
                 encoding: str = "latin-1") -> None:
        if terminator not in (*LINE_ENDS, "TIMEOUT"):
            raise ValueError(f"terminator {terminator!r}: CR, LF, CRLF, TAB or TIMEOUT")
        "".encode(encoding)  # an unknown encoding is refused here, not at the first code
        self.terminator, self.timeout_s, self.encoding = terminator, timeout_s, encoding
        self._pending = bytearray()
        self._last_byte_at = 0.0
        self._after_cr = False  # the previous byte ended a code with CR: an LF may follow
        self._mismatch_said = False
        self._overflowed = False  # bytes are dropped up to the next end or pause

    def feed(self, data: bytes, at: float) -> list[Framed]:
        """`data` arrived at `at` (time.monotonic seconds)."""
        out: list[Framed] = []
        for byte in data:
            if byte in END_BYTES:
                if byte == 0x0A and self._after_cr:  # CRLF: one end
                    self._after_cr = False
                    continue
                self._after_cr = byte == 0x0D
                out += self._ended(bytes([byte]))
            else:
                self._after_cr = False
                if self._overflowed:  # the rest of a stretch already dropped
                    continue
                self._pending.append(byte)
                if len(self._pending) > MAX_CODE_BYTES:
                    out.append(Framed(problem=f"more than {MAX_CODE_BYTES} bytes without a"
                                      " terminator: dropped as noise"))
                    self._pending.clear()
                    self._overflowed = True
        if data:
            self._last_byte_at = at
        return out

    def tick(self, at: float) -> list[Framed]:
        """Nothing arrived up to `at`: what waits for longer than the timeout ends now."""
        if at - self._last_byte_at >= self.timeout_s:
            self._overflowed = False
        if not self._pending or at - self._last_byte_at < self.timeout_s:
            return []
        raw = bytes(self._pending)
        self._pending.clear()
        if self.terminator == "TIMEOUT":
            return self._framed(raw)
        return [Framed(problem=f"partial code dropped (no terminator within"
                               f" {round(self.timeout_s * 1000)} ms): {_shown(raw)}")]

    def _ended(self, end: bytes) -> list[Framed]:
        raw = bytes(self._pending)
        self._pending.clear()
        self._overflowed = False
        out: list[Framed] = []
        if self.terminator != "TIMEOUT" and end not in EXPECTED_ENDS[self.terminator] and (
                not self._mismatch_said):
            self._mismatch_said = True
            name = {b"\r": "CR", b"\n": "LF", b"\t": "TAB"}[end]
            out.append(Framed(problem=f"the reader ends its codes with {name}, not"
                                      f" {self.terminator} as set: read anyway"))
        if raw:  # two ends in a row (CR CR, an empty line) are no code
            out += self._framed(raw)
        return out

    def _framed(self, raw: bytes) -> list[Framed]:
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError:
            return [Framed(problem=f"not {self.encoding} text, rejected: {_shown(raw)}")]
        code = text.strip(" ")
        if not code:
            return []
        if not all(char.isprintable() or char == GS for char in code):
            return [Framed(problem=f"control or noise bytes, rejected: {_shown(raw)}")]
        return [Framed(code=code)]


def _shown(raw: bytes) -> str:
    return repr(raw[:SHOWN_BYTES]) + ("…" if len(raw) > SHOWN_BYTES else "")


class SerialScanner:
    """Reads `port` on its own thread until `stop()` or the port fails (a reader
    unplugged); `on_scan` receives each Scan (on that thread: a screen hands it to its
    own thread), `on_problem` each code dropped or rejected (a sentence), `on_end` the
    failure that stopped the reading, or None after `stop()`."""

    def __init__(self, port: str, on_scan: Callable[[Scan], None], baudrate: int = 9600,
                 terminator: str = "CR", encoding: str = "latin-1",
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_end: Callable[[BaseException | None], None] | None = None,
                 partial_timeout_ms: int = 100,
                 on_problem: Callable[[str], None] | None = None) -> None:
        import serial  # pyserial: loaded when a serial reader is configured

        self.port, self.on_scan, self.now, self.on_end = port, on_scan, now, on_end
        self.on_problem = on_problem
        self.framer = CodeFramer(terminator, partial_timeout_ms / 1000, encoding)
        # Polled often enough to see a pause of the timeout within a fifth of it.
        poll_s = min(0.05, partial_timeout_ms / 5000)
        self._serial = serial.Serial(port, baudrate=baudrate, timeout=poll_s)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._read, name=f"scanner {port}",
                                        daemon=True)

    def start(self) -> SerialScanner:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2)
        self._serial.close()

    def _read(self) -> None:
        failure: BaseException | None = None
        try:
            self._read_codes()
        except Exception as error:  # noqa: BLE001 - said to whoever listens, not lost
            failure = error
        if self.on_end is not None:
            self.on_end(failure)

    def _read_codes(self) -> None:
        while not self._stopping.is_set():
            chunk = self._serial.read(max(1, self._serial.in_waiting))
            # A pause is judged only after a read that waited and got nothing: a reading
            # thread held up by a busy machine finds the bytes waiting, never a pause.
            at = time.monotonic()
            framed = self.framer.feed(chunk, at) if chunk else self.framer.tick(at)
            for item in framed:
                if item.code is not None:
                    self.on_scan(Scan(item.code, f"serial:{self.port}", self.now()))
                elif item.problem is not None and self.on_problem is not None:
                    self.on_problem(item.problem)
