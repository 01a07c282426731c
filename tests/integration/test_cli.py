"""The `caisse` command, run as a real process on a real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from pos_app.bootstrap import open_store
from tests.pulled_orders import echoed, merge
from tests.support import snapshot


def caisse(data_dir: Path, *args: str, stdin: str | None = None, secret: str | None = None,
           staff: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CAISSE_SECRET"}
    if secret is not None:
        env["CAISSE_SECRET"] = secret
    command = [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir), "--json"]
    if staff:
        command += ["--staff", staff]
    return subprocess.run([*command, *args], input=stdin or "", capture_output=True, text=True,
                          env=env, timeout=60, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def error(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 1, result.stdout + result.stderr
    body: dict[str, Any] = json.loads(result.stdout)
    return body


def test_init_demo_then_search(tmp_path: Path) -> None:
    till = ok(caisse(tmp_path, "init", "--demo", "--order-prefix", "CD7-"))
    assert till["order_prefix"] == "CD7-" and till["created"] is True
    assert ok(caisse(tmp_path, "init", "--demo", "--if-empty"))["created"] is False
    assert "already belongs" in error(caisse(tmp_path, "init"))["error"]
    products = ok(caisse(tmp_path, "products", "search", "poney"))
    assert {p["id"] for p in products} == {"balade-poney-1h", "stage-paques", "peluche",
                                           "balade-poney-creneau", "stage-poney-5j"}
    people = ok(caisse(tmp_path, "customers", "search", "*sirop&co"))
    assert [c["name"] for c in people] == ["Boutique Sirop&Co"]


def test_sell_pay_later_and_cancel(data_dir: Path) -> None:
    order = json.dumps({
        "lines": [{"product": "balade-poney-1h", "quantity": 2, "price": "Enfant (-12 ans)"},
                  {"barcode": "3760123450027"}],
        "payer": "c-dupont-jean",
        "payments": [{"method": "ESP", "amount": "5"}],
        "validate_without_paying": True,
    })
    created = ok(caisse(data_dir, "order", "create", stdin=order, staff="caissier",
                        secret="1234"))
    assert (created["number"], created["total_cents"], created["left_cents"]) == (
        "CD2-000001", 3700, 3200)
    found = ok(caisse(data_dir, "orders", "search", "dupont"))
    assert [o["number"] for o in found] == ["CD2-000001"]
    paid = ok(caisse(data_dir, "order", "pay", "CD2-000001", "--method", "CB", "--amount",
                     "32,00", staff="caissier", secret="1234"))
    assert paid["left_cents"] == 0
    refused = error(caisse(data_dir, "order", "cancel", "CD2-000001", "--reason", "Erreur",
                           staff="caissier", secret="1234"))
    assert "needs the manager role" in refused["error"]
    cancelled = ok(caisse(data_dir, "order", "cancel", "CD2-000001", "--reason",
                          "Erreur de tarif", staff="gerant", secret="4321"))
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation"]["reason"] == "Erreur de tarif"
    shown = ok(caisse(data_dir, "order", "show", "CD2-000001"))
    assert shown["status"] == "cancelled" and len(shown["lines"]) == 2
    assert "cancelled" in error(caisse(data_dir, "order", "pay", "CD2-000001", "--method",
                                       "ESP", "--amount", "1", staff="caissier",
                                       secret="1234"))["error"]


def test_an_order_paid_twice_gives_its_excess_back(data_dir: Path) -> None:
    ok(caisse(data_dir, "order", "create", staff="caissier", secret="1234",
              stdin=json.dumps({"lines": [{"product": "gaufre"}],
                                "payments": [{"method": "CB", "amount": "3,20"}]})))
    store = open_store(data_dir)
    try:  # as a pull brings it back: paid at another till too, while offline
        merge(store.context, echoed(store.context, "CD2-000001", ("ESP", 320)))
    finally:
        store.close()
    assert ok(caisse(data_dir, "order", "show", "CD2-000001"))["left_cents"] == -320
    refused = error(caisse(data_dir, "order", "refund-overpaid", "CD2-000001",
                           staff="caissier", secret="1234"))
    assert "needs the manager role" in refused["error"]
    # Cash goes back only from what this till's drawer holds (the other till took it).
    empty = error(caisse(data_dir, "order", "refund-overpaid", "CD2-000001", "--refund",
                         "ESP:3,20", staff="gerant", secret="4321"))
    assert "more than the drawer holds" in empty["error"]
    done = ok(caisse(data_dir, "order", "refund-overpaid", "CD2-000001", "--refund",
                     "CB:3,20", staff="gerant", secret="4321"))
    assert done["left_cents"] == 0
    assert [(r["method"], r["amount_cents"], r["excess"]) for r in done["refunds"]] == [
        ("CB", 320, True)]
    assert "nothing is owed" in error(caisse(data_dir, "order", "refund-overpaid",
                                             "CD2-000001", staff="gerant",
                                             secret="4321"))["error"]
    slip = ok(caisse(data_dir, "receipt", "refund", "CD2-000001", "--overpayment"))
    assert "REMBOURSEMENT DU TROP-PERÇU" in json.dumps(slip, ensure_ascii=False)


# Signing in is recorded, in the attempts and in the event journal, and sent (the outbox:
# `sent_but_sign_ins` shows that nothing else was).
SIGN_INS = frozenset({"sign_in_attempts", "journal_entries", "journal_heads", "till_keys",
                      "outbox"})


def sent_but_sign_ins(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(
            "SELECT kind, aggregate_id, payload FROM outbox WHERE kind != 'staff.signed_in'"
            " ORDER BY seq")]


@pytest.mark.parametrize(("order", "where"), [
    ({"lines": [{"barcode": "9999999999999"}]}, "lines[0].barcode"),
    ({"lines": [{"product": "cafe", "quantity": -2}]}, "lines[0].quantity"),
    ({"lines": [{"product": "cafe", "price": "Grand"}]}, "lines[0].price"),
    ({"lines": [{"product": "bombe"}]}, "lines[0].product"),
    ({"lines": [{"product": "cafe"}], "payments": [{"method": "ESP", "amount": "abc"}]},
     "payments[0].amount"),
    ({"lines": []}, "lines"),
])
def test_a_bad_order_names_what_is_wrong_and_writes_nothing(
        data_dir: Path, order: dict[str, Any], where: str) -> None:
    store = open_store(data_dir)
    before = snapshot(store.engine, SIGN_INS), sent_but_sign_ins(store.engine)
    store.close()
    refused = error(caisse(data_dir, "order", "create", stdin=json.dumps(order),
                           staff="caissier", secret="1234"))
    assert [p["where"] for p in refused["problems"]] == [where]
    store = open_store(data_dir)
    assert (snapshot(store.engine, SIGN_INS), sent_but_sign_ins(store.engine)) == before
    # Signing in is recorded (R19), whatever the action then does.
    after = snapshot(store.engine)
    assert [row[1:2] + row[3:] for row in after["sign_in_attempts"]] == [
        ("caissier", "success")]
    assert {row[2] for row in after["journal_entries"]} == {"event"}
    with store.engine.connect() as connection:
        assert {row[0] for row in connection.exec_driver_sql("SELECT kind FROM outbox")} == {
            "staff.signed_in"}
    store.close()


def test_import_errors_are_listed_and_nothing_is_written(data_dir: Path,
                                                         tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"products": [
        {"id": "k", "name": "Kayak", "vat_rate": "10",
         "prices": [{"label": "Adulte", "amount": "abc"}]}]}), encoding="utf-8")
    refused = error(caisse(data_dir, "import", str(bad), staff="gerant", secret="4321"))
    assert refused["problems"] == [{"where": "products[0].prices[0].amount",
                                    "message": "not an amount in euros: 'abc'"}]
    bad.write_text('{"products": [', encoding="utf-8")
    assert "is not valid JSON" in error(caisse(data_dir, "import", str(bad), staff="gerant",
                                               secret="4321"))["error"]
    assert ok(caisse(data_dir, "products", "search", "kayak"))[0]["id"] == "kayak-2h"


def test_actions_need_a_signed_in_staff_member(data_dir: Path) -> None:
    order = json.dumps({"lines": [{"product": "cafe"}],
                        "payments": [{"method": "ESP", "amount": "2"}]})
    assert "needs --staff" in error(caisse(data_dir, "order", "create", stdin=order))["error"]
    assert "wrong identifier or secret" in error(caisse(
        data_dir, "order", "create", stdin=order, staff="caissier", secret="0000"))["error"]
    assert "no secret" in error(caisse(data_dir, "order", "create", stdin=order,
                                       staff="caissier"))["error"]


def test_plain_output_is_french(data_dir: Path) -> None:
    command = [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir), "products",
               "search", "glace"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    assert "2,50\xa0€" in result.stdout


def test_a_damaged_store_is_reported_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "caisse.sqlite3").write_bytes(b"this is not a database" * 100)
    refused = error(caisse(tmp_path, "products", "search", "poney"))
    assert refused["error"].startswith(f"cannot open the store in {tmp_path}")
