"""Receipts as the law lists them, duplicates journaled, and a QR that anyone with the
till's public key checks offline."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hardware.simulators.escpos_printer import decode
from pos_app.adapters.clock import FrozenClock
from pos_app.adapters.signing import KEY_INFO_FILE, verify_signature
from pos_app.bootstrap import Store
from pos_app.documents import receipt_lines
from pos_app.domain.errors import UnsoundDocumentRecord
from pos_app.domain.journal import Chain, from_journal_time, next_entry
from pos_app.domain.order import RefundRequest
from pos_app.domain.receipt import check_qr
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_local_time
from pos_app.services import orders, selling
from pos_app.services.context import Context, local_till
from pos_app.services.journal_check import verify_journal
from pos_app.services.receipts import duplicate_receipt, receipt, refund_receipt
from pos_app.services.selling import PaymentRequest
from printing.escpos_document import COLUMNS, receipt_text_lines, receipt_to_escpos
from tests.integration.tamper_store import opened_raw
from tests.integration.test_cli import caisse, ok
from tests.integration.test_selling_services import basket_of


def sold(ctx: Context, cashier: StaffMember) -> str:
    order = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "cafe"),
                         [PaymentRequest("ESP", 2000)])
    return order.number


def test_a_receipt_says_what_the_law_lists(ctx: Context, cashier: StaffMember) -> None:
    made = receipt(ctx, sold(ctx, cashier))
    assert made.venue is not None and made.venue.siret == "12345678900012"
    assert (made.number, made.point_of_sale, made.till_name) == (
        "CD2-000001", "Accueil", "Caisse accueil")
    assert [(line.label, line.quantity, line.unit_price_cents, line.vat_rate_bp)
            for line in made.lines] == [("Balade à poney – 1 h", 1, 1400, 1000),
                                        ("Café", 1, 160, 2000)]
    assert [(v.rate, v.excl_cents, v.vat_cents) for v in made.vat] == [
        (2000, 133, 27), (1000, 1273, 127)]
    assert [(p.label, p.amount_cents, p.change_cents) for p in made.payments] == [
        ("Espèces", 2000, 440)]
    assert made.duplicate_number is None


def test_the_qr_verifies_with_the_public_key_alone(ctx: Context, cashier: StaffMember,
                                                   store: Store) -> None:
    made = receipt(ctx, sold(ctx, cashier))
    public_key = json.loads((store.data_dir / KEY_INFO_FILE).read_text())["public_key"]
    summary = check_qr(made.qr, public_key, verify_signature)
    assert summary is not None
    assert (summary.number, summary.total_cents, summary.totals_by_rate) == (
        "CD2-000001", 1560, {2000: 160, 1000: 1400})
    for changed in (made.qr.replace("|1560|", "|1460|"),
                    made.qr.replace("1000:1400", "1000:1300"),
                    made.qr.replace("CD2-000001", "CD2-000002"),
                    made.qr[:-3] + ("AAA" if not made.qr.endswith("AAA") else "BBB"),
                    "not a receipt"):
        assert check_qr(changed, public_key, verify_signature) is None
    other_key = "00" * 32
    assert check_qr(made.qr, other_key, verify_signature) is None


def test_a_reprint_is_a_numbered_journaled_duplicate(ctx: Context,
                                                     cashier: StaffMember) -> None:
    number = sold(ctx, cashier)
    first = duplicate_receipt(ctx, cashier, number)
    second = duplicate_receipt(ctx, cashier, number)
    assert (first.duplicate_number, second.duplicate_number) == (1, 2)
    assert first.qr == receipt(ctx, number).qr  # the same sale, the same signed summary
    report = verify_journal(ctx)
    assert report.ok and report.entries[Chain.DUPLICATE] == 2


def test_receipts_on_the_command_line(data_dir: Path) -> None:
    ok(caisse(data_dir, "order", "create", staff="caissier", secret="1234",
              stdin=json.dumps({"lines": [{"product": "cafe"}],
                                "payments": [{"method": "CB", "amount": "1,60"}]})))
    shown = ok(caisse(data_dir, "receipt", "show", "CD2-000001"))
    assert "TOTAL TTC 1,60\u00a0€" in shown["lines"]
    duplicate = ok(caisse(data_dir, "receipt", "duplicate", "CD2-000001", staff="caissier",
                          secret="1234"))
    assert "DUPLICATA n° 1" in duplicate["lines"]
    public_key = json.loads((data_dir / KEY_INFO_FILE).read_text())["public_key"]
    checked = ok(caisse(data_dir / "elsewhere", "receipt", "check-qr", shown["qr"],
                        "--public-key", public_key))
    assert checked["valid"] is True and checked["total_cents"] == 160
    forged = caisse(data_dir / "elsewhere", "receipt", "check-qr",
                    shown["qr"].replace("|160|", "|150|"), "--public-key", public_key)
    assert forged.returncode == 1


def test_a_training_receipts_qr_never_checks_as_a_sale(ctx: Context, cashier: StaffMember,
                                                        store: Store, tmp_path: Path) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 200)],
                         training=True)
    assert order.number.startswith("SIM-")
    made = receipt(ctx, order.number)
    assert made.training and made.qr.startswith("CQ1S|")
    public_key = json.loads((store.data_dir / KEY_INFO_FILE).read_text())["public_key"]
    summary = check_qr(made.qr, public_key, verify_signature)
    assert summary is not None and summary.training and summary.number == order.number
    # The command line refuses it as a sale, in JSON and in text.
    checked = caisse(tmp_path / "elsewhere", "receipt", "check-qr", made.qr,
                     "--public-key", public_key)
    assert checked.returncode == 1, checked.stderr
    body = json.loads(checked.stdout)
    assert (body["valid"], body["training"], body["number"]) == (False, True, order.number)
    command = [sys.executable, "-m", "pos_app", "receipt", "check-qr", made.qr,
               "--public-key", public_key]
    said = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert said.returncode == 1
    assert "reçu de formation (SIMULATION), pas une vente" in said.stdout
    # A real sale's QR from the same till still checks as one.
    sale = receipt(ctx, sold(ctx, cashier))
    assert ok(caisse(tmp_path / "elsewhere", "receipt", "check-qr", sale.qr,
                     "--public-key", public_key))["valid"] is True


# -- made from the signed entries, never from the tables ------------------------------------


def altered(store: Store, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Change the store's file as anyone with the file could: the triggers refusing
    changes (the journal's, the credit notes' and refunds') are dropped first."""
    with opened_raw(store.data_dir) as connection:
        for sql, parameters in statements:
            assert connection.execute(sql, parameters).rowcount >= 1, sql


