"""A dated product's slot chooser, opened by tapping it (tile, search result, or scan):
its slots for a day or a week, each a large button saying its hours, its places booked
out of what it may hold and what is left (R3); a full one is disabled. Tapping a slot
adds the places chosen (−/+) at the price chosen: the sale's own check (what is left,
the basket's places counted) runs on a worker; a refusal is said here, with its numbers,
and the slots are read again."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.availability import Availability
from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Product
from pos_app.domain.schedule import Slot
from pos_app.formatting import format_money
from pos_app.services.availability import product_availability
from pos_app.services.context import Context
from pos_app.services.selling import add_product
from pos_app.services.tickets import venue_zone
from pos_app.ui.messages import error_message
from pos_app.ui.ops import LatestOnly, OperationRunner
from pos_app.ui.slot_words import (
    day_words,
    places_words,
    slot_hours,
    week_words,
    weekday_words,
)
from pos_app.ui.widgets import grow_to_fit, named, set_by_name, split_row, wrapped

MAX_QUANTITY = 999


class SlotDialog(QDialog):
    """`added(slot, quantity, price id)` once the places were accepted by the sale's check;
    whoever opened it puts them in the basket."""

    added = Signal(object, int, str)

    def __init__(self, ctx: Context, runner: OperationRunner, product: Product,
                 basket: Basket, quantity: int = 1, price: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.product, self.basket = ctx, runner, product, basket
        self.quantity = min(MAX_QUANTITY, max(1, quantity))
        self.today = ctx.clock.now().astimezone(venue_zone()).date()
        self.day = self.today
        self.slots: list[Availability] = []  # as shown now
        self._buttons: list[QPushButton] = []  # theirs
        self.loaded = False  # the slots of the day or week shown have been read
        self._latest = LatestOnly(runner, self)
        self.setWindowTitle(product.name)
        self.heading = named(QLabel(product.name), "heading")
        self.previous = named(QPushButton("◀"), "previousDay")
        self.when = named(QLabel(), "when")
        self.next = named(QPushButton("▶"), "nextDay")
        self.today_button = named(QPushButton(self.tr("Aujourd'hui")), "today")
        self.week = named(QPushButton(self.tr("Semaine")), "week")
        self.week.setCheckable(True)
        self.prices = QButtonGroup(self)
        price_row = QHBoxLayout()
        chosen = price or product.default_price.id
        for entry in product.prices if len(product.prices) > 1 else ():
            button = named(QPushButton(f"{entry.label} {format_money(entry.amount_cents)}"),
                           f"price_{entry.id}")
            button.setCheckable(True)
            button.setChecked(entry.id == chosen)
            button.setProperty("price", entry.id)
            self.prices.addButton(button)
            price_row.addWidget(button)
        self.count = named(QLabel(), "quantity")
        self.less = named(QPushButton("−"), "less")
        self.more = named(QPushButton("+"), "more")
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.slot_area = named(QScrollArea(), "slots")
        self.slot_area.setWidgetResizable(True)
        set_by_name(self.slot_area, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self.slot_area.setWidget(self.list)
        self.empty = named(QLabel(), "empty")
        self.error = named(wrapped(QLabel()), "error")
        self.close_button = named(QPushButton(self.tr("Fermer")), "close")
        self._layout(price_row)
        self._connect()
        self._show_quantity()
        self.load()

    def _layout(self, price_row: QHBoxLayout) -> None:
        navigation = QHBoxLayout()
        navigation.addWidget(self.previous)
        navigation.addWidget(self.when, 1)
        navigation.addWidget(self.next)
        # The day's buttons and the places asked share a row: the slots get the height.
        quantity_row = split_row([self.today_button, self.week],
                                 [QLabel(self.tr("Places")), self.less, self.count,
                                  self.more])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(navigation)
        if self.prices.buttons():
            layout.addLayout(price_row)
        layout.addLayout(quantity_row)
        layout.addWidget(self.empty)
        layout.addWidget(self.slot_area, 1)
        layout.addWidget(self.error)
        layout.addLayout(split_row([self.close_button], []))

    def _connect(self) -> None:
        self.previous.clicked.connect(lambda: self._move(-1))
        self.next.clicked.connect(lambda: self._move(+1))
        self.today_button.clicked.connect(self.show_today)
        self.week.toggled.connect(lambda _on: self.load())
        self.less.clicked.connect(lambda: self._step(-1))
        self.more.clicked.connect(lambda: self._step(+1))
        self.close_button.clicked.connect(self.reject)

    @property
    def price_id(self) -> str:
        checked = self.prices.checkedButton()
        return str(checked.property("price")) if checked else self.product.default_price.id

    @property
    def days(self) -> tuple[date, date]:
        """The first and last day shown: the day, or its week (Monday to Sunday)."""
        if not self.week.isChecked():
            return self.day, self.day
        monday = self.day - timedelta(days=self.day.weekday())
        return monday, monday + timedelta(days=6)

    def show_today(self) -> None:
        self.day = self.today
        self.load()

    def _move(self, step: int) -> None:
        self.day += timedelta(days=7 * step if self.week.isChecked() else step)
        self.load()

    def _step(self, step: int) -> None:
        self.quantity = min(MAX_QUANTITY, max(1, self.quantity + step))
        self._show_quantity()

    def _show_quantity(self) -> None:
        self.count.setText(str(self.quantity))
        self.less.setEnabled(self.quantity > 1)
        self.more.setEnabled(self.quantity < MAX_QUANTITY)

    def load(self) -> None:
        """Read the slots of the day or week shown, with their places (on a worker)."""
        first, last = self.days
        self.when.setText(week_words(first) if self.week.isChecked() else day_words(first))
        self.loaded = False
        ctx, product_id = self.ctx, self.product.id
        self._latest.run(lambda: product_availability(ctx, product_id, first, last),
                         self._show_slots, self._failed)

    def _show_slots(self, slots: list[Availability]) -> None:
        self.slots = slots
        while (item := self.list_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # gone from what the dialog shows now
                widget.deleteLater()
        weekly = self.week.isChecked()
        self._buttons = [self._slot_button(availability, weekly) for availability in slots]
        for button in self._buttons:
            self.list_layout.addWidget(button)
        self.list_layout.addStretch(1)
        self.empty.setText(self.tr("Aucun créneau cette semaine.") if weekly
                           else self.tr("Aucun créneau ce jour."))
        self.empty.setVisible(not slots)
        self.loaded = True

    def _slot_button(self, availability: Availability, weekly: bool) -> QPushButton:
        slot = availability.slot
        when = slot_hours(slot.start, slot.end)
        local = slot.start.astimezone(venue_zone()).date()
        if weekly and local == slot.end.astimezone(venue_zone()).date():
            when = f"{weekday_words(local)} {local:%d/%m} · {when}"
        # The basket's own places in it are not sold yet: what is left to add is less.
        held = self.basket.places_in(slot.id)
        left = max(0, availability.left - held)
        over = slot.end <= self.ctx.clock.now()  # ended: no longer sold
        text = f"{when} · " + (self.tr("Terminé") if over else places_words(
            availability.booked, availability.capacity, left))
        if held:
            text += " · " + self.tr("{count} au panier").format(count=held)
        button = named(QPushButton(text), "slot")
        button.setProperty("slot", slot.id)
        button.setProperty("slotButton", True)
        button.setEnabled(left > 0 and not over)
        button.clicked.connect(lambda: self.choose(slot))
        return button

    def slot_buttons(self) -> list[QPushButton]:
        """The slots' buttons shown now, in order."""
        return list(self._buttons)

    def slot_button(self, slot_id: str) -> QPushButton | None:
        """The button of a slot shown now (tests tap it)."""
        for button in self.slot_buttons():
            if button.property("slot") == slot_id:
                return button
        return None

    def choose(self, slot: Slot) -> None:
        """Add the places in `slot`, checked on a worker as the sale checks them (what is
        left there, this basket's places in it counted); accepted once they fit."""
        self.error.clear()
        self.list.setEnabled(False)  # one tap, one try
        ctx, product_id, quantity, price = self.ctx, self.product.id, self.quantity, \
            self.price_id
        trial = self.basket.copy()
        self.runner.run(self, lambda: add_product(ctx, trial, product_id, quantity, price,
                                                  slot_id=slot.id),
                        lambda _none: self._added(slot, quantity, price), self._refused)

    def _added(self, slot: Slot, quantity: int, price: str) -> None:
        self.added.emit(slot, quantity, price)
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.list.setEnabled(True)
        self.error.setText(error_message(error))
        grow_to_fit(self)
        self.load()  # what is left has changed since it was shown

    def _failed(self, error: Exception) -> None:
        self.error.setText(error_message(error))
        grow_to_fit(self)
