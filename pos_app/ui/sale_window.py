"""The sale screen: the basket on the left, the catalogue on the right, a scanner anywhere.

Keys: F2 pay, F3 customer, F4 orders, F5 favourites, F6 search. A code read by any
scanner is resolved once to what it is (services/scanning.py) wherever the focus is: a
product is added (its price chosen when it has several), a receipt or a ticket opens its
order, a customer's card makes them the payer, an unknown code is said.

The basket is kept in the store as it changes (a sale in progress, services/drafts.py),
off the UI thread: a till that stops mid-sale reopens it at the next sign-in, with the
payments already tendered.

The top bar says where the till stands with its server (sync_badge.py); tapping it
opens Caisse › Synchronisation.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.basket import Basket
from pos_app.domain.catalogue import Product
from pos_app.domain.errors import DomainError
from pos_app.domain.scan import Scan
from pos_app.domain.scan_meaning import (
    ScanContext,
    ScanMeaning,
    ScannedCard,
    ScannedOrder,
    ScannedProduct,
    ScannedTicket,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.till import TillState
from pos_app.formatting import format_money
from pos_app.services import catalogue
from pos_app.services.context import Context
from pos_app.services.staff import TillStatus, sign_out
from pos_app.ui.basket_panel import BasketPanel
from pos_app.ui.catalogue_panel import CataloguePanel
from pos_app.ui.messages import (
    clock_jump_text,
    device_problem_text,
    error_message,
    scan_refusal_text,
    training_apart_text,
)
from pos_app.ui.ops import OperationRunner
from pos_app.ui.settings import TillSettings
from pos_app.ui.sync_badge import SyncBadge
from pos_app.ui.widgets import D, named, restyle, show_dialog, split_row

if TYPE_CHECKING:
    from pos_app.domain.clock import ClockJump
    from pos_app.domain.draft import Draft
    from pos_app.domain.policy import TillPolicy
    from pos_app.domain.schedule import Slot
    from pos_app.ui.cash_dialog import CashDialog, OpeningFloatDialog
    from pos_app.ui.closure_dialog import ClosureDialog
    from pos_app.ui.closure_history import ClosureHistoryDialog
    from pos_app.ui.customer_dialog import CustomerDialog
    from pos_app.ui.device_link import DeviceLink
    from pos_app.ui.devices_dialog import DevicesDialog, DrawerDialog
    from pos_app.ui.order_dialogs import OrderDialog, OrderSearchDialog
    from pos_app.ui.payment_dialog import GiveBackDialog, PaymentDialog
    from pos_app.ui.policy_dialog import PolicyDialog
    from pos_app.ui.product_dialog import ProductDialog
    from pos_app.ui.settings_dialog import SettingsDialog
    from pos_app.ui.slot_dialog import SlotDialog
    from pos_app.ui.staff_locks import StaffLocksDialog
    from pos_app.ui.sync_dialog import SyncDialog
    from pos_app.ui.sync_link import SyncBridge
    from pos_app.ui.till_menu import TillMenu

NOTICE_MS = 5000  # how long a notice stays; it never blocks the cashier
CLOCK_CHECK_MS = 30_000  # a clock that jumps while the till waits is said within this
# The dialogs' modules load just after the screen shows, so that the screen a cashier
# sells from comes first; a dialog opened sooner loads its own module.
DIALOGS_AFTER_MS = 300
DIALOG_MODULES = ("pos_app.ui.product_dialog", "pos_app.ui.customer_dialog",
                  "pos_app.ui.payment_dialog", "pos_app.ui.order_dialogs",
                  "pos_app.ui.receipt_dialog", "pos_app.ui.till_menu",
                  "pos_app.ui.closure_dialog", "pos_app.ui.cash_dialog",
                  "pos_app.ui.closure_history", "pos_app.ui.devices_dialog",
                  "pos_app.ui.settings_dialog", "pos_app.ui.sync_dialog",
                  "pos_app.ui.policy_dialog", "pos_app.ui.staff_locks",
                  "pos_app.ui.slot_dialog")


def load_dialogs() -> None:
    for name in DIALOG_MODULES:
        importlib.import_module(name)


class SaleWindow(QMainWindow):
    closed = Signal()
    sign_out_requested = Signal()

    def __init__(self, ctx: Context, runner: OperationRunner,
                 staff: StaffMember | None = None, till: TillStatus | None = None,
                 settings: TillSettings | None = None) -> None:
        """Without `staff` the screen is built ahead, while staff sign in, and stays
        hidden until `begin` says who works on it."""
        super().__init__()
        self.ctx, self.runner, self.settings = ctx, runner, settings
        # The sale in progress's actions (keeping the basket, taking a payment,
        # validating) run one after another, in the order they were asked.
        self.sale_runner = runner.serial()
        self.devices: DeviceLink | None = None  # attach_devices
        self.sync_link: SyncBridge | None = None  # attach_sync
        self._device_notice: str | None = None  # a device's problem, said until put right
        self._save_failure: str | None = None  # the sale in progress could not be kept
        self._staff: StaffMember | None = None
        self.till: TillStatus | None = None
        self.basket = Basket()
        self.draft: Draft | None = None  # the sale in progress as last kept: its payments
        self.basket_version = 0  # each change of the basket, as kept in the store
        self._saving = False  # a save of the basket under way
        self._save_again = False  # the basket changed meanwhile: save it once more
        self.jump_seen = 0  # clock jumps up to this event journal entry were said
        self.favourite_ids: set[str] = set()
        self.basket_panel = BasketPanel(self.basket)
        self.catalogue = CataloguePanel(ctx, runner)
        self.notice = named(QLabel(), "notice")
        self.notice.setWordWrap(True)
        self.training = False  # training mode: sales are simulations, never takings
        self.simulation = named(QLabel(self.tr("SIMULATION — mode formation : rien n'est"
                                               " encaissé")), "simulation")
        self.simulation.hide()
        # R6: while a Z is in progress no basket starts; said until finished or abandoned.
        self.closing = False
        self.closing_banner = named(QLabel(self.tr(
            "Clôture Z en cours — terminez-la ou abandonnez-la (Caisse › Clôture Z)")),
            "closingBanner")
        self.closing_banner.setWordWrap(True)
        self.closing_banner.hide()
        self.orders_button = named(QPushButton(self.tr("Recherche commande")), "orderSearch")
        self.orders_button.setToolTip(self.tr("Retrouver une commande (F4)"))
        self.who = named(QLabel(), "who")
        self.till_button = named(QPushButton(self.tr("Caisse")), "tillMenu")
        self.till_button.setToolTip(self.tr("Lecture X, clôture Z, espèces, historique"))
        self.settings_button = named(QPushButton(self.tr("Réglages")), "settings")
        self.settings_button.setVisible(settings is not None)
        self.sign_out = named(QPushButton(self.tr("Déconnexion")), "signOut")
        self.sync_badge = named(SyncBadge(ctx, runner), "syncStatus")
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.clear)
        self._clock_timer = QTimer(self, interval=CLOCK_CHECK_MS)
        self._clock_timer.timeout.connect(self.check_clock)
        self._layout()
        self._connect()
        from pos_app.ui.held_baskets import HeldBaskets  # its buttons are the panel's

        self.held = HeldBaskets(self)
        self.catalogue.load()
        self._load_favourites()
        if staff is not None:
            self.begin(staff, till)

    @property
    def staff(self) -> StaffMember:
        assert self._staff is not None, "begin() names who works on the screen"
        return self._staff

    def begin(self, staff: StaffMember, till: TillStatus | None, jump_seen: int = 0) -> None:
        """Who works on this screen, on which till; a till still closing is said, a sale
        left in progress is brought back, and a clock jump after `jump_seen` is said."""
        self._staff, self.till, self.jump_seen = staff, till, jump_seen
        title = self.tr("Caisse — {name}").format(name=staff.display_name)
        if till is not None:
            title += f" — {till.till.point_of_sale} · {till.till.name}"
        self.setWindowTitle(title)
        self.who.setText(staff.display_name)
        QTimer.singleShot(DIALOGS_AFTER_MS, load_dialogs)
        if till is not None and till.state is TillState.CLOSING:
            self.set_closing(True)
            if staff.role in (Role.MANAGER, Role.ADMINISTRATOR):  # R6: finish it first
                QTimer.singleShot(0, self.close_z)
        elif till is not None and till.opened:  # this sign-in opened the till
            QTimer.singleShot(0, self.ask_float)
        self._bring_back_draft()  # before anything is sold on this screen
        self._allow_discounts(staff)
        QTimer.singleShot(DIALOGS_AFTER_MS, self.check_clock)  # the screen comes first
        self._clock_timer.start()
        self.runner.changed.connect(self.check_clock)  # a jump an action just recorded
        QTimer.singleShot(DIALOGS_AFTER_MS, self.sync_badge.start)  # the screen first
        self.runner.changed.connect(self.sync_badge.refresh)  # a record more waits

    def _allow_discounts(self, staff: StaffMember) -> None:
        """The discount buttons show for whom the till's rules let give one."""
        from pos_app.services.policies import till_policy

        def read(policy: TillPolicy) -> None:
            self.basket_panel.allow_discounts(
                staff.id if staff.may(policy.discount_role) else None,
                policy.max_discount_percent)

        # Unread, the buttons stay hidden: the services refuse a discount all the same.
        self.runner.run(self, lambda: till_policy(self.ctx), read, lambda _error: None)

    def _layout(self) -> None:
        top = split_row([self.who, self.sign_out],
                        [self.sync_badge, self.settings_button, self.till_button,
                         self.orders_button])
        body = QHBoxLayout()
        body.addWidget(self.basket_panel, 2)
        body.addWidget(self.catalogue, 3)
        outer = QVBoxLayout()
        outer.addWidget(self.simulation)
        outer.addWidget(self.closing_banner)
        outer.addLayout(top)
        outer.addLayout(body, 1)
        outer.addWidget(self.notice)
        root = QWidget()
        root.setLayout(outer)
        self.setCentralWidget(root)

    def _connect(self) -> None:
        self.catalogue.product_tapped.connect(self._tapped)
        self.catalogue.product_held.connect(self.open_product)
        self.catalogue.failed.connect(lambda text: self.show_notice(text, error=True))
        self.basket_panel.pay_requested.connect(self.pay)
        self.basket_panel.customer_requested.connect(self.find_customer)
        self.basket_panel.favourites_requested.connect(self.catalogue.show_favourites)
        self.basket_panel.changed.connect(self.notice.clear)
        self.basket_panel.changed.connect(self.keep_basket)
        self.basket_panel.refused.connect(lambda text: self.show_notice(text, error=True))
        self.basket_panel.give_back_requested.connect(self.give_back)
        self.orders_button.clicked.connect(self.find_orders)
        self.settings_button.clicked.connect(self.open_settings)
        self.till_button.clicked.connect(self.open_till_menu)
        self.sync_badge.clicked.connect(self.open_sync_screen)
        self.sign_out.clicked.connect(self.request_sign_out)
        for key, action in (("F2", self.pay), ("F3", self.find_customer),
                            ("F4", self.find_orders),
                            ("F5", self.catalogue.show_favourites),
                            ("F6", self.catalogue.search.setFocus)):
            QShortcut(QKeySequence(key), self, action)

    # -- adding products ----------------------------------------------------------------

    def _tapped(self, product: Product) -> None:
        if len(product.prices) > 1 and not product.dated:  # a slot's chooser offers them
            self.open_product(product)
        else:
            self._add(product)

    def open_product(self, product: Product) -> ProductDialog:
        from pos_app.ui.product_dialog import ProductDialog

        dialog = ProductDialog(self.ctx, self.runner, self.staff, product,
                               product.id in self.favourite_ids, parent=self)
        dialog.accepted.connect(lambda: self._add(product, dialog.quantity, dialog.price_id))
        dialog.favourite_toggled.connect(lambda _now: self._load_favourites())
        return self._open(dialog)

    def _add(self, product: Product, quantity: int = 1, price: str | None = None) -> None:
        if self.closing and not self.training:
            self.show_notice(self.closing_banner.text(), error=True)
            return
        if product.dated:  # sold in one of its slots (R3): chosen first
            self.choose_slot(product, quantity, price)
            return
        try:
            self.basket.add(product, quantity, price)
        except Exception as error:  # noqa: BLE001 - a refusal is shown, the basket is kept
            self.show_notice(error_message(error), error=True)
            return
        self._basket_changed()

    def choose_slot(self, product: Product, quantity: int = 1, price: str | None = None,
                    ) -> SlotDialog | None:
        """A dated product's slots, for the day and the week; the places chosen go in the
        basket in the slot tapped, once the sale's check let them."""
        try:  # a draft is said at once, not after its slots were offered
            product.check_sellable()
        except DomainError as error:
            self.show_notice(error_message(error), error=True)
            return None
        from pos_app.ui.slot_dialog import SlotDialog

        dialog = SlotDialog(self.ctx, self.runner, product, self.basket, quantity, price,
                            parent=self)
        dialog.added.connect(lambda slot, places, chosen: self._add_in_slot(
            product, slot, places, chosen))
        return self._open(dialog)

    def _add_in_slot(self, product: Product, slot: Slot, quantity: int, price: str) -> None:
        try:
            self.basket.add(product, quantity, price, slot)
        except Exception as error:  # noqa: BLE001 - a refusal is shown, the basket is kept
            self.show_notice(error_message(error), error=True)
            return
        self._basket_changed()

    def receive_scan(self, scan: Scan) -> None:
        """A code read anywhere on this screen, resolved once (services/scanning.py) and
        acted on: a product goes in the basket (its price chosen when it has several),
        a receipt or a ticket opens its order, a customer's card makes them the payer;
        anything else is said, without stopping the cashier."""

        def resolve() -> ScanMeaning:
            # On a worker. The scanning code loads with the dialogs' (or here, first):
            # the screen shows sooner.
            from pos_app.services.scanning import resolve_scan

            return resolve_scan(self.ctx, scan, ScanContext.SALE)

        self.runner.run(self, resolve, self.act_on_scan,
                        lambda error: self.show_notice(error_message(error), error=True))

    def act_on_scan(self, meaning: ScanMeaning) -> None:
        if isinstance(meaning, ScannedProduct):
            if not meaning.needs_price_choice or meaning.product.dated:
                # A product that cannot be sold is said there; a dated one's slot chooser
                # offers its prices.
                self._add(meaning.product)
                return
            try:  # a draft is said at once, not after its prices were offered
                meaning.product.check_sellable()
            except DomainError as error:
                self.show_notice(error_message(error), error=True)
                return
            self.open_product(meaning.product)  # never the first price silently
        elif isinstance(meaning, ScannedOrder | ScannedTicket) and (
                meaning.training is not self.training):
            number = meaning.number if isinstance(meaning, ScannedOrder) else (
                meaning.order_number)
            self.show_notice(training_apart_text(number, meaning.training), error=True)
        elif isinstance(meaning, ScannedOrder):
            self.open_order(meaning.number)
        elif isinstance(meaning, ScannedTicket):
            # What the ticket is, and its order (checking admissions is another matter).
            self.open_order(meaning.order_number)
            self.show_notice(self.tr("Billet {reference} : {label}, commande {order}.").format(
                reference=meaning.reference, label=meaning.label, order=meaning.order_number))
        elif isinstance(meaning, ScannedCard):
            customer = meaning.customer
            self.basket_panel.set_payer(customer.id, customer.display_name)
            self.keep_basket()
            self.show_notice(self.tr("Payeur : {name} (carte {card}).").format(
                name=customer.display_name, card=customer.card_code))
        else:
            self.show_notice(scan_refusal_text(meaning), error=True)

    def attach_devices(self, devices: DeviceLink) -> None:
        """The printer, drawer and code readers, from now on (once the screen shows)."""
        if self.devices is None:
            self.devices = devices
            devices.problem.connect(self._device_problem)
            devices.scanned.connect(self._scanned)

    def attach_sync(self, link: SyncBridge) -> None:
        """The sync thread's news (each round, a long push's progress), from now on."""
        if self.sync_link is None:
            self.sync_link = link
            self.sync_badge.attach(link)

    def _scanned(self, scan: Scan) -> None:
        """A code from a serial reader or the camera: this screen's, or the open dialog's
        when it takes scans (the customer and order searches); any other dialog refuses
        it, said (a code is never typed into a payment)."""
        modal = QApplication.activeModalWidget()
        if modal is None or modal is self:
            self.receive_scan(scan)
        elif callable(take := getattr(modal, "receive_scan", None)):
            take(scan)  # a search that takes scans (a customer's card, a receipt)
        else:
            # What was read is not repeated: a screen is no place to echo codes.
            self.show_notice(self.tr("Code lu ignoré : fermez d'abord cette fenêtre."),
                             error=True)

    def _device_problem(self, device: str, problem: str | None) -> None:
        """Said until it is put right, never in the way of a sale."""
        if problem is not None:
            self._device_notice = device_problem_text(device, problem)
            self.show_notice(self._device_notice, error=True, sticky=True)
        elif self._device_notice is not None and self.notice.text() == self._device_notice:
            self.notice.clear()
            self._device_notice = None

    def _basket_changed(self) -> None:
        self.notice.clear()
        self.basket_panel.refresh()
        self.basket_panel.select_last()
        self.keep_basket()

    # -- the sale in progress, kept -----------------------------------------------------

    def keep_basket(self) -> None:
        """Keep the basket as it is now, off the UI thread. One save at a time, of the
        newest basket: a burst of scans never queues writes ahead of the look-ups, and
        each save is numbered, so one that finished late never replaces a newer one."""
        self.basket_version += 1
        if self._saving:
            self._save_again = True
        else:
            self._save_basket()

    def _save_basket(self) -> None:
        from pos_app.services.drafts import keep_basket

        self._saving, self._save_again = True, False
        basket = self.basket.copy()
        version, staff, training = self.basket_version, self.staff, self.training

        def finished() -> None:
            self._saving = False
            if self._save_again:
                self._save_basket()

        def saved(_draft: object) -> None:
            self._clear_notice(self._save_failure)  # kept after all: that failure is past
            finished()

        def failed(error: Exception) -> None:
            finished()
            self._save_failure = self.tr("La vente en cours n'a pas pu être gardée :"
                                         " {error}").format(error=error_message(error))
            self.show_notice(self._save_failure, error=True, sticky=True)

        self.sale_runner.run(self, lambda: keep_basket(self.ctx, staff, basket, version,
                                                       training), saved, failed)

    def _bring_back_draft(self) -> None:
        from pos_app.services.drafts import current_draft

        def failed(error: Exception) -> None:
            # The basket is kept from now on all the same; what was left is said.
            self.show_notice(self.tr("La vente en cours n'a pas pu être relue : {error}")
                             .format(error=error_message(error)), error=True, sticky=True)

        self.sale_runner.run(self, lambda: current_draft(self.ctx), self._draft_found, failed)

    def _draft_found(self, draft: Draft | None) -> None:
        """A sale left in progress (the till stopped in the middle of it): the same
        basket, payer and payments, and the cashier is told. What was put in the basket
        meanwhile comes after its lines. (Looked for on the sale lane first, before any of
        this screen's saves.)"""
        if draft is None:
            return
        self.draft = draft
        self.basket_version = max(self.basket_version, draft.version)
        if draft.training != self.training:
            self.training = draft.training
            self.simulation.setVisible(draft.training)
        added = list(self.basket.lines)
        self.basket.lines[:] = [*draft.basket.lines, *added]
        self.basket.discount = draft.basket.discount
        if added:
            self.keep_basket()
        self.basket_panel.paid_cents = draft.paid_cents
        if draft.basket.payer_id is not None:
            self.basket_panel.set_payer(draft.basket.payer_id, None)
            self._name_payer(draft.basket.payer_id)
        self.basket_panel.refresh()
        if draft.payments:
            self.show_notice(self.tr("Vente en cours reprise : {paid} déjà encaissés, reste"
                                     " {left}.").format(paid=format_money(draft.paid_cents),
                                                        left=format_money(draft.left_cents)),
                             sticky=True)
            QTimer.singleShot(0, self.pay)
        else:
            self.show_notice(self.tr("Vente en cours reprise."))

    def take_up_draft(self, draft: Draft) -> None:
        """A basket on hold taken up (ui/held_baskets.py): it is the sale in progress."""
        self._draft_found(draft)
        self.basket_panel.select_last()

    def _name_payer(self, customer_id: str) -> None:
        from pos_app.services.customers import get_customer

        self.runner.run(self, lambda: get_customer(self.ctx, customer_id),
                        lambda found: self.basket_panel.set_payer(customer_id,
                                                                  found.display_name),
                        lambda error: self.show_notice(error_message(error), error=True))

    def give_back(self) -> GiveBackDialog | None:
        """Emptying a basket that holds payments: they are handed back first, said, and
        journaled; then the sale is given up."""
        if self.draft is None or not self.draft.payments:
            return None
        from pos_app.ui.payment_dialog import GiveBackDialog

        dialog = GiveBackDialog(self.ctx, self.sale_runner, self.staff, self.draft,
                                parent=self)

        def given_back() -> None:
            self.draft = None
            self.basket_panel.empty()
            self.show_notice(self.tr("Vente abandonnée, paiements rendus au client."))

        dialog.accepted.connect(given_back)
        return self._open(dialog)

    # -- the clock ------------------------------------------------------------------------

    def check_clock(self) -> None:
        from pos_app.services.journal import latest_clock_jump

        seen = self.jump_seen
        self.runner.run(self, lambda: latest_clock_jump(self.ctx, seen), self._clock_checked,
                        lambda _error: None)  # a check that fails says nothing: selling goes on

    def _clock_checked(self, jump: ClockJump | None) -> None:
        if jump is None or jump.entry_number <= self.jump_seen:
            return
        self.jump_seen = jump.entry_number
        self.show_notice(clock_jump_text(jump), error=True, sticky=True)

    # -- customer, payment, orders ------------------------------------------------------

    def find_customer(self) -> CustomerDialog:
        from pos_app.ui.customer_dialog import CustomerDialog

        dialog = CustomerDialog(self.ctx, self.runner, self.staff, parent=self)

        def assign() -> None:
            if dialog.chosen is not None:
                self.basket_panel.set_payer(dialog.chosen.id, dialog.chosen.display_name)
                self.keep_basket()

        dialog.accepted.connect(assign)
        return self._open(dialog)

    def pay(self) -> PaymentDialog | None:
        if self.basket.is_empty:
            return None
        from pos_app.ui.payment_dialog import PaymentDialog

        dialog = PaymentDialog(self.ctx, self.sale_runner, self.staff, basket=self.basket,
                               draft=self.draft, version=lambda: self.basket_version,
                               training=self.training,
                               ask_postal_code=self.settings is not None
                               and self.settings.ask_postal_code, parent=self)
        dialog.finished.connect(lambda _result: self._paid(dialog))
        return self._open(dialog)

    def _paid(self, dialog: PaymentDialog) -> None:
        order = dialog.order
        if order is None:  # nothing was validated: the basket stays, with what was paid
            self.draft = dialog.draft
            self.basket_panel.paid_cents = 0 if self.draft is None else self.draft.paid_cents
            self.basket_panel.refresh()
            return
        self.draft = None
        self.basket_panel.empty()
        self.show_notice(self.tr("Commande {number} enregistrée.").format(number=order.number))
        if self.devices is not None and dialog.opens_drawer:  # the sale is stored: the drawer
            self.devices.open_drawer()
        if dialog.wants_receipt:
            from pos_app.ui.receipt_dialog import ReceiptDialog

            self._open(ReceiptDialog(self.ctx, self.runner, self.staff, order.number,
                                      devices=self.devices, parent=self))

    def open_order(self, number: str) -> OrderDialog:
        from pos_app.ui.order_dialogs import OrderDialog

        return self._open(OrderDialog(self.ctx, self.runner, self.staff, number,
                                      devices=self.devices, parent=self))

    def find_orders(self) -> OrderSearchDialog:
        from pos_app.ui.order_dialogs import OrderSearchDialog

        return self._open(OrderSearchDialog(self.ctx, self.runner, self.staff,
                                             training=self.training, devices=self.devices,
                                             parent=self))

    def open_settings(self) -> SettingsDialog | None:
        if self.settings is None:
            return None
        from pos_app.services.journal import record_settings_change
        from pos_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, parent=self)
        staff = self.staff
        dialog.changed.connect(lambda setting, value, before: self.runner.run(
            self, lambda: record_settings_change(self.ctx, staff, setting, value, before),
            lambda _none: None, lambda error: self.show_notice(error_message(error), error=True),
            changes_data=True))
        return self._open(dialog)

    # -- the till: X, Z, cash, history (R6) ----------------------------------------------

    def open_till_menu(self) -> TillMenu:
        from pos_app.ui.till_menu import TillMenu

        menu = TillMenu(self.training, devices=self.devices is not None,
                        manager=self.staff.role in (Role.MANAGER, Role.ADMINISTRATOR),
                        parent=self)
        actions: dict[str, Callable[[], object]] = {
            "x": self.read_x, "z": self.close_z, "cash": self.move_cash,
            "history": self.closure_history, "drawer": self.open_drawer,
            "devices": self.open_devices, "sync": self.open_sync_screen,
            "rules": self.open_policies, "gate": self.open_gate_stats,
            "staff": self.open_staff_locks,
            "training": lambda: self.set_training(not self.training)}
        menu.chosen.connect(lambda key: actions[key]())
        return self._open(menu)

    def open_gate_stats(self) -> QDialog:
        """The gate's figures (entries per day, hour, product; refusals), with the
        conflicts between gates a button away: a manager's, from the Caisse menu."""
        from pos_app.ui.gate_stats import GateStatsDialog

        return self._open(GateStatsDialog(self.ctx, self.runner, self))

    def _open(self, dialog: D) -> D:
        """Every dialog of this screen; in training mode its title says SIMULATION."""
        if self.training:
            dialog.setWindowTitle(f"{dialog.windowTitle()} — SIMULATION")
        return show_dialog(dialog)

    def set_training(self, on: bool) -> None:
        """Training mode (a manager): every sale a simulation, said on every screen."""
        from pos_app.services.journal import set_training

        if not self.basket.is_empty:
            self.show_notice(self.tr("Encaissez ou videz le panier d'abord."), error=True)
            return
        staff = self.staff

        def switched(_none: object) -> None:
            self.training = on
            self.simulation.setVisible(on)

        self.runner.run(self, lambda: set_training(self.ctx, staff, on), switched,
                        lambda error: self.show_notice(error_message(error), error=True),
                        changes_data=True)

    def read_x(self) -> ClosureDialog:
        from pos_app.ui.closure_dialog import ClosureDialog

        return self._open(ClosureDialog(self.ctx, self.runner, self.staff, z=False,
                                         parent=self, devices=self.devices,
                                         training=self.training))

    def close_z(self) -> ClosureDialog:
        from pos_app.ui.closure_dialog import ClosureDialog

        dialog = ClosureDialog(self.ctx, self.runner, self.staff, z=True, parent=self,
                               devices=self.devices, training=self.training)

        def closed(_result: int) -> None:
            if dialog.closed is not None:
                self.notice.clear()
                self.show_notice(self.tr("Clôture Z n° {number} enregistrée.").format(
                    number=dialog.closed.closure.number))
            elif self.closing:  # closed without finishing or abandoning it: said
                self.show_notice(self.tr("La clôture Z reste en cours."), sticky=True)

        dialog.finished.connect(closed)
        dialog.closing_changed.connect(self.set_closing)
        return self._open(dialog)

    def set_closing(self, on: bool) -> None:
        """A Z in progress (R6): the banner says so, and no product goes in the basket."""
        self.closing = on
        self.closing_banner.setVisible(on)

    def ask_float(self) -> OpeningFloatDialog:
        """The till just opened: its opening float, counted, or said to be none."""
        from pos_app.ui.cash_dialog import OpeningFloatDialog

        dialog = OpeningFloatDialog(self.ctx, self.runner, self.staff, parent=self)
        dialog.saved.connect(self.show_notice)
        return self._open(dialog)

    def move_cash(self) -> CashDialog:
        from pos_app.ui.cash_dialog import CashDialog

        dialog = CashDialog(self.ctx, self.runner, self.staff, parent=self)
        dialog.saved.connect(self.show_notice)
        return self._open(dialog)

    def open_drawer(self) -> DrawerDialog | None:
        if self.devices is None:
            return None
        from pos_app.ui.devices_dialog import DrawerDialog

        return self._open(DrawerDialog(self.ctx, self.runner, self.staff, self.devices,
                                       parent=self))

    def open_devices(self) -> DevicesDialog | None:
        if self.devices is None:
            return None
        from pos_app.ui.devices_dialog import DevicesDialog

        return self._open(DevicesDialog(self.ctx, self.runner, self.staff, self.devices,
                                        parent=self))

    def open_sync_screen(self) -> SyncDialog:
        from pos_app.ui.sync_dialog import SyncDialog

        return self._open(SyncDialog(self.ctx, self.runner, self.sync_link, parent=self))

    def open_policies(self) -> PolicyDialog:
        from pos_app.ui.policy_dialog import PolicyDialog

        return self._open(PolicyDialog(self.ctx, self.runner, self.staff, parent=self))
    def open_staff_locks(self) -> StaffLocksDialog:
        from pos_app.ui.staff_locks import StaffLocksDialog

        return self._open(StaffLocksDialog(self.ctx, self.runner, self.staff, parent=self))

    def closure_history(self) -> ClosureHistoryDialog:
        from pos_app.ui.closure_history import ClosureHistoryDialog

        return self._open(ClosureHistoryDialog(self.ctx, self.runner, parent=self))

    def request_sign_out(self) -> None:
        """Hand the till over: refused while a sale is in progress, so nothing is lost."""
        if not self.basket.is_empty:
            self.show_notice(self.tr("Encaissez ou videz le panier avant de vous déconnecter."),
                             error=True)
            return
        staff = self.staff
        # The sign-out is journaled first; the next person signs in once it is.
        self.runner.run(self, lambda: sign_out(self.ctx, staff),
                        lambda _none: self.sign_out_requested.emit(),
                        lambda error: self.show_notice(error_message(error), error=True),
                        changes_data=True)

    def _load_favourites(self) -> None:
        def remember(products: list[Product]) -> None:
            self.favourite_ids = {product.id for product in products}
            if self.catalogue.showing_favourites:
                self.catalogue.tiles.show_products(products)

        self.runner.run(self, lambda: catalogue.favourite_products(self.ctx), remember,
                        lambda error: self.show_notice(error_message(error), error=True))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        super().closeEvent(event)
        if event.isAccepted():
            # Its dialogs go with it (the opening float's, which no tap dismisses, too):
            # none stays modal over whatever shows next.
            for dialog in self.findChildren(QDialog):
                if dialog.isVisible():
                    dialog.done(0)
            self.closed.emit()

    def _clear_notice(self, text: str | None) -> None:
        """`text` no longer holds: it goes, if it is still what the screen says."""
        if text and self.notice.text() == text:
            self.notice.clear()

    def show_notice(self, text: str, error: bool = False, sticky: bool = False) -> None:
        """A line at the bottom of the screen that never blocks; it fades after a few
        seconds unless `sticky`."""
        self.notice.setText(text)
        self.notice.setProperty("error", error)
        restyle(self.notice)
        if sticky:
            self._notice_timer.stop()
        else:
            self._notice_timer.start()
