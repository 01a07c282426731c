"""What is wrong with a screen's layout, found by walking its widgets: a button off the
screen or too small for a finger, a label or a button whose text does not fit (Qt would
cut it, or elide it). Each problem names the widget (its object name, its class) and its
text, so that a failing test says exactly what to fix."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontMetrics, QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

MIN_TARGET_PX = 44  # a finger's target
SLACK_PX = 1  # rounding in Qt's own measures
FIELD_PADDING_PX = 2 * 8  # the style sheet's padding of a field, each side


def layout_problems(root: QWidget, screen: QRect) -> list[str]:
    """Every problem of the visible widgets of `root`'s window (`root` included) on a
    screen of `screen` (global coordinates)."""
    problems: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisible() or widget.width() <= 0:
            continue
        if isinstance(widget, QPushButton):
            problems += _button_problems(widget, screen)
        elif isinstance(widget, QLabel):
            problems += _label_problems(widget)
        elif (isinstance(widget, QLineEdit) and widget.text()
              and not isinstance(widget.parentWidget(), QAbstractSpinBox)):  # its own box
            problems += _field_problems(widget)
    return problems


def describe(widget: QWidget, text: str) -> str:
    name = widget.objectName() or "(no name)"
    owner = widget.window()
    where = owner.objectName() or type(owner).__name__
    return f"{where} › {type(widget).__name__}#{name} {text!r}"


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def _in_scroll_area(widget: QWidget) -> bool:
    """Scrolled into view when needed: its place on the screen is the scroll area's."""
    parent = widget.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _button_problems(button: QPushButton, screen: QRect) -> list[str]:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    problems = []
    if button.height() < MIN_TARGET_PX:
        problems.append(describe(button, text) + f": {button.height()} px high, under"
                        f" {MIN_TARGET_PX}")
    rect = _global_rect(button)
    if not _in_scroll_area(button) and not screen.contains(rect):
        problems.append(describe(button, text) + f": at {_shown(rect)}, off the screen"
                        f" {_shown(screen)}")
    parent = button.parentWidget()
    if parent is not None and not parent.rect().contains(button.geometry()):
        problems.append(describe(button, text) + f": at {_shown(button.geometry())}, outside"
                        f" its parent's {_shown(parent.rect())} (cut)")
    if text:
        option = QStyleOptionButton()
        button.initStyleOption(option)
        room = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents,
                                             option, button)
        if not button.icon().isNull():
            room.setWidth(room.width() - button.iconSize().width() - 4)
        problems += _text_problems(button, text, room.width(), room.height())
    return problems


def _label_problems(label: QLabel) -> list[str]:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    if label.textFormat().name != "PlainText" and "<" in text:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    room = label.contentsRect()
    margin = 2 * label.margin()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + SLACK_PX:
            return [describe(label, text) + f": needs {needed} px of height, has"
                    f" {label.height()} (cut at the bottom)"]
        return _longest_word_problems(label, text, room.width() - margin)
    return _text_problems(label, text, room.width() - margin, room.height() - margin)


def _field_problems(field: QLineEdit) -> list[str]:
    """A field too narrow for what it holds (an amount suggested, say) shows only part."""
    room = field.contentsRect().width() - field.textMargins().left() \
        - field.textMargins().right() - FIELD_PADDING_PX
    shown = field.displayText()
    if QFontMetrics(field.font()).horizontalAdvance(shown) > room + SLACK_PX:
        return [describe(field, shown) + f": text wider than the field's {room} px (cut)"]
    return []


def _text_problems(widget: QWidget, text: str, width: int, height: int) -> list[str]:
    metrics = QFontMetrics(widget.font())
    lines = text.split("\n")
    widest = max(metrics.horizontalAdvance(line) for line in lines)
    problems = []
    if widest > width + SLACK_PX:
        problems.append(describe(widget, text) + f": text {widest} px wide in {width} px"
                        " (cut or elided)")
    tall = metrics.height() + (len(lines) - 1) * metrics.lineSpacing()
    if tall > height + SLACK_PX:
        problems.append(describe(widget, text) + f": text {tall} px high in {height} px"
                        " (cut)")
    return problems


def _longest_word_problems(label: QLabel, text: str, width: int) -> list[str]:
    """A wrapped label still cuts a word wider than itself."""
    metrics = QFontMetrics(label.font())
    words = text.split()
    widest = max((metrics.horizontalAdvance(word) for word in words), default=0)
    if widest > width + SLACK_PX:
        return [describe(label, text) + f": a word {widest} px wide in {width} px (cut)"]
    return []


def _shown(rect: QRect) -> str:
    return f"{rect.width()}×{rect.height()}+{rect.x()}+{rect.y()}"