def test_tables_changed_after_the_sale_change_no_receipt(
        ctx: Context, cashier: StaffMember, store: Store) -> None:
    number = sold(ctx, cashier)
    true_qr = receipt(ctx, number).qr
    order_id = selling_order_id(ctx, number)
    altered(store,
            ("UPDATE order_lines SET unit_price_cents = 100, total_cents = 100"
             " WHERE order_id = ? AND position = 0", (order_id,)),
            ("UPDATE order_lines SET vat_rate_bp = 550 WHERE order_id = ? AND position = 1",
             (order_id,)),
            ("UPDATE orders SET total_cents = 260 WHERE id = ?", (order_id,)),
            ("UPDATE payments SET method_code = 'CB' WHERE order_id = ?", (order_id,)))
    public_key = json.loads((store.data_dir / KEY_INFO_FILE).read_text())["public_key"]
    for made in (receipt(ctx, number), duplicate_receipt(ctx, cashier, number)):
        assert [(line.unit_price_cents, line.vat_rate_bp, line.total_cents)
                for line in made.lines] == [(1400, 1000, 1400), (160, 2000, 160)]
        assert made.total_cents == 1560 and made.left_cents == 0
        assert [(p.label, p.amount_cents) for p in made.payments] == [("Espèces", 2000)]
        assert made.qr == true_qr
        summary = check_qr(made.qr, public_key, verify_signature)
        assert summary is not None
        assert (summary.total_cents, summary.totals_by_rate) == (1560, {2000: 160, 1000: 1400})
        text = receipt_lines(made)
        assert "TOTAL TTC 15,60\u00a0€" in text
        assert "Espèces 20,00\u00a0€ (rendu 4,40\u00a0€)" in text


