"""The right side of the sale screen: search as you type, categories, favourites, tiles."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.catalogue import Category, Product
from pos_app.services import catalogue
from pos_app.services.context import Context
from pos_app.ui.flow_layout import FlowLayout
from pos_app.ui.messages import error_message
from pos_app.ui.ops import LatestOnly, OperationRunner
from pos_app.ui.tiles import ProductTiles
from pos_app.ui.widgets import after_typing_pause, named

FAVOURITES = "__favourites__"
EVERYTHING = "__all__"


class CategoryBar(QWidget):
    """The categories' buttons, in as many rows as their labels need: each whole."""

    def __init__(self) -> None:
        super().__init__()
        self.flow = FlowLayout(self)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # The rows its width makes: a layout gives a widget the height of its hint.
        needed = self.flow.heightForWidth(self.width())
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class CataloguePanel(QWidget):
    product_tapped = Signal(object)
    product_held = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx: Context, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.search = named(QLineEdit(), "search")
        self.search.setPlaceholderText(self.tr("Rechercher un produit, un code-barres…"))
        # Its clear button shows only over text: made with the first text, its icon (a few
        # ms to find) is not loaded while the screen starts.
        self.search.textChanged.connect(self._offer_clearing)
        self.tiles = named(ProductTiles(), "tiles")
        self.empty = named(QLabel(), "empty")
        self.categories = QButtonGroup(self)
        self.categories.setExclusive(True)
        self._bar_widget = named(CategoryBar(), "categoryBar")
        self._bar = self._bar_widget.flow
        self._shown = EVERYTHING
        self._latest = LatestOnly(runner, self)
        self._pause = after_typing_pause(self.search, self._run_search)
        self.tiles.tapped.connect(self.product_tapped)
        self.tiles.held.connect(self.product_held)
        self._layout()
        self._add_category_button(FAVOURITES, self.tr("★ Favoris"))
        self._add_category_button(EVERYTHING, self.tr("Tout"))

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self._bar_widget)
        layout.addWidget(self.empty)
        layout.addWidget(self.tiles, 1)
        self.empty.hide()

    def load(self) -> None:
        """Fetch the categories, then show every product."""
        self.runner.run(self, lambda: catalogue.categories(self.ctx), self._show_categories,
                        self._fail)
        self.show_category(EVERYTHING)

    def _show_categories(self, categories: list[Category]) -> None:
        for category in categories:
            self._add_category_button(category.id, category.name)

    def _add_category_button(self, key: str, label: str) -> None:
        button = named(QPushButton(label), "favouritesTab" if key == FAVOURITES else
                       f"category_{key}")
        button.setCheckable(True)
        button.setChecked(key == self._shown)
        button.setProperty("category", key)
        button.setProperty("categoryTab", True)
        button.clicked.connect(lambda: self.show_category(key))
        self.categories.addButton(button)
        self._bar.addWidget(button)

    def _offer_clearing(self, _text: str) -> None:
        if not self.search.isClearButtonEnabled():
            self.search.setClearButtonEnabled(True)

    def show_category(self, key: str) -> None:
        self._shown = key
        for button in self.categories.buttons():
            button.setChecked(button.property("category") == key)
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        if key == FAVOURITES:
            self._fetch(lambda: catalogue.favourite_products(self.ctx),
                        self.tr("Aucun favori : maintenez un produit appuyé, puis « Favoris »."))
        else:
            category = None if key == EVERYTHING else key
            self._fetch(lambda: catalogue.products_in_category(self.ctx, category),
                        self.tr("Aucun produit dans cette catégorie."))

    @property
    def search_pending(self) -> bool:
        """Typed text not searched yet (the search waits for a pause in typing)."""
        return self._pause.isActive()

    def show_favourites(self) -> None:
        self.show_category(FAVOURITES)

    @property
    def showing_favourites(self) -> bool:
        return self._shown == FAVOURITES and not self.search.text()

    def refresh(self) -> None:
        if self.search.text().strip():
            self._run_search()
        else:
            self.show_category(self._shown)

    def _run_search(self) -> None:
        typed = self.search.text()
        if not typed.strip():
            self.show_category(self._shown)
            return
        for button in self.categories.buttons():
            button.setChecked(False)
        self._fetch(lambda: catalogue.search_products(self.ctx, typed),
                    self.tr("Aucun produit ne correspond à « {typed} ».").format(typed=typed))

    def _fetch(self, work: Callable[[], list[Product]], when_empty: str) -> None:
        def show(products: list[Product]) -> None:
            self.tiles.show_products(products)
            self.empty.setText(when_empty)
            self.empty.setVisible(not products)

        self._latest.run(work, show, self._fail)

    def _fail(self, error: Exception) -> None:
        self.failed.emit(error_message(error))
