"""Bad input gets a sentence, never a traceback or a silent success (issue 12, item 5).

Each case ends, through `caisse`, with exit status 1, a sentence naming the field or the
file at fault, and nothing written to the store; and with the same refusal through the
services where the case reaches one.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.adapters.signing import KEY_FILE, KEY_INFO_FILE, Ed25519Signer
from pos_app.bootstrap import Store, StoreAccess, open_store
from pos_app.cli.order_input import read_order
from pos_app.domain.basket import MAX_QUANTITY, Basket
from pos_app.domain.errors import (
    AmountTooLarge,
    QuantityTooLarge,
    StoreFileDamaged,
    StoreMissing,
    StoreOutdated,
)
from pos_app.domain.staff import StaffMember
from pos_app.services import importing, orders, selling
from pos_app.services.context import Context
from pos_app.services.importing import InvalidImport, nested_too_deep
from pos_app.services.journal_check import verify_journal
from pos_app.services.ports import SigningKeyUnavailable, StoreUnavailable
from pos_app.services.selling import PaymentRequest
from pos_app.storage.connection import store_path
from tests.integration.test_cli import SIGN_INS, caisse, error, ok, sent_but_sign_ins
from tests.support import snapshot

CASHIER = {"staff": "caissier", "secret": "1234"}


MANAGER = {"staff": "gerant", "secret": "4321"}


def caisse_bytes(data_dir: Path, *args: str, stdin: bytes, staff: str,
                 secret: str) -> subprocess.CompletedProcess[str]:
    """`caisse` given raw bytes on standard input (caisse() takes text)."""
    env = {**os.environ, "CAISSE_SECRET": secret}
    command = [sys.executable, "-m", "pos_app", "--data-dir", str(data_dir), "--json",
               "--staff", staff, *args]
    result = subprocess.run(command, input=stdin, capture_output=True, env=env, timeout=60,
                            check=False)
    return subprocess.CompletedProcess(result.args, result.returncode,
                                       result.stdout.decode(), result.stderr.decode())


@contextmanager
def nothing_written(data_dir: Path) -> Iterator[None]:
    """The store holds the same rows after the block (but the sign-in, which is
    recorded whatever the action then does)."""
    store = open_store(data_dir)
    before = snapshot(store.engine, SIGN_INS), sent_but_sign_ins(store.engine)
    store.close()
    yield
    store = open_store(data_dir)
    try:
        assert (snapshot(store.engine, SIGN_INS),
                sent_but_sign_ins(store.engine)) == before, "a refusal must write nothing"
    finally:
        store.close()


def refused(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The JSON error of a command that failed with a sentence, not a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    return error(result)


def wheres(body: dict[str, Any]) -> list[str]:
    return [f"{problem['where']}: {problem['message']}" for problem in body["problems"]]


def nested(depth: int) -> str:
    return '{"lines": ' + "[" * depth + "]" * depth + "}"


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def product(**overrides: Any) -> dict[str, Any]:
    item = {"id": "canoe", "name": "Canoë", "category": "activites", "vat_rate": "10",
            "prices": [{"label": "Adulte", "amount": "25.00"}]}
    item.update(overrides)
    return item


def import_problems(store: Store, staff: StaffMember | None, document: Any) -> list[str]:
    before = snapshot(store.engine)
    with pytest.raises(InvalidImport) as refusal:
        importing.import_data(store.context, staff, document)
    assert snapshot(store.engine) == before, "a refused import must write nothing"
    return [str(problem) for problem in refusal.value.problems]


def order_problems(ctx: Context, document: Any) -> list[str]:
    with pytest.raises(InvalidImport) as refusal:
        read_order(ctx, document)
    return [str(problem) for problem in refusal.value.problems]


# 1. Nested thousands of levels deep -------------------------------------------------------

def test_a_deeply_nested_order_or_import_file_is_refused(data_dir: Path,
                                                         tmp_path: Path) -> None:
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "order", "create", stdin=nested(5000), **CASHIER))
        assert body["error"] == "standard input is nested more than 64 levels deep"
        deep = tmp_path / "deep.json"
        deep.write_text('{"products": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
        body = refused(caisse(data_dir, "import", str(deep), **MANAGER))
        assert body["error"] == f"{deep} is nested more than 64 levels deep"
        # Deep enough to refuse, not enough for the JSON reader to fail: the bound says.
        deep.write_text('{"products": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
        body = refused(caisse(data_dir, "import", str(deep), **MANAGER))
        assert wheres(body) == ["(document): nested more than 64 levels deep"]


def test_the_services_refuse_documents_nested_too_deep(store: Store, manager: StaffMember,
                                                       ctx: Context) -> None:
    deepest: list[Any] = []
    document: dict[str, Any] = {"products": deepest}
    for _ in range(100_000):  # far deeper than any recursion could walk
        deepest.append([])
        deepest = deepest[0]
    assert import_problems(store, manager, document) == [
        "(document): nested more than 64 levels deep"]
    assert order_problems(ctx, {"lines": document["products"]}) == [
        "(order): nested more than 64 levels deep"]
    levels: Any = []
    for _ in range(62):
        levels = [levels]
    assert not nested_too_deep({"a": levels})  # 64 levels: the object and 63 lists
    assert nested_too_deep({"a": [levels]})


# 2. and 3. Not UTF-8 ----------------------------------------------------------------------

def test_an_import_file_in_latin_1_is_refused(data_dir: Path, tmp_path: Path) -> None:
    latin = tmp_path / "catalogue.json"
    latin.write_bytes(json.dumps({"categories": [{"id": "cafe", "name": "Café"}]},
                                 ensure_ascii=False).encode("latin-1"))
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "import", str(latin), **MANAGER))
    offset = latin.read_bytes().index(b"\xe9")
    assert body["error"] == (f"{latin} is not UTF-8 text (byte 0xe9 at offset {offset}):"
                             " save it as UTF-8")


def test_an_order_that_is_not_utf_8_on_standard_input_is_refused(data_dir: Path) -> None:
    order = '{"lines": [{"product": "cafe", "price": "Prix spécial"}]}'.encode("latin-1")
    with nothing_written(data_dir):
        body = refused(caisse_bytes(data_dir, "order", "create", stdin=order, **CASHIER))
    assert body["error"].startswith("standard input is not UTF-8 text (byte 0xe9 at offset")


# 4. and 5. Quantities and amounts beyond the bounds ---------------------------------------

@pytest.mark.parametrize("quantity", [10**19, 1_000_000_000, MAX_QUANTITY + 1])
def test_a_quantity_beyond_the_bound_is_refused(data_dir: Path, quantity: int) -> None:
    order = json.dumps({"lines": [{"product": "tshirt", "quantity": quantity}],
                        "payments": [{"method": "ESP", "amount": "20"}]})
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "order", "create", stdin=order, **CASHIER))
    assert wheres(body) == [f"lines[0].quantity: quantity {quantity} is more than 9999,"
                            " the most one line may hold"]


def test_the_services_refuse_a_quantity_beyond_the_bound(store: Store, ctx: Context,
                                                         cashier: StaffMember) -> None:
    basket = Basket()
    for quantity in (10**19, 1_000_000_000):
        with pytest.raises(QuantityTooLarge):
            selling.add_product(ctx, basket, "tshirt", quantity)
    selling.add_product(ctx, basket, "tshirt", MAX_QUANTITY)
    with pytest.raises(QuantityTooLarge):
        selling.add_by_barcode(ctx, basket, basket_code(store, "tshirt"))
    assert [line.quantity for line in basket.lines] == [MAX_QUANTITY]


def basket_code(store: Store, product_id: str) -> str:
    with store.engine.connect() as connection:
        return str(connection.exec_driver_sql(
            "SELECT code FROM barcodes WHERE product_id = ?", (product_id,)).scalar_one())


def test_amounts_beyond_the_bound_are_refused(data_dir: Path, tmp_path: Path) -> None:
    prices = write_json(tmp_path / "prices.json", {"products": [
        product(prices=[{"label": "Adulte", "amount": "1000000"},
                        {"label": "Groupe", "amount": 10**19}])]})
    order = json.dumps({"lines": [{"product": "cafe"}],
                        "payments": [{"method": "ESP", "amount": 10**19}]})
    created = ok(caisse(data_dir, "order", "create", stdin=json.dumps(
        {"lines": [{"product": "cafe"}], "validate_without_paying": True}), **CASHIER))
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "import", str(prices), **MANAGER))
        assert wheres(body) == [
            "products[0].prices[0].amount: amount too large: 1000000 (at most 999999.99"
            " euros)",
            "products[0].prices[1].amount: amount too large: 10000000000000000000 (at most"
            " 999999.99 euros)"]
        body = refused(caisse(data_dir, "order", "create", stdin=order, **CASHIER))
        assert wheres(body) == ["payments[0].amount: amount too large: 10000000000000000000"
                                " (at most 999999.99 euros)"]
        body = refused(caisse(data_dir, "order", "pay", created["number"], "--method", "ESP",
                              "--amount", "1000000", **CASHIER))
        assert body["error"] == "amount too large: 1000000 (at most 999999.99 euros)"
        body = refused(caisse(data_dir, "cash", "in", "1 000 000", "--reason", "Dépôt",
                              **MANAGER))
        assert body["error"] == "not an amount in euros: '1 000 000'"
        body = refused(caisse(data_dir, "cash", "in", "9999999", "--reason", "Dépôt",
                              **MANAGER))
        assert body["error"] == "amount too large: 9999999 (at most 999999.99 euros)"


def unpaid(ctx: Context, cashier: StaffMember) -> str:
    basket = Basket()
    selling.add_product(ctx, basket, "cafe")
    return selling.sell(ctx, cashier, basket, [], validate_without_paying=True).number


def test_the_services_refuse_a_payment_beyond_the_bound(store: Store, ctx: Context,
                                                        cashier: StaffMember) -> None:
    number = unpaid(ctx, cashier)
    before = snapshot(store.engine)
    basket = Basket()
    selling.add_product(ctx, basket, "cafe")
    with pytest.raises(AmountTooLarge):
        selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", 10**19)])
    with pytest.raises(AmountTooLarge):
        orders.pay_order(ctx, cashier, number, "ESP", 10**19)
    assert snapshot(store.engine) == before


# 6. A line whose product and barcode disagree ---------------------------------------------

def test_a_line_naming_two_products_is_refused(data_dir: Path) -> None:
    order = json.dumps({"lines": [{"product": "cafe"},
                                  {"product": "tshirt", "barcode": "3760123450027"}],
                        "payments": [{"method": "ESP", "amount": "50"}]})
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "order", "create", stdin=order, **CASHIER))
    assert wheres(body) == [
        "lines[1]: `product` 'tshirt' and `barcode` '3760123450027' name different products"
        " (the barcode is on 'balade-poney-1h'): give one of them"]
    same = json.dumps({"lines": [{"product": "balade-poney-1h", "barcode": "3760123450027",
                                  "quantity": 2}],
                       "payments": [{"method": "ESP", "amount": "28"}]})
    created = ok(caisse(data_dir, "order", "create", stdin=same, **CASHIER))
    assert [(line["product_id"], line["quantity"]) for line in created["lines"]] == [
        ("balade-poney-1h", 2)]


def test_reading_an_order_refuses_a_line_naming_two_products(ctx: Context) -> None:
    assert order_problems(ctx, {"lines": [{"product": "tshirt",
                                           "barcode": "3760123450027"}]}) == [
        "lines[0]: `product` 'tshirt' and `barcode` '3760123450027' name different products"
        " (the barcode is on 'balade-poney-1h'): give one of them"]
    wanted = read_order(ctx, {"lines": [{"product": "balade-poney-1h",
                                         "barcode": "3760123450027"}]})
    assert [line.product_id for line in wanted.basket.lines] == ["balade-poney-1h"]


# 7. The last active manager ---------------------------------------------------------------

GERANT = {"login": "gerant", "name": "Gérard Gérant", "role": "manager", "secret": "4321"}


def test_an_import_leaving_no_active_manager_is_refused(data_dir: Path,
                                                        tmp_path: Path) -> None:
    demoted = write_json(tmp_path / "staff.json", {"staff": [{**GERANT, "role": "cashier"}]})
    inactive = write_json(tmp_path / "leave.json", {"staff": [{**GERANT, "active": False}]})
    with nothing_written(data_dir):
        for document in (demoted, inactive):
            body = refused(caisse(data_dir, "import", str(document), **MANAGER))
            assert wheres(body) == [
                "staff[0]: gerant would no longer be an active manager, and no active manager"
                " or administrator would remain: at least one must, to close the till and to"
                " import"]


def test_the_import_service_keeps_an_active_manager(store: Store,
                                                    manager: StaffMember) -> None:
    assert import_problems(store, manager, {"staff": [{**GERANT, "active": False}]}) == [
        "staff[0]: gerant would no longer be an active manager, and no active manager or"
        " administrator would remain: at least one must, to close the till and to import"]
    # Handing over to another manager (or an administrator) in the same file is fine.
    report = importing.import_data(store.context, manager, {"staff": [
        {**GERANT, "active": False},
        {"login": "direction", "name": "Dominique", "role": "administrator",
         "secret": "9876"}]})
    assert report.staff == 2


def test_a_first_import_without_a_manager_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "new")
    try:
        assert import_problems(store, None, {"staff": [
            {"login": "caissier", "name": "Camille", "role": "cashier", "secret": "1234"}]}
        ) == ["staff: no active manager or administrator: at least one is needed, to close"
              " the till and to import"]
        # A catalogue alone, before any staff, is not concerned.
        assert importing.import_data(store.context, None, {"categories": [
            {"id": "activites", "name": "Activités"}]}).categories == 1
    finally:
        store.close()


# 8. A damaged store file ------------------------------------------------------------------

@pytest.mark.parametrize(("content", "detail"), [
    (b"", "it is empty"),
    (bytes(range(256)) * 40, "it is not a SQLite database"),
])
def test_an_emptied_or_overwritten_store_is_damaged_not_new(
        tmp_path: Path, content: bytes, detail: str) -> None:
    path = store_path(tmp_path)
    path.write_bytes(content)
    sentence = (f"cannot open the store in {tmp_path}: the store file {path} is damaged"
                f" ({detail}): restore it from a backup, or move it away and run `caisse"
                " init` to start a new store")
    order = json.dumps({"lines": [{"product": "cafe"}]})
    for command in (caisse(tmp_path, "products", "search", "poney"),
                    caisse(tmp_path, "journal", "verify"),
                    caisse(tmp_path, "order", "create", stdin=order, **CASHIER),
                    caisse(tmp_path, "init", "--demo", "--if-empty")):
        assert refused(command)["error"] == sentence
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_opening_a_damaged_store_file_says_so(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    for content in (b"", b"\x00" * 8192):
        path.write_bytes(content)
        for access in StoreAccess:
            with pytest.raises(StoreFileDamaged, match="is damaged"):
                open_store(tmp_path, access=access)
        assert path.read_bytes() == content
    # A SQLite file with nothing of a till in it is no store either.
    path.unlink()
    sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.close()
    with pytest.raises(StoreFileDamaged, match="it holds no till's data"):
        open_store(tmp_path, access=StoreAccess.WRITE)


# 9. No store where a command looks ---------------------------------------------------------

READ_COMMANDS = [
    ("products", "search", "poney"), ("customers", "search", "dup*"),
    ("orders", "search", "dupont"), ("order", "show", "CD1-000001"), ("close", "x"),
    ("closures", "list"), ("journal", "verify"), ("receipt", "show", "CD1-000001"),
    ("devices", "list"),
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_a_read_command_where_there_is_no_store_creates_nothing(
        tmp_path: Path, command: tuple[str, ...]) -> None:
    missing = tmp_path / "nowhere"
    assert refused(caisse(missing, *command))["error"] == (
        f"no store in {missing}: run `caisse init`")
    assert not missing.exists()


def test_only_init_creates_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    order = json.dumps({"lines": [{"product": "cafe"}]})
    assert refused(caisse(missing, "order", "create", stdin=order, **CASHIER))["error"] == (
        f"no store in {missing}: run `caisse init`")
    window = subprocess.run([sys.executable, "-m", "pos_app", "--data-dir", str(missing)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert (window.returncode, window.stderr) == (
        1, f"error: no store in {missing}: run `caisse init`\n")
    assert not missing.exists()
    for access in (StoreAccess.READ, StoreAccess.WRITE, StoreAccess.WRITE_IF_WRITABLE):
        with pytest.raises(StoreMissing):
            open_store(missing, access=access)
    assert not missing.exists()
    assert ok(caisse(missing, "init"))["created"] is True
    # The store, and the till's signing key that journaled the command.
    assert sorted(p.name for p in missing.iterdir()) == ["caisse.sqlite3", "signing-key",
                                                         "signing-key.json"]


# 10. A read-only copy of a store ---------------------------------------------------------

@pytest.fixture
def broken_journal(data_dir: Path, clock: FrozenClock) -> Path:
    """A store with two sales whose first order entry was deleted from the file."""
    store = open_store(data_dir, clock)
    cashier = _sign_in(store)
    for _ in range(2):
        clock.advance(timedelta(minutes=5))
        basket = Basket()
        selling.add_product(store.context, basket, "cafe")
        selling.sell(store.context, cashier, basket, [PaymentRequest("ESP", 200)])
    store.close()
    connection = sqlite3.connect(store_path(data_dir), isolation_level=None)
    for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                      " AND name LIKE '%_no_%'").fetchall():
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute("DELETE FROM journal_entries WHERE chain = 'order' AND number = 1")
    connection.close()
    return data_dir


def _sign_in(store: Store) -> StaffMember:
    from pos_app.services.staff import sign_in

    return sign_in(store.context, "caissier", "1234")


def failures_recorded(data_dir: Path) -> int:
    connection = sqlite3.connect(f"{store_path(data_dir).as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute(
            "SELECT count(*) FROM journal_entries WHERE chain = 'event'"
            " AND body LIKE '%verification_failure%'").fetchone()[0])
    finally:
        connection.close()


@contextmanager
def read_only(path: Path, mode: int) -> Iterator[None]:
    before = path.stat().st_mode
    path.chmod(mode)
    try:
        yield
    finally:
        path.chmod(before)


def untouched(data_dir: Path) -> tuple[bytes, int, list[str]]:
    """What a read must not change: the store's bytes and time, and the folder's files."""
    path = store_path(data_dir)
    return (path.read_bytes(), path.stat().st_mtime_ns,
            sorted(p.name for p in data_dir.iterdir()))


def read_commands_work(data_dir: Path) -> None:
    assert ok(caisse(data_dir, "products", "search", "poney"))
    assert ok(caisse(data_dir, "orders", "search", ""))
    assert ok(caisse(data_dir, "close", "x"))["orders"] == 2
    assert ok(caisse(data_dir, "order", "show", "CD2-000002"))["status"] == "active"


def test_a_read_only_store_file_is_read_and_verified_without_a_write(
        broken_journal: Path) -> None:
    data_dir = broken_journal
    with read_only(store_path(data_dir), 0o444):
        before = untouched(data_dir)
        read_commands_work(data_dir)
        result = caisse(data_dir, "journal", "verify")
        after = untouched(data_dir)
    assert (after[0], after[1]) == (before[0], before[1])  # the file, byte for byte
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["recorded"] is False
    assert "entry 1 is missing" in result.stdout
    assert "could not be recorded" in report["note"]
    assert failures_recorded(data_dir) == 0
    # Where it can write, the same check records its failure: the test above means it.
    assert caisse(data_dir, "journal", "verify").returncode == 1
    assert failures_recorded(data_dir) == 1


def test_a_store_in_a_read_only_folder_is_read_and_verified_without_a_write(
        broken_journal: Path) -> None:
    data_dir = broken_journal
    with read_only(data_dir, 0o555):
        before = untouched(data_dir)
        read_commands_work(data_dir)
        result = caisse(data_dir, "journal", "verify")
        after = untouched(data_dir)
    assert after == before  # not even the WAL's side files
    assert result.returncode == 1 and json.loads(result.stdout)["recorded"] is False
    assert failures_recorded(data_dir) == 0


def test_a_store_opened_read_only_refuses_to_write(broken_journal: Path,
                                                   clock: FrozenClock) -> None:
    path = store_path(broken_journal)
    before = path.read_bytes()
    store = open_store(broken_journal, clock, access=StoreAccess.READ)
    try:
        assert store.read_only
        report = verify_journal(store.context, record_failure=False)
        assert not report.ok
        basket = Basket()
        selling.add_product(store.context, basket, "cafe")
        with pytest.raises(StoreUnavailable, match="readonly"):  # even as root
            selling.sell(store.context, _read_only_staff(), basket,
                         [PaymentRequest("ESP", 200)])
    finally:
        store.close()
    assert path.read_bytes() == before
    assert failures_recorded(broken_journal) == 0


def _read_only_staff() -> StaffMember:
    from pos_app.domain.staff import Role

    return StaffMember("staff:caissier", "caissier", "Camille", Role.CASHIER)


def test_a_read_only_store_to_upgrade_is_refused(tmp_path: Path) -> None:
    from alembic import command

    from pos_app.storage.engine import open_engine
    from pos_app.storage.migrate import alembic_config

    engine = open_engine(store_path(tmp_path))
    command.upgrade(alembic_config(engine), "0001")
    engine.dispose()
    before = store_path(tmp_path).read_bytes()
    with pytest.raises(StoreOutdated, match="made by an older version"):
        open_store(tmp_path, access=StoreAccess.READ)
    assert "older version" in refused(caisse(tmp_path, "orders", "search", "x"))["error"]
    assert store_path(tmp_path).read_bytes() == before


# 11. The signing key ----------------------------------------------------------------------

def test_a_key_file_left_empty_before_it_signed_anything_is_replaced(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.context.signer.prepare()  # made and described, never used
    first = store.context.signer.key_id
    store.close()
    (tmp_path / KEY_FILE).write_bytes(b"")  # what a kill while writing it left
    store = open_store(tmp_path)
    try:
        assert store.context.signer.key_id != first
        assert store.context.signer.sign(b"x" * 32)
    finally:
        store.close()
    info = json.loads((tmp_path / KEY_INFO_FILE).read_text(encoding="utf-8"))
    assert info["key_id"] != first
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_damaged_key_that_signed_entries_is_never_replaced(data_dir: Path) -> None:
    """A key that signed a sign-in: a new key would orphan the journal's entries."""
    store = open_store(data_dir)
    _sign_in(store)
    store.close()
    info_before = (data_dir / KEY_INFO_FILE).read_bytes()
    key_id = json.loads(info_before)["key_id"]
    (data_dir / KEY_FILE).write_bytes(b"")
    order = json.dumps({"lines": [{"product": "cafe"}],
                        "payments": [{"method": "ESP", "amount": "2"}]})
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "order", "create", stdin=order, **CASHIER))
    assert body["error"] == (
        f"the signing key file {data_dir / KEY_FILE} cannot be read: it is empty; key"
        f" {key_id} has signed journal entries, so no new key replaces it: restore it from a"
        " backup (nothing can be signed until then)")
    assert (data_dir / KEY_FILE).read_bytes() == b""
    assert (data_dir / KEY_INFO_FILE).read_bytes() == info_before


