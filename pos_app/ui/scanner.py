"""A keyboard-wedge scanner types its code as a fast burst of keys ending in Enter.

`KeyboardScanner` watches every key typed into the application, wherever the focus is
(it follows the focus: keys go to the focused widget).
Printable keys are held back for a few milliseconds: if they turn out to be a burst
ending in Enter, the code goes as a `Scan` to the window if it takes scans, and is
otherwise dropped (`dropped` says so), never typed: a code read while the payment
screen is open must not become an amount. Keys that are not a burst are handed on to
the widget they were meant for, as typed.

Keys typed into a secret field (a PIN), or in a window that takes no scans (the sign-in
screen, `NO_SCANS`), are never held: a PIN typed fast is a PIN, and what it was is never
shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple, Protocol, runtime_checkable

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QWidget
from shiboken6 import isValid

from pos_app.domain.scan import Scan
from pos_app.ui.widgets import NO_SCANS

# Wedge scanners send a key every few milliseconds; people, even fast typists, leave
# tens of milliseconds between keys. A burst is keys closer than this, ending in Enter.
BURST_GAP_MS = 30
MIN_CODE_LENGTH = 4


@runtime_checkable
class ScanReceiver(Protocol):
    def receive_scan(self, scan: Scan) -> None: ...


class _HeldKey(NamedTuple):
    target: QWidget
    key: int
    modifiers: QtCore.Qt.KeyboardModifier
    text: str


class KeyboardScanner(QObject):
    dropped = Signal(object, object)  # the Scan, and the window that does not take scans

    def __init__(self, app: QApplication, gap_ms: int = BURST_GAP_MS,
                 min_length: int = MIN_CODE_LENGTH,
                 clock: Callable[[], float] = time.monotonic, listening: bool = True) -> None:
        super().__init__(app)
        self._gap = gap_ms / 1000
        self._min_length = min_length
        self._clock = clock
        self._held: list[_HeldKey] = []
        self._last_key_at = 0.0
        self._replaying = False
        self._timer = QTimer(self, singleShot=True, interval=gap_ms)
        self._timer.timeout.connect(self.release)
        self._app = app
        self._listening = False
        self._watched: QObject | None = None
        if listening:
            self.listen()

    def listen(self) -> None:
        """Watch the keys from now on (once, however often called)."""
        if not self._listening:
            self._listening = True
            self._app.focusChanged.connect(self._follow_focus)
            self._follow_focus(None, self._app.focusWidget())

    def stop(self) -> None:
        self.release()
        if self._listening:
            self._listening = False
            self._app.focusChanged.disconnect(self._follow_focus)
            self._watch(None)

    def _follow_focus(self, _old: QWidget | None, now: QWidget | None) -> None:
        # Keys go to the widget with the focus, or to the active window when none has
        # it: watching that one object sees every key typed, while a filter on the
        # whole application would bring each of its events (thousands while screens
        # are built) into Python, and make a Python type for each kind of object.
        self._watch(now if now is not None else self._app.activeWindow())

    def _watch(self, target: QObject | None) -> None:
        if target is self._watched:
            return
        if self._watched is not None and isValid(self._watched):
            self._watched.removeEventFilter(self)
        self._watched = target
        if target is not None:
            target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Every event of the watched widget comes through here: the type test, cheap, goes
        # first; reading an event's type makes a Python enum member, which is not.
        if (not isinstance(event, QKeyEvent) or self._replaying
                or event.type() != QEvent.Type.KeyPress or not isinstance(watched, QWidget)):
            return False
        if takes_no_scans(watched):
            self.release()  # what was held before is typed where it was meant to go
            return False
        # The window system's own time of the key, when it gives one: a pause of the UI
        # thread while the burst arrives must not split it. Synthetic keys carry none.
        now = event.timestamp() / 1000 if event.timestamp() else self._clock()
        in_burst = bool(self._held) and now - self._last_key_at <= self._gap
        # `QtCore.Qt` is read here, not imported: making its enums takes about 16 ms,
        # which the sign-in screen (that imports this module) does not wait for.
        qt = QtCore.Qt
        if event.key() in (qt.Key.Key_Return, qt.Key.Key_Enter):
            if in_burst and len(self._held) >= self._min_length:
                self._deliver(watched.window())
                return True
            self.release()
            return False
        text = event.text()
        plain = not event.modifiers() & ~(qt.KeyboardModifier.ShiftModifier
                                          | qt.KeyboardModifier.KeypadModifier)
        if len(text) != 1 or not text.isprintable() or not plain:
            self.release()
            return False
        if not in_burst:
            self.release()
        self._held.append(_HeldKey(watched, event.key(), event.modifiers(), text))
        self._last_key_at = now
        self._timer.start()
        return True

    def _deliver(self, window: QWidget) -> None:
        scan = Scan("".join(held.text for held in self._held), "keyboard", datetime.now(UTC))
        self._held.clear()
        self._timer.stop()
        if isinstance(window, ScanReceiver):
            window.receive_scan(scan)
            return
        QApplication.beep()
        # Without what was read: keys typed fast into this window may be someone's secret.
        QToolTip.showText(window.mapToGlobal(window.rect().center()), self.tr(
            "Code lu ignoré : fermez d'abord cette fenêtre."), window)
        self.dropped.emit(scan, window)

    def release(self) -> None:
        """Hand the held keys on as typing: they were not a scan."""
        held, self._held = self._held, []
        self._timer.stop()
        self._replaying = True
        try:
            for key in held:
                if not isValid(key.target):  # its screen closed meanwhile
                    continue
                QApplication.sendEvent(key.target, QKeyEvent(
                    QEvent.Type.KeyPress, key.key, key.modifiers, key.text))
        finally:
            self._replaying = False


def takes_no_scans(widget: QWidget) -> bool:
    """A secret field, or a widget of a window that takes no scans."""
    if (isinstance(widget, QLineEdit)
            and widget.echoMode() != QLineEdit.EchoMode.Normal):
        return True
    return bool(widget.window().property(NO_SCANS))
