"""Baskets on hold on the sale screen (services/held_baskets.py): "Mettre en attente" sets
the basket aside under a name (the payer's, or "Panier 1", "Panier 2"…, typed on the
on-screen keyboard if the cashier wants another) and clears the screen for the next
customer; "Paniers en attente (N)" lists them — name, lines, total, when and by whom —
to take one up again, or delete one (asked twice). Taking one up while the screen holds
another basket offers to put that one on hold first: a basket is never lost.

A basket that already received a payment is not put on hold: the screen says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import Basket
from pos_app.domain.errors import PaidBasketNotHeld
from pos_app.domain.held_basket import MAX_NAME, HeldBasket, first_free_name
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_local_time, format_money, same_local_day
from pos_app.services.context import Context
from pos_app.services.held_baskets import (
    delete_held_basket,
    held_baskets,
    hold_basket,
    take_up_basket,
)
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, show_dialog, split_row

if TYPE_CHECKING:
    from pos_app.domain.draft import Draft
    from pos_app.ui.sale_window import SaleWindow

BUTTON_HEIGHT = 56  # a finger's, on the dialogs' action rows
COUNT_AFTER_MS = 300


def _tall(button: QPushButton) -> QPushButton:
    button.setMinimumHeight(BUTTON_HEIGHT)
    return button


class HoldDialog(QDialog):
    """The name a basket is held under, offered ready to accept."""

    def __init__(self, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mettre en attente"))
        prompt = named(QLabel(self.tr("Nom du panier en attente :")), "heldNamePrompt")
        self.name = named(QLineEdit(suggested), "heldName")
        self.name.setMaxLength(MAX_NAME)
        self.name.setMinimumHeight(BUTTON_HEIGHT)
        self.confirm = _tall(named(QPushButton(self.tr("Mettre en attente")), "confirmHold"))
        self.confirm.setDefault(True)
        cancel = _tall(named(QPushButton(self.tr("Annuler")), "cancel"))
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.name)
        layout.addStretch(1)
        layout.addLayout(split_row([cancel], [self.confirm]))
        self.confirm.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)


class HeldBasketsDialog(QDialog):
    """The till's baskets on hold, the longest waiting first."""

    # A basket to take up (its id, its name); True: put the screen's basket on hold first.
    take_up_requested = Signal(str, str, bool)
    changed = Signal()  # one was deleted

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 training: bool = False, screen_busy: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.training = ctx, runner, staff, training
        self.screen_busy = screen_busy  # the sale screen holds a basket of its own
        self.shown: list[HeldBasket] = []
        self._confirming: Callable[[], None] | None = None
        self.setWindowTitle(self.tr("Paniers en attente"))
        self.list = named(QListWidget(), "heldBaskets")
        self.list.setWordWrap(True)
        self.empty = named(QLabel(self.tr("Aucun panier en attente.")), "noHeldBasket")
        self.empty.hide()
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.question = named(QLabel(), "heldQuestion")
        self.question.setWordWrap(True)
        self.yes = _tall(named(QPushButton(), "confirmHeld"))
        self.no = _tall(named(QPushButton(self.tr("Non")), "cancelHeld"))
        confirm_row = QWidget()
        confirm_layout = split_row([self.no], [self.yes])
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        confirm_row.setLayout(confirm_layout)
        self.confirm_row = confirm_row
        self.take_up = _tall(named(QPushButton(self.tr("Reprendre")), "takeUpHeld"))
        self.delete = _tall(named(QPushButton(self.tr("Supprimer")), "deleteHeld"))
        close = _tall(named(QPushButton(self.tr("Fermer")), "close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.error)
        layout.addWidget(self.question)
        layout.addWidget(self.confirm_row)
        layout.addLayout(split_row([close], [self.delete, self.take_up]))
        self._ask(None)
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.take_up.clicked.connect(self._take_up)
        self.delete.clicked.connect(self._delete)
        self.yes.clicked.connect(self._confirmed)
        self.no.clicked.connect(lambda: self._ask(None))
        close.clicked.connect(self.reject)
        self._enable()
        self.load()

    def load(self) -> None:
        training = self.training
        self.runner.run(self, lambda: held_baskets(self.ctx, training), self._show,
                        self._fail)

    def _show(self, found: list[HeldBasket]) -> None:
        self.shown = found
        self.list.clear()
        for held in found:
            item = QListWidgetItem(self._describe(held))
            self.list.addItem(item)
        if found:
            self.list.setCurrentRow(0)
        self.empty.setVisible(not found)
        self._enable()

    def _describe(self, held: HeldBasket) -> str:
        lines = (self.tr("1 ligne") if held.line_count == 1
                 else self.tr("{count} lignes").format(count=held.line_count))
        # A basket held on another day (kept overnight, say) is said with its date.
        time = format_local_time(held.held_at, "%H:%M" if same_local_day(
            held.held_at, self.ctx.clock.now()) else "%d/%m/%Y %H:%M")
        return (f"{held.name}\n{lines} · {format_money(held.total_cents)} · "
                + self.tr("en attente depuis {time}, par {who}").format(
                    time=time, who=held.held_by_name))

    def current(self) -> HeldBasket | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _enable(self) -> None:
        chosen = self.current() is not None and self._confirming is None
        self.take_up.setEnabled(chosen)
        self.delete.setEnabled(chosen)

    def _ask(self, question: str | None, yes: str = "",
             then: Callable[[], None] | None = None) -> None:
        """A question under the list, answered by a tap (no window over the window)."""
        self._confirming = then
        if question is not None:
            self.error.clear()  # about an earlier answer
        self.question.setText(question or "")
        self.question.setVisible(question is not None)
        self.yes.setText(yes)
        self.confirm_row.setVisible(question is not None)
        self._enable()

    def _confirmed(self) -> None:
        then = self._confirming
        self._ask(None)
        if then is not None:
            then()

    def _take_up(self) -> None:
        held = self.current()
        if held is None:
            return
        if not self.screen_busy:
            self._request(held, hold_current=False)
            return
        self._ask(self.tr("Le panier en cours n'est pas vide. Le mettre en attente pour"
                          " reprendre « {name} » ?").format(name=held.name),
                  self.tr("Mettre en attente et reprendre"),
                  lambda: self._request(held, hold_current=True))

    def _request(self, held: HeldBasket, hold_current: bool) -> None:
        self.accept()
        self.take_up_requested.emit(held.id, held.name, hold_current)

    def _delete(self) -> None:
        held = self.current()
        if held is None:
            return
        self._ask(self.tr("Supprimer le panier « {name} » ({total}) ? Ses articles seront"
                          " retirés.").format(name=held.name,
                                              total=format_money(held.total_cents)),
                  self.tr("Oui, supprimer"), lambda: self._deleted(held))

    def _deleted(self, held: HeldBasket) -> None:
        staff = self.staff

        def done(_none: object) -> None:
            self.error.clear()
            self.changed.emit()
            self.load()

        def failed(error: Exception) -> None:
            self._fail(error)
            self.load()  # taken up or deleted meanwhile: the list as it is now

        self.runner.run(self, lambda: delete_held_basket(self.ctx, staff, held.id), done,
                        failed, changes_data=True)

    def _fail(self, error: Exception) -> None:
        self.error.setText(error_message(error))


class HeldBaskets(QObject):
    """The sale screen's baskets on hold: its two buttons (in the basket panel), the
    count they show, and what tapping them does."""

    def __init__(self, window: SaleWindow) -> None:
        super().__init__(window)
        self.window = window
        self.waiting: list[HeldBasket] = []
        self.opened: HoldDialog | HeldBasketsDialog | None = None
        panel = window.basket_panel
        panel.hold.clicked.connect(self.hold)
        panel.held.clicked.connect(self.show_list)
        window.runner.changed.connect(self.refresh)  # training mode on or off, say
        # Counted once the screen shows with its tiles: the screen a cashier sells from
        # comes first (as the dialogs' modules do, sale_window.DIALOGS_AFTER_MS).
        QTimer.singleShot(COUNT_AFTER_MS, self, self.refresh)

    def refresh(self) -> None:
        """Count the baskets waiting at this till, in the screen's mode."""
        window, training = self.window, self.window.training

        def counted(found: list[HeldBasket]) -> None:
            if training == window.training:
                self.waiting = found
                self._show_count()

        window.runner.run(self, lambda: held_baskets(window.ctx, training), counted,
                          lambda _error: None)  # a count that fails keeps the last one

    def _show_count(self) -> None:
        button = self.window.basket_panel.held
        button.setText(self.tr("Paniers en attente ({count})").format(
            count=len(self.waiting)))
        button.setEnabled(bool(self.waiting))

    def suggested_name(self) -> str:
        """The payer's name, or the first "Panier n" no basket on hold has."""
        payer = self.window.basket_panel.payer_name
        return payer or first_free_name(self.tr("Panier {n}"),
                                        (held.name for held in self.waiting))

    def hold(self) -> HoldDialog | None:
        """Ask the name, then set the basket aside (refused, and said, when it already
        received a payment)."""
        window = self.window
        if window.basket.is_empty:
            return None
        if window.basket_panel.paid_cents > 0:
            window.show_notice(error_message(PaidBasketNotHeld(window.basket_panel.paid_cents)),
                               error=True)
            return None
        dialog = HoldDialog(self.suggested_name(), parent=window)
        dialog.accepted.connect(lambda: self.hold_now(dialog.name.text()))
        self.opened = self._open(dialog)
        return dialog

    def hold_now(self, name: str, then: Callable[[], None] | None = None) -> None:
        """Set the screen's basket aside under `name`; `then` once it is."""
        window = self.window
        basket = Basket(list(window.basket.lines), window.basket.payer_id)
        # A change of its own: the basket held is the one on the screen, whatever save
        # of it is still on its way.
        window.basket_version += 1
        version, staff, training = window.basket_version, window.staff, window.training

        def held(made: HeldBasket) -> None:
            window.draft = None
            window.basket_panel.empty()  # the next customer's basket
            window.show_notice(self.tr("Panier « {name} » mis en attente.").format(
                name=made.name))
            self.waiting = [*self.waiting, made]
            self._show_count()
            if then is not None:
                then()

        window.sale_runner.run(
            window, lambda: hold_basket(window.ctx, staff, basket, version, name, training),
            held, lambda error: window.show_notice(error_message(error), error=True))

    def show_list(self) -> HeldBasketsDialog:
        window = self.window
        dialog = HeldBasketsDialog(window.ctx, window.runner, window.staff, window.training,
                                   screen_busy=not window.basket.is_empty, parent=window)
        dialog.take_up_requested.connect(self._take_up_requested)
        dialog.changed.connect(self.refresh)
        self.opened = self._open(dialog)
        return dialog

    def _take_up_requested(self, held_id: str, name: str, hold_current: bool) -> None:
        if hold_current and not self.window.basket.is_empty:
            self.hold_now(self.suggested_name(), lambda: self.take_up(held_id, name))
        else:
            self.take_up(held_id, name)

    def take_up(self, held_id: str, name: str) -> None:
        """The basket on hold becomes the screen's basket again."""
        window = self.window
        version, staff = window.basket_version, window.staff

        def taken(draft: Draft) -> None:
            window.take_up_draft(draft)
            window.show_notice(self.tr("Panier « {name} » repris.").format(name=name))
            self.refresh()

        def failed(error: Exception) -> None:
            window.show_notice(error_message(error), error=True)
            self.refresh()

        window.sale_runner.run(window, lambda: take_up_basket(window.ctx, staff, held_id,
                                                              version), taken, failed)

    def _open(self, dialog: HoldDialog | HeldBasketsDialog) -> HoldDialog | HeldBasketsDialog:
        if self.window.training:
            dialog.setWindowTitle(f"{dialog.windowTitle()} — SIMULATION")
        return show_dialog(dialog)