def test_the_signer_replaces_only_a_key_the_journal_does_not_know(tmp_path: Path) -> None:
    Ed25519Signer(tmp_path, use_keyring=False).prepare()
    key_id = json.loads((tmp_path / KEY_INFO_FILE).read_text(encoding="utf-8"))["key_id"]
    (tmp_path / KEY_FILE).write_text("0123", encoding="ascii")  # half-written
    used = Ed25519Signer(tmp_path, use_keyring=False, keys_in_use=lambda: {key_id})
    with pytest.raises(SigningKeyUnavailable, match="has signed journal entries"):
        used.sign(b"x" * 32)
    read_only_store = Ed25519Signer(tmp_path, use_keyring=False, keys_in_use=set,
                                    may_write=False)
    with pytest.raises(SigningKeyUnavailable, match="cannot be read"):
        read_only_store.sign(b"x" * 32)
    assert (tmp_path / KEY_FILE).read_text(encoding="ascii") == "0123"
    unused = Ed25519Signer(tmp_path, use_keyring=False, keys_in_use=set)
    assert unused.key_id != key_id and unused.sign(b"x" * 32)
    # A description left empty is recovered from the key file it described.
    (tmp_path / KEY_INFO_FILE).write_bytes(b"")
    again = Ed25519Signer(tmp_path, use_keyring=False, keys_in_use=lambda: {unused.key_id})
    assert again.key_id == unused.key_id
    assert json.loads((tmp_path / KEY_INFO_FILE).read_text())["key_id"] == unused.key_id


