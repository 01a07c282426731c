"""`journal verify` reconciles the business tables with the journal and recomputes each Z
from the order chain: an edit of the tables alone (the journal untouched), or a Z whose
figures were lowered and re-signed with the till's own key, is named."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.domain.closure import CashCount, CashMovementKind
from pos_app.domain.journal import Chain, JournalProblem
from pos_app.domain.order import RefundRequest
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, orders, selling
from pos_app.services.context import Context
from pos_app.services.journal import set_training
from pos_app.services.journal_check import verify_journal
from pos_app.services.selling import PaymentRequest
from tests.integration.tamper_store import opened_raw
from tests.integration.test_cli import caisse
from tests.integration.test_journal import problems, re_sign, reopened
from tests.integration.test_selling_services import basket_of
from tests.pulled_orders import document, merge

CAFE, PONEY = 160, 1400


@pytest.fixture
def day(store: Store, ctx: Context, cashier: StaffMember, manager: StaffMember,
        clock: FrozenClock) -> Store:
    """A day at the till, closed by a Z, then one more sale: a float; a ride and a coffee
    paid 50 € in cash, the coffee returned (refunded in cash); a coffee by card, then
    cancelled (refunded by card); a ride paid later in two methods; cash in and out;
    training sales; another till's order pulled and settled here; then the store closes."""
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    clock.advance(timedelta(minutes=5))
    first = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h", "cafe"),
                         [PaymentRequest("ESP", 5000)])
    second = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])
    later = selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"),
                         validate_without_paying=True)
    orders.pay_order(ctx, cashier, later.number, "CB", 400)
    orders.pay_order(ctx, cashier, later.number, "ESP", PONEY - 400)
    orders.return_lines(ctx, manager, first.number, [(1, 1)], "froid")
    orders.cancel_order(ctx, manager, second.number, "erreur", [RefundRequest("CB", CAFE)])
    closures.record_cash_movement(ctx, cashier, CashMovementKind.IN, 2000, "monnaie")
    closures.record_cash_movement(ctx, cashier, CashMovementKind.OUT, 1000, "banque")
    set_training(ctx, manager, True)
    practice = selling.sell(ctx, cashier, basket_of(ctx, "cafe"),
                            [PaymentRequest("ESP", 500)], training=True)
    orders.cancel_order(ctx, manager, practice.number, "exercice")
    set_training(ctx, manager, False)
    assert merge(ctx, document()) == 1  # 28 € of which 10 € paid at the other till
    orders.pay_order(ctx, cashier, "CD1-000007", "ESP", 1800)
    clock.advance(timedelta(hours=8))
    # The gap is beyond the threshold: its reason is kept, and checked, with the Z.
    closures.finish_closure(ctx, manager, count=CashCount.of({5000: 3, 2000: 1, 500: 1}),
                            reason="Fond de caisse mal compté")
    clock.advance(timedelta(hours=14))
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", CAFE)])
    store.close()
    return store


@pytest.fixture
def raw(day: Store) -> Iterator[sqlite3.Connection]:
    """The store file with the triggers that refuse changes dropped."""
    with opened_raw(day.data_dir) as connection:
        yield connection


def only(found: list[JournalProblem]) -> JournalProblem:
    assert len(found) == 1, found
    return found[0]


def order_id(raw: sqlite3.Connection, number: str) -> str:
    return str(raw.execute("SELECT id FROM orders WHERE number = ?", (number,)).fetchone()[0])


def test_an_honest_day_reconciles(day: Store) -> None:
    opened = reopened(day)
    try:
        report = verify_journal(opened.context, every_signature=True)
    finally:
        opened.close()
    assert report.ok, report.problems
    assert report.entries[Chain.TRAINING] == 3  # a sale, its cancellation and refund


