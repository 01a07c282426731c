"""Receipts as the law lists them, duplicates journaled, and a QR that anyone with the
till's public key checks offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pos_app.adapters.signing import KEY_INFO_FILE, verify_signature
from pos_app.bootstrap import Store
from pos_app.domain.journal import Chain
from pos_app.domain.receipt import check_qr
from pos_app.domain.staff import StaffMember
from pos_app.services import selling
from pos_app.services.context import Context
from pos_app.services.journal import verify_journal
from pos_app.services.receipts import duplicate_receipt, receipt
from pos_app.services.selling import PaymentRequest
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
