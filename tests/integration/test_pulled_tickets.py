"""Tickets of the venue coming down in a pull (docs/sync.md, "Admission tickets"): the
tills' keys, the server's view of each ticket (the entries of the other tills only) and
the conflicts, applied into the gate's tables; a tombstone or a resolved conflict takes
its item away; an item that does not read is skipped, the rest applied."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pos_app.domain.gate import ConflictKind
from pos_app.domain.sync import PulledChange
from pos_app.services.context import Context, local_till
from pos_app.services.pulled_tickets import apply_tickets

KEY = "ab" * 32
REFERENCE = "K7QM4XH92T"


def ticket(**changed: Any) -> dict[str, Any]:
    return {"reference": REFERENCE, "product_id": "spectacle", "order_id": "o-1",
            "valid_from": "2026-07-10T22:00:00+00:00",
            "valid_until": "2026-07-11T22:00:00+00:00", "entries_allowed": 1,
            "key_id": "0123456789abcdef", "revoked_at": None, "voided_at": None,
            "entries_by_till": {}, "last_validated_at": None, **changed}


def apply(ctx: Context, *changes: tuple[str, str, Any]) -> int:
    with ctx.uow() as uow:
        applied = apply_tickets(uow, [PulledChange(cursor, kind, item_id, data)
                                      for cursor, (kind, item_id, data)
                                      in enumerate(changes, start=1)], local_till(uow).id)
        uow.commit()
    return applied


def test_keys_tickets_and_conflicts_come_into_the_gates_tables(ctx: Context) -> None:
    with ctx.uow(write=False) as uow:
        mine = local_till(uow).id
    applied = apply(
        ctx,
        ("ticket_key", "0123456789abcdef", {"key_id": "0123456789abcdef", "public_key": KEY,
                                            "till_id": "t-2", "till_name": "Caisse 2"}),
        ("ticket", REFERENCE, ticket(entries_by_till={mine: 1, "t-2": 2, "t-3": 1},
                                     last_validated_at="2026-07-11T09:05:00+00:00",
                                     revoked_at="2026-07-11T08:30:00+00:00")),
        ("ticket_conflict", "7", {"id": "7", "reference": REFERENCE, "kind": "over_allowance",
                                  "at": "2026-07-11T10:00:00Z", "till_ids": [mine, "t-2"],
                                  "details": "{}", "resolved_at": None}),
        ("product", "p-1", {"id": "p-1"}),  # not a ticket's: left to the import
    )
    assert applied == 3
    with ctx.uow(write=False) as uow:
        assert uow.ticket_keys.public_key("0123456789abcdef") == KEY
        state = uow.ticket_states.get(REFERENCE)
        [conflict] = uow.ticket_conflicts.all()
    assert state is not None
    assert state.entries_elsewhere == 3  # its own validation is counted here, not twice
    assert (state.revoked_at, state.last_validated_at) == (
        datetime(2026, 7, 11, 8, 30, tzinfo=UTC), datetime(2026, 7, 11, 9, 5, tzinfo=UTC))
    assert (conflict.id, conflict.kind, conflict.till_ids) == (
        "7", ConflictKind.OVER_ALLOWANCE, (mine, "t-2"))

    # Resolved on the server, or deleted: gone here too. A broken item is skipped.
    assert apply(ctx, ("ticket_conflict", "7", {"id": "7", "resolved_at": "2026-07-12T08:00Z"}),
                 ("ticket", REFERENCE, None),
                 ("ticket", "BROKEN", {"reference": "BROKEN"})) == 2
    with ctx.uow(write=False) as uow:
        assert uow.ticket_states.get(REFERENCE) is None
        assert uow.ticket_conflicts.all() == []
        assert uow.ticket_states.get("BROKEN") is None
