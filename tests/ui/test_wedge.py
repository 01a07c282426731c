"""The keyboard-wedge scanner with key events as the window system gives them: each key
carries its own time (set here, never the wall clock's), so a burst is judged from when
its keys came however busy the machine running the test is. The pause timer is pumped
by hand (`pause_elapsed`), as it fires once no key comes for the longest gap.

What a person types reaches the field exactly as it would without the scanner: a second
field, that the scanner does not watch, gets the same events, and the two must agree
(every key, in its order, Enter included)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from pos_app.domain.devices import WEDGE_UNFINISHED, WedgeSettings
from pos_app.domain.scan import Scan
from pos_app.ui.scanner import GROUP_SEPARATOR, KeyboardScanner
from pos_app.ui.widgets import NO_SCANS
from tests.ui.conftest import give_focus

GS = GROUP_SEPARATOR
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALTGR = Qt.KeyboardModifier.GroupSwitchModifier  # AltGr's characters on X11
CTRL = Qt.KeyboardModifier.ControlModifier


@dataclass
class Stroke:
    """One key press: what it is, and how long after the key before it."""

    key: int
    text: str
    modifiers: Qt.KeyboardModifier
    gap_ms: float


def strokes(text: str, gaps: Iterator[float]) -> list[Stroke]:
    """`text` typed as a keyboard would send it: Shift before a capital, AltGr before
    `#`, `@`, `[`, `]` (a French layout), Ctrl+] for GS, each key `gaps` after the last."""
    made: list[Stroke] = []
    for char in text:
        if char == GS:
            made.append(Stroke(Qt.Key.Key_Control, "", CTRL, next(gaps)))
            made.append(Stroke(Qt.Key.Key_BracketRight, GS, CTRL, next(gaps)))
        elif char in "#@[]":
            made.append(Stroke(Qt.Key.Key_AltGr, "", NONE, next(gaps)))
            made.append(Stroke(ord(char), char, ALTGR, next(gaps)))
        elif char.isupper():
            made.append(Stroke(Qt.Key.Key_Shift, "", SHIFT, next(gaps)))
            made.append(Stroke(ord(char), char, SHIFT, next(gaps)))
        else:
            made.append(Stroke(ord(char.upper()), char, NONE, next(gaps)))
    return made


def enter(gap_ms: float) -> Stroke:
    return Stroke(Qt.Key.Key_Return, "\r", NONE, gap_ms)


class ScanWindow(QWidget):
    """A screen that takes scans, with a search field."""

    def __init__(self) -> None:
        super().__init__()
        self.scans: list[Scan] = []
        self.field = QLineEdit()
        self.entered: list[str] = []  # the field's text at each Enter that reached it
        self.field.returnPressed.connect(lambda: self.entered.append(self.field.text()))
        QVBoxLayout(self).addWidget(self.field)

    def receive_scan(self, scan: Scan) -> None:
        self.scans.append(scan)


class Keyboard:
    """Sends strokes to a field, with the window system's time of each key (it goes on
    from one sequence to the next), and the same strokes to a field nobody watches."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.reference = QLineEdit()  # never focused: the scanner does not see its keys
        self.reference_entered: list[str] = []
        self.reference.returnPressed.connect(
            lambda: self.reference_entered.append(self.reference.text()))

    def send(self, target: QWidget, sequence: list[Stroke], twin: bool = True) -> None:
        for stroke in sequence:
            self.now += stroke.gap_ms
            for widget in (target, self.reference) if twin else (target,):
                event = QKeyEvent(QEvent.Type.KeyPress, stroke.key, stroke.modifiers,
                                  stroke.text)
                event.setTimestamp(round(self.now))
                QApplication.sendEvent(widget, event)

    def pause(self, ms: float = 1000) -> None:
        self.now += ms


@dataclass
class Scene:
    window: ScanWindow
    scanner: KeyboardScanner
    keyboard: Keyboard = field(default_factory=Keyboard)

    def send(self, sequence: list[Stroke], twin: bool = True) -> None:
        self.keyboard.send(self.window.field, sequence, twin)

    def done(self) -> None:
        """The pause after the keys: the timer's turn, then a quiet second."""
        self.scanner.pause_elapsed()
        self.keyboard.pause()

    def typed_as_without_scanner(self) -> bool:
        return (self.window.field.text() == self.keyboard.reference.text()
                and self.window.entered == self.keyboard.reference_entered)


