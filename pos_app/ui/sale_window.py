"""The first till window: search the catalogue, fill a basket, take cash, record the order."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Product
from pos_app.domain.errors import UnknownPaymentMethod
from pos_app.domain.order import Order
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_money
from pos_app.services import catalogue, selling
from pos_app.services.context import Context
from pos_app.services.selling import PaymentRequest
from pos_app.ui.messages import french_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named

SEARCH_DELAY_MS = 120  # wait for a pause in typing before searching


class SaleWindow(QMainWindow):
    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember) -> None:
        super().__init__()
        self.ctx = ctx
        self.runner = runner
        self.staff = staff
        self.basket = Basket()
        self.setWindowTitle(f"Caisse — {staff.display_name}")
        self.search = named(QLineEdit(placeholderText="Rechercher un produit…"), "search")
        self.results = named(QListWidget(), "results")
        self.basket_list = named(QListWidget(), "basket")
        self.total = named(QLabel(), "total")
        self.pay_cash = named(QPushButton("Payer en espèces"), "payCash")
        self.clear = named(QPushButton("Vider le panier"), "clear")
        self.status = named(QLabel(), "status")
        for listing in (self.results, self.basket_list):
            listing.setWordWrap(True)
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._layout()
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.results.itemActivated.connect(self._add_item)
        self.results.itemClicked.connect(self._add_item)
        self.pay_cash.clicked.connect(self._pay_cash)
        self.clear.clicked.connect(self._clear)
        self._refresh_basket()
        self._load_category_products()

    def _layout(self) -> None:
        left = QVBoxLayout()
        heading = QLabel("Panier")
        heading.setObjectName("heading")
        left.addWidget(heading)
        left.addWidget(self.basket_list, 1)
        left.addWidget(self.total)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear)
        buttons.addWidget(self.pay_cash)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(self.search)
        right.addWidget(self.results, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        outer = QVBoxLayout()
        outer.addLayout(body, 1)
        outer.addWidget(self.status)
        root = QWidget()
        root.setLayout(outer)
        self.setCentralWidget(root)

    def _load_category_products(self) -> None:
        self.runner.run(self, lambda: catalogue.products_in_category(self.ctx, None, 200),
                        self._show_products, self._show_error)

    def _run_search(self) -> None:
        typed = self.search.text()
        if not typed.strip():
            self._load_category_products()
            return
        self.runner.run(self, lambda: catalogue.search_products(self.ctx, typed),
                        lambda found: self._show_products(found, typed), self._show_error)

    def _show_products(self, products: list[Product], typed: str | None = None) -> None:
        if typed is not None and typed != self.search.text():
            return  # an older search finished after a newer one was typed
        self.results.clear()
        for product in products:
            price = product.default_price
            item = QListWidgetItem(f"{product.name}\n{price.label} — "
                                   f"{format_money(price.amount_cents)}")
            item.setData(Qt.ItemDataRole.UserRole, product)
            self.results.addItem(item)

    def _add_item(self, item: QListWidgetItem) -> None:
        product: Product = item.data(Qt.ItemDataRole.UserRole)
        try:
            self.basket.add(product)
        except Exception as error:  # noqa: BLE001 - shown to the cashier
            self._show_error(error)
            return
        self.status.clear()
        self._refresh_basket()

    def _refresh_basket(self) -> None:
        self.basket_list.clear()
        for line in self.basket.lines:
            self.basket_list.addItem(
                f"{line.label}\n{line.quantity} × {format_money(line.unit_price_cents)}"
                f" ({line.price_label}) = {format_money(line.total_cents)}")
        self.total.setText(f"Total : {format_money(self.basket.total_cents)}")
        self.pay_cash.setEnabled(not self.basket.is_empty)

    def _pay_cash(self) -> None:
        basket = Basket(list(self.basket.lines), self.basket.payer_id)
        self.pay_cash.setEnabled(False)
        self.runner.run(self, lambda: self._sell_for_cash(basket), self._sold,
                        self._payment_failed, changes_data=True)

    def _sell_for_cash(self, basket: Basket) -> tuple[Order, PaymentMethod]:
        """On the worker thread: the whole total in the method that gives change (cash)."""
        methods = selling.payment_methods(self.ctx)
        cash = next((method for method in methods if method.gives_change), None)
        if cash is None:
            raise UnknownPaymentMethod("cash")
        order = selling.sell(self.ctx, self.staff, basket,
                             [PaymentRequest(cash.code, basket.total_cents)])
        return order, cash

    def _sold(self, sold: tuple[Order, PaymentMethod]) -> None:
        order, method = sold
        self.basket.clear()
        self._refresh_basket()
        self.status.setText(f"Commande {order.number} enregistrée — "
                            f"{format_money(order.total_cents)} en {method.label.lower()}.")

    def _payment_failed(self, error: Exception) -> None:
        self._refresh_basket()
        self._show_error(error)

    def _clear(self) -> None:
        self.basket.clear()
        self._refresh_basket()

    def _show_error(self, error: Exception) -> None:
        self.status.setText(french_message(error))
