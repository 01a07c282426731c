"""A product's pop-up: pick a price and a quantity, and toggle Favoris / Retirer (R2)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.catalogue import Product
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_money
from pos_app.services import catalogue
from pos_app.services.context import Context
from pos_app.ui.messages import error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row

MAX_QUANTITY = 999


class ProductDialog(QDialog):
    """Accepted with `price_id` and `quantity` chosen; the favourite toggle is saved at once."""

    favourite_toggled = Signal(bool)  # whether the product is now a favourite

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 product: Product, is_favourite: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.product = ctx, runner, staff, product
        self.is_favourite = is_favourite
        self.quantity = 1
        self.setWindowTitle(product.name)
        self.prices = QButtonGroup(self)
        grid = QGridLayout()
        for index, price in enumerate(product.prices):
            button = named(QPushButton(f"{price.label}\n{format_money(price.amount_cents)}"),
                           f"price_{price.id}")
            button.setCheckable(True)
            button.setChecked(index == 0)
            button.setProperty("price", price.id)
            self.prices.addButton(button)
            grid.addWidget(button, index // 3, index % 3)
        self.count = named(QLabel(), "quantity")
        self.less = named(QPushButton("−"), "less")
        self.more = named(QPushButton("+"), "more")
        self.favourite = named(QPushButton(), "favourite")
        self.error = named(QLabel(), "error")
        self.add = named(QPushButton(self.tr("Ajouter au panier")), "add")
        cancel = named(QPushButton(self.tr("Annuler")), "cancel")
        quantity_row = split_row([QLabel(self.tr("Quantité"))],
                                 [self.less, self.count, self.more])
        actions = split_row([self.favourite], [cancel, self.add])
        layout = QVBoxLayout(self)
        layout.addWidget(named(QLabel(product.name), "heading"))
        layout.addLayout(grid)
        layout.addLayout(quantity_row)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.less.clicked.connect(lambda: self._step(-1))
        self.more.clicked.connect(lambda: self._step(+1))
        self.favourite.clicked.connect(self._toggle_favourite)
        self.add.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self._show()

    @property
    def price_id(self) -> str:
        checked = self.prices.checkedButton()
        return str(checked.property("price")) if checked else self.product.default_price.id

    def _step(self, step: int) -> None:
        self.quantity = min(MAX_QUANTITY, max(1, self.quantity + step))
        self._show()

    def _show(self) -> None:
        self.count.setText(str(self.quantity))
        self.less.setEnabled(self.quantity > 1)
        # R2: the button says what a tap will do.
        self.favourite.setText(self.tr("Retirer") if self.is_favourite else self.tr("Favoris"))

    def _toggle_favourite(self) -> None:
        self.favourite.setEnabled(False)
        product_id = self.product.id
        self.runner.run(self, lambda: catalogue.toggle_favourite(self.ctx, self.staff,
                                                                 product_id),
                        self._toggled, self._failed, changes_data=True)

    def _toggled(self, now_favourite: bool) -> None:
        self.is_favourite = now_favourite
        self.favourite.setEnabled(True)
        self._show()
        self.favourite_toggled.emit(now_favourite)

    def _failed(self, error: Exception) -> None:
        self.favourite.setEnabled(True)
        self.error.setText(error_message(error))