@pytest.fixture
def scene(qtbot: QtBot, app: QApplication) -> Iterator[Scene]:
    window = ScanWindow()
    qtbot.addWidget(window)
    window.show()
    give_focus(qtbot, window.field)
    reader = KeyboardScanner(app)
    yield Scene(window, reader)
    reader.stop()
    reader.deleteLater()


def fast(seed: int = 0, pause_at: int | None = None) -> Iterator[float]:
    """A scanner's gaps: 1 to 10 ms, and one of 45 ms as the `pause_at`th."""
    chance = random.Random(seed)
    count = 0
    while True:
        yield 45.0 if count == pause_at else chance.uniform(1, 10)
        count += 1


def person(seed: int = 0, low: float = 20, high: float = 25) -> Iterator[float]:
    chance = random.Random(seed)
    while True:
        yield chance.uniform(low, high)


def scanned(scene: Scene, text: str, gaps: Iterator[float]) -> list[str]:
    scene.send([*strokes(text, gaps), enter(next(gaps))])
    scene.done()
    return [scan.code for scan in scene.window.scans]


def test_a_burst_with_altgr_shift_and_a_45_ms_pause_is_one_scan(scene: Scene) -> None:
    """REF#3760123450089 with AltGr for # and Shift for the capitals, once split in two
    (REF typed into the field, the rest scanned)."""
    assert scanned(scene, "REF#3760123450089", fast(1, pause_at=9)) == ["REF#3760123450089"]
    assert scene.window.field.text() == "" and scene.window.entered == []


def test_a_gs1_code_keeps_its_group_separators(scene: Scene) -> None:
    code = f"0103760123450089{GS}10LOT42{GS}17261231"
    assert scanned(scene, code, fast(2)) == [code]
    assert scene.window.field.text() == ""


def test_the_gs1_separator_as_a_bare_character_is_kept_too(scene: Scene) -> None:
    gaps = fast(3)
    sequence = [*strokes("0103760123450089", gaps),
                Stroke(Qt.Key.Key_unknown, GS, NONE, 3),  # some layouts: no key, its text
                *strokes("10LOT", gaps), enter(2)]
    scene.send(sequence)
    scene.done()
    assert [scan.code for scan in scene.window.scans] == [f"0103760123450089{GS}10LOT"]


def test_a_person_typing_a_name_fast_then_enter_is_typing(scene: Scene) -> None:
    """Dupont at 20 to 25 ms a key, then Enter: every key reaches the field, Enter too,
    once the name is in it; nothing is scanned."""
    gaps = person(4)
    scene.send([*strokes("Dupont", gaps), enter(next(gaps))])
    assert scene.window.field.text() == "Dupont"
    assert scene.window.entered == ["Dupont"]
    assert scene.window.scans == []
    assert scene.typed_as_without_scanner()


def test_a_person_typing_digits_fast_is_typing_not_a_code(scene: Scene) -> None:
    gaps = person(5)
    scene.send([*strokes("3760123450089", gaps), enter(next(gaps))])
    assert scene.window.entered == ["3760123450089"] and scene.window.scans == []


def test_a_person_typing_slowly_sees_each_key(scene: Scene) -> None:
    gaps = person(6, 90, 300)
    scene.send(strokes("kayak", gaps))
    scene.done()
    assert scene.window.field.text() == "kayak"
    scene.send([*strokes("s", gaps), enter(next(gaps))])
    assert scene.window.entered == ["kayaks"] and scene.window.scans == []


def test_a_short_pause_of_a_person_is_typed_once_the_pause_is_over(scene: Scene) -> None:
    scene.send(strokes("ab", person(7)))
    assert scene.window.field.text() == ""  # held: it might be a code's start
    scene.done()
    assert scene.window.field.text() == "ab"


def test_a_burst_with_two_long_pauses_is_typed_whole_not_split(scene: Scene) -> None:
    """More than one late key: not a code; every key is typed, in its order."""
    gaps = iter([3.0, 3, 50, 3, 3, 50, 3, 3, 50, 3, 3, 3, 3, 3, 3])
    scene.send([*strokes("3760123450089", gaps), enter(3)])
    assert scene.window.scans == []
    assert scene.window.entered == ["3760123450089"]
    assert scene.typed_as_without_scanner()


