"""A keyboard-wedge scanner types its code as a fast burst of keys ending in Enter.

`KeyboardScanner` watches every key typed into the application, wherever the focus is
(it follows the focus: keys go to the focused widget). Keys that may be a code are held
back; the burst is judged as a whole when its end comes (Enter, or the scanner's suffix):
a scanner sends its keys every few milliseconds, a person, even a fast one, 20 ms and
more apart. A burst most of whose gaps are at scanner speed is a code (one late key is
tolerated, up to the scanner's longest gap): it goes as a `Scan` to the window if it
takes scans, and is otherwise dropped (`dropped` says so), never typed: a code read while
the payment screen is open must not become an amount. Keys that are not a scan are
handed on, in their order, to the widget they were meant for, as typed; Enter after them
too. Shift, AltGr (a character typed with modifiers) and the GS1 group separator (Ctrl+],
text "\\x1d", kept in the code) are part of a burst.

With a prefix set (`WedgeSettings`), everything from the prefix to the suffix (or Enter)
is one code whatever its pauses, up to `PREFIX_TIMEOUT_MS`: a code begun and never ended
is typed as its keys were, and said (`problem`).

Keys typed into a secret field (a PIN), or in a window that takes no scans (the sign-in
screen, `NO_SCANS`), are never held: a PIN typed fast is a PIN, and what it was is never
shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import pairwise
from typing import NamedTuple, Protocol, runtime_checkable

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QWidget
from shiboken6 import isValid

from pos_app.domain.devices import WEDGE_UNFINISHED, WedgeSettings
from pos_app.domain.scan import Scan
from pos_app.ui.widgets import NO_SCANS

# Scanners send a key every 1 to 10 ms; people leave 20 ms and more even when fast.
SCANNER_GAP_MS = 15
MIN_CODE_LENGTH = 4
# A code begun by its prefix and not ended within this is not a code: its keys are typed.
PREFIX_TIMEOUT_MS = 1000
GROUP_SEPARATOR = "\x1d"  # GS1's FNC1 between fields, sent by scanners as Ctrl+]


@runtime_checkable
class ScanReceiver(Protocol):
    def receive_scan(self, scan: Scan) -> None: ...


class _HeldKey(NamedTuple):
    target: QWidget
    event: QKeyEvent  # a copy, handed on as it came if the keys were typing
    at: float  # milliseconds: the window system's time of the key, or the clock's
    code: str  # what it adds to a code: its character, GS, or nothing (a modifier, the prefix)


class _Keys:
    """The keys and modifiers the scanner tells apart, as numbers and flags."""

    def __init__(self) -> None:
        # `QtCore.Qt` is read here, at the first key, not imported: making its enums
        # takes about 16 ms, which neither the sign-in screen (that imports this module)
        # nor the sale screen (that makes the scanner) waits for.
        qt = QtCore.Qt
        key = qt.Key
        self.enter = frozenset({key.Key_Return.value, key.Key_Enter.value})
        self.modifiers = frozenset(k.value for k in (
            key.Key_Shift, key.Key_Control, key.Key_Alt, key.Key_AltGr, key.Key_Meta,
            key.Key_Mode_switch, key.Key_CapsLock))
        self.bracket_right = key.Key_BracketRight.value
        self.f1, self.tab = key.Key_F1.value, key.Key_Tab.value
        modifier = qt.KeyboardModifier
        self.ctrl, self.alt = modifier.ControlModifier, modifier.AltModifier
        self.meta = modifier.MetaModifier


class KeyboardScanner(QObject):
    dropped = Signal(object, object)  # the Scan, and the window that does not take scans
    problem = Signal(str)  # WEDGE_UNFINISHED: a code begun by its prefix was typed

    def __init__(self, app: QApplication, settings: WedgeSettings | None = None,
                 min_length: int = MIN_CODE_LENGTH,
                 clock: Callable[[], float] = time.monotonic, listening: bool = True) -> None:
        super().__init__(app)
        self._min_length = min_length
        self._clock = clock
        self._held: list[_HeldKey] = []
        self._last_key_at = 0.0
        self._typing = False  # a person is typing: keys go straight on until a pause
        self._prefixed_at: float | None = None  # when a prefix began the held code
        self._replaying = False
        self._flushing = False
        self._keys_seen = 0
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.pause_elapsed)
        self._keys: _Keys | None = None  # made with the first key
        self.settings = WedgeSettings()
        self.configure(settings or WedgeSettings())
        self._app = app
        self._listening = False
        self._watched: QObject | None = None
        if listening:
            self.listen()

    def configure(self, settings: WedgeSettings) -> None:
        """The scanner's prefix, suffix and longest gap from now on (what was held is
        typed first)."""
        self.release()
        self.settings = settings

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
        if not isinstance(event, QKeyEvent) or self._replaying or not isinstance(
                watched, QWidget):
            return False
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            self._before_shortcut(event)
            return False
        return kind == QEvent.Type.KeyPress and self._take(watched, event)

    def _take(self, watched: QWidget, event: QKeyEvent) -> bool:
        """A key pressed: whether it is held (or delivered) rather than handed on now."""
        if takes_no_scans(watched):
            self.release()  # what was held before is typed where it was meant to go
            self._typing = False
            return False
        # The window system's own time of the key, when it gives one: a pause of the UI
        # thread while the burst arrives must not split it. Synthetic keys carry none.
        stamp = event.timestamp()
        now = float(stamp) if stamp else self._clock() * 1000
        gap, self._last_key_at = now - self._last_key_at, now
        self._keys_seen += 1
        if self._prefixed_at is not None and now - self._prefixed_at > PREFIX_TIMEOUT_MS:
            self._give_up()
        if self._is_key(event, self.settings.prefix):
            self._give_up()  # a code begun and never ended: a new one begins
            self.release()
            self._typing = False
            self._prefixed_at = now
            self._hold(watched, event, now, "")
            self._timer.start(PREFIX_TIMEOUT_MS)
            return True
        if self._prefixed_at is not None:
            return self._take_prefixed(watched, event, now)
        return self._take_burst(watched, event, now, gap)

    def _take_burst(self, watched: QWidget, event: QKeyEvent, now: float, gap: float,
                    ) -> bool:
        """A key with no prefix before it: a burst's, a person's, or neither."""
        if self._typing and gap <= self.settings.max_gap_ms:
            return False  # a person typing: straight on, until they pause
        self._typing = False
        if self._held and gap > self.settings.max_gap_ms:
            self.release()  # the pause ended the burst before this key
        if self._ends_code(event):
            if self._is_scan(now):
                self._deliver(watched.window())
                return True
            self.release()
            return False  # Enter after what was typed, in its place
        code = self._code_of(event)
        if code is None and not (self._held and event.key() in self._k.modifiers):
            self.release()
            return False
        self._hold(watched, event, now, code or "")
        if self._looks_typed():
            self._typing = True
            self.release()  # this key with them, in their order
        else:
            self._timer.start(self.settings.max_gap_ms)
        return True

    def _before_shortcut(self, event: QKeyEvent) -> None:
        """A key that may be a shortcut comes first as this event: if it is one, its key
        never comes, and its action runs now. What was held is typed before it, in its
        place (a name typed, then F2 to pay: the name is in its field first)."""
        if not self._held or self._is_key(event, self.settings.prefix) or self._ends_code(
                event) or self._code_of(event) is not None or event.key() in self._k.modifiers:
            return
        if self._prefixed_at is not None:
            self._give_up()
        else:
            self.release()

    def _take_prefixed(self, watched: QWidget, event: QKeyEvent, now: float) -> bool:
        """A key after the prefix: held until the suffix whatever the pause."""
        if self._ends_code(event):
            if self._code():
                self._deliver(watched.window())
                return True
            self._prefixed_at = None
            self.release()  # the prefix key alone, then Enter: typed
            return False
        code = self._code_of(event)
        if code is None and event.key() not in self._k.modifiers:
            self._give_up()  # a key no scanner sends: someone is typing
            return False
        self._hold(watched, event, now, code or "")
        return True

    @property
    def _k(self) -> _Keys:
        if self._keys is None:
            self._keys = _Keys()
        return self._keys

    def _hold(self, target: QWidget, event: QKeyEvent, now: float, code: str) -> None:
        self._held.append(_HeldKey(target, QKeyEvent(event), now, code))

    def _code(self) -> str:
        return "".join(held.code for held in self._held)

    def _is_key(self, event: QKeyEvent, key: str) -> bool:
        """`event` is the key `key` (as WedgeSettings names it; "" is none)."""
        if not key:
            return False
        if key == "ENTER":
            return event.key() in self._k.enter
        if key == "TAB":
            return event.key() == self._k.tab
        if len(key) > 1:  # F7 to F24: Qt's function keys follow each other
            return event.key() == self._k.f1 + int(key[1:]) - 1
        return event.text() == key

    def _ends_code(self, event: QKeyEvent) -> bool:
        return event.key() in self._k.enter or self._is_key(event, self.settings.suffix)

    def _code_of(self, event: QKeyEvent) -> str | None:
        """What the key adds to a code; None for a key that no code holds."""
        text, modifiers = event.text(), event.modifiers()
        if text == GROUP_SEPARATOR or (event.key() == self._k.bracket_right
                                       and modifiers & self._k.ctrl):
            return GROUP_SEPARATOR
        if len(text) != 1 or not text.isprintable() or modifiers & self._k.meta:
            return None
        # Ctrl with a character is a shortcut; with Alt as well it is AltGr (Windows).
        if modifiers & self._k.ctrl and not modifiers & self._k.alt:
            return None
        return text

    def _gaps(self, end: float | None = None) -> list[float]:
        times = [held.at for held in self._held]
        return [later - earlier for earlier, later in pairwise(
            times if end is None else [*times, end])]

    def _is_scan(self, end: float) -> bool:
        """The held keys, then the end of code at `end`, came at scanner speed: all but a
        late key or so (one in six) closer than SCANNER_GAP_MS."""
        if len(self._code()) < self._min_length or any(
                held.event.isAutoRepeat() for held in self._held):
            return False
        gaps = self._gaps(end)
        slow = sum(gap > SCANNER_GAP_MS for gap in gaps)
        return slow <= max(1, len(gaps) // 6)

    def _looks_typed(self) -> bool:
        """The held keys can no longer be a scan: most came at a person's pace (or a key
        held down repeats). Said early, so that someone typing sees their keys at once."""
        if self._held[-1].event.isAutoRepeat():
            return True
        gaps = self._gaps()
        slow = sum(gap > SCANNER_GAP_MS for gap in gaps)
        return slow >= 3 and 2 * slow > len(gaps)

    def _deliver(self, window: QWidget) -> None:
        scan = Scan(self._code(), "keyboard", datetime.now(UTC))
        self._held.clear()
        self._prefixed_at = None
        self._timer.stop()
        if isinstance(window, ScanReceiver):
            window.receive_scan(scan)
            return
        QApplication.beep()
        # Without what was read: keys typed fast into this window may be someone's secret.
        QToolTip.showText(window.mapToGlobal(window.rect().center()), self.tr(
            "Code lu ignoré : fermez d'abord cette fenêtre."), window)
        self.dropped.emit(scan, window)

    def _give_up(self) -> None:
        """A code begun by its prefix never ended: its keys are typed, and that is said."""
        if self._prefixed_at is None:
            return
        self._prefixed_at = None
        target = self._held[0].target if self._held else None
        self.release()
        self.problem.emit(WEDGE_UNFINISHED)
        if target is not None and isValid(target):
            window = target.window()
            QToolTip.showText(window.mapToGlobal(window.rect().center()), self.tr(
                "Lecteur clavier : code commencé mais jamais terminé, tapé tel quel."),
                window)

    def pause_elapsed(self) -> None:
        """No key came for the longest gap (or a prefixed code's timeout): what is held is
        typed. Keys that arrived while the screen was busy come first: they were queued
        behind this timer, and may be the rest of the burst."""
        if self._flushing:
            return
        self._flushing, seen = True, self._keys_seen
        try:
            QApplication.processEvents()
        finally:
            self._flushing = False
        if self._keys_seen != seen:
            return  # a key came meanwhile: it was judged, and the wait started again
        if self._prefixed_at is not None:
            self._give_up()
        else:
            self.release()

    def release(self) -> None:
        """Hand the held keys on as typing: they were not a scan."""
        held, self._held = self._held, []
        self._prefixed_at = None
        self._timer.stop()
        self._replaying = True
        try:
            for key in held:
                if isValid(key.target):  # else its screen closed meanwhile
                    QApplication.sendEvent(key.target, key.event)
        finally:
            self._replaying = False


def takes_no_scans(widget: QWidget) -> bool:
    """A secret field, or a widget of a window that takes no scans."""
    if (isinstance(widget, QLineEdit)
            and widget.echoMode() != QLineEdit.EchoMode.Normal):
        return True
    return bool(widget.window().property(NO_SCANS))
