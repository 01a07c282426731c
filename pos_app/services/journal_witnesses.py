"""What `verify_journal` checks beyond each chain on its own (docs/fiscal.md, "Checking a
journal"): every chain reaches the heads that were recorded of it (by the Zs, by the
Zs' notes in the event journal, by the server's acknowledgements the till keeps), and
the monthly and yearly closures are what their parts add up to."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pos_app.domain.closure_checks import verify_period_closures
from pos_app.domain.journal import Chain, Event, JournalProblem
from pos_app.domain.witnesses import (
    Witness,
    check_witnesses,
    note_witness,
    z_witnesses,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pos_app.domain.sync import ChainAck
    from pos_app.services.ports import UnitOfWork


def check_recorded_heads(uow: UnitOfWork, till_id: str, found: list[JournalProblem],
                         server_heads: Sequence[ChainAck] = ()) -> list[JournalProblem]:
    """The problems of this kind, given those `found` so far: a chain already found
    broken is not looked at again, and a broken event chain's note is not taken as a
    witness. `server_heads` are the heads the server answers now, if it was asked."""
    broken = {problem.chain for problem in found}
    problems: list[JournalProblem] = []
    closures = list(_bodies(uow, till_id))
    if Chain.CLOSURE not in broken:
        wrong = verify_period_closures(closures)
        if wrong is not None:
            problems.append(wrong)
    # A Z's heads are read even when the closure chain is found wrong (its takings no
    # longer those of the order entries it covers, say): they name what was cut.
    witnesses = z_witnesses(closures)
    if Chain.EVENT not in broken:
        note = uow.journal.last_event(till_id, Event.CLOSURE.value)
        # The last note is enough: the closure chain reaching it reaches every Z before.
        named = None if note is None else note_witness(note.number, note.payload)
        if named is not None:
            witnesses.append(named)
    witnesses += [Witness(ack.chain, ack.number, ack.hash, "as the till keeps it",
                          server=True)
                  for ack in uow.sync.acknowledgements(till_id) if ack.number]
    witnesses += [Witness(ack.chain, ack.number, ack.hash, "as the server answers now",
                          server=True)
                  for ack in server_heads if ack.number]

    def hash_of(chain: str, number: int) -> str | None:
        entry = uow.journal.entry(till_id, chain, number)
        return None if entry is None else entry.hash

    skip = broken | {problem.chain for problem in problems}
    return problems + check_witnesses(witnesses, hash_of, skip)


def _bodies(uow: UnitOfWork, till_id: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The closure chain's entries (number, body), those that read as JSON objects."""
    for row in uow.journal.rows(till_id, Chain.CLOSURE):
        try:
            body = json.loads(row[5])
        except ValueError:
            continue
        if isinstance(body, dict):
            yield row[0], body