def selling_order_id(ctx: Context, number: str) -> str:
    return orders.get_order(ctx, number).order.id


def test_payments_and_a_cancellation_come_from_their_entries(
        ctx: Context, cashier: StaffMember, manager: StaffMember, store: Store) -> None:
    order = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [],
                         validate_without_paying=True)
    assert receipt(ctx, order.number).left_cents == 160
    orders.pay_order(ctx, cashier, order.number, "CB", 160)
    paid = receipt(ctx, order.number)
    assert ([(p.label, p.amount_cents) for p in paid.payments], paid.left_cents) == (
        [("Carte bancaire", 160)], 0)
    orders.cancel_order(ctx, manager, order.number, "erreur de saisie",
                        [RefundRequest("CB", 160)])
    cancelled = receipt(ctx, order.number)
    assert cancelled.cancelled and cancelled.left_cents == 0
    assert "COMMANDE ANNULÉE" in receipt_lines(cancelled)
    # The tables say otherwise: the receipt does not listen.
    altered(store, ("UPDATE orders SET cancelled_at = NULL, cancelled_by = NULL,"
                    " cancel_reason = NULL, status = 'paid' WHERE id = ?", (order.id,)),
            ("UPDATE payments SET method_code = 'ESP' WHERE order_id = ?", (order.id,)))
    again = receipt(ctx, order.number)
    assert again.cancelled and [p.label for p in again.payments] == ["Carte bancaire"]


def test_a_receipt_names_the_seller_as_it_was_at_the_sale(ctx: Context,
                                                         cashier: StaffMember) -> None:
    before = sold(ctx, cashier)
    with ctx.uow() as uow:
        venue = uow.tills.venue()
        assert venue is not None
        uow.tills.save_venue(dataclasses.replace(venue, siret="98765432100019",
                                                 address="2 route des Dunes"))
        uow.commit()
    after = sold(ctx, cashier)
    old, new = receipt(ctx, before), duplicate_receipt(ctx, cashier, after)
    assert old.venue == venue and "SIRET 12345678900012" in receipt_lines(old)
    assert new.venue is not None and new.venue.siret == "98765432100019"
    assert "2 route des Dunes" in receipt_lines(new)
    assert duplicate_receipt(ctx, cashier, before).venue == venue


def test_an_altered_entry_prints_nothing(ctx: Context, cashier: StaffMember,
                                         store: Store) -> None:
    number = sold(ctx, cashier)
    other = sold(ctx, cashier)
    altered(store, ("UPDATE journal_entries SET body = replace(body, '\"total_cents\":1560',"
                    " '\"total_cents\":1460') WHERE chain = 'order' AND number = 1", ()))
    for make in (lambda: receipt(ctx, number),
                 lambda: duplicate_receipt(ctx, cashier, number)):
        with pytest.raises(UnsoundDocumentRecord, match="run `caisse journal verify`") as error:
            make()
        assert error.value.number == number and "does not match its hash" in str(error.value)
    with ctx.uow(write=False) as uow:  # the refused reprint journaled no duplicate
        assert uow.journal.head(local_till(uow).id, Chain.DUPLICATE) is None
    assert receipt(ctx, other).total_cents == 1560  # the others still print
    # The sale entry gone (its head aside), nothing is made from the tables either.
    altered(store, ("DELETE FROM journal_entries WHERE chain = 'order' AND number = 2", ()))
    with pytest.raises(UnsoundDocumentRecord, match="is missing"):
        receipt(ctx, other)
    said = caisse(store.data_dir, "receipt", "show", number)
    assert said.returncode != 0 and "caisse journal verify" in said.stdout + said.stderr


