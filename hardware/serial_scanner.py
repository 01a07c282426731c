"""A barcode or QR reader on a serial port (RS-232, or USB in serial mode): it sends each
code followed by a terminator (CR by default). Each code arrives as a domain `Scan`, from
a reading thread, within milliseconds of its terminator."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from pos_app.domain.scan import Scan

MAX_CODE_BYTES = 4096  # a reader never sends more between terminators: noise is dropped


class SerialScanner:
    """Reads `port` on its own thread until `stop()` or the port fails (a reader
    unplugged); `on_scan` receives each Scan (on that thread: a screen hands it to its
    own thread), `on_end` the failure that stopped the reading, or None after `stop()`."""

    def __init__(self, port: str, on_scan: Callable[[Scan], None], baudrate: int = 9600,
                 terminator: bytes = b"\r", encoding: str = "latin-1",
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_end: Callable[[BaseException | None], None] | None = None) -> None:
        import serial  # pyserial: loaded when a serial reader is configured

        self.port, self.on_scan, self.terminator = port, on_scan, terminator
        self.encoding, self.now, self.on_end = encoding, now, on_end
        self._serial = serial.Serial(port, baudrate=baudrate, timeout=0.05)
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
        pending = bytearray()
        while not self._stopping.is_set():
            chunk = self._serial.read(max(1, self._serial.in_waiting))
            if not chunk:
                continue
            pending += chunk
            while (end := pending.find(self.terminator)) != -1:
                raw, pending = bytes(pending[:end]), pending[end + len(self.terminator):]
                code = raw.decode(self.encoding).strip("\r\n\x00 ")
                if code:
                    self.on_scan(Scan(code, f"serial:{self.port}", self.now()))
            if len(pending) > MAX_CODE_BYTES:
                pending.clear()
