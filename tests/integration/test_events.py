"""The event journal (JET) on a real store: each event is written by the action it records,
with its code (`jet`) and its fields in its body, and docs/fiscal.md lists every code."""

from __future__ import annotations

import copy
import json
import queue
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hardware.simulators.serial_scanner import SimulatedSerialReader
from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, demo_document, open_devices, open_store
from pos_app.domain.devices import CameraSettings, DeviceSettings, ScannerSettings
from pos_app.domain.errors import AccountLocked, AuthenticationFailed
from pos_app.domain.journal import JET_CODES, Chain, Event
from pos_app.domain.lockout import MAX_FAILURES
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import PulledChange
from pos_app.services import closures, importing, selling, setup, staff
from pos_app.services.archive import export_archive
from pos_app.services.context import Context
from pos_app.services.device_worker import DeviceWorker
from pos_app.services.devices import change_device_settings
from pos_app.services.drawer import kick_drawer
from pos_app.services.journal import record_command, record_start, record_stop, set_training
from pos_app.services.journal_check import verify_journal
from pos_app.services.ports import PrinterUnavailable
from pos_app.services.print_queue import enqueue
from pos_app.services.receipts import duplicate_receipt
from pos_app.services.selling import PaymentRequest
from tests.integration.test_cli import caisse, ok
from tests.integration.test_selling_services import basket_of

ROOT = Path(__file__).resolve().parents[2]


def events(ctx: Context) -> list[dict[str, Any]]:
    """The event journal's bodies, oldest first."""
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.EVENT)]


def new_events(ctx: Context, action: Callable[[], object]) -> list[dict[str, Any]]:
    """The event entries `action` wrote, each checked to carry its event's code."""
    before = len(events(ctx))
    action()
    written = events(ctx)[before:]
    for body in written:
        assert body["jet"] == JET_CODES[Event(body["event"])], body
    return written


def only(written: list[dict[str, Any]], event: Event) -> dict[str, Any]:
    (body,) = [body for body in written if body["event"] == event.value]
    return body


# -- the codes, and their documentation -----------------------------------------------------


def test_every_event_has_one_code_of_its_family() -> None:
    assert set(JET_CODES) == set(Event)
    assert len(set(JET_CODES.values())) == len(JET_CODES)  # no code names two events
    assert all(100 <= code <= 999 for code in JET_CODES.values())