def test_a_signature_that_does_not_check_prints_nothing(ctx: Context, cashier: StaffMember,
                                                         store: Store) -> None:
    number = sold(ctx, cashier)
    altered(store, ("UPDATE journal_entries SET signature = ? WHERE chain = 'order'"
                    " AND number = 1", ("00" * 64,)))
    with pytest.raises(UnsoundDocumentRecord, match="no valid signature"):
        receipt(ctx, number)


def test_an_entry_signed_by_a_key_put_in_the_store_prints_nothing(
        ctx: Context, cashier: StaffMember, store: Store) -> None:
    """A sale re-signed with a fresh key recorded in till_keys (even announced in the
    event journal): that key is not one the journal proves, so nothing prints."""
    number = sold(ctx, cashier)
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key().public_bytes_raw().hex()
    key_id = hashlib.sha256(bytes.fromhex(public)).hexdigest()[:16]
    with ctx.uow(write=False) as uow:
        entry = uow.journal.sale_of(local_till(uow).id, number)
    assert entry is not None
    body = {**entry.payload, "total_cents": 1}
    forged = next_entry(None, entry.till_id, Chain.ORDER, from_journal_time(entry.at),
                        entry.amount_cents, body, forger.sign, key_id)
    altered(store, ("INSERT INTO till_keys (key_id, public_key, created_at)"
                    " SELECT ?, ?, created_at FROM till_keys LIMIT 1", (key_id, public)),
            ("UPDATE journal_entries SET body = ?, hash = ?, signature = ?, key_id = ?"
             " WHERE chain = 'order' AND number = 1",
             (forged.body, forged.hash, forged.signature, key_id)))
    with pytest.raises(UnsoundDocumentRecord, match="no valid signature"):
        receipt(ctx, number)


def test_an_entry_of_an_earlier_build_names_the_venue_as_it_is(
        ctx: Context, cashier: StaffMember, store: Store) -> None:
    number = sold(ctx, cashier)
    with ctx.uow(write=False) as uow:
        entry = uow.journal.sale_of(local_till(uow).id, number)
        venue = uow.tills.venue()
    assert entry is not None and entry.payload["seller"]["siret"] == "12345678900012"
    body = entry.payload
    del body["seller"]
    forged = next_entry(None, entry.till_id, Chain.ORDER, from_journal_time(entry.at),
                        entry.amount_cents, body, ctx.signer.sign, ctx.signer.key_id)
    altered(store, ("UPDATE journal_entries SET body = ?, hash = ?, signature = ?"
                    " WHERE chain = 'order' AND number = 1",
                    (forged.body, forged.hash, forged.signature)))
    assert receipt(ctx, number).venue == venue


def test_a_refund_slip_is_made_from_its_entries(ctx: Context, cashier: StaffMember,
                                                manager: StaffMember, store: Store) -> None:
    number = sold(ctx, cashier)
    note = orders.return_lines(ctx, manager, number, [(1, 1)], "erreur").credit_note
    assert note is not None
    orders.cancel_order(ctx, manager, number, "parti")
    order_id = selling_order_id(ctx, number)
    altered(store,
            ("UPDATE credit_note_lines SET unit_price_cents = 10, total_cents = 10,"
             " vat_rate_bp = 550", ()),
            ("UPDATE credit_notes SET reason = 'autre'", ()),
            ("UPDATE refunds SET method_code = 'CB', amount_cents = 1", ()),
            ("UPDATE order_lines SET label = 'Autre chose', unit_price_cents = 1"
             " WHERE order_id = ? AND position = 0", (order_id,)),
            ("UPDATE orders SET cancel_reason = 'autre' WHERE id = ?", (order_id,)))
    slip = refund_receipt(ctx, number, note.number)
    assert [(line.label, line.quantity, line.total_cents, line.vat_rate_bp)
            for line in slip.lines] == [("Café", -1, -160, 2000)]
    assert (slip.reason, slip.total_cents) == ("erreur", -160)
    assert [(p.label, p.amount_cents) for p in slip.refunds] == [("Espèces", -160)]
    assert slip.venue is not None and slip.venue.siret == "12345678900012"
    cancelled = refund_receipt(ctx, number)
    assert [(line.label, line.quantity, line.total_cents) for line in cancelled.lines] == [
        ("Balade à poney – 1 h", -1, -1400)]
    assert (cancelled.reason, cancelled.total_cents) == ("parti", -1400)
    assert [(p.label, p.amount_cents) for p in cancelled.refunds] == [("Espèces", -1400)]
    # The return's entry altered: no slip of the order, nor receipt.
    altered(store, ("UPDATE journal_entries SET body = replace(body, '\"reason\":\"erreur\"',"
                    " '\"reason\":\"autre\"') WHERE chain = 'order'"
                    " AND body LIKE '%\"kind\":\"return\"%'", ()))
    for make in (lambda: refund_receipt(ctx, number, note.number),
                 lambda: refund_receipt(ctx, number), lambda: receipt(ctx, number)):
        with pytest.raises(UnsoundDocumentRecord, match="does not match its hash"):
            make()


