"""A serial barcode reader simulated on a pseudo-terminal pair: the scanner under test
opens `port` as it would a real device, `scan(code)` makes the reader send it, and
`send(raw)` sends any bytes (a code in parts, noise, a burst of codes at once)."""

from __future__ import annotations

import os
import tty


class SimulatedSerialReader:
    def __init__(self, terminator: bytes = b"\r", encoding: str = "latin-1") -> None:
        self._master, slave = os.openpty()
        tty.setraw(slave)  # bytes pass as sent: no line discipline in the way
        self.port = os.ttyname(slave)
        self._slave = slave
        self.terminator, self.encoding = terminator, encoding
        self._closed = False

    def scan(self, code: str) -> None:
        self.send(code.encode(self.encoding) + self.terminator)

    def send(self, raw: bytes) -> None:
        while raw:  # a pty may take less than all at once
            raw = raw[os.write(self._master, raw):]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self._master)
            os.close(self._slave)

    def __enter__(self) -> SimulatedSerialReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
