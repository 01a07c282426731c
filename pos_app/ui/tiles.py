"""Product tiles: tap to sell, press and hold (or right-click) to open the product."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QSize, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from pos_app.domain.catalogue import Product
from pos_app.formatting import format_money
from pos_app.ui.screen_fit import px
from pos_app.ui.widgets import set_by_name

HOLD_MS = 600  # how long a finger stays on a tile to open it instead of selling it
TILE = QSize(184, 92)  # the smallest tile at the base scale; tiles widen to fill a row
GAP = 8  # px between two tiles' cells
SHORT_WORD = 2  # a word this short ("h", "cl", "»") never starts a line of a tile
NO_BREAK = "\u00a0"


def tile_text(name: str) -> str:
    """`name` as a tile wraps it: a short word stays with the word before it, so
    "Balade à poney – 1 h" never leaves a lone "h" on a line of its own."""
    words = name.split(" ")
    text = words[0]
    for word in words[1:]:
        text += (NO_BREAK if 0 < len(word) <= SHORT_WORD else " ") + word
    return text


class ProductTiles(QListWidget):
    tapped = Signal(object)  # Product
    held = Signal(object)  # Product

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self._tile = QSize(px(TILE.width()), px(TILE.height()))
        self.setGridSize(self._tile + QSize(GAP, GAP))
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setSpacing(4)
        set_by_name(self, "horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        set_by_name(self, "contextMenuPolicy", "CustomContextMenu")
        self.customContextMenuRequested.connect(self._context_menu)
        self._hold_timer = QTimer(self, singleShot=True, interval=HOLD_MS)
        self._hold_timer.timeout.connect(self._hold)
        # The tiles' products, by row: kept here rather than in the items' data, which
        # would convert each one to and from a QVariant.
        self._products: list[Product] = []
        self._pressed: Product | None = None  # the product under the finger
        self._was_held = False
        self.itemClicked.connect(self._click)

    def show_products(self, products: list[Product]) -> None:
        self._hold_timer.stop()
        self._pressed = None
        self.clear()
        self._products = list(products)
        for product in products:
            price = product.default_price
            more = " …" if len(product.prices) > 1 else ""
            item = QListWidgetItem(f"{tile_text(product.name)}\n"
                                   f"{format_money(price.amount_cents)}{more}")
            item.setSizeHint(self._tile)  # its text centred, as the icon mode draws it
            item.setToolTip(product.name)
            self.addItem(item)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """As many columns as tiles of the smallest width fit, then the tiles widened
        to fill the row: no strip of the screen left empty on the right."""
        super().resizeEvent(event)
        width = self.viewport().width() - 2 * self.spacing()
        smallest = px(TILE.width()) + GAP
        columns = max(1, width // smallest)
        tile = QSize(max(px(TILE.width()), width // columns - GAP), px(TILE.height()))
        if tile != self._tile:
            self._tile = tile
            self.setGridSize(tile + QSize(GAP, GAP))
            for row in range(self.count()):
                item = self.item(row)
                if item is not None:
                    item.setSizeHint(tile)

    def product_at(self, row: int) -> Product:
        return self._products[row]

    def _product_of(self, item: QListWidgetItem | None) -> Product | None:
        return None if item is None else self._products[self.row(item)]

    # The view hands the presses on its viewport to these handlers. Overriding them,
    # rather than filtering the viewport's events, keeps Python out of every paint and
    # move, and keeps the viewport (whose wrapping costs about 10 ms) out of the start.
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._was_held = False
        self._pressed = self._product_of(self.itemAt(event.position().toPoint()))
        self._hold_timer.start()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._hold_timer.stop()
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        self._hold_timer.stop()
        super().leaveEvent(event)

    def _context_menu(self, point: QPoint) -> None:
        self._pressed = self._product_of(self.itemAt(point))
        self._hold()

    def _hold(self) -> None:
        if self._pressed is not None:
            self._was_held = True
            self.held.emit(self._pressed)

    def _click(self, item: QListWidgetItem) -> None:
        if self._was_held:  # the finger was lifted after the product opened
            self._was_held = False
            return
        self.tapped.emit(self._product_of(item))