def test_the_key_files_are_written_whole_or_not_at_all(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def power_cut(_descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(OSError, match="Input/output"):
        Ed25519Signer(tmp_path, use_keyring=False).prepare()
    assert list(tmp_path.iterdir()) == []  # no key file, empty or not, and no leftover
    monkeypatch.undo()
    signer = Ed25519Signer(tmp_path, use_keyring=False)
    signer.prepare()
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE, KEY_INFO_FILE]


# 12. Unknown fields ----------------------------------------------------------------------

def test_unknown_fields_of_an_imported_item_are_named(data_dir: Path, tmp_path: Path) -> None:
    document = write_json(tmp_path / "colours.json", {"products": [
        product(prices=[{"label": "Adulte", "amount": "25", "colour": "bleu"}],
                colour="rouge")]})
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "import", str(document), **MANAGER))
    assert wheres(body) == ["products[0].colour: unknown field",
                            "products[0].prices[0].colour: unknown field"]


@pytest.mark.parametrize(("document", "where"), [
    ({"venue": {"name": "V", "address": "A", "postal_code": "1", "city": "C", "tel": "0"}},
     "venue.tel"),
    ({"payment_methods": [{"code": "CHQ", "label": "Chèque", "fee": "1"}]},
     "payment_methods[0].fee"),
    ({"categories": [{"id": "c", "name": "C", "colour": "red"}]}, "categories[0].colour"),
    ({"products": [product(stock_level=3)]}, "products[0].stock_level"),
    ({"products": [product(prices=[{"label": "A", "amount": "1", "vat": "10"}])]},
     "products[0].prices[0].vat"),
    ({"customers": [{"id": "c", "kind": "person", "name": "N", "birthday": "1"}]},
     "customers[0].birthday"),
    ({"staff": [{**GERANT, "pin": "1"}]}, "staff[0].pin"),
])
def test_the_import_service_refuses_unknown_fields(store: Store, manager: StaffMember,
                                                   document: dict[str, Any],
                                                   where: str) -> None:
    assert import_problems(store, manager, document) == [f"{where}: unknown field"]