def test_a_pause_longer_than_the_longest_gap_ends_the_burst(scene: Scene) -> None:
    gaps = iter([2.0, 2, 2, 2, 2, 80, 2, 2, 2, 2, 2])
    scene.send([*strokes("123456789", gaps), enter(2)])
    scene.done()
    # The first part, left without its end, was typed; the second is a code of its own.
    assert scene.window.field.text() == "12345"
    assert [scan.code for scan in scene.window.scans] == ["6789"]


def test_the_longest_gap_is_the_scanners_setting(scene: Scene) -> None:
    scene.scanner.configure(WedgeSettings(max_gap_ms=100))
    gaps = iter([2.0, 2, 2, 2, 2, 80, 2, 2, 2, 2, 2])
    scene.send([*strokes("123456789", gaps), enter(2)])
    assert [scan.code for scan in scene.window.scans] == ["123456789"]


def test_a_key_held_down_is_typing(scene: Scene) -> None:
    for index in range(6):
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_0, NONE, "0", index > 0)
        event.setTimestamp(2_000_000 + 8 * index)  # a fast repeat rate
        QApplication.sendEvent(scene.window.field, event)
    assert scene.window.field.text() == "000000" and scene.window.scans == []


def test_a_prefixed_scanner_reads_through_a_200_ms_pause(scene: Scene) -> None:
    scene.scanner.configure(WedgeSettings(prefix="F9", suffix="TAB"))
    gaps = iter([5.0, 4, 3, 200, 4, 3, 2, 5, 6, 3, 2, 4, 3, 5, 4, 3, 2, 3])
    sequence = [Stroke(Qt.Key.Key_F9, "", NONE, 0), *strokes("3760123450089", gaps),
                Stroke(Qt.Key.Key_Tab, "\t", NONE, 3)]
    scene.send(sequence, twin=False)  # a Tab would move the focus if it reached a field
    assert [scan.code for scan in scene.window.scans] == ["3760123450089"]
    assert scene.window.field.text() == "" and scene.window.field.hasFocus()


def test_a_prefix_character_and_enter(scene: Scene) -> None:
    scene.scanner.configure(WedgeSettings(prefix="§"))
    gaps = iter([30.0, 30, 30, 250, 30])  # even at a person's pace: the prefix says
    scene.send([Stroke(ord("§"), "§", NONE, 0), *strokes("A12", gaps), enter(30)])
    assert [scan.code for scan in scene.window.scans] == ["A12"]
    assert scene.window.field.text() == ""


def test_a_prefixed_code_never_ended_is_typed_and_said(qtbot: QtBot, scene: Scene) -> None:
    scene.scanner.configure(WedgeSettings(prefix="§"))
    said: list[str] = []
    scene.scanner.problem.connect(said.append)
    scene.send([Stroke(ord("§"), "§", NONE, 0), *strokes("1234", fast(8))])
    assert scene.window.field.text() == ""
    scene.scanner.pause_elapsed()  # its timeout
    assert scene.window.field.text() == "§1234" and said == [WEDGE_UNFINISHED]
    assert scene.typed_as_without_scanner()


def test_a_prefixed_code_past_its_timeout_is_typed_when_the_next_key_comes(
        scene: Scene) -> None:
    scene.scanner.configure(WedgeSettings(prefix="§"))
    said: list[str] = []
    scene.scanner.problem.connect(said.append)
    scene.send([Stroke(ord("§"), "§", NONE, 0), *strokes("12", fast(9)),
                *strokes("x", iter([1500.0]))])
    assert scene.window.field.text() == "§12" and said == [WEDGE_UNFINISHED]
    scene.done()
    assert scene.window.field.text() == "§12x"


def test_a_suffix_other_than_enter_ends_a_burst(scene: Scene) -> None:
    scene.scanner.configure(WedgeSettings(suffix="F12"))
    scene.send([*strokes("3760123450089", fast(10)), Stroke(Qt.Key.Key_F12, "", NONE, 2)])
    assert [scan.code for scan in scene.window.scans] == ["3760123450089"]


def test_a_burst_into_a_window_that_takes_no_scans_is_typed(qtbot: QtBot,
                                                            scene: Scene) -> None:
    scene.window.setProperty(NO_SCANS, True)
    scene.send([*strokes("1234", fast(11)), enter(2)])
    assert scene.window.entered == ["1234"] and scene.window.scans == []


