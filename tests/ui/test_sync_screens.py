"""What the staff see of sync: the sale screen's status (online, offline since when,
records waiting, rejected, a flagged chain, a clock off, a long push's progress, nothing
for a till not enrolled) and Caisse › Synchronisation (the rejected records with the
server's reasons, each chain's acknowledged head and flag, "Synchroniser maintenant").
The sync state is set in a real store through its repositories; the status is read off
the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from pos_app.bootstrap import Store
from pos_app.domain.basket import Basket
from pos_app.domain.staff import StaffMember
from pos_app.domain.sync import ChainAck, RecordOutcome, RecordState
from pos_app.formatting import format_count
from pos_app.services import selling
from pos_app.services import sync as sync_services
from pos_app.services.context import Context, local_till
from pos_app.services.selling import PaymentRequest
from pos_app.services.sync import SendProgress, SyncPorts
from pos_app.services.sync_worker import SyncWorker
from pos_app.ui.language import apply_language
from pos_app.ui.ops import OperationRunner
from pos_app.ui.sale_window import SaleWindow
from pos_app.ui.sync_dialog import SyncDialog
from pos_app.ui.sync_link import SyncBridge
from tests.conftest import START
from tests.pulled_orders import document, merge
from tests.ui.conftest import WAIT_MS, open_sale_window

URL = "https://caisse.example.fr"
SIGNATURE_REFUSED = "entry 2: its signature is not valid"
REASON = "record_id: a record with this id and other content is held"


def enrol(ctx: Context, url: str = URL, at: datetime = START) -> None:
    """Enrolled three days ago, last heard from a minute ago, everything recorded so far
    (the sign-in, the session opened) sent."""
    with ctx.uow() as uow:
        uow.sync.enrol(url, "Caisse accueil", at - timedelta(days=3), None)
        uow.sync.note_contact(at - timedelta(minutes=1), 2)
        uow.outbox.settle([RecordOutcome(record.record_id, RecordState.SENT)
                           for record in uow.outbox.waiting(1000)], at)
        uow.commit()


def sell(ctx: Context, cashier: StaffMember) -> None:
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", basket.total_cents)])


def reject_a_sale(ctx: Context) -> None:
    with ctx.uow() as uow:
        record = next(record for record in uow.outbox.waiting(1000)
                      if record.kind == "order.validated")
        uow.outbox.settle([RecordOutcome(record.record_id, RecordState.REJECTED, REASON)],
                          START)
        uow.commit()


def flag_order_chain(ctx: Context) -> None:
    with ctx.uow() as uow:
        till_id = local_till(uow).id
        head = uow.journal.heads(till_id)["order"]
        uow.sync.acknowledge(till_id, [ChainAck("order", head.number, head.hash,
                                                flagged=SIGNATURE_REFUSED)], START)
        uow.commit()


def says(qtbot: QtBot, window: SaleWindow, *words: str) -> str:
    """Read the status again and wait until the badge says each of `words`."""
    badge = window.sync_badge
    badge.refresh()
    qtbot.waitUntil(lambda: all(word in badge.summary for word in words), timeout=WAIT_MS)
    return badge.summary


@pytest.fixture
def off_thread_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each read of the sync status ran on the UI thread (it never should)."""
    on_ui_thread: list[bool] = []
    read = sync_services.sync_status

    def recorded(*args: object, **kwargs: object) -> sync_services.SyncStatus:
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return read(*args, **kwargs)

    monkeypatch.setattr(sync_services, "sync_status", recorded)
    return on_ui_thread


def test_a_till_not_enrolled_shows_nothing(qtbot: QtBot, window: SaleWindow) -> None:
    badge = window.sync_badge
    qtbot.waitUntil(lambda: badge.view is not None, timeout=WAIT_MS)
    assert not badge.isVisible()
    assert badge.summary == ""


def test_the_status_says_online_offline_waiting_and_rejected(
        qtbot: QtBot, window: SaleWindow, ctx: Context, cashier: StaffMember,
        off_thread_reads: list[bool]) -> None:
    enrol(ctx)
    assert says(qtbot, window, "En ligne") == "En ligne"
    badge = window.sync_badge
    assert badge.isVisible() and badge.property("syncState") == "online"
    assert badge.height() >= 48  # a touch target

    with ctx.uow() as uow:  # the server stopped answering at 09:05 (Paris), today
        uow.sync.note_failure(START - timedelta(minutes=55), "the server cannot be reached")
        uow.commit()
    says(qtbot, window, "Hors ligne depuis 09:05")
    assert badge.property("syncState") == "offline"

    for _sale in range(6):  # an order and its payment each
        sell(ctx, cashier)
    assert says(qtbot, window, "12 en attente") == "Hors ligne depuis 09:05\n12 en attente"
    assert badge.property("alert") is False

    reject_a_sale(ctx)
    says(qtbot, window, "11 en attente", "1 rejeté(s)")
    assert badge.property("alert") is True
    assert "color:#b71c1c" in badge.label.text()  # the rejected, in red

    with ctx.uow() as uow:  # back, then gone again since yesterday
        uow.sync.note_contact(START, 1)
        uow.sync.note_failure(START - timedelta(days=1), "the server cannot be reached")
        uow.commit()
    says(qtbot, window, "Hors ligne depuis le 10/07 à 10:00")
    assert off_thread_reads and not any(off_thread_reads)