def test_unknown_fields_of_an_order_are_named(data_dir: Path, ctx: Context) -> None:
    order = {"lines": [{"product": "cafe", "qty": 2}],
             "payments": [{"method": "ESP", "amount": "2", "tip": "1"}]}
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "order", "create", stdin=json.dumps(order),
                              **CASHIER))
    assert wheres(body) == ["lines[0].qty: unknown field", "payments[0].tip: unknown field"]
    assert order_problems(ctx, order) == wheres(body)


# 13. Texts and files too long -----------------------------------------------------------

def test_a_name_of_a_million_characters_is_refused(data_dir: Path, tmp_path: Path) -> None:
    document = write_json(tmp_path / "long.json", {"products": [product(name="x" * 10**6)]})
    order = json.dumps({"lines": [{"barcode": "3" * 10**6}]})
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "import", str(document), **MANAGER))
        assert wheres(body) == [
            "products[0].name: must be at most 300 characters long (it has 1000000)"]
        body = refused(caisse(data_dir, "order", "create", stdin=order, **CASHIER))
        assert wheres(body) == [
            "lines[0].barcode: must be at most 64 characters long (it has 1000000)"]
    assert len(json.dumps(body)) < 300  # the sentence, not the million characters


@pytest.mark.parametrize(("document", "problem"), [
    ({"venue": {"name": "V", "address": "A", "postal_code": "1" * 17, "city": "C"}},
     "venue.postal_code: must be at most 16 characters long (it has 17)"),
    ({"venue": {"name": "V", "address": "A", "postal_code": "1", "city": "C" * 101}},
     "venue.city: must be at most 100 characters long (it has 101)"),
    ({"payment_methods": [{"code": "C" * 33, "label": "Chèque"}]},
     "payment_methods[0].code: must be at most 32 characters long (it has 33)"),
    ({"categories": [{"id": "c", "name": "N" * 201}]},
     "categories[0].name: must be at most 200 characters long (it has 201)"),
    ({"products": [product(id="p" * 65)]},
     "products[0].id: must be at most 64 characters long (it has 65)"),
    ({"products": [product(barcodes=["1" * 65])]},
     "products[0].barcodes: '" + "1" * 38 + "… is longer than 64 characters"),
    ({"products": [product(prices=[{"label": "L" * 65, "amount": "1"}])]},
     "products[0].prices[0].id: must be given when the label is longer than 64 characters"),
    ({"products": [product(position=10**19)]},
     "products[0].position: must be a whole number from -999999 to 999999"),
    ({"customers": [{"id": "c", "kind": "person", "name": "N", "email": "e" * 301}]},
     "customers[0].email: must be at most 300 characters long (it has 301)"),
    ({"staff": [{**GERANT, "login": "l" * 59}]},
     "staff[0].login: must be at most 58 characters long (it has 59)"),
    ({"staff": [{**GERANT, "secret": "9" * 129}]},
     "staff[0].secret: must be at most 128 characters long (it has 129)"),
])
def test_the_import_service_bounds_every_text(store: Store, manager: StaffMember,
                                              document: dict[str, Any], problem: str) -> None:
    assert import_problems(store, manager, document) == [problem]


