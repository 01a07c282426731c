"""Cuts are visible: each Z records every chain's head, its note in the event journal
names the Z's own entry, and `journal verify` finds a chain that no longer reaches what
was recorded of it, even with `journal_heads` moved back to match (docs/fiscal.md,
"Checking a journal")."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store
from pos_app.documents import reading_lines
from pos_app.domain.journal import Chain, canonical_json
from pos_app.domain.staff import StaffMember
from pos_app.services import closures, receipts, selling
from pos_app.services.archive import export_archive
from pos_app.services.context import Context
from pos_app.services.journal import set_training
from pos_app.services.ports import Signer
from pos_app.services.selling import PaymentRequest
from tests.integration.tamper_store import opened_raw, rewrite_chain
from tests.integration.test_cli import caisse
from tests.integration.test_journal import problems, reopened
from tests.integration.test_selling_services import basket_of


def a_day(ctx: Context, cashier: StaffMember, manager: StaffMember, clock: FrozenClock,
          archive: str | None = None) -> closures.ClosureResult:
    """Two sales, a duplicate, a training sale, the archive of the closed month
    `archive` if one is given; then the Z."""
    first = selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])
    selling.sell(ctx, cashier, basket_of(ctx, "balade-poney-1h"), [PaymentRequest("CB", 1400)])
    receipts.duplicate_receipt(ctx, cashier, first.number)
    set_training(ctx, manager, True)
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", 160)],
                 training=True)
    set_training(ctx, manager, False)
    clock.advance(timedelta(hours=1))
    if archive is not None:
        export_archive(ctx, manager, archive)
    clock.advance(timedelta(hours=1))
    return closures.finish_closure(ctx, manager)


@pytest.fixture
def closed(store: Store, ctx: Context, cashier: StaffMember, manager: StaffMember,
           clock: FrozenClock) -> Store:
    """Three days, each with a Z: one in July, two in August (the first Z of August
    closes July, whose archive the last day exports), so that every chain is written
    to before the last Z, Z 3; then the store closes."""
    a_day(ctx, cashier, manager, clock)
    clock.current = datetime(2026, 8, 3, 8, tzinfo=UTC)
    a_day(ctx, cashier, manager, clock)
    clock.advance(timedelta(hours=14))
    a_day(ctx, cashier, manager, clock, archive="2026-07")
    store.close()
    return store


@pytest.fixture
def raw(closed: Store) -> Iterator[sqlite3.Connection]:
    with opened_raw(closed.data_dir) as connection:
        yield connection


def z_bodies(raw: sqlite3.Connection) -> list[dict[str, Any]]:
    """The Zs' bodies (the closure chain also holds July's monthly closure)."""
    bodies = [json.loads(body) for (body,) in raw.execute(
        "SELECT body FROM journal_entries WHERE chain = 'closure' ORDER BY number")]
    return [body for body in bodies if body["kind"] == "z"]


def cut(raw: sqlite3.Connection, chain: str, keep: int) -> None:
    """The chain's entries after `keep` removed, its recorded head moved back onto
    entry `keep`: the chain alone still verifies."""
    raw.execute("DELETE FROM journal_entries WHERE chain = ? AND number > ?", (chain, keep))
    if keep == 0:
        raw.execute("DELETE FROM journal_heads WHERE chain = ?", (chain,))
        return
    (digest,) = raw.execute("SELECT hash FROM journal_entries WHERE chain = ? AND number = ?",
                            (chain, keep)).fetchone()
    raw.execute("UPDATE journal_heads SET number = ?, hash = ? WHERE chain = ?",
                (keep, digest, chain))


def test_a_z_records_every_chain_s_head_before_it(closed: Store,
                                                  raw: sqlite3.Connection) -> None:
    first, _second, last = z_bodies(raw)
    heads = {head["chain"]: head for head in last["heads"]}
    assert set(heads) == {chain.value for chain in Chain}
    assert heads["closure"]["number"] == 3  # Z 2 (after July's month); Z 3 comes after
    for chain, head in heads.items():
        (digest,) = raw.execute("SELECT hash FROM journal_entries WHERE chain = ? AND"
                                " number = ?", (chain, head["number"])).fetchone()
        assert digest == head["hash"]
    assert heads["order"]["number"] == last["order_entries"]["last"]
    # The event journal then goes on with the Z's note, which names the Z's entry.
    note = json.loads(raw.execute(
        "SELECT body FROM journal_entries WHERE chain = 'event' AND number = ?",
        (heads["event"]["number"] + 1,)).fetchone()[0])
    (z_hash,) = raw.execute("SELECT hash FROM journal_entries WHERE chain = 'closure' AND"
                            " number = 4").fetchone()
    assert (note["event"], note["number"], note["z_entry"]) == (
        "closure", 3, {"number": 4, "hash": z_hash})
    assert first["heads"] and problems(closed, full=True) == []


@pytest.mark.parametrize("chain", [chain.value for chain in Chain])
def test_a_chain_cut_after_a_z_is_found_though_its_head_was_moved_back(
        closed: Store, raw: sqlite3.Connection, chain: str) -> None:
    last = z_bodies(raw)[-1]
    recorded = {head["chain"]: head["number"] for head in last["heads"]}
    # The closure chain is cut of the last Z itself, which its note in the event
    # journal names; every other chain of an entry the last Z recorded as its head.
    keep = 3 if chain == "closure" else recorded[chain] - 1
    number = 4 if chain == "closure" else recorded[chain]
    cut(raw, chain, keep)
    found = [problem for problem in problems(closed) if problem.chain == chain]
    assert [problem.number for problem in found] == [number], problems(closed)
    assert "Z 3" in found[0].reason and "is missing" in found[0].reason
    result = caisse(closed.data_dir, "journal", "verify")
    assert result.returncode == 1 and "Z 3" in result.stdout


def rewrite(raw: sqlite3.Connection, store: Store, chain: str, first: int,
            change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Entry `first` of `chain` changed, and it and every entry after it re-hashed and
    re-signed with the till's own key, the head moved: the chain holds on its own."""
    opened = reopened(store)
    try:
        re_sign(raw, opened.context.signer, chain, first, change)
    finally:
        opened.close()


