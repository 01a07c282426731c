"""Where the till stands with its server, on the sale screen: a small button in the top
bar, "En ligne" in green, "Hors ligne depuis 14:05" in orange, the records waiting, and
in red the records the server rejected, a journal chain it flagged, a clock off from
the server's. Tapping it opens Caisse › Synchronisation.

The status is read off the UI thread (`services.sync.sync_status` on the operations
runner), every few seconds, after each action that changed data and after each round
of the sync thread; during a long push the thread's progress shows ("Envoi : 1 200 /
10 000"). A till that is not enrolled shows nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from pos_app.formatting import format_count, format_local_time, same_local_day
from pos_app.ui.messages import clock_offset_words
from pos_app.ui.widgets import named, restyle

if TYPE_CHECKING:
    from pos_app.domain.sync import SyncLink
    from pos_app.services.context import Context
    from pos_app.services.sync import SendProgress, SyncRun, SyncStatus
    from pos_app.ui.ops import OperationRunner
    from pos_app.ui.sync_link import SyncBridge

translate = QCoreApplication.translate

REFRESH_MS = 8000  # an offline till is said within this, and the records waiting
MIN_HEIGHT = 48  # a touch target, as every button
GREEN, ORANGE, RED, GREY = "#2e7d32", "#e65100", "#b71c1c", "#6b7280"


@dataclass(frozen=True, slots=True)
class SyncView:
    """The status as read on a worker, with the till's clock then (to tell today's
    times from older ones)."""

    status: SyncStatus
    now: datetime


def read_sync(ctx: Context) -> SyncView:
    """On a worker thread: the store only, never the network."""
    # Loaded here, on the worker: the sale screen shows before the sync's code.
    from pos_app.services.sync import sync_status

    return SyncView(sync_status(ctx), ctx.clock.now())


# -- words shared with the Synchronisation screen ---------------------------------------------


def connection_text(link: SyncLink, now: datetime, date_pattern: str = "%d/%m") -> str:
    """"En ligne", or "Hors ligne depuis 14:05" (today) or "… depuis le 10/07 à 14:05"."""
    if link.online:
        return translate("sync", "En ligne")
    if link.offline_since is None:  # enrolled, and no round has run since
        return translate("sync", "En attente du serveur")
    time = format_local_time(link.offline_since, "%H:%M")
    if same_local_day(link.offline_since, now):
        return translate("sync", "Hors ligne depuis {time}").format(time=time)
    return translate("sync", "Hors ligne depuis le {date} à {time}").format(
        date=format_local_time(link.offline_since, date_pattern), time=time)


def progress_text(progress: SendProgress) -> str:
    return translate("sync", "Envoi : {done} / {total}").format(
        done=format_count(progress.done), total=format_count(progress.total))


def waiting_text(count: int) -> str:
    return translate("sync", "{count} en attente").format(count=format_count(count))


def rejected_text(count: int) -> str:
    return translate("sync", "{count} rejeté(s)").format(count=format_count(count))


def flagged_chains(status: SyncStatus) -> list[str]:
    return [chain.chain for chain in status.chains
            if chain.acknowledged is not None and chain.acknowledged.flagged]


# -- the badge --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    text: str
    colour: str | None = None  # red: it needs someone


@dataclass(frozen=True, slots=True)
class BadgeText:
    """A coloured dot (green online, orange offline), then lines of parts."""

    dot: str
    lines: list[list[Part]]

    def as_html(self) -> str:
        def part(piece: Part) -> str:
            text = html.escape(piece.text)
            return text if piece.colour is None else (
                f'<span style="color:{piece.colour}; font-weight:bold">{text}</span>')

        lines = [" · ".join(part(piece) for piece in line) for line in self.lines]
        return f'<span style="color:{self.dot}">●</span> ' + "<br>".join(lines)

    def as_plain(self) -> str:
        return "\n".join(" · ".join(piece.text for piece in line) for line in self.lines)


def badge_text(view: SyncView, progress: SendProgress | None) -> BadgeText | None:
    """The connection (or the push under way), then what waits and what went wrong;
    None when the till is not enrolled."""
    status, link = view.status, view.status.link
    if link is None:
        return None
    if progress is not None:
        dot, first = GREEN, [Part(progress_text(progress))]
    else:
        dot = GREEN if link.online else ORANGE
        first = [Part(connection_text(link, view.now))]
    second = []
    if status.counts.waiting:
        second.append(Part(waiting_text(status.counts.waiting)))
    if status.counts.rejected:
        second.append(Part(rejected_text(status.counts.rejected), RED))
    warnings = []
    if flagged_chains(status):
        warnings.append(Part(translate("sync", "Journal signalé"), RED))
    if link.clock_off and link.clock_offset_seconds is not None:
        warnings.append(Part(translate("sync", "Horloge décalée de {gap}").format(
            gap=clock_offset_words(link.clock_offset_seconds)), RED))
    lines = [first]
    # Two lines fit the top bar's height; a third only when everything goes wrong.
    if len(second) + len(warnings) <= 2:
        lines.append(second + warnings)
    else:
        lines += [second, warnings]
    return BadgeText(dot, [line for line in lines if line])


class SyncBadge(QPushButton):
    """The sale screen's sync status; `clicked` opens the Synchronisation screen."""

    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.view: SyncView | None = None
        self.progress: SendProgress | None = None
        self.summary = ""  # what it says, as plain text (tests, the tooltip)
        # A label inside the button: rich text, so that only what needs someone is red.
        # A label takes no tap: the button under it does.
        self.label = named(QLabel(), "syncStatusText")
        self._inside = QHBoxLayout(self)
        self._inside.setContentsMargins(10, 2, 10, 2)
        self._inside.addWidget(self.label)
        self._reading = False  # a read under way
        self._read_again = False  # asked again meanwhile: read once more after it
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self.hide()  # until a read says the till is enrolled

    def start(self) -> None:
        """Read now, then every few seconds."""
        self.refresh()
        self._timer.start()

    def attach(self, bridge: SyncBridge) -> None:
        """The sync thread's news, from now on: each round read again, a push's progress."""
        bridge.round_ended.connect(self._round_ended)
        bridge.progress.connect(self._progressed)

    def refresh(self) -> None:
        """Read the status on a worker; one read at a time, of the newest state."""
        if self._reading:
            self._read_again = True
            return
        self._reading, self._read_again = True, False
        ctx = self.ctx
        self.runner.run(self, lambda: read_sync(ctx), self._read, self._not_read)

    def _read(self, view: SyncView) -> None:
        self._reading = False
        self.view = view
        self._show()
        if self._read_again:
            self.refresh()

    def _not_read(self, _error: Exception) -> None:
        # The store busy for a moment: what was shown stays until the next read; selling
        # goes on.
        self._reading = False
        if self._read_again:
            self.refresh()

    def _round_ended(self, _number: int, _run: SyncRun | None) -> None:
        self.progress = None
        self.refresh()

    def _progressed(self, progress: SendProgress) -> None:
        self.progress = progress
        self._show()

    def _show(self) -> None:
        if self.view is None:
            return
        text = badge_text(self.view, self.progress)
        self.setVisible(text is not None)
        if text is None:
            self.summary = ""
            return
        self.summary = text.as_plain()
        self.label.setText(text.as_html())
        self.setToolTip(self.summary)
        link = self.view.status.link
        assert link is not None
        state = "online" if link.online or self.progress is not None else "offline"
        alert = bool(self.view.status.counts.rejected or flagged_chains(self.view.status)
                     or link.clock_off)
        if self.property("syncState") != state or self.property("alert") != alert:
            self.setProperty("syncState", state)
            self.setProperty("alert", alert)
            restyle(self)
        self.updateGeometry()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # A button sizes itself to its own text; this one's text is its label's.
        hint = self._inside.sizeHint()
        return QSize(hint.width(), max(hint.height(), MIN_HEIGHT))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()
