"""A serial reader on a pseudo-terminal: each code arrives as a Scan (how fast is
measured in bench/serial_scan.py)."""

from __future__ import annotations

import argparse
import queue
import threading
from pathlib import Path

from hardware.serial_scanner import SerialScanner
from hardware.simulators.serial_scanner import SimulatedSerialReader
from pos_app.bootstrap import open_devices
from pos_app.cli.devices import _read_codes
from pos_app.domain.devices import DeviceSettings, ScannerSettings
from pos_app.domain.scan import Scan


def test_codes_arrive_as_scans() -> None:
    received: queue.Queue[Scan] = queue.Queue()
    with SimulatedSerialReader() as reader:
        scanner = SerialScanner(reader.port, received.put).start()
        try:
            for code in ("3760123450027", "CD2-000123", "Tkt-é-42"):
                reader.scan(code)
                scan = received.get(timeout=5)
                assert scan.code == code and scan.source == f"serial:{reader.port}"
        finally:
            scanner.stop()


def test_two_codes_in_one_read_and_noise_are_split_cleanly() -> None:
    received: queue.Queue[Scan] = queue.Queue()
    with SimulatedSerialReader(terminator=b"\r\n") as reader:
        scanner = SerialScanner(reader.port, received.put, terminator="CRLF").start()
        try:
            reader.scan("111\r\n\r\n222")  # two codes and an empty line in one burst
            codes = [received.get(timeout=2).code, received.get(timeout=2).code]
        finally:
            scanner.stop()
    assert codes == ["111", "222"] and received.empty()


def test_a_port_that_fails_ends_the_reading_and_says_why() -> None:
    ended: queue.Queue[BaseException | None] = queue.Queue()
    reader = SimulatedSerialReader()
    scanner = SerialScanner(reader.port, lambda _scan: None, on_end=ended.put).start()
    try:
        reader.close()  # the reader unplugged
        assert ended.get(timeout=5) is not None
    finally:
        scanner.stop()
    assert ended.empty()  # said once


def test_a_stopped_scanner_ends_without_a_failure() -> None:
    ended: queue.Queue[BaseException | None] = queue.Queue()
    with SimulatedSerialReader() as reader:
        SerialScanner(reader.port, lambda _scan: None, on_end=ended.put).start().stop()
    assert ended.get(timeout=5) is None


def test_trying_the_reader_shows_its_codes_and_what_it_rejected(data_dir: Path) -> None:
    with SimulatedSerialReader() as reader:
        devices = open_devices(data_dir).with_settings(
            DeviceSettings(scanner=ScannerSettings(reader.port)))
        done = threading.Event()

        def send() -> None:  # until it reads: a port being opened drops what waits in it
            while not done.wait(0.05):
                reader.send(b"\x1b\x00\r3760001001549\r")

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        try:
            tried = _read_codes(devices, argparse.Namespace(device="scanner", seconds=10,
                                                            count=1))
        finally:
            done.set()
            sender.join()
    assert tried.data["codes"][0]["code"] == "3760001001549" and tried.data["problems"] == []
    assert "control or noise bytes, rejected" in tried.data["rejected"][0]