# -- duplicates and VAT rates, on screen, on paper, on the command line -------------------


def test_a_duplicate_says_its_number_time_and_author(ctx: Context, cashier: StaffMember,
                                                     clock: FrozenClock) -> None:
    number = sold(ctx, cashier)
    clock.advance(timedelta(hours=2))
    made = duplicate_receipt(ctx, cashier, number)
    when = format_local_time(clock.now(), "%d/%m/%Y %H:%M:%S")
    assert (made.duplicate_number, made.reprinted_by) == (1, "Camille Caissière")
    text = receipt_lines(made)
    assert text[text.index("DUPLICATA n° 1") + 1:][:2] == [f"Réimprimé le {when}",
                                                         "par Camille Caissière"]
    assert "Réimprimé" not in " ".join(receipt_lines(receipt(ctx, number)))
    for paper_mm in (80, 58):
        printed = decode(receipt_to_escpos(made, paper_mm))
        assert "DUPLICATA n° 1" in printed.lines
        assert f"Réimprimé le {when}" in printed.lines
        assert "par Camille Caissière" in printed.lines
        assert all(len(line) <= COLUMNS[paper_mm] for line in printed.lines)


def test_each_line_shows_its_vat_rate(ctx: Context, cashier: StaffMember) -> None:
    made = receipt(ctx, sold(ctx, cashier))
    text = receipt_lines(made)
    rate = "\u00a0·\u00a0TVA\u00a0{}\u00a0%"
    assert ("1 × Balade à poney – 1 h (Adulte) 14,00\u00a0€ = 14,00\u00a0€" + rate.format(10)
            in text)
    assert "1 × Café (Prix) 1,60\u00a0€ = 1,60\u00a0€" + rate.format(20) in text
    printed = decode(receipt_to_escpos(made, 80))
    assert printed.lines == receipt_text_lines(made, 80)
    assert sum("TVA\xa010\xa0%" in line for line in printed.lines) == 1
    assert any(line.endswith("1,60\xa0€\xa0·\xa0TVA\xa020\xa0%") for line in printed.lines)
    assert all(len(line) <= COLUMNS[80] for line in printed.lines)


def test_a_duplicate_on_the_command_line_says_who_and_when(data_dir: Path) -> None:
    ok(caisse(data_dir, "order", "create", staff="caissier", secret="1234",
              stdin=json.dumps({"lines": [{"product": "cafe"}],
                                "payments": [{"method": "CB", "amount": "1,60"}]})))
    duplicate = ok(caisse(data_dir, "receipt", "duplicate", "CD2-000001", staff="caissier",
                          secret="1234"))
    lines = duplicate["lines"]
    assert "DUPLICATA n° 1" in lines and "par Camille Caissière" in lines
    assert any(line.startswith("Réimprimé le ") for line in lines)
    assert any(line.endswith("\u00a0·\u00a0TVA\u00a020\u00a0%") for line in lines)