def test_the_status_warns_of_a_flagged_chain_and_a_clock_off(
        qtbot: QtBot, window: SaleWindow, ctx: Context, cashier: StaffMember) -> None:
    sell(ctx, cashier)
    enrol(ctx)
    with ctx.uow() as uow:
        uow.sync.note_contact(START, 400)  # the server's clock 6 min 40 s ahead
        uow.commit()
    flag_order_chain(ctx)
    summary = says(qtbot, window, "Journal signalé", "Horloge décalée de 6 min 40 s")
    assert summary == "En ligne\nJournal signalé · Horloge décalée de 6 min 40 s"
    assert window.sync_badge.property("alert") is True


def test_a_long_push_shows_its_progress_until_the_round_ends(
        qtbot: QtBot, window: SaleWindow, ctx: Context, store: Store) -> None:
    enrol(ctx)
    says(qtbot, window, "En ligne")
    # The sync thread's side, never started: its signals are what it would emit.
    link = SyncBridge(ctx, partial(_no_ports, store))
    window.attach_sync(link)
    link.progress.emit(SendProgress(1200, 10_000))
    expected = f"Envoi : {format_count(1200)} / {format_count(10_000)}"
    assert expected == "Envoi : 1\u202f200 / 10\u202f000"
    qtbot.waitUntil(lambda: window.sync_badge.summary == expected, timeout=WAIT_MS)
    link.round_ended.emit(1, None)
    qtbot.waitUntil(lambda: window.sync_badge.summary == "En ligne", timeout=WAIT_MS)


def _no_ports(store: Store) -> SyncPorts:
    raise AssertionError("the sync thread was not to run")


def test_the_sync_screen_lists_rejected_records_and_flagged_chains(
        qtbot: QtBot, window: SaleWindow, ctx: Context, cashier: StaffMember) -> None:
    enrol(ctx)
    sell(ctx, cashier)
    reject_a_sale(ctx)
    flag_order_chain(ctx)
    with ctx.uow() as uow:
        uow.sync.note_failure(START, "the server cannot be reached: connection refused")
        uow.commit()
    dialog = window.open_sync_screen()
    qtbot.waitUntil(lambda: dialog.rejected_table.rowCount() == 1, timeout=WAIT_MS)
    assert dialog.server.text() == URL
    assert dialog.till.text() == "Caisse accueil (inscrit le 08/07/2026 10:00)"
    assert dialog.state.text() == "Hors ligne depuis 10:00"
    assert dialog.contact.text() == "11/07/2026 09:59:00"
    assert dialog.records.text().startswith("1 en attente, ")
    assert "1 rejeté(s)" in dialog.records.text()
    assert dialog.clock.text() == "À l'heure du serveur (écart de 2 s)."
    assert "connection refused" in dialog.last_error.text()

    cells = [dialog.rejected_table.item(0, column).text() for column in range(3)]
    number = selling_number(ctx)
    assert cells == [f"Vente {number}", "11/07/2026 10:00:00", REASON]
    chains = {dialog.chain_table.item(row, 0).text(): row
              for row in range(dialog.chain_table.rowCount())}
    assert set(chains) == {"Ventes", "Événements"}
    flagged = chains["Ventes"]
    assert dialog.chain_table.item(flagged, 1).text() == "n° 1"
    assert dialog.chain_table.item(flagged, 2).text().startswith("n° 1 (")
    assert dialog.chain_table.item(flagged, 3).text() == f"Signalée : {SIGNATURE_REFUSED}"
    assert dialog.chain_table.item(flagged, 3).foreground().color().name() == "#b71c1c"
    events = chains["Événements"]
    assert dialog.chain_table.item(events, 2).text() == "pas encore"
    # Kept and shown, never dropped: nothing on this screen deletes or edits a record.
    buttons = {button.objectName() for button in dialog.findChildren(QPushButton)}
    assert buttons == {"close", "syncNow"}
    assert dialog.rejected_table.editTriggers() == dialog.rejected_table.EditTrigger.NoEditTriggers
    # Without a sync thread in this window there is nothing to wake.
    assert not dialog.sync_now.isEnabled()
    # No sideways scrolling: the tables fit the dialog's width.
    assert dialog.rejected_table.horizontalScrollBar().maximum() == 0
    assert dialog.chain_table.horizontalScrollBar().maximum() == 0


