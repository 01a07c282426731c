"""The gate's tables (R11): validations, pulled keys, ticket states and conflicts read
back as written, replaced by key, deleted; a failed transaction leaves none of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pos_app.domain.gate import (
    ConflictKind,
    Outcome,
    TicketConflict,
    TicketKey,
    TicketState,
    Validation,
)
from pos_app.services.context import Context

AT = datetime(2026, 7, 11, 9, 30, tzinfo=UTC)


def validation(reference: str | None, at: datetime, outcome: Outcome = Outcome.VALIDATED,
               ident: str = "v1") -> Validation:
    return Validation(ident, reference, at, outcome, None if outcome is Outcome.VALIDATED
                      else "used_up", "staff-1", "till-1", "nocturne", "0011223344556677",
                      "TK1:AAAA")


def test_validations_count_entries_only_and_read_back_in_time_order(ctx: Context) -> None:
    with ctx.uow() as uow:
        uow.ticket_validations.add(validation("K7QM4XH92T", AT, ident="a"))
        uow.ticket_validations.add(validation("K7QM4XH92T", AT + timedelta(hours=1),
                                              ident="b"))
        uow.ticket_validations.add(validation("K7QM4XH92T", AT + timedelta(hours=2),
                                              Outcome.REFUSED, ident="c"))
        uow.ticket_validations.add(validation(None, AT + timedelta(hours=3), Outcome.REFUSED,
                                              ident="d"))
        uow.commit()
    with ctx.uow(write=False) as uow:
        assert uow.ticket_validations.used("K7QM4XH92T") == (2, AT + timedelta(hours=1))
        assert uow.ticket_validations.count("ABCDEFGHJK") == 0
        assert uow.ticket_validations.last("ABCDEFGHJK") is None
        listed = uow.ticket_validations.between(AT, AT + timedelta(hours=3))
    assert [item.id for item in listed] == ["a", "b", "c"]
    assert listed[0] == validation("K7QM4XH92T", AT, ident="a")
    assert listed[2].outcome is Outcome.REFUSED and listed[2].reason == "used_up"


def test_keys_states_and_conflicts_are_replaced_by_key_and_deleted(ctx: Context) -> None:
    key = TicketKey("0011223344556677", "ab" * 32, "till-2", "Caisse 2")
    state = TicketState("K7QM4XH92T", "nocturne", None, AT, AT + timedelta(hours=4), 1,
                        key.key_id)
    conflict = TicketConflict("c1", "K7QM4XH92T", ConflictKind.OVER_ALLOWANCE, AT,
                              ("till-1", "till-2"), "2 entries, 1 allowed")
    with ctx.uow() as uow:
        uow.ticket_keys.save_many([key])
        uow.ticket_states.save_many([state])
        uow.ticket_conflicts.save_many([conflict])
        uow.commit()
    revoked = TicketState(state.reference, state.product_id, "order-1", state.valid_from,
                          state.valid_until, None, key.key_id, AT, None, 3, AT)
    with ctx.uow() as uow:
        assert uow.ticket_keys.public_key(key.key_id) == key.public_key
        assert uow.ticket_keys.public_key("ffffffffffffffff") is None
        assert uow.ticket_states.get(state.reference) == state
        assert uow.ticket_conflicts.all() == [conflict]
        uow.ticket_keys.save_many([TicketKey(key.key_id, "cd" * 32, "till-2", "Caisse 2")])
        uow.ticket_states.save_many([revoked])
        uow.commit()
    with ctx.uow() as uow:
        assert uow.ticket_keys.all() == [TicketKey(key.key_id, "cd" * 32, "till-2",
                                                   "Caisse 2")]
        assert uow.ticket_states.get(state.reference) == revoked
        uow.ticket_states.delete([state.reference])
        uow.ticket_conflicts.delete(["c1"])
        uow.commit()
    with ctx.uow(write=False) as uow:
        assert uow.ticket_states.get(state.reference) is None
        assert uow.ticket_conflicts.all() == []


def test_a_transaction_not_committed_leaves_no_validation(ctx: Context) -> None:
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        uow.ticket_validations.add(validation("K7QM4XH92T", AT))
        raise RuntimeError("the till died before the commit")
    with ctx.uow(write=False) as uow:
        assert uow.ticket_validations.count("K7QM4XH92T") == 0