def test_the_order_reader_bounds_every_text(ctx: Context) -> None:
    assert order_problems(ctx, {"lines": [{"product": "p" * 65, "price": "P" * 201}],
                                "payer": "c" * 65,
                                "payments": [{"method": "M" * 33, "amount": "1"}]}) == [
        "lines[0].product: must be at most 64 characters long (it has 65)",
        "lines[0].price: must be at most 200 characters long (it has 201)",
        "payer: must be at most 64 characters long (it has 65)",
        "payments[0].method: must be at most 32 characters long (it has 33)"]


def test_a_file_larger_than_its_bound_is_refused(data_dir: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b'{"lines": []}' + b" " * 20_000_000)
    with nothing_written(data_dir):
        # An order is a few kB: 20 MB at most, from a file or standard input.
        body = refused(caisse(data_dir, "order", "create", str(big), **CASHIER))
        assert body["error"] == (f"{big} is larger than 20 MB, the most the till reads:"
                                 " split it into smaller files")
        body = refused(caisse(data_dir, "order", "create", stdin=big.read_text(), **CASHIER))
        assert body["error"].startswith("standard input is larger than 20 MB")
        # An import file may hold a venue group's catalogue: 200 MB at most, refused
        # before it is read (the file is sparse: nothing is written to make it).
        with big.open("r+b") as file:
            file.truncate(200_000_001)
        body = refused(caisse(data_dir, "import", str(big), **MANAGER))
        assert body["error"] == (f"{big} is larger than 200 MB, the most the till reads:"
                                 " split it into smaller files")


