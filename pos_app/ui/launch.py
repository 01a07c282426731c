"""Start the Qt application: sign in, then the sale window."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from pos_app import __version__
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context
from pos_app.services.staff import prepare_sign_in
from pos_app.ui.keyboard import TouchKeyboard
from pos_app.ui.language import apply_language
from pos_app.ui.ops import OperationRunner
from pos_app.ui.screen_fit import fit_screen
from pos_app.ui.settings import TillSettings
from pos_app.ui.sign_in import SignInDialog

if TYPE_CHECKING:
    from pos_app.services.ports import TillDevices
    from pos_app.services.sync import SyncPorts
    from pos_app.services.sync_worker import SyncWorker
    from pos_app.ui.device_link import DeviceLink
    from pos_app.ui.sale_window import SaleWindow
    from pos_app.ui.scan_station import ScanStationWindow
    from pos_app.ui.scanner import KeyboardScanner
    from pos_app.ui.sync_link import SyncBridge

STYLE_SHEET = Path(__file__).resolve().parents[2] / "resources" / "style.qss"
DEVICES_AFTER_MS = 300  # after the sale screen shows, as its dialogs' code
START_WAIT_S = 10.0  # a start that cannot be journaled says so; sign-in goes on


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("caisse")
    fit_screen(app, style_sheet())
    return app


def style_sheet() -> str:
    """The style sheet at the base scale (screen_fit.py scales it for the screen)."""
    return STYLE_SHEET.read_text(encoding="utf-8") if STYLE_SHEET.exists() else ""


def show_on_screen(window: QWidget, kiosk: bool) -> None:
    """A till's window takes the whole screen: maximised (the taskbar stays), or, in
    kiosk mode, full-screen without a frame."""
    if kiosk:
        window.showFullScreen()
    else:
        window.showMaximized()


class TillStart(QObject):
    """The sign-in screen first, then the sale screen; after a sign-out, sign-in again.

    The sign-in screen shows as soon as the store is open. Once it shows the tills, the
    sale screen is built, hidden, while staff type their secret (and while it is checked
    on a worker thread), so it shows the moment the check succeeds. Each sign-in screen,
    and the sale screen after it, come in the language of the settings.
    """

    ready = Signal(object)  # the SaleWindow, shown
    finished = Signal()  # sign-in cancelled, or the sale window closed

    def __init__(self, ctx: Context, runner: OperationRunner,
                 settings: TillSettings | None = None, journal_start: bool = False,
                 devices: Callable[[], TillDevices] | None = None,
                 sync: Callable[[], SyncPorts] | None = None) -> None:
        """With `journal_start`, the event journal records the till's start (and a new
        version or a clock gone back) before the first sign-in. With `sync`, the sync
        thread starts with the devices."""
        super().__init__()
        self.ctx, self.runner, self.settings = ctx, runner, settings
        self._open_devices = devices
        self.devices: DeviceLink | None = None  # made when the first sale screen shows
        self._open_sync = sync
        self.sync: SyncWorker | None = None  # started with the devices
        self.sync_link: SyncBridge | None = None  # its news for the sale screens
        # The keyboard-wedge scanner, made with the first sale screen: the sign-in screen
        # takes no scans, and shows without its code.
        self.scanner: KeyboardScanner | None = None
        # The on-screen keyboard, for every screen of the till unless the settings turn
        # it off (read again at each sign-in).
        self.keyboard: TouchKeyboard | None = None
        self._journal_start = journal_start
        self.jump_seen = 0  # clock jumps recorded before this start are not said again
        self._start_journaled = threading.Event()
        if not journal_start:
            self._start_journaled.set()
        self.window: SaleWindow | None = None
        self.station: ScanStationWindow | None = None  # a checker's screen, instead
        self.dialog = self._sign_in_dialog()

    def _sign_in_dialog(self) -> SignInDialog:
        if self.settings is not None:
            apply_language(self.settings.language)
        self._apply_keyboard()
        dialog = SignInDialog(self.ctx, self.runner, prepare=self._prepare,
                              before_recording=self._wait_for_start)
        if not self.gate_till:  # a gate's till never shows the sale screen: not built
            dialog.tills_shown.connect(lambda: QTimer.singleShot(0, self._sale_window))
        dialog.accepted.connect(self._open_sale_window)
        dialog.rejected.connect(self.finished)
        return dialog

    @property
    def kiosk(self) -> bool:
        return self.settings is not None and self.settings.kiosk

    def start(self) -> None:
        show_on_screen(self.dialog, self.kiosk)  # as the sale screen: room for the tiles

    def _apply_keyboard(self) -> None:
        on = self.settings is None or self.settings.touch_keyboard
        if on and self.keyboard is None:
            app = QApplication.instance()
            assert isinstance(app, QApplication)
            self.keyboard = TouchKeyboard(app)
            self.keyboard.setParent(self)  # it goes with this start
        elif not on and self.keyboard is not None:
            self.keyboard.stop()
            self.keyboard.deleteLater()
            self.keyboard = None

    def _prepare(self, ctx: Context) -> None:
        """On a worker, while staff type: the sign-in made ready, then the start
        journaled (once), on one thread, so that neither waits for the other's imports;
        the sign-in's own entry follows the start's, in the event journal as in time."""
        prepare_sign_in(ctx)
        if self._journal_start:
            self._journal_start = False
            try:
                self.jump_seen = _record_start(ctx)
            finally:
                self._start_journaled.set()

    def _wait_for_start(self) -> None:
        """On the sign-in's worker, once the secret is checked: its entry comes after the
        start's (which is written meanwhile on the other worker)."""
        self._start_journaled.wait(START_WAIT_S)

    def _sale_window(self) -> SaleWindow:
        """The sale screen, built once per sign-in and hidden until someone signs in (the
        first one with the scanner that hands it what it reads)."""
        if self.window is None:
            from pos_app.ui.sale_window import SaleWindow

            if self.scanner is None:
                from pos_app.ui.scanner import KeyboardScanner

                app = QApplication.instance()
                assert isinstance(app, QApplication)
                self.scanner = KeyboardScanner(app, listening=False)
                self.scanner.setParent(self)  # it goes with this start
            self.window = SaleWindow(self.ctx, self.runner, settings=self.settings)
            self.window.closed.connect(self.finished)
            self.window.sign_out_requested.connect(self._sign_out)
        return self.window

    @property
    def gate_till(self) -> bool:
        """The till is set to show the scan station to everyone (ui/settings.py
        `screen/scan_station`)."""
        return self.settings is not None and self.settings.scan_station

    def wants_station(self, staff: StaffMember) -> bool:
        """A checker's screen is the scan station; so is everyone's at a gate's till. (A
        checker at a sale till finds the sale screen built ahead dropped.)"""
        return staff.role is Role.CHECKER or self.gate_till

    def _open_station(self) -> None:
        """The scan station instead of the sale screen: the one built ahead goes."""
        from pos_app.ui.scan_station import ScanStationWindow

        assert self.dialog.staff is not None
        if self.window is not None:
            self.window.closed.disconnect(self.finished)
            self.window.deleteLater()
            self.window = None
        station = self.station = ScanStationWindow(self.ctx, self.runner,
                                                   settings=self.settings)
        station.closed.connect(self.finished)
        station.sign_out_requested.connect(self._sign_out)
        station.begin(self.dialog.staff, self.dialog.till, self.jump_seen)
        show_on_screen(station, self.kiosk)
        if self.scanner is not None:
            self.scanner.listen()  # the wedge scanner's codes go to the station
        QTimer.singleShot(DEVICES_AFTER_MS, lambda: self._attach_devices(station))
        self.ready.emit(station)

    def _open_sale_window(self) -> None:
        assert self.dialog.staff is not None
        if self.wants_station(self.dialog.staff):
            self._open_station()
            return
        window = self._sale_window()
        window.begin(self.dialog.staff, self.dialog.till, self.jump_seen)
        show_on_screen(window, self.kiosk)
        assert self.scanner is not None
        self.scanner.listen()  # from the first sale screen on
        QTimer.singleShot(DEVICES_AFTER_MS, lambda: self._attach_devices(window))
        self.ready.emit(window)

    def _attach_devices(self, window: SaleWindow | ScanStationWindow) -> None:
        """The devices come just after the sale screen shows, with the dialogs' code: the
        screen comes first, and no one pays within that moment. The device thread then
        prints what an earlier run left in the queue."""
        _settle_memory()
        if not isValid(window):
            return
        self._start_sync()
        if self.sync_link is not None:
            window.attach_sync(self.sync_link)
        if self._open_devices is None:
            return
        if self.devices is None:
            from pos_app.ui.device_link import DeviceLink

            self.devices = DeviceLink(self.ctx, self._open_devices(), self.runner)
            self.devices.start()
            if self.scanner is not None:
                wire_scanner(self.scanner, self.devices)
        window.attach_devices(self.devices)

    def _start_sync(self) -> None:
        """The sync thread, once: it sends what waits, then after every action that
        changed data (`runner.changed`), and otherwise pings the server every few
        seconds. Until the till is enrolled it only looks now and then whether it is."""
        if self.sync_link is not None or self._open_sync is None:
            return
        from pos_app.ui.sync_link import SyncBridge

        self.sync_link = SyncBridge(self.ctx, self._open_sync).start()
        self.sync = self.sync_link.worker
        self.runner.changed.connect(self.sync_link.wake)

    def stop(self) -> None:
        """The till closing: the scanner, the keyboard, the devices and the sync thread
        stopped, the workers' last actions finished."""
        if self.scanner is not None:
            self.scanner.stop()
        if self.keyboard is not None:
            self.keyboard.stop()
        if self.devices is not None:
            self.devices.stop()
        if self.sync is not None:
            self.sync.stop()
        self.runner.wait()

    def _sign_out(self) -> None:
        window: SaleWindow | ScanStationWindow | None
        if self.station is not None:
            window, self.station = self.station, None
        else:
            window, self.window = self.window, None
        assert window is not None
        self.jump_seen = window.jump_seen
        window.closed.disconnect(self.finished)
        window.close()
        window.deleteLater()
        self.dialog.deleteLater()
        self.dialog = self._sign_in_dialog()
        self.start()


