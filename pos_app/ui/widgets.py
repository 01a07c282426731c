"""Small helpers shared by the screens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QWidget
from shiboken6 import isValid

W = TypeVar("W", bound=QWidget)
D = TypeVar("D", bound=QDialog)
DIALOG_SHARE = 0.8  # of the window a dialog covers
TYPING_PAUSE_MS = 150  # searches wait for a pause in typing
# A window's property: keys typed there are never a scan, however fast (a PIN).
NO_SCANS = "noScans"


def named(widget: W, name: str) -> W:
    """Give a widget the object name that style sheets and tests find it by."""
    widget.setObjectName(name)
    return widget


def set_by_name(widget: QWidget, name: str, value: str) -> None:
    """Set an enum property by its value's name (as a .ui file does), e.g.
    ("horizontalScrollBarPolicy", "ScrollBarAlwaysOff"): the sale screen's widgets do not
    wait for the `Qt` namespace's enums, which take about 16 ms to make."""
    if not widget.setProperty(name, value):
        raise ValueError(f"{type(widget).__name__} has no property {name} = {value}")


def restyle(widget: QWidget) -> None:
    """Apply the style sheet again after a property it selects on has changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def show_dialog(dialog: D) -> D:
    """Open a dialog modal to its window without a nested event loop, and let it be
    deleted once closed; whoever opened it reacts to its signals."""
    # `QtCore.Qt` is read here, not imported: making its enums takes about 16 ms, which
    # the sign-in screen (that imports this module) does not wait for.
    dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
    fit_dialog(dialog)
    dialog.open()
    return dialog


def fit_dialog(dialog: QDialog) -> None:
    """Size a dialog for the window it opens over (not Qt's default, two thirds of the
    platform's screen, which cuts it on a large one) and keep it within that window."""
    owner = dialog.parentWidget()
    if owner is not None:  # large enough to touch, small enough to see what it is about
        window = owner.window()
        hint = dialog.sizeHint()
        dialog.resize(min(window.width(), max(hint.width(), int(window.width() * DIALOG_SHARE))),
                      min(window.height(),
                          max(hint.height(), int(window.height() * DIALOG_SHARE))))
        # Whatever it shows later (a longer list, a page more), it stays on the screen:
        # within the till's main window (a dialog opened over a dialog may be larger).
        root = window
        while (above := root.parentWidget()) is not None:
            root = above.window()
        dialog.installEventFilter(KeepWithin(root, dialog))


def grow_to_fit(dialog: QDialog) -> None:
    """A dialog that shows more than it opened with (another page, a label wrapping on
    two lines) grows to what it needs now, within the window it opened over (and moves
    back within it): its keys are never squeezed under a finger's height."""
    layout = dialog.layout()
    if layout is None:
        return
    # A wrapped label's lines at its width: a layout asks only its hint (one line).
    for label in dialog.findChildren(QLabel):
        if label.wordWrap() and label.isVisibleTo(dialog) and label.width() > 0:
            lines = label.heightForWidth(label.width())
            if lines > label.minimumHeight():
                label.setMinimumHeight(lines)
    layout.activate()
    needed = max(dialog.sizeHint().height(), dialog.minimumSizeHint().height())
    if layout.hasHeightForWidth():
        needed = max(needed, layout.totalHeightForWidth(dialog.width()))
    owner = dialog.parentWidget()
    if owner is not None:
        needed = min(needed, owner.window().height())
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


class KeepWithin(QObject):
    """Moves a dialog back within `bounds` (the window it opened over, as large as the
    screen) each time it grows past an edge: a dialog grows from its top-left corner, and
    its buttons would otherwise go off the screen, where a finger cannot reach them."""

    def __init__(self, bounds: QWidget, parent: QObject) -> None:
        super().__init__(parent)
        self.bounds = bounds

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() in (QEvent.Type.Resize, QEvent.Type.Show)
                and isinstance(watched, QWidget) and isValid(self.bounds)):
            keep_within(watched, self.bounds.frameGeometry())
        return False


def keep_within(dialog: QWidget, bounds: QRect) -> None:
    """`dialog`'s frame moved inside `bounds` where it fits (its top-left corner first)."""
    frame = dialog.frameGeometry()
    x = max(bounds.left(), min(frame.left(), bounds.right() - frame.width() + 1))
    y = max(bounds.top(), min(frame.top(), bounds.bottom() - frame.height() + 1))
    if (x, y) != (frame.left(), frame.top()):
        dialog.move(x, y)


def after_typing_pause(field: QLineEdit, act: Callable[[], object],
                       pause_ms: int = TYPING_PAUSE_MS) -> QTimer:
    """Call `act` once typing in `field` pauses: a search as you type, not per key."""
    timer = QTimer(field, singleShot=True, interval=pause_ms)
    timer.timeout.connect(act)
    field.textChanged.connect(lambda _text: timer.start())
    return timer


def split_row(left: Sequence[QWidget], right: Sequence[QWidget]) -> QHBoxLayout:
    """A row of widgets at its start and others at its end, as action bars are laid out."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in right:
        row.addWidget(widget)
    return row


class _WrappedHeight(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and isinstance(watched, QLabel):
            needed = watched.heightForWidth(watched.width())
            if needed > 0 and needed != watched.minimumHeight():
                watched.setMinimumHeight(needed)
        return False


def wrapped(label: QLabel) -> QLabel:
    """A label that wraps its words and is always given the height its lines take at its
    width. (A layout gives a wrapped label in a grid the height of its hint, made for
    another width: its last lines would be cut.)"""
    label.setWordWrap(True)
    label.installEventFilter(_WrappedHeight(label))
    return label