def test_a_number_of_thousands_of_digits_is_refused(data_dir: Path) -> None:
    order = '{"lines": [{"product": "cafe", "quantity": 1' + "0" * 5000 + "}]}"
    with nothing_written(data_dir):
        body = refused(caisse(data_dir, "order", "create", stdin=order, **CASHIER))
    assert body["error"].startswith("standard input holds a number too long to read")


# The screens' words for the new refusals -------------------------------------------------

def test_the_screens_say_the_bounds_in_french() -> None:
    from pos_app.ui.messages import error_message

    assert error_message(QuantityTooLarge(10**6, MAX_QUANTITY)) == (
        "Quantité trop élevée : une ligne compte au plus 9999 articles.")
    assert error_message(AmountTooLarge("1000000", 99_999_999)) == (
        "Montant trop élevé : « 1000000 ». La caisse prend au plus 999\u202f999,99\xa0€.")


# -- a Z with a negative counted cash, or a count of impossible size ----------------------


def test_a_negative_counted_cash_or_an_impossible_count_is_refused(data_dir: Path) -> None:
    from pos_app.domain.closure import CashCount
    from pos_app.domain.errors import InvalidCashCount, NegativeCount
    from pos_app.services import closures
    from pos_app.services.staff import sign_in

    sale = json.dumps({"lines": [{"product": "cafe"}],
                       "payments": [{"method": "ESP", "amount": "1,60"}]})
    ok(caisse(data_dir, "order", "create", stdin=sale, **CASHIER))
    with nothing_written(data_dir):
        for counted in (["--counted", "-5"], ["--count", "50x99999999999999999999"]):
            said = refused(caisse(data_dir, "close", "z", *counted, **MANAGER))["error"]
            assert "cash count refused" in said, said
        store = open_store(data_dir)
        try:
            manager = sign_in(store.context, "gerant", "4321")
            with pytest.raises(NegativeCount, match="cannot be negative"):
                closures.finish_closure(store.context, manager, counted_cents=-500)
            with pytest.raises(InvalidCashCount):
                CashCount.of({5000: 10**20})
        finally:
            store.close()
