"""The sale screen with its devices: the simulated network printer and a serial reader
on a pseudo-terminal. The drawer opens for the methods set to open it; a receipt prints
on request; a printer out of paper is said and its receipts wait; the devices screen
shows the queue, retries it, prints a test page, previews it and saves a manager's
settings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QPushButton
from pytestqt.qtbot import QtBot

from hardware.simulators.escpos_printer import SimulatedPrinter
from hardware.simulators.serial_scanner import SimulatedSerialReader
from pos_app.bootstrap import Store, open_devices
from pos_app.domain.devices import (
    DeviceSettings,
    PrinterSettings,
    PrinterTransport,
    ScannerSettings,
)
from pos_app.domain.staff import StaffMember
from pos_app.services.print_queue import queue_counts
from pos_app.ui.device_link import DeviceLink
from pos_app.ui.devices_dialog import DevicesDialog
from pos_app.ui.ops import OperationRunner
from pos_app.ui.receipt_dialog import ReceiptDialog
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.widgets import show_dialog
from tests.ui.conftest import WAIT_MS, gone, open_sale_window
from tests.ui.test_till_screen import child, click, method, search_and_tap, wait_for_methods


@pytest.fixture
def printer() -> Iterator[SimulatedPrinter]:
    with SimulatedPrinter() as device:
        yield device


@pytest.fixture
def link(store: Store, runner: OperationRunner, printer: SimulatedPrinter,
         data_dir: Path) -> Iterator[DeviceLink]:
    host, port = printer.address
    devices = open_devices(data_dir)
    devices.config.save(DeviceSettings(PrinterSettings(PrinterTransport.NETWORK,
                                                       f"{host}:{port}", 58)))
    connected = DeviceLink(store.context, open_devices(data_dir), runner)
    connected.start()
    yield connected
    connected.stop()


@pytest.fixture
def screen(qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
           link: DeviceLink) -> SaleWindow:
    window = open_sale_window(qtbot, store, runner, cashier)
    window.attach_devices(link)
    return window


def pay(qtbot: QtBot, window: SaleWindow, code: str) -> None:
    search_and_tap(qtbot, window, "gaufre", "gaufre")
    dialog = window.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    click(qtbot, method(dialog, code))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    click(qtbot, child(dialog, QPushButton, "nextSale"))
    qtbot.waitUntil(lambda: window.basket.is_empty, timeout=WAIT_MS)


def test_the_drawer_opens_for_the_methods_set_to_open_it(
        qtbot: QtBot, store: Store, screen: SaleWindow, printer: SimulatedPrinter) -> None:
    """Each method's "opens the drawer" setting, not whether it gives change: here cash
    is set not to (a till whose cash goes in a safe) and cheques to."""
    with store.context.uow() as uow:
        for code, opens in (("ESP", False), ("CHQ", True)):
            kept = uow.payment_methods.get(code)
            assert kept is not None
            uow.payment_methods.save(replace(kept, opens_drawer=opens))
        uow.commit()
    for code in ("CB", "ESP", "CHQ"):
        pay(qtbot, screen, code)
    # Kicks go to the device thread in the order asked: the cheque's is the first.
    qtbot.waitUntil(lambda: printer.decoded().drawer_kicks == [(0, 50, 50)], timeout=WAIT_MS)
    pay(qtbot, screen, "CHQ")
    qtbot.waitUntil(lambda: len(printer.decoded().drawer_kicks) == 2, timeout=WAIT_MS)
    assert printer.decoded().lines == []  # the kick alone: no receipt was asked for


def test_a_managers_opening_is_said_when_the_drawer_did_not_open(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember,
        link: DeviceLink, printer: SimulatedPrinter) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    window.attach_devices(link)
    printer.online = False  # switched off: it takes nothing, answers nothing
    dialog = window.open_drawer()
    assert dialog is not None
    qtbot.keyClicks(dialog.reason, "Monnaie")
    click(qtbot, dialog.open_button)
    qtbot.waitUntil(lambda: dialog.error.text().startswith("Tiroir-caisse :"),
                    timeout=WAIT_MS)
    assert dialog.isVisible()  # not opened: the manager sees why, and may try again
    printer.online = True
    click(qtbot, dialog.open_button)
    # Opened: the dialog closes, and is gone.
    qtbot.waitUntil(lambda: gone(dialog), timeout=WAIT_MS)
    assert printer.decoded().drawer_kicks == [(0, 50, 50)]


def test_a_receipt_prints_on_request_and_waits_through_a_paper_out(
        qtbot: QtBot, screen: SaleWindow, printer: SimulatedPrinter, store: Store) -> None:
    printer.paper_out = True
    search_and_tap(qtbot, screen, "gaufre", "gaufre")
    dialog = screen.pay()
    assert dialog is not None
    wait_for_methods(qtbot, dialog)
    click(qtbot, method(dialog, "CB"))
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT_MS)
    click(qtbot, dialog.receipt)
    receipt = screen.findChild(ReceiptDialog)
    assert isinstance(receipt, ReceiptDialog)
    click(qtbot, receipt.look)  # the receipt as the 58 mm roll will show it
    qtbot.waitUntil(receipt.picture_area.isVisible, timeout=WAIT_MS)
    assert receipt.picture.pixmap().width() == 384 + 2 * 16  # the roll's dots, its margins
    click(qtbot, receipt.print_button)
    qtbot.waitUntil(lambda: "plus de papier" in screen.notice.text(), timeout=WAIT_MS)
    assert "Rien n'est perdu" in screen.notice.text()
    assert queue_counts(store.context) == {"pending": 1}
    receipt.accept()
    printer.paper_out = False
    assert screen.devices is not None
    screen.devices.worker.retry()
    qtbot.waitUntil(lambda: printer.decoded().cuts == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.notice.text() == "", timeout=WAIT_MS)  # said back
    assert receipt.shown is not None and printer.decoded().qr_codes == [receipt.shown.qr]
    assert printer.decoded().barcodes == [receipt.shown.number]


def test_a_serial_reader_adds_products_to_the_basket(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        data_dir: Path) -> None:
    with SimulatedSerialReader() as reader:
        devices = open_devices(data_dir).with_settings(
            DeviceSettings(scanner=ScannerSettings(reader.port)))
        connected = DeviceLink(store.context, devices, runner)
        connected.start()
        try:
            window = open_sale_window(qtbot, store, runner, cashier)
            window.attach_devices(connected)
            # A port being opened drops what waits in it: codes are sent once it reads.
            qtbot.waitUntil(connected.readers_reading, timeout=WAIT_MS)
            reader.scan("3760123450089")
            qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
            assert window.basket.lines[0].product_id == "paddle-1h"
        finally:
            connected.stop()


def test_a_serial_readers_fragment_and_death_are_said_on_the_sale_screen(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        data_dir: Path) -> None:
    port = data_dir / "scanner-port"  # as /dev/serial/by-id/… names a reader
    reader = SimulatedSerialReader()
    port.symlink_to(reader.port)
    connected = DeviceLink(store.context, open_devices(data_dir).with_settings(
        DeviceSettings(scanner=ScannerSettings(str(port)))), runner)
    connected.start()
    try:
        window = open_sale_window(qtbot, store, runner, cashier)
        window.attach_devices(connected)
        qtbot.waitUntil(connected.readers_reading, timeout=WAIT_MS)
        reader.send(b"3760123450")  # a code cut short
        qtbot.waitUntil(lambda: "partial code dropped" in window.notice.text(),
                        timeout=WAIT_MS)
        reader.close()  # unplugged
        port.unlink()
        qtbot.waitUntil(lambda: "Lecteur de codes série" in window.notice.text(),
                        timeout=WAIT_MS)
        with SimulatedSerialReader() as back:
            port.symlink_to(back.port)  # plugged in again: opened at its next try (1 s)
            qtbot.waitUntil(lambda: window.notice.text() == "" and
                            connected.readers_reading(), timeout=max(WAIT_MS, 15_000))
            back.scan("3760123450089")
            qtbot.waitUntil(lambda: len(window.basket.lines) == 1, timeout=WAIT_MS)
    finally:
        connected.stop()
        reader.close()


def test_the_devices_screen_tests_previews_and_retries(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember,
        link: DeviceLink, printer: SimulatedPrinter, data_dir: Path) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    window.attach_devices(link)
    dialog = window.open_devices()
    assert isinstance(dialog, DevicesDialog)
    qtbot.waitUntil(lambda: dialog.status.text() == "Prête", timeout=WAIT_MS)
    assert dialog.address.text() == f"{printer.address[0]}:{printer.address[1]}"
    click(qtbot, dialog.look)
    qtbot.waitUntil(lambda: dialog.preview.pixmap() is not None
                    and not dialog.preview.pixmap().isNull(), timeout=WAIT_MS)
    printer.cover_open = True
    click(qtbot, dialog.test)
    qtbot.waitUntil(lambda: dialog.jobs.rowCount() == 1 and dialog.jobs.item(0, 0).text()
                    == "en échec", timeout=WAIT_MS)
    assert dialog.jobs.item(0, 1).text() == "Impression test"
    assert dialog.jobs.item(0, 4).text() == "capot ouvert"
    printer.cover_open = False
    dialog.tabs.setCurrentIndex(2)  # the queue
    click(qtbot, dialog.retry)
    qtbot.waitUntil(lambda: dialog.jobs.item(0, 0).text() == "imprimé", timeout=WAIT_MS)
    assert "Impression test" in printer.decoded().lines
    dialog.paper.setCurrentIndex(dialog.paper.findData(80))
    assert dialog.terminator.currentData() == "CR" and dialog.partial_timeout.value() == 100
    dialog.terminator.setCurrentIndex(dialog.terminator.findData("TIMEOUT"))
    dialog.partial_timeout.setValue(250)
    dialog.encoding.setCurrentIndex(dialog.encoding.findData("utf-8"))
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.error.text() == "Réglages enregistrés.", timeout=WAIT_MS)
    saved, problems = open_devices(data_dir).config.load()
    assert saved.printer.paper_mm == 80 and problems == []
    assert saved.scanner == ScannerSettings("", 9600, "TIMEOUT", 250, "utf-8")
    assert link.devices.paper_mm == 80  # in use at once


def test_a_cashier_sees_the_devices_but_cannot_change_them(
        qtbot: QtBot, screen: SaleWindow) -> None:
    dialog = screen.open_devices()
    assert isinstance(dialog, DevicesDialog)
    assert not dialog.save.isEnabled()
    assert dialog.delete.isHidden()  # a job is deleted by a manager only


def test_a_manager_deletes_a_waiting_job_and_sets_the_status_query_off(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember,
        link: DeviceLink, printer: SimulatedPrinter, data_dir: Path) -> None:
    window = open_sale_window(qtbot, store, runner, manager)
    window.attach_devices(link)
    dialog = window.open_devices()
    assert isinstance(dialog, DevicesDialog)
    assert dialog.status_query.isChecked()  # on unless set off
    printer.paper_out = True
    click(qtbot, dialog.test)
    qtbot.waitUntil(lambda: dialog.jobs.rowCount() == 1 and dialog.jobs.item(0, 0).text()
                    == "en échec", timeout=WAIT_MS)
    dialog.tabs.setCurrentIndex(2)  # the queue
    assert not dialog.delete.isEnabled()  # nothing chosen yet
    dialog.jobs.selectRow(0)
    assert dialog.delete.isEnabled()
    click(qtbot, dialog.delete)
    qtbot.waitUntil(lambda: dialog.jobs.rowCount() == 0, timeout=WAIT_MS)
    assert queue_counts(store.context) == {}
    assert "retiré de la file" in dialog.error.text()
    # A printer that never answers its status: set so, it prints without being asked.
    printer.paper_out, printer.answers_status = False, False
    dialog.tabs.setCurrentIndex(0)  # the printer
    click(qtbot, dialog.test)  # asked its status, it says nothing: the page waits
    qtbot.waitUntil(lambda: dialog.jobs.rowCount() == 1 and dialog.jobs.item(0, 0).text()
                    == "en échec", timeout=WAIT_MS)
    assert "décochez « Demander son état »" in dialog.jobs.item(0, 4).text()
    dialog.status_query.setChecked(False)
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.error.text() == "Réglages enregistrés.", timeout=WAIT_MS)
    assert not open_devices(data_dir).config.load()[0].printer.status_query
    link.worker.retry()  # the page that waited prints, unmarked: nothing of it had left
    qtbot.waitUntil(lambda: queue_counts(store.context) == {"printed": 1}, timeout=WAIT_MS)
    assert printer.decoded().lines.count("Impression test") == 1
    assert "RÉIMPRESSION" not in printer.decoded().lines


def test_the_x_and_z_reports_print_on_the_tills_printer(
        qtbot: QtBot, screen: SaleWindow, printer: SimulatedPrinter, store: Store,
        runner: OperationRunner, manager: StaffMember, link: DeviceLink) -> None:
    pay(qtbot, screen, "CB")
    reading = screen.read_x()
    qtbot.waitUntil(reading.print_report.isEnabled, timeout=WAIT_MS)
    click(qtbot, reading.print_report)
    qtbot.waitUntil(lambda: "Lecture X" in " ".join(printer.decoded().lines), timeout=WAIT_MS)
    assert any("3,20" in line for line in printer.decoded().lines)
    reading.accept()
    managing = open_sale_window(qtbot, store, runner, manager)
    managing.attach_devices(link)
    closing = managing.close_z()
    qtbot.waitUntil(closing.validate.isEnabled, timeout=WAIT_MS)
    assert not closing.print_report.isVisible()  # a Z's report once it is recorded
    zero = closing.counter.keypad.findChild(QAbstractButton, "key_0")
    assert zero is not None
    click(qtbot, zero)  # the drawer is empty: the day was paid by card
    click(qtbot, closing.validate)
    click(qtbot, closing.confirm)
    qtbot.waitUntil(closing.print_report.isEnabled, timeout=WAIT_MS)
    click(qtbot, closing.print_report)
    qtbot.waitUntil(lambda: "Clôture Z" in " ".join(printer.decoded().lines),
                    timeout=WAIT_MS)


def test_a_receipt_with_no_printer_set_says_so_at_once_and_waits_for_one(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        printer: SimulatedPrinter, data_dir: Path) -> None:
    unset = DeviceLink(store.context, open_devices(data_dir), runner)  # no printer set
    unset.start()
    try:
        window = open_sale_window(qtbot, store, runner, cashier)
        window.attach_devices(unset)
        pay(qtbot, window, "CB")
        receipt = show_dialog(ReceiptDialog(store.context, runner, cashier, "CD2-000001",
                                            devices=unset, parent=window))
        click(qtbot, receipt.print_button)
        qtbot.waitUntil(lambda: "Aucune imprimante configurée : le ticket attend dans la file"
                        in window.notice.text(), timeout=WAIT_MS)
        assert queue_counts(store.context) == {"pending": 1}  # nothing lost
        host, port = printer.address  # a printer set: the ticket prints, the notice goes
        unset.use_settings(DeviceSettings(PrinterSettings(PrinterTransport.NETWORK,
                                                          f"{host}:{port}", 58)))
        qtbot.waitUntil(lambda: any("CD2-000001" in line for line in printer.decoded().lines),
                        timeout=WAIT_MS)
        qtbot.waitUntil(lambda: window.notice.text() == "", timeout=WAIT_MS)
    finally:
        unset.stop()


def test_saving_the_devices_screen_keeps_what_it_does_not_show(
        qtbot: QtBot, store: Store, runner: OperationRunner, manager: StaffMember,
        link: DeviceLink, data_dir: Path) -> None:
    """The camera's decoder and symbologies are set from the command line: a manager
    saving the screen for its printer leaves them as they were."""
    settings = link.devices.settings
    link.use_settings(replace(settings, camera=replace(settings.camera, decoder="zxing",
                                                       formats=("QRCode",))))
    window = open_sale_window(qtbot, store, runner, manager)
    window.attach_devices(link)
    dialog = window.open_devices()
    assert isinstance(dialog, DevicesDialog)
    dialog.camera.setText("/dev/video9")
    click(qtbot, dialog.save)
    qtbot.waitUntil(lambda: dialog.error.text() == "Réglages enregistrés.", timeout=WAIT_MS)
    camera = open_devices(data_dir).config.load()[0].camera
    assert (camera.source, camera.decoder, camera.formats) == ("/dev/video9", "zxing",
                                                                ("QRCode",))