def documented_codes() -> dict[int, str]:
    """The event table of docs/fiscal.md: code → event name."""
    text = (ROOT / "docs" / "fiscal.md").read_text(encoding="utf-8")
    return {int(code): name
            for code, name in re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", text, re.MULTILINE)}


@pytest.mark.parametrize("event", list(Event))
def test_docs_list_every_event_with_its_code(event: Event) -> None:
    assert documented_codes().get(JET_CODES[event]) == event.value


def test_docs_list_no_code_the_till_does_not_write() -> None:
    assert documented_codes() == {code: event.value for event, code in JET_CODES.items()}


# -- the program and the till (1xx) ---------------------------------------------------------


def test_a_till_created_is_the_journal_s_first_event(tmp_path: Path) -> None:
    store = open_store(tmp_path, FrozenClock(datetime(2026, 7, 11, 8, tzinfo=UTC)))
    try:
        till = setup.initialise_till(store.context, "Caisse bar", "5", "Bar", "B5-")
        written = events(store.context)
        assert [body["event"] for body in written] == ["key_created", "till_created"]
        assert [body["jet"] for body in written] == [102, 101]
        assert written[1] == {"event": "till_created", "jet": 101, "staff_id": None,
                              "code": "5", "name": "Caisse bar", "point_of_sale": "Bar",
                              "order_prefix": "B5-"}
        assert till.order_prefix == "B5-"
        assert verify_journal(store.context).ok
    finally:
        store.close()


def test_starts_stops_and_commands_carry_their_codes(ctx: Context) -> None:
    written = new_events(ctx, lambda: (record_start(ctx, "9.8"), record_command(
        ctx, "order create", "9.9"), record_stop(ctx)))
    assert [(body["event"], body["jet"]) for body in written] == [
        ("start", 110), ("software_version", 120), ("command", 112), ("stop", 111)]
    assert written[1]["previous"] == "9.8" and written[2]["name"] == "order create"


# -- staff (2xx) ----------------------------------------------------------------------------


def test_failed_sign_ins_and_the_lock_they_start_are_journaled_once_each(
        ctx: Context, clock: FrozenClock) -> None:
    def wrong(login: str) -> None:
        with pytest.raises((AuthenticationFailed, AccountLocked)):
            staff.sign_in(ctx, login, "0000")

    written = new_events(ctx, lambda: [wrong("caissier") for _ in range(MAX_FAILURES)])
    assert [body["event"] for body in written] == ["sign_in_failed"] * MAX_FAILURES + [
        "lockout"]
    assert written[0] == {"event": "sign_in_failed", "jet": 202, "login": "caissier",
                          "staff_id": "staff:caissier"}
    until = (clock.now() + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert written[-1] == {"event": "lockout", "jet": 203, "login": "caissier",
                           "staff_id": "staff:caissier", "until": until}
    # Attempts refused during the lock, and identifiers no member holds, are only counted
    # among the attempts: the journal does not grow with what anyone types.
    assert new_events(ctx, lambda: [wrong("caissier") for _ in range(20)]) == []
    assert new_events(ctx, lambda: [wrong(f"intrus{n}") for n in range(7)]) == []


def test_a_sign_out_is_journaled_with_its_code(ctx: Context, cashier: StaffMember) -> None:
    written = new_events(ctx, lambda: staff.sign_out(ctx, cashier))
    assert only(written, Event.SIGN_OUT) == {"event": "sign_out", "jet": 204,
                                             "staff_id": cashier.id}


# -- readings and closures (3xx) ------------------------------------------------------------


def test_an_x_reading_is_journaled_with_who_and_its_totals(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])
    read: list[closures.Reading] = []
    written = new_events(ctx, lambda: read.append(closures.record_x_reading(ctx, manager)))
    (reading,) = read
    # The same figures; the chains' heads then moved on by the reading's own entry.
    assert replace(reading, heads=()) == replace(closures.x_reading(ctx), heads=())
    assert only(written, Event.X_READING) == {
        "event": "x_reading", "jet": 310, "staff_id": manager.id,
        "session": reading.session, "orders": 1, "takings_cents": 160,
        "takings_absolute_cents": 160, "cancellations": 0, "returns": 0,
        "expected_cash_cents": reading.expected_cash_cents}


def test_caisse_close_x_journals_the_reading(store: Store, ctx: Context) -> None:
    store.close()
    ok(caisse(store.data_dir, "close", "x"))
    reopened = open_store(store.data_dir)
    try:
        body = events(reopened.context)[-1]
        assert (body["event"], body["jet"], body["staff_id"]) == ("x_reading", 310, None)
    finally:
        reopened.close()


def test_monthly_and_yearly_closures_are_in_the_event_journal_too(
        ctx: Context, clock: FrozenClock, cashier: StaffMember, manager: StaffMember) -> None:
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", 160)])
    first = new_events(ctx, lambda: closures.finish_closure(ctx, manager))
    assert [body["event"] for body in first] == ["closure"]
    clock.current = datetime(2027, 1, 4, 9, tzinfo=UTC)
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", 160)])
    written = new_events(ctx, lambda: closures.finish_closure(ctx, manager))
    assert [body["event"] for body in written] == ["month_closure", "year_closure", "closure"]
    assert only(written, Event.MONTH_CLOSURE) == {
        "event": "month_closure", "jet": 321, "staff_id": manager.id, "number": 1,
        "label": "2026-07", "parts": {"kind": "z", "first": 1, "last": 1},
        "period_cents": 160}
    assert only(written, Event.YEAR_CLOSURE) == {
        "event": "year_closure", "jet": 322, "staff_id": manager.id, "number": 1,
        "label": "2026", "parts": {"kind": "month", "first": 1, "last": 1},
        "period_cents": 160}
    assert only(written, Event.CLOSURE)["jet"] == 320


# -- documents (4xx) and archives (5xx) -----------------------------------------------------


def test_a_duplicate_is_an_event_beside_its_duplicate_chain_entry(
        ctx: Context, cashier: StaffMember) -> None:
    number = selling.sell(ctx, cashier, basket_of(ctx, "cafe"),
                          [PaymentRequest("ESP", 500)]).number
    duplicate_receipt(ctx, cashier, number)
    made: list[int | None] = []
    written = new_events(ctx, lambda: made.append(
        duplicate_receipt(ctx, cashier, number).duplicate_number))
    body = only(written, Event.DUPLICATE)
    assert body["duplicate"] == made[0] == 2
    assert (body["jet"], body["number"], body["staff_id"]) == (401, number, cashier.id)


def test_an_archive_export_carries_its_code(ctx: Context, cashier: StaffMember,
                                            manager: StaffMember,
                                            clock: FrozenClock) -> None:
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])
    closures.finish_closure(ctx, manager)
    clock.current = datetime(2026, 8, 3, 8, tzinfo=UTC)
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])
    closures.finish_closure(ctx, manager)  # closes July
    written = new_events(ctx, lambda: export_archive(ctx, manager, "2026-07"))
    assert only(written, Event.ARCHIVE)["jet"] == 501


