"""A serial barcode reader simulated on a pseudo-terminal pair: the scanner under test
opens `port` as it would a real device, and `scan(code)` makes the reader send it."""

from __future__ import annotations

import os
import tty


class SimulatedSerialReader:
    def __init__(self, terminator: bytes = b"\r") -> None:
        self._master, slave = os.openpty()
        tty.setraw(slave)  # bytes pass as sent: no line discipline in the way
        self.port = os.ttyname(slave)
        self._slave = slave
        self.terminator = terminator

    def scan(self, code: str) -> None:
        os.write(self._master, code.encode("latin-1") + self.terminator)

    def close(self) -> None:
        os.close(self._master)
        os.close(self._slave)

    def __enter__(self) -> SimulatedSerialReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