def test_an_honest_sale_is_compared_as_text_without_parsing_it(
        day: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text SQLite builds from an order's rows is the text of its sale's entry (keys
    sorted, accents as they are): a sale is parsed only when something differs."""
    from pos_app.domain.order_chain_check import OrderChainCheck

    def parsed(*_args: object) -> None:
        raise AssertionError("an honest sale was parsed")

    monkeypatch.setattr(OrderChainCheck, "_sale_parsed", parsed)
    opened = reopened(day)
    try:
        assert verify_journal(opened.context, record_failure=False).ok
    finally:
        opened.close()


def test_an_order_deleted_with_its_lines_is_named(day: Store, raw: sqlite3.Connection) -> None:
    removed = order_id(raw, "CD2-000002")
    for table in ("order_lines", "order_vat", "payments", "refunds"):
        raw.execute(f"DELETE FROM {table} WHERE order_id = ?", (removed,))
    raw.execute("DELETE FROM orders WHERE id = ?", (removed,))
    problem = only(problems(day))
    assert (problem.chain, problem.number) == ("order", 2)
    assert "CD2-000002" in problem.reason and "CD2-000003" in problem.reason


@pytest.mark.parametrize(("change", "said"), [
    ("UPDATE order_lines SET unit_price_cents = 1200, total_cents = 1200 WHERE position = 0"
     " AND order_id = :first", "order CD2-000001 line 1: the store says unit_price_cents 1 200,"
     " its sale entry says 1 400"),
    ("UPDATE order_lines SET vat_rate_bp = 550 WHERE position = 0 AND order_id = :first",
     "order CD2-000001 line 1: the store says vat_rate_bp 550, its sale entry says 1 000"),
    ("UPDATE order_vat SET vat_cents = vat_cents - 10, excl_cents = excl_cents + 10"
     " WHERE order_id = :first AND rate_bp = 1000", "order CD2-000001: the store says VAT"),
    ("UPDATE orders SET total_cents = 1000 WHERE id = :first",
     "order CD2-000001: the store says total_cents 1 000, its sale entry says 1 560"),
    ("UPDATE payments SET method_code = 'CB' WHERE order_id = :first",
     "payment"),
])
def test_a_sale_s_rows_changed_are_named(day: Store, raw: sqlite3.Connection, change: str,
                                         said: str) -> None:
    raw.execute(change, {"first": order_id(raw, "CD2-000001")})
    problem = only(problems(day))
    assert (problem.chain, problem.number) == ("order", 1)
    assert said in problem.reason
    assert "CD2-000001" in problem.reason


def test_a_payment_taken_later_changed_is_named(day: Store, raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE payments SET amount_cents = 100 WHERE order_id = ?"
                " AND method_code = 'CB'", (order_id(raw, "CD2-000003"),))
    problem = only(problems(day))
    assert problem.chain == "order" and "amount_cents 100" in problem.reason


def test_a_refund_deleted_is_named(day: Store, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM refunds WHERE order_id = ?", (order_id(raw, "CD2-000002"),))
    problem = only(problems(day))
    assert "refund" in problem.reason and "CD2-000002" in problem.reason
    assert "is not in the store" in problem.reason


def test_a_cancellation_undone_in_the_table_is_named(day: Store,
                                                     raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE orders SET status = 'validated', cancelled_at = NULL,"
                " cancelled_by = NULL, cancel_reason = NULL, cancelled_till_id = NULL,"
                " cancelled_session_id = NULL WHERE number = 'CD2-000002'")
    problem = only(problems(day))
    assert "cancellation of order CD2-000002 is not in the store" in problem.reason


def test_a_credit_note_line_changed_is_named(day: Store, raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE credit_note_lines SET quantity = 2, total_cents = 320")
    problem = only(problems(day))
    assert "line 1: the store says quantity -2, its return entry says -1" in problem.reason


def test_a_cash_movement_changed_is_named(day: Store, raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE cash_movements SET amount_cents = 500 WHERE kind = 'out'")
    problem = only(problems(day))
    assert problem.chain == "event"
    assert "the store says amount_cents 500, its cash_movement entry says 1 000" in (
        problem.reason)


def test_a_closure_s_counted_cash_changed_is_named(day: Store,
                                                   raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE closures SET counted_cash_cents = counted_cash_cents + 5000")
    problem = only(problems(day))
    assert (problem.chain, problem.number) == ("closure", 1)
    assert "closure z 1: the store says counted cash" in problem.reason


def test_an_order_with_no_entry_is_named(day: Store, raw: sqlite3.Connection) -> None:
    till_id = raw.execute("SELECT id FROM tills WHERE is_local").fetchone()[0]
    raw.execute("INSERT INTO orders (id, number, till_id, sequence, created_at, staff_id,"
                " total_cents, status, training) VALUES ('forged', 'CD2-000099', ?, 99,"
                " '2026-07-11T12:00:00.000000+00:00', 'caissier', 900, 'paid', 0)",
                (till_id,))
    problem = only(problems(day))
    assert "order CD2-000099 (forged) has no sale entry" in problem.reason


def test_verify_on_the_command_line_fails_on_a_table_edit(day: Store,
                                                          raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE cash_movements SET reason = 'rien' WHERE kind = 'in'")
    result = caisse(day.data_dir, "journal", "verify")
    assert result.returncode == 1
    assert "cash movement" in result.stdout


# -- a Z lowered and re-signed with the till's own key ---------------------------------


def lowered_z(raw: sqlite3.Connection, day: Store, change: dict[str, object]) -> None:
    """The first Z's body with `change` (a dotted path → value), re-hashed and re-signed."""
    body = json.loads(raw.execute("SELECT body FROM journal_entries WHERE chain = 'closure'"
                                  " AND number = 1").fetchone()[0])
    for path, value in change.items():
        *parents, leaf = path.split(".")
        place = body
        for parent in parents:
            place = place[parent]
        place[leaf] = value
    raw.execute("UPDATE journal_entries SET body = ? WHERE chain = 'closure' AND number = 1",
                (canonical(body),))
    re_sign(raw, day, "closure", 1)
    # The Z's note in the event journal names the Z's entry: made to name the new one
    # and re-signed too, as a forger holding the key would, so that only the
    # recomputation is left to tell.
    (z_hash,) = raw.execute("SELECT hash FROM journal_entries WHERE chain = 'closure'"
                            " AND number = 1").fetchone()
    for number, text in raw.execute("SELECT number, body FROM journal_entries WHERE"
                                    " chain = 'event' ORDER BY number").fetchall():
        note = json.loads(text)
        if note.get("event") == "closure" and note.get("z_entry", {}).get("number") == 1:
            note["z_entry"]["hash"] = z_hash
            raw.execute("UPDATE journal_entries SET body = ? WHERE chain = 'event' AND"
                        " number = ?", (canonical(note), number))
            re_sign(raw, day, "event", number)


def canonical(body: dict[str, object]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_a_z_s_vat_lowered_and_re_signed_is_named(day: Store,
                                                  raw: sqlite3.Connection) -> None:
    body = json.loads(raw.execute("SELECT body FROM journal_entries WHERE chain = 'closure'"
                                  ).fetchone()[0])
    vat = [dict(line, vat_cents=line["vat_cents"] - 20, excl_cents=line["excl_cents"] + 20)
           for line in body["vat"]]
    lowered_z(raw, day, {"vat": vat})
    problem = only(problems(day, full=True))
    assert (problem.chain, problem.number) == ("closure", 1)
    assert "Z 1: its VAT per rate is" in problem.reason


def test_a_z_s_methods_lowered_and_re_signed_are_named(day: Store,
                                                       raw: sqlite3.Connection) -> None:
    body = json.loads(raw.execute("SELECT body FROM journal_entries WHERE chain = 'closure'"
                                  ).fetchone()[0])
    payments = [dict(p, taken_cents=p["taken_cents"] - 100, net_cents=p["net_cents"] - 100)
                if p["method"] == "CB" else p for p in body["payments"]]
    lowered_z(raw, day, {"payments": payments})
    problem = only(problems(day, full=True))
    assert "Z 1: its payments per method is" in problem.reason


def test_a_z_s_cash_lowered_and_re_signed_is_named(day: Store, raw: sqlite3.Connection) -> None:
    body = json.loads(raw.execute("SELECT body FROM journal_entries WHERE chain = 'closure'"
                                  ).fetchone()[0])
    cash = body["cash"]
    lowered = dict(cash, taken_cents=cash["taken_cents"] - 1000,
                   expected_cents=cash["expected_cents"] - 1000,
                   gap_cents=cash["gap_cents"] + 1000)
    methods = [dict(m, expected_cents=m["expected_cents"] - 1000) if m["method"] == "ESP"
               else m for m in body["methods"]]
    lowered_z(raw, day, {"cash": lowered, "methods": methods})
    # The tables lowered to match: only the recomputation can tell.
    raw.execute("UPDATE closures SET expected_cash_cents = expected_cash_cents - 1000")
    raw.execute("UPDATE closure_methods SET expected_cents = expected_cents - 1000"
                " WHERE method_code = 'ESP'")
    problem = only(problems(day, full=True))
    assert "Z 1: its cash taken_cents is" in problem.reason


def test_a_z_s_sales_lowered_with_its_takings_and_re_signed_are_named(
        day: Store, raw: sqlite3.Connection) -> None:
    body = json.loads(raw.execute("SELECT body FROM journal_entries WHERE chain = 'closure'"
                                  ).fetchone()[0])
    lowered_z(raw, day, {"orders": body["orders"] - 1,
                         "sales_cents": body["sales_cents"] - CAFE})
    raw.execute("UPDATE closures SET orders = orders - 1")
    problem = only(problems(day, full=True))
    assert "Z 1: its orders is" in problem.reason
