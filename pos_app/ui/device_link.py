"""The screens' side of the till's devices: the device thread that prints and opens the
drawer (services/device_worker.py), the serial and camera code readers, and what they
need to tell the cashier, all handed to the UI thread as Qt signals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from pos_app.services.device_worker import DeviceWorker
from pos_app.services.reader_keeper import KeptReader
from pos_app.ui.ops import OperationRunner

if TYPE_CHECKING:
    from pos_app.domain.devices import DeviceSettings
    from pos_app.domain.document import Document
    from pos_app.services.context import Context
    from pos_app.services.ports import TillDevices


class DeviceLink(QObject):
    problem = Signal(str, object)  # the device ("printer", "drawer", a reader), and the
    #                                problem, or None once it works again
    scanned = Signal(object)  # a Scan from a serial reader or the camera
    queued = Signal()  # a document went into the print queue
    settings_changed = Signal(object)  # the DeviceSettings saved, in use from now on

    def __init__(self, ctx: Context, devices: TillDevices, runner: OperationRunner) -> None:
        super().__init__()
        self.ctx, self.devices, self.runner = ctx, devices, runner
        self.worker = DeviceWorker(ctx, devices, self)
        self._readers: Sequence[KeptReader] = []
        self._started = False
        self.camera_wanted = True  # the scan station's toggle: off, the camera is freed

    def start(self) -> None:
        """Once, however often called (each sign-in shows a sale screen)."""
        if self._started:
            return
        self._started = True
        self.worker.start()
        self._open_readers()

    def stop(self) -> None:
        for reader in self._readers:
            reader.stop()
        if self._started:
            self.worker.stop()

    def readers_reading(self) -> bool:
        """Every code reader set is open and reading (they open on threads of their own)."""
        return all(reader.reading.is_set() for reader in self._readers)

    def has_camera(self) -> bool:
        return bool(self.devices.settings.camera.source)

    def camera_kept(self) -> bool:
        """The camera is open, or being opened again after it failed."""
        return any(reader.kind == "camera" for reader in self._readers)

    def set_camera(self, on: bool) -> None:
        """Read from the camera the settings name, or close it (its light off, its frames
        no longer decoded) until it is wanted again, new settings included."""
        self.camera_wanted = on
        if on and not self.camera_kept() and self._started:
            self._readers = [*self._readers, *self._keep(("camera",))]
        elif not on:
            for reader in self._readers:
                if reader.kind == "camera":
                    reader.stop()
            self._readers = [reader for reader in self._readers if reader.kind != "camera"]

    def device_problem(self, device: str, problem: str | None) -> None:
        """From the device thread: said on the UI thread (a queued signal)."""
        self.problem.emit(device, problem)

    def _reader_problem(self, where: str, problem: str) -> None:
        """A code a reader dropped or rejected (a partial code, noise): from its thread."""
        self.problem.emit(where, problem)

    def print_document(self, document: Document) -> None:
        """Queued on a worker (rendered, then written with its job), printed by the device
        thread after; never waits for the printer."""
        self.runner.run(self, lambda: self.worker.print_document(document),
                        lambda _seq: self.queued.emit(),
                        lambda error: self.problem.emit("printer", str(error)),
                        changes_data=True)

    def open_drawer(self) -> None:
        self.worker.kick()

    def use_settings(self, settings: DeviceSettings) -> None:
        """Saved settings take effect at once: the device thread reads them at its next
        job; the readers are opened again."""
        for reader in self._readers:
            reader.stop()
        self.devices = self.devices.with_settings(settings)
        self.worker.devices = self.devices
        self.worker.wake()  # a printer just set prints what waited
        self._open_readers()
        self.settings_changed.emit(settings)

    def _open_readers(self) -> None:
        self._readers = self._keep(("scanner", "camera") if self.camera_wanted
                                   else ("scanner",))

    def _keep(self, kinds: Sequence[str]) -> list[KeptReader]:
        # Kept reading by the device worker, which says and journals a reader's failure
        # and its return, and opens it again until it reads.
        return self.worker.keep_readers(self.scanned.emit, self._reader_problem,
                                        kinds=kinds)