def test_a_scan_in_a_window_that_does_not_take_scans_is_dropped_unshown(
        qtbot: QtBot, scene: Scene) -> None:
    other = QWidget()
    qtbot.addWidget(other)
    amount = QLineEdit("15,00", other)
    other.show()
    give_focus(qtbot, amount)
    dropped: list[Scan] = []
    scene.scanner.dropped.connect(lambda scan, _window: dropped.append(scan))
    scene.keyboard.send(amount, [*strokes("REF#37601234", fast(12, pause_at=4)), enter(3)],
                        twin=False)
    assert [scan.code for scan in dropped] == ["REF#37601234"]
    assert amount.text() == "15,00"
    assert "37601234" not in QToolTip.text()


def test_a_burst_in_a_secret_field_is_typed_not_scanned(qtbot: QtBot, scene: Scene) -> None:
    secret = QLineEdit(scene.window, echoMode=QLineEdit.EchoMode.Password)
    scene.window.layout().addWidget(secret)
    give_focus(qtbot, secret)
    entered: list[str] = []
    secret.returnPressed.connect(lambda: entered.append(secret.text()))
    scene.keyboard.send(secret, [*strokes("37601234", fast(13)), enter(2)], twin=False)
    assert entered == ["37601234"] and scene.window.scans == []


@pytest.mark.parametrize("settings", [WedgeSettings(), WedgeSettings(prefix="F9")],
                         ids=["burst", "prefix"])
def test_a_campaign_of_scans_and_typing_never_splits_nor_swallows(
        scene: Scene, settings: WedgeSettings) -> None:
    """Several hundred scans and typings, seeded: each scan delivered whole, once, with
    nothing typed; each typing reaches the field exactly as without the scanner."""
    scene.scanner.configure(settings)
    chance = random.Random(20261201)
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    words = ["Dupont", "kayak", "Martin", "paddle", "3760123450089", "1234", "REF#12",
             "Lefèvre", "abc@exemple.fr", "Zoé"]
    field = scene.window.field
    for round_ in range(400):
        field.clear()
        scene.keyboard.reference.clear()
        scene.window.entered.clear()
        scene.keyboard.reference_entered.clear()
        scans_before = len(scene.window.scans)
        if chance.random() < 0.5:
            code = "".join(chance.choice("0123456789") for _ in range(chance.randint(4, 13)))
            if chance.random() < 0.3:
                code = chance.choice(["REF#", "LOT@", "Ab"]) + code
            if chance.random() < 0.3:
                code = f"01{code}{GS}10{chance.choice(letters)}{chance.randint(1, 999)}"
            gaps = fast(round_, pause_at=chance.choice([None, chance.randrange(len(code))]))
            sequence = strokes(code, gaps)
            if settings.prefix:
                sequence.insert(0, Stroke(Qt.Key.Key_F9, "", NONE, 0))
                if chance.random() < 0.5:  # a prefixed code, whatever its pauses
                    sequence[chance.randrange(1, len(sequence))].gap_ms = chance.uniform(
                        60, 300)
            scene.send([*sequence, enter(next(gaps))])
            scene.done()
            assert [scan.code for scan in scene.window.scans[scans_before:]] == [code], (
                round_, code)
            assert field.text() == "" and scene.window.entered == [], (round_, code)
        else:
            text = chance.choice(words)
            slow = chance.random() < 0.3
            gaps = person(round_, 60, 250) if slow else person(round_)
            ended = chance.random() < 0.7
            scene.send([*strokes(text, gaps), *([enter(next(gaps))] if ended else [])])
            scene.done()
            assert len(scene.window.scans) == scans_before, (round_, text)
            assert field.text() == text and scene.typed_as_without_scanner(), (round_, text)
            assert scene.window.entered == ([text] if ended else []), (round_, text)


def test_keys_held_are_typed_before_a_shortcuts_action(qtbot: QtBot, scene: Scene) -> None:
    """A name typed, then at once a shortcut (F2: pay): the name is in its field when the
    shortcut acts, as it would be without the scanner."""
    seen: list[str] = []
    QShortcut(QKeySequence("F2"), scene.window, lambda: seen.append(scene.window.field.text()))
    scene.send(strokes("ab", person(14)), twin=False)
    assert scene.window.field.text() == ""  # held: it might be a code's start
    QTest.keyClick(scene.window.field, Qt.Key.Key_F2)
    assert seen == ["ab"]