def test_the_sync_screen_shows_the_orders_of_other_tills_that_wait(
        qtbot: QtBot, window: SaleWindow, ctx: Context) -> None:
    enrol(ctx)
    unknown = document()
    unknown["payments"][0]["method"] = "BITCOIN"
    assert merge(ctx, unknown) == 0  # kept, with its reason, until the method comes
    dialog = window.open_sync_screen()
    qtbot.waitUntil(lambda: dialog.held.isVisible() and bool(dialog.held.text()),
                    timeout=WAIT_MS)
    assert "pas encore reprises ici : 1" in dialog.held.text()
    assert "CD1-000007" in dialog.held.text() and "BITCOIN" in dialog.held.text()


def selling_number(ctx: Context) -> str:
    from pos_app.services.orders import search_orders

    return search_orders(ctx, "", limit=1)[0].number


def test_the_screen_for_a_till_not_enrolled_says_so(
        qtbot: QtBot, window: SaleWindow) -> None:
    dialog = window.open_sync_screen()
    qtbot.waitUntil(lambda: dialog.view is not None, timeout=WAIT_MS)
    assert "n'est inscrit auprès d'aucun serveur" in dialog.state.text()
    assert not dialog.sync_now.isEnabled()


def test_the_till_menu_and_a_tap_on_the_status_open_the_sync_screen(
        qtbot: QtBot, window: SaleWindow, ctx: Context) -> None:
    enrol(ctx)
    says(qtbot, window, "En ligne")
    menu = window.open_till_menu()
    item = menu.findChild(QPushButton, "menu_sync")
    assert item is not None and item.text() == "Synchronisation"
    item.click()
    opened = window.findChild(SyncDialog)
    assert opened is not None
    opened.reject()
    qtbot.waitUntil(lambda: window.findChild(SyncDialog) is None, timeout=WAIT_MS)
    qtbot.mouseClick(window.sync_badge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(SyncDialog) is not None, timeout=WAIT_MS)


@pytest.fixture
def links() -> Iterator[list[SyncBridge]]:
    made: list[SyncBridge] = []
    yield made
    for link in made:
        assert link.stop()


def test_synchroniser_maintenant_wakes_the_sync_thread_and_says_how_it_went(
        qtbot: QtBot, window: SaleWindow, ctx: Context, store: Store,
        links: list[SyncBridge]) -> None:
    """The till enrolled, its token gone: each round fails before any request, and the
    next is minutes away. The button starts one at once, and its outcome is said."""
    from pos_app.adapters.token_store import KeyringTokenStore

    enrol(ctx)

    def ports() -> SyncPorts:
        from sync.client.http import HttpSyncServer

        return SyncPorts(HttpSyncServer(), KeyringTokenStore(store.data_dir,
                                                             use_keyring=False))

    link = SyncBridge(ctx, ports, worker=partial(SyncWorker, heartbeat=timedelta(hours=1)))
    links.append(link)
    window.attach_sync(link)
    worker = link.start().worker
    qtbot.waitUntil(lambda: worker.rounds == 1, timeout=WAIT_MS)
    assert worker.due_in_s > 60  # a token missing needs someone: asked again in minutes
    says(qtbot, window, "Hors ligne depuis 10:00")

    dialog = window.open_sync_screen()
    qtbot.waitUntil(dialog.sync_now.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.sync_now, Qt.MouseButton.LeftButton)
    assert dialog.outcome.text() == "Synchronisation en cours…"
    qtbot.waitUntil(lambda: "jeton" in dialog.outcome.text(), timeout=WAIT_MS)
    assert worker.begun == 2 and worker.rounds == 2
    assert dialog.outcome.text() == ("Le jeton du serveur est introuvable ou illisible :"
                                     " rien n'est perdu ; faites inscrire le poste de"
                                     " nouveau.")
    assert dialog.outcome.property("error") is True


def test_the_status_and_the_screen_in_english(
        qtbot: QtBot, store: Store, runner: OperationRunner, cashier: StaffMember,
        app: QApplication) -> None:
    ctx = store.context
    enrol(ctx)
    sell(ctx, cashier)
    reject_a_sale(ctx)
    with ctx.uow() as uow:
        uow.sync.note_failure(START - timedelta(minutes=55), "the server cannot be reached")
        uow.commit()
    assert apply_language("en") == "en"
    try:
        window = open_sale_window(qtbot, store, runner, cashier)  # the session opened waits
        qtbot.waitUntil(lambda: window.sync_badge.summary != "", timeout=WAIT_MS)
        assert window.sync_badge.summary == "Offline since 09:05\n2 waiting · 1 rejected"
        dialog = window.open_sync_screen()
        qtbot.waitUntil(lambda: dialog.rejected_table.rowCount() == 1, timeout=WAIT_MS)
        assert dialog.sync_now.text() == "Sync now"
        assert dialog.rejected_table.item(0, 0).text().startswith("Sale ")
        assert dialog.clock.text() == "On the server's time (off by 2 s)."
    finally:
        apply_language("fr")
