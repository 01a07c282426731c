"""The till's closure rules on a real store: a blind count never takes the expected cash
for the counted, a gap beyond the threshold needs a reason that the Z keeps (its row, its
signed entry, its event note, its report, what syncs), a started Z can be abandoned
(journaled, the till open again), and no basket is started while a Z is in progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pos_app.bootstrap import Store
from pos_app.documents import reading_document
from pos_app.domain.basket import Basket
from pos_app.domain.closure import CashMovementKind
from pos_app.domain.document import Text
from pos_app.domain.errors import (
    BlindCountMissing,
    ClosureInProgress,
    GapReasonMissing,
    NoClosureStarted,
    NotAllowed,
)
from pos_app.domain.journal import Chain, Event
from pos_app.domain.policy import BLIND_COUNT
from pos_app.domain.staff import StaffMember
from pos_app.domain.till import TillState
from pos_app.formatting import format_local_time
from pos_app.services import closures, selling
from pos_app.services.context import Context
from pos_app.services.drafts import current_draft, keep_basket
from pos_app.services.journal_check import verify_journal
from pos_app.services.policies import set_policy
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import till_statuses
from tests.integration.test_cli import caisse, error, ok
from tests.integration.test_events import new_events, only
from tests.integration.test_selling_services import basket_of

EXPECTED = 15160  # float 150 €, a coffee paid 5 € with 3,40 € back


def a_morning(ctx: Context, cashier: StaffMember) -> None:
    closures.record_cash_movement(ctx, cashier, CashMovementKind.FLOAT, 15000)
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("ESP", 500)])


def state(ctx: Context) -> TillState:
    return till_statuses(ctx)[0].state


def closure_entries(ctx: Context) -> list[dict[str, object]]:
    with ctx.uow(write=False) as uow:
        till = uow.tills.local()
        assert till is not None
        return [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.CLOSURE)]


def test_counting_blind_the_counted_cash_must_be_said(ctx: Context, cashier: StaffMember,
                                                      manager: StaffMember) -> None:
    a_morning(ctx, cashier)
    set_policy(ctx, manager, BLIND_COUNT, "on")
    with pytest.raises(BlindCountMissing):
        closures.finish_closure(ctx, manager)
    assert state(ctx) is TillState.OPEN  # refused whole: nothing changed
    done = closures.finish_closure(ctx, manager, EXPECTED)
    assert done.closure.gap_cents == 0 and state(ctx) is TillState.CLOSED


def test_a_gap_beyond_the_threshold_needs_a_reason_kept_in_the_z(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(ctx, cashier)
    with pytest.raises(GapReasonMissing) as refused:
        closures.finish_closure(ctx, manager, EXPECTED - 501)  # 5,01 € > 5,00 €
    assert refused.value.gap_cents == -501
    assert closures.closures_between(ctx, ctx.clock.now().replace(year=2000),
                                     ctx.clock.now().replace(year=2100)) == []
    reason = "Erreur de rendu de monnaie"
    written = new_events(ctx, lambda: closures.finish_closure(ctx, manager, EXPECTED - 501,
                                                              reason=f"  {reason} "))
    note = only(written, Event.CLOSURE)
    assert (note["gap_cents"], note["gap_reason"]) == (-501, reason)
    z_body = closure_entries(ctx)[-1]
    assert z_body["kind"] == "z" and z_body["gap_reason"] == reason
    (kept,) = closures.closures_between(ctx, ctx.clock.now().replace(year=2000),
                                        ctx.clock.now().replace(year=2100))
    assert kept.gap_reason == reason
    assert verify_journal(ctx, every_signature=True).ok
    # What syncs to the server: the Z's record carries the reason with its figures.
    with ctx.uow(write=False) as uow:
        sent = [record for record in uow.outbox.waiting(100)
                if record.kind == "closure.made"]
    assert sent and json.loads(sent[-1].payload)["gap_reason"] == reason
    # The report on paper says it.
    document = reading_document(kept_reading := closures.x_reading(ctx), (kept,))
    assert kept_reading.till is not None
    assert any(isinstance(block, Text) and reason in block.text
               for block in document.blocks)


def test_a_small_gap_needs_no_reason_and_a_z_without_one_records_none(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(ctx, cashier)
    closures.finish_closure(ctx, manager, EXPECTED - 500)  # 5,00 €: not beyond
    assert "gap_reason" not in closure_entries(ctx)[-1]
    assert verify_journal(ctx, every_signature=True).ok


def test_a_reason_rewritten_in_the_store_is_found_by_the_check(
        ctx: Context, cashier: StaffMember, manager: StaffMember, data_dir: Path) -> None:
    from tests.integration.tamper_store import opened_raw

    a_morning(ctx, cashier)
    closures.finish_closure(ctx, manager, EXPECTED - 1000, reason="Pièce manquante")
    with opened_raw(data_dir) as raw:
        raw.execute("UPDATE closures SET gap_reason = 'Rien' WHERE kind = 'z'")
    report = verify_journal(ctx, every_signature=True)
    assert not report.ok and "gap reason" in str(report.problems)


def test_a_started_z_can_be_abandoned_and_the_till_sells_again(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(ctx, cashier)
    with pytest.raises(NoClosureStarted):
        closures.abandon_closure(ctx, manager)
    closures.start_closure(ctx, manager)
    assert state(ctx) is TillState.CLOSING
    with pytest.raises(NotAllowed):
        closures.abandon_closure(ctx, cashier)
    written = new_events(ctx, lambda: closures.abandon_closure(ctx, manager))
    body = only(written, Event.CLOSURE_ABANDONED)
    assert body["jet"] == 323 and body["staff_id"] == manager.id and body["session"] == 1
    assert state(ctx) is TillState.OPEN
    selling.sell(ctx, cashier, basket_of(ctx, "cafe"), [PaymentRequest("CB", 160)])
    assert closures.x_reading(ctx).orders == 2  # the same session goes on
    assert verify_journal(ctx, every_signature=True).ok


def test_no_basket_is_started_while_a_z_is_in_progress(
        ctx: Context, cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(ctx, cashier)
    closures.start_closure(ctx, manager)
    with pytest.raises(ClosureInProgress):
        keep_basket(ctx, cashier, basket_of(ctx, "cafe"), 1)
    assert current_draft(ctx) is None
    keep_basket(ctx, cashier, Basket(), 2)  # emptying is never refused
    keep_basket(ctx, manager, basket_of(ctx, "cafe"), 3, training=True)  # sells nothing
    closures.abandon_closure(ctx, manager)
    assert keep_basket(ctx, cashier, basket_of(ctx, "cafe"), 4) is not None


def test_the_cli_refuses_a_blind_z_without_a_count_and_takes_a_reason(
        data_dir: Path, store: Store, cashier: StaffMember, manager: StaffMember) -> None:
    a_morning(store.context, cashier)
    set_policy(store.context, manager, BLIND_COUNT, "on")
    store.close()
    refused = error(caisse(data_dir, "close", "z", staff="gerant", secret="4321"))
    assert "blind" in refused["error"]
    assert "reason" in error(caisse(data_dir, "close", "z", "--counted", "140",
                                    staff="gerant", secret="4321"))["error"]
    # Refused whole: no closure was left started.
    assert "no closure" in error(caisse(data_dir, "close", "abandon", staff="gerant",
                                        secret="4321"))["error"]
    done = ok(caisse(data_dir, "close", "z", "--counted", "140", "--reason",
                     "Fond de caisse mal compté", staff="gerant", secret="4321"))
    assert done["gap_cents"] == -1160 and done["gap_reason"] == "Fond de caisse mal compté"
    assert ok(caisse(data_dir, "journal", "verify"))["ok"] is True


def test_the_printed_x_says_its_title_till_and_period(ctx: Context, cashier: StaffMember,
                                                       manager: StaffMember) -> None:
    a_morning(ctx, cashier)
    first = closures.finish_closure(ctx, manager, EXPECTED).closure
    a_morning(ctx, cashier)
    reading = closures.x_reading(ctx)
    texts = [block.text for block in reading_document(reading).blocks
             if isinstance(block, Text)]
    assert reading.till is not None
    assert texts[0] == "Lecture X"
    assert texts[1] == (f"Caisse : {reading.till.point_of_sale} · {reading.till.name}"
                        f" ({reading.till.code})")
    # From the previous Z to now, in Paris time.
    assert texts[2] == (f"Période : du {format_local_time(first.period_end)} au"
                        f" {format_local_time(reading.period_end)} (heure de Paris)")