# -- settings, the seller and the catalogue (6xx) -------------------------------------------


class SettingsFile:
    def __init__(self) -> None:
        self.settings = DeviceSettings()

    def load(self) -> tuple[DeviceSettings, list[str]]:
        return self.settings, []

    def save(self, settings: DeviceSettings) -> None:
        self.settings = settings


def test_a_settings_change_says_the_value_before_and_after(
        ctx: Context, manager: StaffMember) -> None:
    from dataclasses import replace

    file = SettingsFile()
    changed = replace(file.settings, printer=replace(file.settings.printer, paper_mm=58))
    written = new_events(ctx, lambda: change_device_settings(ctx, manager, file, changed))
    assert only(written, Event.SETTINGS_CHANGE) == {
        "event": "settings_change", "jet": 601, "staff_id": manager.id,
        "setting": "devices.printer.paper_mm", "value": "58", "previous": "80"}


def test_a_seller_change_is_journaled_before_and_after(
        ctx: Context, manager: StaffMember) -> None:
    document = demo_document()
    before = dict(document["venue"])
    document["venue"]["address"] = "3 place du Marché"
    document["venue"]["siret"] = "98765432100019"
    written = new_events(ctx, lambda: importing.import_data(ctx, manager, document))
    body = only(written, Event.SELLER_CHANGE)
    assert body["jet"] == 602 and body["staff_id"] == manager.id
    assert body["before"] == before
    assert body["after"] == {**before, "address": "3 place du Marché",
                             "siret": "98765432100019"}
    # The same seller imported again changes nothing: nothing journaled.
    assert new_events(ctx, lambda: importing.import_data(ctx, manager, document)) == []


def test_products_created_renamed_and_price_and_vat_changes_are_journaled(
        ctx: Context, manager: StaffMember) -> None:
    document = copy.deepcopy(demo_document())
    product = document["products"][0]
    product["vat_rate"] = "20"
    product["prices"][0]["amount"] = "15.00"
    named = product["name"]
    product["name"] = "Balade à cheval – 1 h"
    document["products"].append({"id": "velo", "name": "Location de vélo",
                                  "category": product["category"], "vat_rate": "20",
                                  "prices": [{"id": "jour", "label": "Jour",
                                              "amount": "12.00"}]})
    written = new_events(ctx, lambda: importing.import_data(ctx, manager, document))
    assert only(written, Event.PRODUCT_CREATED) == {
        "event": "product_created", "jet": 610, "staff_id": manager.id,
        "products": [{"product_id": "velo", "name": "Location de vélo", "vat_rate_bp": 2000,
                      "prices": [["jour", "Jour", 1200]]}]}
    assert only(written, Event.VAT_RATE_CHANGE) == {
        "event": "vat_rate_change", "jet": 612, "staff_id": manager.id,
        "products": [{"product_id": product["id"], "before_bp": 1000, "after_bp": 2000}]}
    assert only(written, Event.PRODUCT_RENAMED)["products"] == [
        {"product_id": product["id"], "before": named, "after": "Balade à cheval – 1 h"}]
    (change,) = only(written, Event.PRICE_CHANGE)["products"]
    assert change["product_id"] == product["id"] and change["after"][0][2] == 1500


