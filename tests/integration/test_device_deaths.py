"""Deaths are said: a serial reader whose port goes, and the device thread failing a
pass, are said to the operator and journaled, then tried again with backoff until they
work, which is said and journaled too."""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any

from hardware.simulators.serial_scanner import SimulatedSerialReader
from pos_app.bootstrap import open_devices
from pos_app.domain.devices import DeviceSettings, ScannerSettings
from pos_app.domain.scan import Scan
from pos_app.services.context import Context
from pos_app.services.device_worker import DeviceWorker
from tests.integration.test_events import events

Told = queue.Queue[tuple[str, str | None]]


class Operator:
    def __init__(self) -> None:
        self.told: Told = queue.Queue()

    def device_problem(self, device: str, problem: str | None) -> None:
        self.told.put((device, problem))


def told_until(told: Told, device: str, back: bool) -> list[str | None]:
    """What the operator was told of `device` up to its first problem (or its return)."""
    heard: list[str | None] = []
    deadline = time.monotonic() + 10
    while True:
        said, problem = told.get(timeout=max(0.01, deadline - time.monotonic()))
        if said == device:
            heard.append(problem)
            if (problem is None) == back:
                return heard


def device_events(ctx: Context, device: str) -> list[dict[str, Any]]:
    return [body for body in events(ctx) if body.get("device") == device]


def test_a_serial_reader_unplugged_is_said_then_read_again_once_back(
        ctx: Context, data_dir: Path) -> None:
    port = data_dir / "scanner-port"  # as /dev/serial/by-id/… names a reader
    first = SimulatedSerialReader()
    port.symlink_to(first.port)
    operator, scans = Operator(), queue.Queue[Scan]()
    worker = DeviceWorker(ctx, open_devices(data_dir).with_settings(  # type: ignore[arg-type]
        DeviceSettings(scanner=ScannerSettings(str(port)))), operator).start()
    second: SimulatedSerialReader | None = None
    readers = worker.keep_readers(scans.put, backoff_s=(0.05, 0.1, 0.2))
    try:
        # An opening port's input is flushed: codes are sent once it reads.
        assert readers[0].reading.wait(5)
        first.scan("3760001001549")
        assert scans.get(timeout=5).code == "3760001001549"
        first.close()  # unplugged: its port fails under the reader, then goes
        port.unlink()
        assert told_until(operator.told, "scanner", back=False)[-1]
        second = SimulatedSerialReader()
        port.symlink_to(second.port)  # plugged in again
        assert told_until(operator.told, "scanner", back=True)[-1] is None
        assert readers[0].reading.wait(5)
        second.scan("3760001001617")
        assert scans.get(timeout=5).code == "3760001001617"
    finally:
        for reader in readers:
            reader.stop()
        worker.stop()
        if second is not None:
            second.close()
    said = device_events(ctx, "scanner")
    assert said[0]["event"] == "device_error" and said[-1]["event"] == "device_back"
    assert [body["event"] for body in said].count("device_back") == 1
    # Once per episode: the reading's failure, then (maybe) the port not found, however
    # many times it was tried.
    assert len(said) <= 3


class BrokenDevices:
    """Devices whose printer cannot even be looked at: a bug, not a printer problem."""

    def __init__(self) -> None:
        self.broken = True

    def printer(self) -> None:
        if self.broken:
            raise RuntimeError("settings half-read")


def test_the_device_thread_says_a_failed_pass_and_goes_on(ctx: Context) -> None:
    operator, devices = Operator(), BrokenDevices()
    worker = DeviceWorker(ctx, devices, operator).start()  # type: ignore[arg-type]
    try:
        worker.wake()
        assert told_until(operator.told, "devices", back=False) == ["settings half-read"]
        devices.broken = False
        worker.wake()
        assert told_until(operator.told, "devices", back=True) == [None]
        assert worker._thread.is_alive()
    finally:
        worker.stop()
    assert [body["event"] for body in device_events(ctx, "devices")] == [
        "device_error", "device_back"]
