"""Recherche client (R1): find a customer by name, or create one, and assign them to the
basket as its payer. Scanning a customer's membership card picks them at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.scan import Scan
from pos_app.domain.scan_meaning import ScanContext, ScanMeaning, ScannedCard, UnknownScan
from pos_app.domain.staff import StaffMember
from pos_app.services import customers
from pos_app.services.context import Context
from pos_app.ui.messages import error_message, scan_refusal_text
from pos_app.ui.ops import LatestOnly, OperationRunner
from pos_app.ui.widgets import after_typing_pause, named, split_row

CARD_CODE_LENGTH = 64  # as the store's column (and the import's check) sizes it


class CustomerDialog(QDialog):
    """Accepted with `chosen`: the customer to assign to the basket."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff = ctx, runner, staff
        self.chosen: Customer | None = None
        self._scan_said = ""  # what the last scan said: results shown after it keep it
        self.setWindowTitle(self.tr("Recherche client"))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._search_page())
        self.pages.addWidget(self._create_page())
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        self._latest = LatestOnly(runner, self)
        after_typing_pause(self.search, self._search)

    def _search_page(self) -> QWidget:
        self.search = named(QLineEdit(), "customerSearchField")
        self.search.setPlaceholderText(
            self.tr("Nom : dupont, dup* (commence par), *pont (contient)"))
        self.results = named(QListWidget(), "customers")
        self.results.setWordWrap(True)
        self.assign = named(QPushButton(self.tr("Assigner au panier")), "assign")
        self.assign.setEnabled(False)
        create = named(QPushButton(self.tr("Nouveau client")), "newCustomer")
        close = named(QPushButton(self.tr("Fermer")), "close")
        buttons = split_row([create], [close, self.assign])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addLayout(buttons)
        self.results.currentRowChanged.connect(
            lambda row: self.assign.setEnabled(row >= 0))
        self.results.itemDoubleClicked.connect(lambda _item: self._assign())
        self.assign.clicked.connect(self._assign)
        create.clicked.connect(self._start_creating)
        close.clicked.connect(self.reject)
        return page

    def _create_page(self) -> QWidget:
        self.kinds = QButtonGroup(self)
        kind_row = QHBoxLayout()
        for kind, label in ((CustomerKind.PERSON, self.tr("Personne")),
                            (CustomerKind.ORGANISATION, self.tr("Organisation"))):
            button = named(QPushButton(label), f"kind_{kind.value}")
            button.setCheckable(True)
            button.setChecked(kind is CustomerKind.PERSON)
            button.setProperty("kind", kind.value)
            self.kinds.addButton(button)
            kind_row.addWidget(button)
        self.name = named(QLineEdit(), "name")
        self.first_name = named(QLineEdit(), "firstName")
        self.email = named(QLineEdit(), "email")
        self.phone = named(QLineEdit(), "phone")
        self.postal_code = named(QLineEdit(), "postalCode")
        self.card_code = named(QLineEdit(), "cardCode")
        self.card_code.setPlaceholderText(self.tr("Scannez la carte ou tapez son numéro"))
        self.card_code.setMaxLength(CARD_CODE_LENGTH)
        form = QFormLayout()
        form.addRow(self.tr("Nom"), self.name)
        form.addRow(self.tr("Prénom"), self.first_name)
        form.addRow(self.tr("E-mail"), self.email)
        form.addRow(self.tr("Téléphone"), self.phone)
        form.addRow(self.tr("Code postal"), self.postal_code)
        form.addRow(self.tr("Carte d'adhérent"), self.card_code)
        back = named(QPushButton(self.tr("Retour")), "back")
        self.save = named(QPushButton(self.tr("Créer et assigner")), "save")
        buttons = split_row([back], [self.save])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(kind_row)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.kinds.buttonClicked.connect(lambda _button: self._show_kind())
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.save.clicked.connect(self._create)
        return page

    def _search(self) -> None:
        typed = self.search.text()

        def show(found: list[Customer]) -> None:
            self.results.clear()
            for customer in found:
                item = QListWidgetItem(self._describe(customer))
                item.setData(Qt.ItemDataRole.UserRole, customer)
                self.results.addItem(item)
            if found:
                self.results.setCurrentRow(0)
            said = "" if found or not typed.strip() else self.tr("Aucun client trouvé.")
            if said or self.error.text() != self._scan_said:  # what a scan said stays
                self.error.setText(said)

        self._latest.run(lambda: customers.search_customers(self.ctx, typed), show, self._fail)

    def _describe(self, customer: Customer) -> str:
        kind = (self.tr("Personne") if customer.kind is CustomerKind.PERSON
                else self.tr("Organisation"))
        card = (self.tr("carte {code}").format(code=customer.card_code)
                if customer.card_code else None)
        details = " · ".join(part for part in (card, customer.postal_code, customer.email,
                                               customer.phone) if part)
        return f"{customer.display_name}\n{kind}" + (f" · {details}" if details else "")

    def receive_scan(self, scan: Scan) -> None:
        """A scanned membership card picks its customer; any other code is said here.
        While a customer is being created, a scan is the card given to them."""
        if self.pages.currentIndex() == 1:
            self.card_code.setText(scan.code.strip()[:CARD_CODE_LENGTH])
            return

        def resolve() -> ScanMeaning:
            from pos_app.services.scanning import resolve_scan

            return resolve_scan(self.ctx, scan, ScanContext.CUSTOMER_SEARCH)

        self.runner.run(self, resolve, self._scanned, self._fail)

    def _scanned(self, meaning: ScanMeaning) -> None:
        if isinstance(meaning, ScannedCard):
            self.chosen = meaning.customer
            self.accept()
        elif isinstance(meaning, UnknownScan):  # this search looks for nothing else
            self._scan_said = scan_refusal_text(meaning)
            self.error.setText(self._scan_said)

    def _assign(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()

    def _start_creating(self) -> None:
        typed = self.search.text().strip().strip("*")
        if typed and not self.name.text():
            self.name.setText(typed)
        self.pages.setCurrentIndex(1)
        self._show_kind()
        self.name.setFocus()

    def _kind(self) -> CustomerKind:
        checked = self.kinds.checkedButton()
        return CustomerKind.PERSON if checked is None else CustomerKind(
            str(checked.property("kind")))

    def _show_kind(self) -> None:
        self.first_name.setEnabled(self._kind() is CustomerKind.PERSON)

    def _create(self) -> None:
        kind = self._kind()
        fields = (self.name.text(), self.first_name.text() if kind is CustomerKind.PERSON
                  else None, self.email.text() or None, self.phone.text() or None,
                  self.postal_code.text() or None, self.card_code.text() or None)
        self.save.setEnabled(False)
        self.runner.run(self, lambda: customers.create_customer(self.ctx, self.staff, kind,
                                                                *fields),
                        self._created, self._fail, changes_data=True)

    def _created(self, customer: Customer) -> None:
        self.chosen = customer
        self.accept()

    def _fail(self, error: Exception) -> None:
        self.save.setEnabled(True)
        self.error.setText(error_message(error))