def test_products_withdrawn_by_an_import_are_journaled_in_its_transaction(
        ctx: Context, manager: StaffMember) -> None:
    with ctx.uow(write=False) as uow:
        names = {product.id: product.name for product in uow.catalogue.get_many(
            ["balade-poney-1h", "cafe"])}
    delete = {"delete": {"products": ["balade-poney-1h", "cafe", "nowhere"]}}
    written = new_events(ctx, lambda: importing.import_data(ctx, manager, delete))
    assert written == [{"event": "product_withdrawn", "jet": 614, "staff_id": manager.id,
                        "products": [{"product_id": "balade-poney-1h",
                                      "name": names["balade-poney-1h"]},
                                     {"product_id": "cafe", "name": names["cafe"]}]}]
    # Withdrawn already: deleting them again changes nothing, and journals nothing.
    assert new_events(ctx, lambda: importing.import_data(ctx, manager, delete)) == []


def test_a_withdrawal_refused_with_its_import_journals_nothing(
        ctx: Context, manager: StaffMember, monkeypatch: pytest.MonkeyPatch) -> None:
    def last_check(*_args: object) -> None:  # the import's last check, after the deletions
        raise importing.InvalidImport([importing.Problem("staff", "refused")])

    monkeypatch.setattr(importing, "_check_a_manager_remains", last_check)

    def refused() -> None:
        with pytest.raises(importing.InvalidImport):
            importing.import_data(ctx, manager, {"delete": {"products": ["cafe"]}})

    assert new_events(ctx, refused) == []  # the entry went with the rolled-back withdrawal
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get("cafe")
        assert product is not None and product.published


def test_products_withdrawn_by_a_pull_are_journaled_a_thousand_an_entry(
        ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "PRICE_CHANGES_PER_EVENT", 1)
    checked = importing.read_page([PulledChange(1, "product", "balade-poney-1h", None),
                                   PulledChange(2, "product", "cafe", None)])

    def pull() -> None:
        with ctx.uow() as uow:
            assert importing.apply_page(uow, ctx.signer, ctx.clock.now(), checked).removed == 2
            uow.commit()

    written = new_events(ctx, pull)
    assert [(body["event"], body["staff_id"], [product["product_id"]
                                               for product in body["products"]])
            for body in written] == [("product_withdrawn", None, ["balade-poney-1h"]),
                                     ("product_withdrawn", None, ["cafe"])]


# -- devices (7xx) --------------------------------------------------------------------------


class Printer:
    def __init__(self) -> None:
        self.problem: str | None = "out of paper"

    def send(self, data: bytes) -> None:
        if self.problem is not None:
            raise PrinterUnavailable(self.problem)


class Drawer:
    def __init__(self, problem: str | None) -> None:
        self.problem = problem

    def kick(self) -> None:
        if self.problem is not None:
            raise PrinterUnavailable(self.problem)


class Devices:
    def __init__(self, printer: Printer) -> None:
        self._printer = printer

    def printer(self) -> Printer:
        return self._printer

    def drawer(self) -> Drawer:
        return Drawer(None)


class Operator:
    def device_problem(self, device: str, problem: str | None) -> None:
        pass


def test_a_device_error_is_journaled_once_per_episode_and_its_end_too(
        ctx: Context, clock: FrozenClock) -> None:
    printer = Printer()
    worker = DeviceWorker(ctx, Devices(printer), Operator())  # type: ignore[arg-type]
    enqueue(ctx, "receipt", "CD2-000001", b"ticket")

    def retries(count: int) -> None:
        for _ in range(count):  # each retry when the queue says it is due
            clock.advance(timedelta(minutes=10))
            worker._print()

    written = new_events(ctx, lambda: retries(5))
    assert written == [{"event": "device_error", "jet": 701, "staff_id": None,
                        "device": "printer", "problem": "out of paper"}]
    # The window restarted, the printer still out of paper: the same episode.
    worker = DeviceWorker(ctx, Devices(printer), Operator())  # type: ignore[arg-type]
    assert new_events(ctx, lambda: retries(2)) == []
    printer.problem = "cover open"  # another problem: said
    assert [body["problem"] for body in new_events(ctx, lambda: retries(2))] == ["cover open"]
    printer.problem = None
    written = new_events(ctx, lambda: retries(3))
    assert written == [{"event": "device_back", "jet": 702, "staff_id": None,
                        "device": "printer"}]


