"""Baskets on hold: set aside under a name, several per till, kept across a restart,
taken up as the sale in progress again, deleted; never one that holds a payment, and
never a fiscal event."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.basket import Basket
from pos_app.domain.errors import (
    EmptyBasket,
    HeldBasketNameTooLong,
    NotAllowed,
    PaidBasketNotHeld,
    SaleInProgress,
    UnknownHeldBasket,
)
from pos_app.domain.staff import Role, StaffMember
from pos_app.services import drafts, held_baskets, selling
from pos_app.services.context import Context
from tests.integration.test_drafts import journal_chains, three_rides


def coffee(ctx: Context, quantity: int = 1) -> Basket:
    basket = Basket()
    selling.add_product(ctx, basket, "cafe", quantity)
    return basket


def test_held_baskets_are_named_listed_and_leave_no_sale_in_progress(
        store: Store, cashier: StaffMember, clock: FrozenClock) -> None:
    ctx = store.context
    before = journal_chains(ctx)
    drafts.keep_basket(ctx, cashier, three_rides(ctx), 1)
    held = held_baskets.hold_basket(ctx, cashier, three_rides(ctx), 2, "  Famille   Martin ")
    assert held.name == "Famille Martin"
    assert drafts.current_draft(ctx) is None  # the screen is free for the next customer
    clock.advance(timedelta(minutes=3))
    second = held_baskets.hold_basket(ctx, cashier, coffee(ctx, 2), 3, "")
    third = held_baskets.hold_basket(ctx, cashier, coffee(ctx), 4, "")
    listed = held_baskets.held_baskets(ctx)
    assert [(b.name, b.line_count, b.total_cents, b.held_by_name) for b in listed] == [
        ("Famille Martin", 1, 4200, cashier.display_name),
        ("Panier 1", 1, 2 * coffee(ctx).total_cents, cashier.display_name),
        ("Panier 2", 1, coffee(ctx).total_cents, cashier.display_name)]
    assert listed[0].basket.payer_id == "c-martin-lea"
    assert listed[1].held_at == held.held_at + timedelta(minutes=3)
    assert {second.id, third.id} == {b.id for b in listed[1:]}
    assert journal_chains(ctx) == before  # nothing sold, nothing journaled
    assert held_baskets.held_baskets(ctx, training=True) == []


def test_held_baskets_survive_a_restart_and_come_back_as_the_sale_in_progress(
        data_dir: Path, store: Store, cashier: StaffMember, clock: FrozenClock) -> None:
    ctx = store.context
    held = held_baskets.hold_basket(ctx, cashier, three_rides(ctx), 1, "Martin")
    held_baskets.hold_basket(ctx, cashier, coffee(ctx), 2, "Table 4")
    store.close()
    reopened = open_store(data_dir, clock)
    try:
        ctx = reopened.context
        assert [b.name for b in held_baskets.held_baskets(ctx)] == ["Martin", "Table 4"]
        draft = held_baskets.take_up_basket(ctx, cashier, held.id, 7)
        assert draft.version == 7
        assert drafts.current_draft(ctx) == draft
        assert [(line.product_id, line.quantity) for line in draft.basket.lines] == [
            ("balade-poney-1h", 3)]
        assert draft.basket.payer_id == "c-martin-lea"
        assert [b.name for b in held_baskets.held_baskets(ctx)] == ["Table 4"]
        # The screen goes on saving the basket it took up, then sells it.
        grown = Basket([*draft.basket.lines, *coffee(ctx).lines], draft.basket.payer_id)
        assert drafts.keep_basket(ctx, cashier, grown, 8) is not None
        order = drafts.validate_draft(ctx, cashier, grown, 8, validate_without_paying=True)
        assert order.total_cents == grown.total_cents
        assert drafts.current_draft(ctx) is None
        assert [b.name for b in held_baskets.held_baskets(ctx)] == ["Table 4"]
    finally:
        reopened.close()


def test_a_basket_is_taken_up_only_when_no_sale_is_in_progress(
        store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    held = held_baskets.hold_basket(ctx, cashier, three_rides(ctx), 1, "Martin")
    drafts.keep_basket(ctx, cashier, coffee(ctx), 2)
    with pytest.raises(SaleInProgress):
        held_baskets.take_up_basket(ctx, cashier, held.id, 3)
    assert drafts.current_draft(ctx) is not None  # what was typed stays
    assert [b.id for b in held_baskets.held_baskets(ctx)] == [held.id]
    drafts.keep_basket(ctx, cashier, Basket(), 3)  # emptied: now it can
    assert held_baskets.take_up_basket(ctx, cashier, held.id, 4).id == held.id
    with pytest.raises(UnknownHeldBasket):  # the sale in progress now, not on hold
        held_baskets.delete_held_basket(ctx, cashier, held.id)
    assert drafts.current_draft(ctx) is not None


def test_a_basket_that_received_a_payment_is_not_put_on_hold(
        store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    basket = three_rides(ctx)
    drafts.tender(ctx, cashier, basket, 1, "ESP", 500)
    with pytest.raises(PaidBasketNotHeld) as refused:
        held_baskets.hold_basket(ctx, cashier, basket, 2, "Martin")
    assert refused.value.paid_cents == 500
    draft = drafts.current_draft(ctx)
    assert draft is not None and draft.paid_cents == 500  # nothing moved
    assert held_baskets.held_baskets(ctx) == []


def test_refusals_hold_nothing(store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    with pytest.raises(EmptyBasket):
        held_baskets.hold_basket(ctx, cashier, Basket(), 1, "Vide")
    with pytest.raises(HeldBasketNameTooLong):
        held_baskets.hold_basket(ctx, cashier, coffee(ctx), 1, "x" * 61)
    checker = StaffMember("s-checker", "controle", "Contrôle", Role.CHECKER)
    with pytest.raises(NotAllowed):
        held_baskets.hold_basket(ctx, checker, coffee(ctx), 1, "Table 1")
    assert held_baskets.held_baskets(ctx) == []


def test_deleting_a_held_basket_drops_it_and_journals_nothing(
        store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    kept = held_baskets.hold_basket(ctx, cashier, coffee(ctx), 1, "Table 1")
    gone = held_baskets.hold_basket(ctx, cashier, three_rides(ctx), 2, "Martin")
    before = journal_chains(ctx)
    held_baskets.delete_held_basket(ctx, cashier, gone.id)
    assert [b.id for b in held_baskets.held_baskets(ctx)] == [kept.id]
    assert journal_chains(ctx) == before
    with pytest.raises(UnknownHeldBasket):
        held_baskets.delete_held_basket(ctx, cashier, gone.id)


def test_training_baskets_on_hold_are_kept_apart(
        store: Store, cashier: StaffMember) -> None:
    ctx = store.context
    held_baskets.hold_basket(ctx, cashier, coffee(ctx), 1, "Exercice", training=True)
    held_baskets.hold_basket(ctx, cashier, coffee(ctx), 2, "Vrai")
    assert [b.name for b in held_baskets.held_baskets(ctx, training=True)] == ["Exercice"]
    assert [b.name for b in held_baskets.held_baskets(ctx)] == ["Vrai"]


def test_a_store_with_baskets_on_hold_is_not_taken_back_to_the_version_before(
        store: Store, cashier: StaffMember) -> None:
    from alembic import command

    from pos_app.storage.migrate import alembic_config

    ctx = store.context
    held = held_baskets.hold_basket(ctx, cashier, coffee(ctx), 1, "Table 1")
    drafts.keep_basket(ctx, cashier, three_rides(ctx), 2)  # and a sale in progress
    with pytest.raises(RuntimeError, match="on hold"):
        command.downgrade(alembic_config(store.engine), "0011")
    held_baskets.delete_held_basket(ctx, cashier, held.id)
    command.downgrade(alembic_config(store.engine), "0011")  # none left: it can
    command.upgrade(alembic_config(store.engine), "head")
    store.engine.dispose()
    assert held_baskets.held_baskets(ctx) == []
    kept = drafts.current_draft(ctx)
    assert kept is not None and kept.basket.payer_id == "c-martin-lea"


def test_a_discount_is_checked_on_its_way_into_a_held_basket(
        store: Store, cashier: StaffMember, manager: StaffMember) -> None:
    """A held basket taken up is the sale in progress, whose kept discounts pass: so a
    discount the cashier may not give is refused when held, not only when kept."""
    from pos_app.domain.discount import DiscountAsked

    ctx = store.context
    basket = three_rides(ctx)
    basket.discount_line(0, DiscountAsked(cents=500), "Geste commercial", cashier.id)
    with pytest.raises(NotAllowed):
        held_baskets.hold_basket(ctx, cashier, basket, 1, "")
    assert held_baskets.held_baskets(ctx) == []
    # A manager's discount is held, taken up by the cashier and sold as it was given.
    given = three_rides(ctx)
    given.discount_line(0, DiscountAsked(cents=500), "Geste commercial", manager.id)
    held = held_baskets.hold_basket(ctx, manager, given, 1, "")
    draft = held_baskets.take_up_basket(ctx, cashier, held.id, 2)
    assert draft.basket.lines[0].discount_cents == 500
