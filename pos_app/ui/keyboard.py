"""An on-screen French keyboard (AZERTY, accents, digits) for tills with a touchscreen only.

`TouchKeyboard` follows the focus, as the scanner does: it watches the one text field
that has it, and a tap in that field shows the keyboard, docked at the bottom of the
screen (at its top when the field is down there), never over the field. The keys type
through the field's own editing functions, not as key events: the scanner never takes
them for a burst, and a validator or a length limit still applies. Fields with a keypad
of their own (amounts, PINs) say so with `OWN_KEYPAD` and get none.

The panel is a window of the field's window, so that a modal dialog leaves it usable; it
is made the first time a field of that window is tapped, not with the screens.
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QRect, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

OWN_KEYPAD = "ownKeypad"  # a field's property: it has its own keypad, no keyboard
TextField = QLineEdit | QPlainTextEdit | QTextEdit

DIGITS = "1234567890"
ACCENTS = "éèêëàâîïôùûüç"
LETTERS = ("azertyuiop", "qsdfghjklm", "wxcvbn")
PUNCTUATION = ",.'-@"
ERASE, SHIFT, ENTER, SPACE, HIDE, MORE = "erase", "shift", "enter", "space", "hide", "accents"


def takes_keyboard(widget: QWidget | None) -> bool:
    """Whether `widget` is a text field the keyboard types into."""
    if not isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return False
    return not widget.isReadOnly() and not widget.property(OWN_KEYPAD)


class KeyboardPanel(QWidget):
    """The keys, in a window of their own that never takes the focus from the field."""

    typed = Signal(str)

    def __init__(self, owner: QWidget) -> None:
        qt = QtCore.Qt  # read here, not imported: the sign-in screen does not wait for it
        super().__init__(owner, qt.WindowType.Tool | qt.WindowType.FramelessWindowHint
                         | qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("touchKeyboard")
        self.field: TextField | None = None
        self._letters: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.digits = self._row([*DIGITS, ERASE])
        self.accents = self._row([*ACCENTS, ERASE])
        self.accents.hide()
        layout.addWidget(self.digits)
        layout.addWidget(self.accents)
        layout.addWidget(self._row([*LETTERS[0], "/"]))
        layout.addWidget(self._row([*LETTERS[1], ENTER]))
        layout.addWidget(self._row([SHIFT, *LETTERS[2], *PUNCTUATION]))
        layout.addWidget(self._row([MORE, SPACE, HIDE]))
        self.shift = self._key(SHIFT)
        self.more = self._key(MORE)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # A window system that activates it all the same: the activation goes back to
        # the field's window, and with it the focus to the field.
        owner = self.parentWidget()
        if (event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
                and owner is not None):
            owner.activateWindow()
        super().changeEvent(event)

    def _row(self, keys: list[str]) -> QWidget:
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        for key in keys:
            button = self._make_key(key, row)
            line.addWidget(button, 6 if key == SPACE else 2 if len(key) > 1 else 1)
        return row

    def _make_key(self, key: str, row: QWidget) -> QPushButton:
        labels = {ERASE: "⌫", SHIFT: "⇧", ENTER: self.tr("Entrée"), SPACE: self.tr("Espace"),
                  HIDE: self.tr("Masquer"), MORE: "àé"}
        button = QPushButton(labels.get(key, key), row)
        # The erase key shows in two rows (digits, accents): both the same key.
        button.setObjectName(f"touchKey_{key}")
        button.setProperty("touchKey", True)
        button.setFocusPolicy(QtCore.Qt.FocusPolicy.NoFocus)  # the field keeps the focus
        button.setAutoRepeat(key == ERASE)
        if key in (SHIFT, MORE):
            button.setCheckable(True)
        if len(key) == 1:
            self._letters.append(button)
        button.clicked.connect(lambda _on=False, k=key: self.press(k))
        return button

    def _key(self, key: str) -> QPushButton:
        found = self.findChild(QPushButton, f"touchKey_{key}")
        assert found is not None
        return found

    def press(self, key: str) -> None:
        """What a tap on `key` does to the field."""
        field = self.field
        if key == MORE:
            self.digits.setVisible(not self.more.isChecked())
            self.accents.setVisible(self.more.isChecked())
            return
        if key == SHIFT:
            self._show_case()
            return
        if key == HIDE:
            self.hide()
            return
        if field is None or not isValid(field):
            return
        if key == ERASE:
            erase(field)
        elif key == ENTER:
            if isinstance(field, QLineEdit):
                self.hide()
                field.returnPressed.emit()
                return
            insert(field, "\n")
        else:
            text = " " if key == SPACE else key.upper() if self.shift.isChecked() else key
            insert(field, text)
            if self.shift.isChecked() and key != SPACE:
                self.shift.setChecked(False)  # one capital, as phones do
                self._show_case()
            self.typed.emit(text)

    def _show_case(self) -> None:
        upper = self.shift.isChecked()
        for button in self._letters:
            text = button.text()
            button.setText(text.upper() if upper else text.lower())

    def dock(self, field: QWidget) -> None:
        """Across the bottom of the field's screen, or across its top when the field
        is in the part the keyboard would cover."""
        screen = field.screen().availableGeometry()
        self.ensurePolished()  # its keys' heights are the style sheet's, not the default
        height = max(self.sizeHint().height(), self.minimumSizeHint().height())
        bottom = QRect(screen.left(), screen.bottom() - height + 1, screen.width(), height)
        at = field.mapToGlobal(field.rect().topLeft())
        covered = bottom.intersects(QRect(at, field.size()))
        self.setGeometry(bottom if not covered else
                         QRect(screen.left(), screen.top(), screen.width(), height))


def insert(field: TextField, text: str) -> None:
    if isinstance(field, QLineEdit):
        field.insert(text)  # through the validator and the length limit
    else:
        field.insertPlainText(text)


def erase(field: TextField) -> None:
    if isinstance(field, QLineEdit):
        field.backspace()
        return
    cursor = field.textCursor()
    cursor.deletePreviousChar()  # or the selection
    field.setTextCursor(cursor)


class TouchKeyboard(QObject):
    """Installed once for the till's screens; `stop` ends it."""

    shown = Signal(object)  # the field typed into

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self.field: TextField | None = None
        self._watched: list[QObject] = []
        self._panels: dict[int, KeyboardPanel] = {}
        self._listening = True
        # Without the signal's arguments: the widget losing the focus may be one being
        # deleted, which cannot be handed to Python any more.
        app.focusChanged.connect(self._follow_focus)
        self._follow_focus()

    def stop(self) -> None:
        """No keyboard any more (once, however often called)."""
        if self._listening:
            self._listening = False
            self._app.focusChanged.disconnect(self._follow_focus)
            self._watch(None)
            self.hide()
            for panel in self._panels.values():
                owner = panel.parentWidget() if isValid(panel) else None
                if owner is not None:
                    owner.removeEventFilter(self)

    @property
    def panel(self) -> KeyboardPanel | None:
        """The panel showing, if any."""
        for panel in list(self._panels.values()):
            if isValid(panel) and panel.isVisible():
                return panel
        return None

    def hide(self) -> None:
        panel = self.panel
        if panel is not None:
            panel.hide()

    def _follow_focus(self) -> None:
        now = self._app.focusWidget()
        if now is None or isinstance(now.window(), KeyboardPanel):
            return  # the focus left the application, or a key somehow took it
        if takes_keyboard(now):
            assert isinstance(now, QLineEdit | QPlainTextEdit | QTextEdit)
            self._watch(now)
            panel = self.panel
            if panel is not None:  # from field to field, the keyboard stays up
                self.show_for(now)
        else:
            self._watch(None)
            self.hide()

    def _watch(self, field: TextField | None) -> None:
        for watched in self._watched:
            if isValid(watched):
                watched.removeEventFilter(self)
        self.field = field
        self._watched = []
        if field is not None:
            # A text area's taps land on its viewport, a line's on the line itself.
            self._watched = [field.viewport() if isinstance(field, QAbstractScrollArea)
                             else field]
            self._watched[0].installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # The type tests first: every event of the watched field, and of the windows
        # with a panel, comes through here.
        if isinstance(event, QMouseEvent):
            # A tap on the field, not one on its window around it.
            if (self.field is not None and watched in self._watched
                    and event.type() == QEvent.Type.MouseButtonRelease):
                self.show_for(self.field)
        elif isinstance(event, QHideEvent) and isinstance(watched, QWidget):
            # A window's own panel is a window too: it would stay up after it.
            panel = self._panels.get(id(watched))
            if panel is not None and isValid(panel) and panel.parentWidget() is watched:
                panel.hide()
        return False

    def show_for(self, field: TextField) -> KeyboardPanel:
        """The keyboard up, typing into `field`."""
        window = field.window()
        # The panels of windows gone went with them (their children).
        self._panels = {key: kept for key, kept in self._panels.items() if isValid(kept)}
        panel = self._panels.get(id(window))
        if panel is None or panel.parentWidget() is not window:
            panel = KeyboardPanel(window)
            self._panels[id(window)] = panel
            window.installEventFilter(self)  # its hiding hides the panel
        for other in self._panels.values():
            if other is not panel and isValid(other):
                other.hide()
        panel.field = field
        panel.dock(field)
        panel.show()
        panel.raise_()
        self.shown.emit(field)
        return panel