def test_a_scanner_whose_port_disappears_is_journaled_once_and_its_return_too(
        ctx: Context, data_dir: Path) -> None:
    # The port as a till names it (/dev/serial/by-id/…): a link that goes with the reader.
    port = data_dir / "scanner-port"
    ended: queue.Queue[tuple[str, BaseException | None]] = queue.Queue()
    lost = SimulatedSerialReader()
    port.symlink_to(lost.port)
    worker = DeviceWorker(ctx, open_devices(data_dir).with_settings(  # type: ignore[arg-type]
        DeviceSettings(scanner=ScannerSettings(str(port)))), Operator())

    def open_readers() -> list[Any]:
        readers = list(worker.start_readers(lambda _scan: None,
                                            lambda where, error: ended.put((where, error))))
        worker._run_queued()  # what the device thread does as it wakes
        return readers

    readers: list[Any] = []
    assert new_events(ctx, lambda: readers.extend(open_readers())) == []  # it works
    lost.close()  # the reader unplugged: its port fails while it is read, then goes
    port.unlink()
    where, error = ended.get(timeout=5)
    assert where == str(port) and error is not None
    assert new_events(ctx, worker._run_queued) == [
        {"event": "device_error", "jet": 701, "staff_id": None, "device": "scanner",
         "problem": str(error)}]
    readers.pop().stop()

    def reopened() -> list[dict[str, Any]]:  # new settings, the window started again…
        written = new_events(ctx, lambda: readers.extend(open_readers()))
        where, error = ended.get(timeout=5)
        assert where == str(port) and error is not None and readers == []  # still gone
        return written

    (written,) = reopened()  # its problem's words change: said once more…
    assert written["device"] == "scanner" and "could not open port" in written["problem"]
    assert reopened() == [] and reopened() == []  # …and not at each try after
    with SimulatedSerialReader() as back:
        port.symlink_to(back.port)  # plugged in again
        assert new_events(ctx, lambda: readers.extend(open_readers())) == [
            {"event": "device_back", "jet": 702, "staff_id": None, "device": "scanner"}]
        readers.pop().stop()


def test_a_camera_that_cannot_be_opened_is_journaled_once(ctx: Context,
                                                          data_dir: Path) -> None:
    camera = CameraSettings(str(data_dir / "no-such-camera.mp4"))
    worker = DeviceWorker(ctx, open_devices(data_dir).with_settings(  # type: ignore[arg-type]
        DeviceSettings(camera=camera)), Operator())
    problems: list[str] = []

    def open_camera() -> None:
        assert worker.start_readers(lambda _scan: None, lambda _where, error: problems.append(
            str(error))) == []
        worker._run_queued()

    written = new_events(ctx, open_camera)
    assert written == [{"event": "device_error", "jet": 701, "staff_id": None,
                        "device": "camera", "problem": problems[0]}]
    assert new_events(ctx, open_camera) == []  # the same episode
    assert len(problems) == 2  # the window is told each time


def test_a_drawer_kick_says_whether_it_reached_the_drawer(ctx: Context) -> None:
    reached = new_events(ctx, lambda: kick_drawer(ctx, Drawer(None)))
    assert reached == [{"event": "drawer_kick", "jet": 711, "staff_id": None,
                        "reached": True, "problem": None}]

    def failing() -> None:
        with pytest.raises(PrinterUnavailable):
            kick_drawer(ctx, Drawer("printer off"))

    assert new_events(ctx, failing) == [{"event": "drawer_kick", "jet": 711, "staff_id": None,
                                         "reached": False, "problem": "printer off"}]


# -- verification and training (9xx) --------------------------------------------------------


def test_a_sound_verification_is_journaled_too(ctx: Context, cashier: StaffMember) -> None:
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])
    reports: list[Any] = []
    written = new_events(ctx, lambda: reports.append(verify_journal(ctx)))
    assert reports[0].ok
    body = only(written, Event.VERIFICATION_SUCCESS)
    assert body["jet"] == 901 and body["every_signature"] is False
    assert body["entries"] == reports[0].entries and body["entries"]["order"] == 1
    assert verify_journal(ctx).ok  # the journal with its result is still sound


def test_training_on_and_off_carry_their_codes(ctx: Context, manager: StaffMember) -> None:
    written = new_events(ctx, lambda: (set_training(ctx, manager, True),
                                       set_training(ctx, manager, False)))
    assert [(body["event"], body["jet"]) for body in written] == [("training_on", 910),
                                                                 ("training_off", 911)]