def run_window(ctx: Context, settings: TillSettings | None = None,
               devices: Callable[[], TillDevices] | None = None,
               sync: Callable[[], SyncPorts] | None = None) -> int:
    app, start = begin_till(ctx, settings, devices, sync)
    # The till ends when its sign-in is cancelled or its sale window closes, not when
    # some window happens to be the last one shown.
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    start.finished.connect(app.quit)
    try:
        return app.exec()
    finally:
        gc.enable()  # a start cancelled at the sign-in screen
        start.stop()
        app.setQuitOnLastWindowClosed(quit_on_last)
        _record_stop(ctx)


def begin_till(ctx: Context, settings: TillSettings | None = None,
               devices: Callable[[], TillDevices] | None = None,
               sync: Callable[[], SyncPorts] | None = None,
               ) -> tuple[QApplication, TillStart]:
    """The sign-in screen shown, the start being journaled, and the keyboard-wedge scanner
    and the devices (`devices()`) for the first sale screen: everything of the till's
    start but its event loop (the cold-start benchmark runs this very code)."""
    app = create_application()
    start = TillStart(ctx, OperationRunner(), settings, journal_start=True, devices=devices,
                      sync=sync)
    start.start()
    return app, start


def wire_scanner(scanner: KeyboardScanner, devices: DeviceLink) -> None:
    """The keyboard-wedge scanner as devices.ini sets it ([wedge]: its prefix, suffix and
    longest gap), again whenever the settings are saved; a code it could not finish is
    said on the sale screen as the other readers' problems are."""
    scanner.configure(devices.devices.settings.wedge)
    devices.settings_changed.connect(lambda settings: scanner.configure(settings.wedge))
    scanner.problem.connect(lambda problem: devices.problem.emit("keyboard", problem))


def _settle_memory() -> None:
    """What the start made stays for the till's life: frozen out of the collector's
    full passes, then collection goes on (caisse's main turned it off for the start)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _record_start(ctx: Context) -> int:
    """The start journaled; returns the event journal entry of the last clock jump before
    it (a jump recorded by the start itself is to be said)."""
    # Loaded on the worker: the sign-in screen does not wait for the journal's code.
    from pos_app.services.journal import record_start

    return record_start(ctx, __version__)


def _record_stop(ctx: Context) -> None:
    from pos_app.services.journal import record_stop

    try:
        record_stop(ctx)
    except Exception as error:  # noqa: BLE001 - the till is closing: say it, do not hang
        print(f"caisse: the stop could not be journaled: {error}", file=sys.stderr)
