"""Réglages › Périphériques (R20): how the till reaches its printer and drawer, its code
readers, what the printer says of itself, a test print and its preview, and the print
queue with "Réessayer". A manager saves changes; each is journaled."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.domain.devices import (
    NOT_PREFIXES,
    SCANNER_ENCODINGS,
    DeviceSettings,
    DrawerConnection,
    DrawerSettings,
    PrinterSettings,
    PrinterTransport,
    ScannerSettings,
    WedgeSettings,
    wedge_key,
)
from pos_app.domain.document import Document
from pos_app.domain.printing import PrinterStatus, QueuedJob
from pos_app.domain.staff import Role, StaffMember
from pos_app.formatting import format_local_time
from pos_app.services.context import Context
from pos_app.services.devices import change_device_settings, test_page
from pos_app.services.ports import PrinterUnavailable
from pos_app.services.print_queue import delete_job, recent_jobs
from pos_app.ui.device_link import DeviceLink
from pos_app.ui.messages import device_problem_text, device_problem_words, error_message
from pos_app.ui.ops import OperationRunner
from pos_app.ui.widgets import named, split_row

QUEUE_REFRESH_MS = 2000


class DevicesDialog(QDialog):
    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 link: DeviceLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.link = ctx, runner, staff, link
        self.setWindowTitle(self.tr("Périphériques"))
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.tabs = tabs = QTabWidget()
        tabs.addTab(self._printer_page(), self.tr("Imprimante et tiroir"))
        tabs.addTab(self._readers_page(), self.tr("Lecteurs de codes"))
        tabs.addTab(self._queue_page(), self.tr("File d'impression"))
        self.save = named(QPushButton(self.tr("Enregistrer")), "save")
        self.save.setEnabled(staff.role in (Role.MANAGER, Role.ADMINISTRATOR))
        self.save.setToolTip(self.tr("Un responsable enregistre les réglages"))
        close = named(QPushButton(self.tr("Fermer")), "close")
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.error)
        layout.addLayout(split_row([close], [self.save]))
        close.clicked.connect(self.accept)
        self.save.clicked.connect(self._save)
        self._timer = QTimer(self, interval=QUEUE_REFRESH_MS)
        self._timer.timeout.connect(self.refresh_queue)
        self._timer.start()
        link.queued.connect(self.refresh_queue)
        # A bound method, not a lambda: Qt drops the connection once this screen is gone
        # (a device saying something as it stops would otherwise refresh a deleted one).
        link.problem.connect(self._device_changed)
        self._fill(link.devices.settings)
        self.refresh()

    # -- pages ----------------------------------------------------------------------------

    def _printer_page(self) -> QWidget:
        self.transport = named(QComboBox(), "transport")
        for transport, label in ((PrinterTransport.NONE, self.tr("Aucune")),
                                 (PrinterTransport.NETWORK, self.tr("Réseau (IP:port)")),
                                 (PrinterTransport.SERIAL, self.tr("Port série")),
                                 (PrinterTransport.USB, self.tr("USB (fabricant:produit)")),
                                 (PrinterTransport.FILE, self.tr("Fichier ou périphérique")),
                                 (PrinterTransport.CUPS, self.tr("File CUPS"))):
            self.transport.addItem(label, transport.value)
        self.address = named(QLineEdit(), "address")
        self.address.setPlaceholderText("192.168.1.50:9100, /dev/ttyUSB0, 04b8:0e15…")
        self.paper = named(QComboBox(), "paper")
        self.paper.addItem("80 mm", 80)
        self.paper.addItem("58 mm", 58)
        self.status_query = named(QCheckBox(self.tr("Demander son état (DLE EOT)")),
                                  "statusQuery")
        self.status_query.setToolTip(self.tr(
            "Un document n'est imprimé que quand l'imprimante le confirme après la coupe."
            " Décochez pour une imprimante ou un serveur d'impression qui ne répond"
            " jamais : le document est alors imprimé une fois envoyé en entier."))
        self.drawer = named(QComboBox(), "drawer")
        for connection, label in ((DrawerConnection.PRINTER, self.tr("Sur l'imprimante")),
                                  (DrawerConnection.SERIAL, self.tr("Port série")),
                                  (DrawerConnection.NONE, self.tr("Aucun"))):
            self.drawer.addItem(label, connection.value)
        self.pin = named(QComboBox(), "pin")
        self.pin.addItem(self.tr("Broche 2"), 2)
        self.pin.addItem(self.tr("Broche 5"), 5)
        self.pulse = named(QSpinBox(), "pulse")
        self.pulse.setRange(50, 500)
        self.pulse.setSingleStep(10)
        self.pulse.setSuffix(" ms")
        self.status = named(QLabel(), "printerStatus")
        self.status.setWordWrap(True)
        self.test = named(QPushButton(self.tr("Impression test")), "testPrint")
        self.look = named(QPushButton(self.tr("Aperçu")), "preview")
        self.preview = named(QLabel(), "previewImage")
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        # The printer's fields beside the drawer's: one column of seven would not leave
        # the preview any room on an 800×600 screen.
        form = QFormLayout()
        form.addRow(self.tr("Imprimante"), self.transport)
        form.addRow(self.tr("Adresse"), self.address)
        form.addRow(self.tr("Papier"), self.paper)
        form.addRow(self.tr("État"), self.status_query)
        drawer_form = QFormLayout()
        drawer_form.addRow(self.tr("Tiroir-caisse"), self.drawer)
        drawer_form.addRow(self.tr("Branchement"), self.pin)
        drawer_form.addRow(self.tr("Impulsion"), self.pulse)
        forms = QHBoxLayout()
        forms.addLayout(form, 1)
        forms.addLayout(drawer_form, 1)
        state = QFormLayout()
        state.addRow(self.tr("État"), self.status)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(forms)
        layout.addLayout(state)
        layout.addLayout(split_row([self.test, self.look], []))
        layout.addWidget(scroll, 1)
        self.test.clicked.connect(self.print_test)
        self.look.clicked.connect(self.show_preview)
        return page

    def _readers_page(self) -> QWidget:
        self.scanner_port = named(QLineEdit(), "scannerPort")
        self.scanner_port.setPlaceholderText(self.tr("vide : lecteur clavier (USB) seulement"))
        self.terminator = named(QComboBox(), "scannerTerminator")
        for label, value in ((self.tr("CR (retour chariot)"), "CR"), (self.tr("LF"), "LF"),
                             (self.tr("CR LF"), "CRLF"), (self.tr("Tabulation"), "TAB"),
                             (self.tr("Aucun : une pause termine le code"), "TIMEOUT")):
            self.terminator.addItem(label, value)
        self.partial_timeout = named(QSpinBox(), "scannerPartialTimeout")
        self.partial_timeout.setRange(20, 2000)
        self.partial_timeout.setSuffix(" ms")
        self.partial_timeout.setToolTip(self.tr("Un code non terminé dans ce délai est écarté"
                                                " et signalé"))
        self.encoding = named(QComboBox(), "scannerEncoding")
        for value in SCANNER_ENCODINGS:
            self.encoding.addItem(value, value)
        self.camera = named(QLineEdit(), "camera")
        self.camera.setPlaceholderText(self.tr("vide : aucune ; 0 : la première caméra"))
        self.wedge_prefix = named(QLineEdit(), "wedgePrefix")
        self.wedge_prefix.setPlaceholderText(self.tr("vide : aucun ; un caractère, F7 à F24"))
        self.wedge_prefix.setToolTip(self.tr(
            "Ce que le lecteur clavier envoie avant chaque code (à régler aussi dans le"
            " lecteur) : tout ce qui suit jusqu'au suffixe est un code, même avec des"
            " pauses."))
        self.wedge_suffix = named(QLineEdit(), "wedgeSuffix")
        self.wedge_suffix.setPlaceholderText(self.tr("ENTER, TAB, F7 à F24 ou un caractère"))
        self.wedge_suffix.setToolTip(self.tr("Ce qu'il envoie après chaque code ; Entrée"
                                             " termine toujours un code aussi."))
        self.wedge_gap = named(QSpinBox(), "wedgeMaxGap")
        self.wedge_gap.setRange(20, 500)
        self.wedge_gap.setSuffix(" ms")
        self.wedge_gap.setToolTip(self.tr(
            "La plus longue pause entre deux touches d'un même code (sans préfixe) :"
            " au-delà, ce qui précède est tapé au clavier."))
        self.found = named(QLabel(), "found")
        self.found.setWordWrap(True)
        self.problems = named(QLabel(), "problems")
        self.problems.setWordWrap(True)
        # The serial reader's fields beside the keyboard reader's and the camera's: one
        # column of eight would push the dialog's buttons off an 800×600 screen.
        serial = QFormLayout()
        serial.addRow(self.tr("Lecteur série"), self.scanner_port)
        serial.addRow(self.tr("Fin de code"), self.terminator)
        serial.addRow(self.tr("Délai d'un code"), self.partial_timeout)
        serial.addRow(self.tr("Encodage"), self.encoding)
        others = QFormLayout()
        others.addRow(self.tr("Lecteur clavier : préfixe"), self.wedge_prefix)
        others.addRow(self.tr("Suffixe"), self.wedge_suffix)
        others.addRow(self.tr("Pause maximale"), self.wedge_gap)
        others.addRow(self.tr("Caméra"), self.camera)
        forms = QHBoxLayout()
        forms.addLayout(serial, 1)
        forms.addLayout(others, 1)
        state = QFormLayout()
        state.addRow(self.tr("Trouvés"), self.found)
        state.addRow(self.problems)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(forms)
        layout.addLayout(state)
        layout.addStretch(1)
        return page

    def _queue_page(self) -> QWidget:
        self.jobs = named(QTableWidget(0, 5), "jobs")
        self.jobs.setHorizontalHeaderLabels([self.tr("État"), self.tr("Document"),
                                             self.tr("Référence"), self.tr("Heure"),
                                             self.tr("Erreur")])
        self.jobs.horizontalHeader().setStretchLastSection(True)
        self.jobs.verticalHeader().setVisible(False)
        self.jobs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.jobs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.jobs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.retry = named(QPushButton(self.tr("Réessayer")), "retry")
        self.retry.setToolTip(self.tr("Imprimer maintenant ce qui attend"))
        self.delete = named(QPushButton(self.tr("Supprimer")), "deleteJob")
        self.delete.setToolTip(self.tr(
            "Retirer de la file le document choisi, qui ne sera jamais imprimé"
            " (un responsable ; inscrit au journal)"))
        self.delete.setVisible(self.staff.role in (Role.MANAGER, Role.ADMINISTRATOR))
        self.delete.setEnabled(False)
        self._shown_jobs: list[QueuedJob] = []
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.jobs, 1)
        layout.addLayout(split_row([self.delete], [self.retry]))
        self.retry.clicked.connect(self._retry)
        self.delete.clicked.connect(self.delete_selected)
        self.jobs.itemSelectionChanged.connect(self._selection_changed)
        return page

    # -- reading and saving -------------------------------------------------------------

    def _fill(self, settings: DeviceSettings) -> None:
        printer, drawer = settings.printer, settings.drawer
        self.transport.setCurrentIndex(self.transport.findData(printer.transport.value))
        self.address.setText(printer.address)
        self.paper.setCurrentIndex(self.paper.findData(printer.paper_mm))
        self.status_query.setChecked(printer.status_query)
        self.drawer.setCurrentIndex(self.drawer.findData(drawer.connection.value))
        self.pin.setCurrentIndex(self.pin.findData(drawer.pin))
        self.pulse.setValue(drawer.pulse_ms)
        self.scanner_port.setText(settings.scanner.port)
        self.terminator.setCurrentIndex(self.terminator.findData(settings.scanner.terminator))
        self.partial_timeout.setValue(settings.scanner.partial_timeout_ms)
        self.encoding.setCurrentIndex(self.encoding.findData(settings.scanner.encoding))
        self.camera.setText(settings.camera.source)
        self.wedge_prefix.setText(settings.wedge.prefix)
        self.wedge_suffix.setText(settings.wedge.suffix)
        self.wedge_gap.setValue(settings.wedge.max_gap_ms)

    def chosen(self) -> DeviceSettings:
        current = self.link.devices.settings
        return DeviceSettings(
            PrinterSettings(PrinterTransport(self.transport.currentData()),
                            self.address.text().strip(), int(self.paper.currentData()),
                            current.printer.baudrate, self.status_query.isChecked()),
            DrawerSettings(DrawerConnection(self.drawer.currentData()),
                           int(self.pin.currentData()), self.pulse.value(), current.drawer.port),
            ScannerSettings(self.scanner_port.text().strip(), current.scanner.baudrate,
                            str(self.terminator.currentData()), self.partial_timeout.value(),
                            str(self.encoding.currentData())),
            # What the screen does not show (decoder, formats) stays as set.
            replace(current.camera, source=self.camera.text().strip()),
            self._chosen_wedge())

    def _chosen_wedge(self) -> WedgeSettings:
        """The wedge scanner's keys as typed; ValueError, said, for a key it cannot be."""
        prefix = self.wedge_prefix.text().strip()
        suffix = self.wedge_suffix.text().strip() or "ENTER"
        read_prefix = wedge_key(prefix) if prefix else ""
        read_suffix = wedge_key(suffix)
        if read_prefix is None or read_prefix in NOT_PREFIXES:
            raise ValueError(self.tr("Préfixe du lecteur clavier : un seul caractère, ou une"
                                     " touche de F7 à F24."))
        if read_suffix is None:
            raise ValueError(self.tr("Suffixe du lecteur clavier : un seul caractère, ou"
                                     " ENTER, TAB, ou une touche de F7 à F24."))
        if read_prefix and read_prefix == read_suffix:
            raise ValueError(self.tr("Le préfixe et le suffixe du lecteur clavier doivent"
                                     " différer."))
        return WedgeSettings(read_prefix, read_suffix, self.wedge_gap.value())

    def _save(self) -> None:
        self.error.clear()
        try:
            settings = self.chosen()
        except ValueError as error:
            self.error.setText(str(error))
            return
        staff, config = self.staff, self.link.devices.config

        def saved(_none: object) -> None:
            self.link.use_settings(settings)
            self.error.setText(self.tr("Réglages enregistrés."))
            self.refresh()

        self.runner.run(self, lambda: change_device_settings(self.ctx, staff, config, settings),
                        saved, self._fail, changes_data=True)

    def _device_changed(self, _device: str, _problem: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        devices = self.link.devices
        self.runner.run(self, devices.status, self._show_status,
                        lambda error: self.status.setText(error_message(error)))
        self.runner.run(self, devices.discover, self._show_found, self._fail)
        self.problems.setText("\n".join(devices.problems))
        self.refresh_queue()

    def _show_status(self, status: PrinterStatus) -> None:
        if status.problem is not None:
            self.status.setText(device_problem_text("printer", status.problem))
        elif status.online is None:
            self.status.setText(self.tr("Inconnu : cette imprimante ne donne pas son état"))
        else:
            self.status.setText(self.tr("Prête") + (
                self.tr(" — papier bientôt épuisé") if status.paper_low else ""))

    def _show_found(self, found: dict[str, list[tuple[str, str]]]) -> None:
        def listed(items: list[tuple[str, str]]) -> str:
            return ", ".join(f"{address} ({description})" for address, description in items
                             ) or self.tr("aucun")

        self.found.setText(self.tr("Ports série : {ports}\nCaméras : {cameras}").format(
            ports=listed(found.get("serial_ports", [])),
            cameras=listed(found.get("cameras", []))))

    # -- test, preview, queue -----------------------------------------------------------

    def _test_page(self) -> Document:
        return test_page(format_local_time(self.ctx.clock.now()), self.link.devices.paper_mm)

    def print_test(self) -> None:
        self.link.print_document(self._test_page())

    def show_preview(self) -> None:
        page, devices = self._test_page(), self.link.devices

        def shown(png: bytes) -> None:
            picture = QPixmap()
            picture.loadFromData(png, "PNG")
            self.preview.setPixmap(picture)

        self.runner.run(self, lambda: devices.roll_png(page), shown, self._fail)

    def refresh_queue(self) -> None:
        self.runner.run(self, lambda: recent_jobs(self.ctx), self._show_jobs, self._fail)

    def _show_jobs(self, jobs: list[QueuedJob]) -> None:
        states = {"pending": self.tr("en attente"), "failed": self.tr("en échec"),
                  "printed": self.tr("imprimé")}
        kinds = {"receipt": self.tr("Ticket de caisse"), "duplicate": self.tr("Duplicata"),
                 "reading": self.tr("Rapport X / Z"), "order": self.tr("Commande"),
                 "ticket": self.tr("Billet"), "test": self.tr("Impression test")}
        self._shown_jobs = jobs
        self.jobs.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            cells = [states[job.state], kinds.get(job.kind, job.kind), job.reference,
                     format_local_time(job.printed_at or job.created_at, "%d/%m %H:%M:%S"),
                     device_problem_words(job.last_error or "")]
            for column, text in enumerate(cells):
                self.jobs.setItem(row, column, QTableWidgetItem(text))
        self.jobs.resizeColumnsToContents()
        self.retry.setEnabled(any(job.state != "printed" for job in jobs))
        self._selection_changed()

    def _selected_job(self) -> QueuedJob | None:
        rows = {index.row() for index in self.jobs.selectionModel().selectedRows()}
        if len(rows) != 1 or max(rows) >= len(self._shown_jobs):
            return None
        return self._shown_jobs[max(rows)]

    def _selection_changed(self) -> None:
        job = self._selected_job()
        self.delete.setEnabled(job is not None and job.state != "printed")

    def delete_selected(self) -> None:
        """The chosen job out of the queue: the service checks the role and journals it."""
        job = self._selected_job()
        if job is None:
            return
        staff, seq = self.staff, job.seq

        def deleted(_job: object) -> None:
            self.error.setText(self.tr("Document {reference} retiré de la file.").format(
                reference=job.reference))
            self.refresh_queue()

        self.runner.run(self, lambda: delete_job(self.ctx, staff, seq), deleted, self._fail,
                        changes_data=True)

    def _retry(self) -> None:
        self.runner.run(self, self.link.worker.retry, lambda _none: self.refresh_queue(),
                        self._fail, changes_data=True)

    def _fail(self, error: Exception) -> None:
        self.error.setText(error_message(error))


class DrawerDialog(QDialog):
    """A manager opens the drawer outside a sale, saying why (journaled with whether
    it opened)."""

    def __init__(self, ctx: Context, runner: OperationRunner, staff: StaffMember,
                 link: DeviceLink, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.staff, self.link = ctx, runner, staff, link
        self.setWindowTitle(self.tr("Ouvrir le tiroir"))
        self.reason = named(QLineEdit(), "reason")
        self.reason.setPlaceholderText(self.tr("Motif (monnaie, comptage…)"))
        self.error = named(QLabel(), "error")
        self.error.setWordWrap(True)
        self.open_button = named(QPushButton(self.tr("Ouvrir")), "openDrawer")
        cancel = named(QPushButton(self.tr("Annuler")), "cancel")
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(split_row([cancel], [self.open_button]))
        cancel.clicked.connect(self.reject)
        self.open_button.clicked.connect(self._open)
        self.reason.returnPressed.connect(self._open)

    def _open(self) -> None:
        from pos_app.services.drawer import open_drawer

        reason, staff, drawer = self.reason.text(), self.staff, self.link.worker.waited_drawer()
        self.runner.run(self, lambda: open_drawer(self.ctx, staff, drawer, reason),
                        lambda _none: self.accept(), self._fail, changes_data=True)

    def _fail(self, error: Exception) -> None:
        """Not opened: said as the drawer's problem (journaled as an opening that did
        not happen), or the refusal (no reason, not a manager)."""
        self.error.setText(device_problem_text("drawer", error.detail)
                           if isinstance(error, PrinterUnavailable) else error_message(error))
