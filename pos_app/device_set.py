"""The till's devices, built from their settings (`devices.ini`): part of the composition
root (bootstrap.open_devices), the one place besides bootstrap.py that builds adapters.
Nothing here is loaded until a device is needed: the till's start does not wait for
OpenCV, Pillow or pyserial."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pos_app.domain.devices import DeviceSettings, DrawerConnection, PrinterTransport
from pos_app.domain.printing import UNKNOWN_STATUS, PrinterStatus

if TYPE_CHECKING:
    from pos_app.domain.document import Document
    from pos_app.domain.scan import Scan
    from pos_app.services.ports import (
        CashDrawer,
        CodeReader,
        DeviceSettingsStore,
        Printer,
    )


@dataclass
class Devices:
    config: DeviceSettingsStore
    settings: DeviceSettings
    problems: list[str]  # values of devices.ini that could not be used, said once

    @property
    def paper_mm(self) -> int:
        return self.settings.printer.paper_mm

    @property
    def printer_set(self) -> bool:
        return self.settings.printer.transport is not PrinterTransport.NONE

    def with_settings(self, settings: DeviceSettings) -> Devices:
        return Devices(self.config, settings, [])

    def with_reader_only(self, kind: str) -> Devices:
        """These devices with only one code reader: "scanner" (serial) or "camera"."""
        keep = {"scanner": "camera", "camera": "scanner"}[kind]
        return self.with_settings(replace(self.settings, **{keep: type(
            getattr(self.settings, keep))()}))

    def status(self) -> PrinterStatus:
        printer = self.printer()
        return UNKNOWN_STATUS if printer is None else printer.status()

    def discover(self) -> dict[str, list[tuple[str, str]]]:
        """Serial ports and cameras this machine has (none is opened)."""
        from hardware.discovery import cameras, serial_ports

        return {"serial_ports": list(serial_ports()), "cameras": list(cameras())}

    def printer(self) -> Printer | None:
        """The receipt printer, or None when the till has none. An address that cannot
        be read raises ValueError, saying the form it should have."""
        from printing.transports import open_printer

        return open_printer(self.settings.printer)

    def drawer(self) -> CashDrawer | None:
        drawer = self.settings.drawer
        if drawer.connection is DrawerConnection.NONE:
            return None
        from printing.drawer import PrinterDrawer, SerialDrawer

        if drawer.connection is DrawerConnection.SERIAL:
            return SerialDrawer(drawer.port, drawer.pin, drawer.pulse_ms)
        printer = self.printer()
        return None if printer is None else PrinterDrawer(printer, drawer.pin, drawer.pulse_ms)

    def escpos(self, document: Document) -> bytes:
        """The document as this till's printer prints it (its paper's width)."""
        from printing.escpos_document import document_to_escpos

        return document_to_escpos(document, self.paper_mm)

    def roll_png(self, document: Document) -> bytes:
        from printing.roll_preview import document_png

        return document_png(document, self.paper_mm)

    def start_readers(self, on_scan: Callable[[Scan], None],
                      on_end: Callable[[str, BaseException | None], None],
                      on_problem: Callable[[str, str], None] | None = None,
                      ) -> list[CodeReader]:
        """The serial reader and the camera the settings name, each reading on its own
        thread; one that cannot be opened, or that fails while it reads, is reported
        through `on_end` (with its port or source), never raised; a code the serial
        reader drops or rejects (a fragment, noise) through `on_problem`."""
        from pos_app.services.ports import ScannerUnavailable

        readers: list[CodeReader] = []
        scanner, camera = self.settings.scanner, self.settings.camera
        if scanner.port:
            try:
                readers.append(self._serial_reader(on_scan, on_end, on_problem))
            except (ScannerUnavailable, OSError) as error:
                on_end(scanner.port, error)
        if camera.source:
            try:
                readers.append(self._camera(on_scan, on_end))
            except (ScannerUnavailable, OSError) as error:
                on_end(camera.source, error)
        return readers

    def _serial_reader(self, on_scan: Callable[[Scan], None],
                       on_end: Callable[[str, BaseException | None], None],
                       on_problem: Callable[[str, str], None] | None) -> CodeReader:
        from hardware.serial_scanner import SerialScanner

        scanner = self.settings.scanner
        return SerialScanner(scanner.port, on_scan, scanner.baudrate, scanner.terminator,
                             scanner.encoding, on_end=lambda error: on_end(scanner.port, error),
                             partial_timeout_ms=scanner.partial_timeout_ms,
                             on_problem=None if on_problem is None else (
                                 lambda problem: on_problem(scanner.port, problem))).start()

    def _camera(self, on_scan: Callable[[Scan], None],
                on_end: Callable[[str, BaseException | None], None]) -> CodeReader:
        from hardware.camera_scanner import CameraScanner, OpenCvCamera, decoder_named

        camera = self.settings.camera
        source = int(camera.source) if camera.source.isdigit() else camera.source
        return CameraScanner(OpenCvCamera(source), on_scan,
                             decoder_named(camera.decoder, camera.formats),
                             on_end=lambda error: on_end(camera.source, error)).start()