def re_sign(raw: sqlite3.Connection, signer: Signer, chain: str, first: int,
            change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """`rewrite` with the till's signer at hand."""
    def edit(number: int, at: str, body: str) -> tuple[str, str]:
        return (at, canonical_json(change(json.loads(body)))) if number == first else (at, body)

    rewrite_chain(raw, chain, first, signer.sign, signer.key_id, edit)


def test_an_order_rewritten_with_the_till_s_key_before_a_z_is_found(
        closed: Store, raw: sqlite3.Connection) -> None:
    """The first sale said to be another cashier's and the order chain re-signed with
    the till's key: hashes, signatures, time order and takings all hold; the Zs' heads
    do not."""
    def another_cashier(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "staff_id": "someone-else"}

    rewrite(raw, closed, "order", 1, another_cashier)
    found = problems(closed, full=True)
    assert [(problem.chain, problem.number) for problem in found] == [("order", 2)]
    assert "Z 1 (closure entry 1) recorded the order chain's head at entry 2" in (
        found[0].reason)


def test_the_x_and_the_z_print_the_heads_in_short(ctx: Context, cashier: StaffMember,
                                                  manager: StaffMember,
                                                  clock: FrozenClock) -> None:
    result = a_day(ctx, cashier, manager, clock)
    lines = reading_lines(result.reading, "Clôture Z")
    order = next(head for head in result.reading.heads if head.chain == "order")
    assert "  Journal de la caisse :" in lines
    assert f"    commandes n° {order.number} ({order.hash[:8]})" in lines
    assert closures.x_reading(ctx).heads != result.reading.heads  # the Z wrote after them


def test_verify_with_the_server_says_when_there_is_none_to_ask(closed: Store) -> None:
    result = caisse(closed.data_dir, "journal", "verify", "--with-server")
    assert result.returncode == 1
    assert "the server was not asked" in result.stdout and "not enrolled" in result.stdout
    assert caisse(closed.data_dir, "journal", "verify").returncode == 0
