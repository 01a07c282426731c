"""The scan station (R11) driven by a serial reader on a pty: one scan, one entry; a
second scan of a single-entry ticket is refused in red; a ticket not yet valid is
orange; a reference typed on the keypad is checked, then validated; a ticket voided with
a reason; a checker's sign-in opens the station."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hardware.simulators.camera import ticket_frames, write_video
from hardware.simulators.serial_scanner import SimulatedSerialReader
from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_devices
from pos_app.domain.devices import CameraSettings, DeviceSettings, ScannerSettings
from pos_app.domain.gate import ConflictKind, TicketConflict
from pos_app.domain.staff import StaffMember
from pos_app.domain.ticket import Ticket
from pos_app.services.admissions import GateAct
from pos_app.services.staff import sign_in
from pos_app.ui.device_link import DeviceLink
from pos_app.ui.launch import TillStart
from pos_app.ui.ops import OperationRunner
from pos_app.ui.scan_station import ConflictsDialog, ScanStationWindow
from pos_app.ui.settings import SETTINGS_FILE, TillSettings
from tests.integration.test_gate import CHECKER
from tests.integration.test_tickets import sale, stored
from tests.ui.conftest import WAIT_MS
from tests.ui.test_till_screen import click


@pytest.fixture
def reader(store: Store, runner: OperationRunner,
           data_dir: Path) -> Iterator[tuple[SimulatedSerialReader, DeviceLink]]:
    with SimulatedSerialReader() as simulated:
        devices = open_devices(data_dir).with_settings(
            DeviceSettings(scanner=ScannerSettings(simulated.port)))
        link = DeviceLink(store.context, devices, runner)
        link.start()
        try:
            yield simulated, link
        finally:
            link.stop()


def station_for(qtbot: QtBot, store: Store, runner: OperationRunner,
                staff: StaffMember) -> ScanStationWindow:
    station = ScanStationWindow(store.context, runner, staff)
    qtbot.addWidget(station)
    station.resize(1024, 768)
    station.show()
    return station


def tickets(store: Store, cashier: StaffMember, product: str, places: int = 1
            ) -> list[Ticket]:
    return stored(store.context, sale(store.context, cashier, (product, places)).id)


def light(station: ScanStationWindow) -> str:
    return str(station.panel.property("light"))


def test_serial_scans_validate_then_refuse(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        reader: tuple[SimulatedSerialReader, DeviceLink]) -> None:
    simulated, link = reader
    [ticket] = tickets(store, cashier, "spectacle-equestre")
    station = station_for(qtbot, store, runner, CHECKER)
    station.attach_devices(link)
    qtbot.waitUntil(link.readers_reading, timeout=WAIT_MS)
    assert light(station) == "idle"
    assert not station.camera_button.isVisible()  # no camera set: no toggle
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS) as first:
        simulated.scan(ticket.token)
    assert isinstance(first.args[0], GateAct) and first.args[0].validated
    assert light(station) == "green" and station.headline.text() == "ENTRÉE VALIDÉE"
    assert "Entrées : 1 sur 1" in station.details.text()
    assert "Spectacle équestre" in station.details.text()
    qtbot.waitUntil(lambda: station.count.today == 1, timeout=WAIT_MS)
    assert "aujourd'hui : 1" in station.counts.text()
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS) as second:
        simulated.scan(ticket.token)
    assert not second.args[0].validated
    assert light(station) == "red" and station.headline.text() == "REFUSÉ"
    assert "Déjà utilisé : 1 entrée(s) sur 1" in station.reason.text()
    assert "Dernière validation" in station.details.text()
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS):
        simulated.scan("TK1:AAAAAAAA")
    assert light(station) == "red" and "falsifié" in station.reason.text()
    assert station.count.today == 1


def test_the_camera_reads_tickets_until_the_checker_turns_it_off(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        data_dir: Path, tmp_path: Path) -> None:
    [ticket] = tickets(store, cashier, "spectacle-equestre")
    # A recording of the ticket's QR held up to the camera, read as a camera is.
    video = write_video(ticket_frames([ticket.token]), tmp_path / "gate.avi")
    devices = open_devices(data_dir).with_settings(
        DeviceSettings(camera=CameraSettings(str(video))))
    link = DeviceLink(store.context, devices, runner)
    station = station_for(qtbot, store, runner, CHECKER)
    station.attach_devices(link)
    try:
        with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS) as first:
            link.start()
        assert first.args[0].validated and light(station) == "green"
        camera = station.camera_button
        assert camera.isVisible() and camera.isChecked()
        assert camera.text() == "Caméra : activée"
        click(qtbot, camera)  # off: the camera is closed
        assert not link.camera_kept() and camera.text() == "Caméra : coupée"
        with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS) as again:
            click(qtbot, camera)  # on: the same ticket, held up again
        assert link.camera_kept() and camera.text() == "Caméra : activée"
        assert not again.args[0].validated and light(station) == "red"
        assert "Déjà utilisé" in station.reason.text()
        # The toggle holds across new settings: off stays off.
        click(qtbot, camera)
        link.use_settings(devices.settings)
        assert not link.camera_kept() and not camera.isChecked()
    finally:
        link.stop()


def test_a_ticket_not_yet_valid_is_orange(qtbot: QtBot, store: Store,
                                          runner: OperationRunner, cashier: StaffMember,
                                          clock: FrozenClock) -> None:
    [ticket] = tickets(store, cashier, "nocturne")
    clock.current = ticket.valid_from - timedelta(hours=1)
    station = station_for(qtbot, store, runner, CHECKER)
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS):
        station.receive_scan_text(ticket.token)
    assert light(station) == "orange" and "Trop tôt" in station.reason.text()


def test_a_typed_reference_is_checked_then_validated_or_voided(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember) -> None:
    first, second = tickets(store, cashier, "concert-ete", 2)
    station = station_for(qtbot, store, runner, CHECKER)
    # Every symbol, the letter C too, types itself; "Effacer" clears.
    for symbol in "C7":
        click(qtbot, station.findChild(type(station.check_button), f"refKey_{symbol}"))
    assert station.entry.text() == "C7"
    click(qtbot, station.findChild(type(station.check_button), "refKeyClear"))
    assert station.entry.text() == ""
    for symbol in first.reference:
        click(qtbot, station.findChild(type(station.check_button), f"refKey_{symbol}"))
    assert station.entry.text() == first.reference
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS) as checked:
        click(qtbot, station.check_button)
    assert not isinstance(checked.args[0], GateAct)  # checked only: nothing written
    assert light(station) == "green" and station.headline.text() == "BILLET VALABLE"
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS) as composted:
        click(qtbot, station.validate_button)
    assert composted.args[0].validated and "Entrées : 1 sur 2" in station.details.text()
    station.entry.setText(second.reference.lower())
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS):
        click(qtbot, station.check_button)
    click(qtbot, station.void_button)
    assert station.void_reason.isVisible()
    station.void_reason.setText("Billet trouvé par terre")
    with qtbot.waitSignal(station.shown_verdict, timeout=WAIT_MS):
        click(qtbot, station.void_confirm)
    assert light(station) == "red" and "détruit" in station.reason.text()
    assert not station.void_reason.isVisible()


def test_a_cashier_cannot_void_and_managers_see_the_conflicts(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        manager: StaffMember) -> None:
    station = station_for(qtbot, store, runner, cashier)
    assert not station.void_button.isEnabled()
    assert not station.conflicts_button.isVisibleTo(station)
    with store.context.uow() as uow:
        uow.ticket_conflicts.save_many([TicketConflict(
            "c1", "K7QM4XH92T", ConflictKind.OVER_ALLOWANCE,
            datetime(2026, 7, 11, 9, 0, tzinfo=UTC), ("till-1", "till-2"),
            "2 entrées pour 1 permise")])
        uow.commit()
    boss = station_for(qtbot, store, runner, manager)
    assert boss.conflicts_button.isVisibleTo(boss)
    dialog = boss.open_conflicts()
    assert isinstance(dialog, ConflictsDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT_MS)
    assert dialog.table.item(0, 1).text() == "K7QM4-XH92T"
    assert dialog.table.item(0, 2).text() == "Entrées au-delà du permis"
    dialog.done(0)


def test_a_checker_signs_in_to_the_station_and_out_again(
        qtbot: QtBot, store: Store, start_till: Callable[..., TillStart]) -> None:
    start = start_till(store.context)
    dialog = start.dialog
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT_MS)
    dialog.login.setText("controle")
    dialog.secret.setText("5678")
    dialog.submit()
    qtbot.waitUntil(lambda: start.station is not None and start.station.isVisible(),
                    timeout=WAIT_MS)
    assert start.station is not None and start.window is None
    assert "Chloé" in start.station.title.text()
    assert start.wants_station(sign_in(store.context, "controle", "5678"))
    assert not start.wants_station(sign_in(store.context, "caissier", "1234"))
    start.station.request_sign_out()
    qtbot.waitUntil(lambda: start.station is None and start.dialog.isVisible(),
                    timeout=WAIT_MS)


def test_at_a_gates_till_a_cashier_signs_in_to_the_station_and_no_sale_screen_is_built(
        qtbot: QtBot, store: Store, start_till: Callable[..., TillStart],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[TillStart] = []

    def build(start: TillStart) -> None:
        built.append(start)

    monkeypatch.setattr(TillStart, "_sale_window", build)
    settings = TillSettings(tmp_path / SETTINGS_FILE)
    settings.scan_station = True
    start = start_till(store.context, settings)
    dialog = start.dialog
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=WAIT_MS)
    dialog.login.setText("caissier")
    dialog.secret.setText("1234")
    dialog.submit()
    qtbot.waitUntil(lambda: start.station is not None and start.station.isVisible(),
                    timeout=WAIT_MS)
    assert start.window is None and built == []  # not even ahead, while staff chose
    assert not start.station.conflicts_button.isVisible()  # a cashier's view


def test_the_figures_from_the_station_and_their_csv(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        manager: StaffMember, tmp_path: Path) -> None:
    from pos_app.services.admissions import validate_ticket
    from pos_app.ui.gate_stats import GateStatsDialog

    [ticket] = tickets(store, cashier, "nocturne")
    validate_ticket(store.context, CHECKER, ticket.reference)
    validate_ticket(store.context, CHECKER, ticket.reference)  # refused: used up
    boss = station_for(qtbot, store, runner, manager)
    dialog = boss.open_stats()
    assert isinstance(dialog, GateStatsDialog)
    # The till's day (the injected clock's), not the machine's.
    assert dialog.period()[0] == date(2026, 7, 11)
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=WAIT_MS)
    assert dialog.products.rowCount() == 1
    assert dialog.products.item(0, 0).text() == "Nocturne aux flambeaux"
    assert dialog.refusals.item(0, 0).text() == "used_up"
    assert sum(value for _label, value in dialog.chart.bars) == 1
    out = tmp_path / "entrees.csv"
    dialog.export_csv(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "figure,key,label,count"
    assert "product,nocturne,Nocturne aux flambeaux,1" in lines
    dialog.done(0)
