"""A code sent by a serial reader (simulated on a pseudo-terminal) until its Scan is
handed over by `hardware.serial_scanner.SerialScanner`. The target is absolute: under
50 ms at the 99th percentile. Baseline, for scale: the same bytes read back from the
same pty with a bare blocking `os.read`."""

from __future__ import annotations

import os
import queue
import time

from bench.timing import Measure, Samples
from hardware.serial_scanner import SerialScanner
from hardware.simulators.serial_scanner import SimulatedSerialReader

TARGET_P99_MS = 50.0


def measure(rounds: int) -> Measure:
    received: queue.Queue[float] = queue.Queue()
    ours: list[float] = []
    with SimulatedSerialReader() as reader:
        scanner = SerialScanner(reader.port, lambda _scan: received.put(time.perf_counter()))
        scanner.start()
        try:
            for index in range(rounds):
                sent = time.perf_counter()
                reader.scan(f"376012345{index:04d}")
                ours.append(received.get(timeout=5) - sent)
        finally:
            scanner.stop()
    base: list[float] = []
    with SimulatedSerialReader() as reader:
        fd = os.open(reader.port, os.O_RDONLY | os.O_NOCTTY)
        try:
            for index in range(rounds):
                sent = time.perf_counter()
                reader.scan(f"376012345{index:04d}")
                got = b""
                while not got.endswith(b"\r"):
                    got += os.read(fd, 64)
                base.append(time.perf_counter() - sent)
        finally:
            os.close(fd)
    mine = Samples(ours)
    return Measure("serial scan to Scan, pty", mine, Samples(base),
                   "bare os.read of the same bytes from the same pty",
                   f"p99 < {TARGET_P99_MS:.0f} ms", mine.p99_ms < TARGET_P99_MS)
