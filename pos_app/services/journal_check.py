"""Checking the fiscal journal: `caisse journal verify` (docs/fiscal.md, "Checking a
journal"). Every chain walked, its keys proven, its time order, the heads the Zs and the
server recorded, and the business tables reconciled with it and each Z recomputed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pos_app.domain.journal import (
    BAD_SIGNATURE,
    Chain,
    Event,
    JournalEntry,
    JournalProblem,
    KeyProof,
    TimeOrder,
    prove_keys,
    verify_chain,
    verify_grand_totals,
)
from pos_app.services.context import Context, local_till
from pos_app.services.journal import record_event, record_event_alone
from pos_app.services.journal_witnesses import check_recorded_heads

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pos_app.domain.sync import ChainAck
    from pos_app.services.ports import JournalRepository, Signer


@dataclass(frozen=True, slots=True)
class JournalReport:
    entries: dict[str, int]  # chain → entries read
    problems: list[JournalProblem] = field(default_factory=list)
    key_location: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_journal(ctx: Context, every_signature: bool = False,
                   record_failure: bool = True,
                   server_heads: Sequence[ChainAck] = ()) -> JournalReport:
    """Recompute every chain of this till: numbers, links, hashes, and the signatures of
    each chain's last entry and of every closure (`every_signature`: of all entries).
    The keys recorded in the store must include this till's own key. A failed check is
    itself recorded in the event journal, when that chain is sound and `record_failure`
    (not on a store opened read-only); so is a sound result, when anything is journaled.
    `server_heads`: the heads the server answers now (`--with-server`), which the journal
    must hold too."""
    # Loaded here, not with the module: selling journals, and never reconciles.
    from pos_app.services.reconciliation import Reconciliation, in_reconciling_order

    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        keys = uow.journal.keys()
        heads = uow.journal.heads(till.id)
        problems: list[JournalProblem] = []
        proof, late = _walk_store_order(uow.journal, till.id, ctx.signer)
        location = _check_own_key(ctx.signer, keys, proof, problems)
        # A proof that fails is named once: past it, signatures are checked under the
        # keys recorded, so that the other chains are judged on their own.
        proven = proof.keys if proof.problem is None else {**keys, **proof.keys}

        def check(key_id: str, digest: bytes, signature: bytes) -> bool:
            # Under the key the journal proves, never one merely in till_keys.
            public = proven.get(key_id)
            return public is not None and ctx.signer.verify(public, digest, signature)

        entries: dict[str, int] = {}
        reconciliation = Reconciliation(uow.records, till.id)
        for chain in in_reconciling_order(uow.journal.chains(till.id)):
            count, problem = verify_chain(
                till.id, chain, uow.journal.rows(till.id, chain), check, heads.get(chain),
                every_signature, feed=reconciliation.feeder(chain))
            entries[chain] = count
            problem = _first(problem, proof.problem, chain)
            if problem is not None:
                problems.append(problem)
        if proof.problem is not None and proof.problem.chain not in entries:
            problems.append(proof.problem)
        if proof.problem is None:
            problems += _unproven_keys(keys, proven)
        if not any(p.chain in (Chain.ORDER, Chain.CLOSURE) for p in problems):
            totals = verify_grand_totals(
                ((row[0], json.loads(row[5])) for row in uow.journal.rows(till.id,
                                                                          Chain.CLOSURE)),
                lambda first, last: reconciliation.order_totals(first, last)
                or uow.journal.range_totals(till.id, Chain.ORDER, first, last)[:2])
            if totals is not None:
                problems.append(totals)
        problems += check_recorded_heads(uow, till.id, problems, server_heads)
        problems += _check_whole(uow.journal, till.id, entries, keys, problems, late)
        if not problems:
            problems += reconciliation.problems(problems)
    report = JournalReport(entries, problems, location)
    # Nothing is written to an event journal that is itself broken, nor under this
    # till's id when the journal seems to be another till's.
    if (record_failure and problems and not any(
            problem.chain in (Chain.EVENT, STORE) for problem in problems)):
        _record_failure(ctx, till.id, problems)
    elif record_failure and not problems and entries:
        # A sound result is journaled too (with what was read), so that the journal shows
        # when it was checked; a till that journaled nothing yet gets no entry for it.
        record_event_alone(ctx, Event.VERIFICATION_SUCCESS, entries=entries,
                           every_signature=every_signature)
    return report


STORE = "journal"  # the chain name of a problem of the journal as a whole

# What a chain journals, as problems name it.
_RECORDS: dict[str, str] = {Chain.ORDER: "orders, payments or refunds", Chain.TRAINING:
            "training orders, payments or refunds", Chain.CLOSURE: "closures",
            Chain.EVENT: "cash movements"}


def _walk_store_order(journal: JournalRepository, till_id: str, signer: Signer
                      ) -> tuple[KeyProof, JournalProblem | None]:
    """The keys the journal proves and the first step back in time it does not excuse,
    from one walk of every entry in store order.

    Only the entries that can matter are given to the time order and the key proof: the
    first, the key events, clock jumps and every other event, the entry after a key
    event, an entry signed under another key than the one before it, and one whose time
    is before the previous entry's (with that previous entry). Any other entry, given to
    them, would only pass: it is signed under the key of the entry before it, which was
    no key event, and its time is not before that entry's."""
    time_order = TimeOrder()
    feed = time_order.feed

    def trail() -> Iterator[tuple[Any, ...]]:
        previous: tuple[Any, ...] | None = None
        # The first entry is always given: as if it came after a key event.
        previous_key, previous_at, fed, after_key = None, "", True, True
        for row in journal.store_order(till_id):
            at, key_id, event = row[7], row[2], row[3]
            if event or key_id != previous_key or at < previous_at or after_key:
                if not fed and previous is not None:
                    feed(previous[0], previous[1], previous[7], previous[3], previous[8])
                feed(row[0], row[1], at, event, row[8])
                yield row[:7]
                fed = True
                after_key = event in _KEY_EVENTS
            else:
                fed = False
            previous, previous_key, previous_at = row, key_id, at

    walk = trail()
    proof = prove_keys(walk, signer.verify)
    for _row in walk:  # what the proof, stopped at a problem, did not read
        pass
    return proof, time_order.problem


_KEY_EVENTS = (Event.KEY_CREATED, Event.KEY_ROTATED)


def _check_whole(journal: JournalRepository, till_id: str, entries: dict[str, int],
                 keys: dict[str, str], found: list[JournalProblem],
                 late: JournalProblem | None) -> list[JournalProblem]:
    """What the chains, each sound, can still hide: a journal emptied, or whose till id
    was changed, reads as no chains at all; an event journal rewritten without its start;
    an entry whose time was moved back. `entries` are the chains read."""
    problems: list[JournalProblem] = []
    if not entries and (others := journal.other_tills(till_id)):
        problems.append(JournalProblem(
            STORE, 0, f"it has no entry of this till ({till_id}) but entries of"
            f" {', '.join(others)}: the till's id was changed, or the journal is another"
            " till's"))
    elif not entries and keys:
        # A key is only ever recorded with its announcement in the event journal.
        problems.append(JournalProblem(
            STORE, 0, f"it has no entries, but {len(keys)} signing key(s) are recorded"
            " (till_keys), each written with its announcement in the event journal: the"
            " journal was removed"))
    for chain, count in journal.records_to_journal(till_id).items():
        if chain not in entries:
            problems.append(JournalProblem(
                chain, 0, f"the store holds {_RECORDS.get(chain, 'records')} made at this"
                f" till ({count}), but the chain has no entries (the journal was removed)"))
    broken = {problem.chain for problem in found + problems}
    if entries and Chain.EVENT not in entries:
        problems.append(JournalProblem(
            Chain.EVENT, 0, "the event journal is missing: it starts, before any other"
            " entry, with the announcement of the till's key (key_created)"))
    elif entries and Chain.EVENT not in broken:
        first = journal.entry(till_id, Chain.EVENT, 1)
        if first is not None and not _announces_key(first, keys):
            problems.append(JournalProblem(
                Chain.EVENT, 1, "it is not the announcement of one of the journal's keys"
                " (key_created), with which the event journal starts"))
    if entries and late is not None and late.chain not in broken | {
            p.chain for p in problems}:
        problems.append(late)
    return problems


def _announces_key(entry: JournalEntry, keys: dict[str, str]) -> bool:
    try:
        body = entry.payload
    except ValueError:
        return False
    return (isinstance(body, dict) and body.get("event") == Event.KEY_CREATED.value
            and keys.get(str(body.get("key_id"))) == body.get("public_key"))


def _first(chain_problem: JournalProblem | None, key_problem: JournalProblem | None,
           chain: str) -> JournalProblem | None:
    """The chain's first problem: its own walk's, or the key proof's when that names an
    earlier entry of this chain (or the same one, whose signature the key explains)."""
    if key_problem is None or key_problem.chain != chain:
        return chain_problem
    if chain_problem is None or 0 < key_problem.number < chain_problem.number or (
            key_problem.number == chain_problem.number
            and chain_problem.reason == BAD_SIGNATURE):
        return key_problem
    return chain_problem


def _unproven_keys(keys: dict[str, str],
                   proven: dict[str, str]) -> list[JournalProblem]:
    """A key recorded (till_keys) that the journal does not prove proves nothing: it is
    named, as one recorded under a proven key's id with another public key."""
    problems = []
    for key_id, public in sorted(keys.items()):
        if key_id not in proven:
            problems.append(JournalProblem(
                "keys", 0, f"key {key_id} is recorded (till_keys), but neither the"
                " announcement of event entry 1 (key_created) nor a key rotation"
                " (key_rotated) signed by the key before it proves it"))
        elif proven[key_id] != public:
            problems.append(JournalProblem(
                "keys", 0, f"key {key_id} is recorded (till_keys) with another public key"
                " than the journal announced"))
    return problems


def _check_own_key(signer: Signer, keys: dict[str, str], proof: KeyProof,
                   problems: list[JournalProblem]) -> str:
    """The till's own key (keyring or file) must be the key the journal proves last: a
    journal re-signed whole, from a new announcement, under a key of the forger's is
    then found."""
    from pos_app.services.ports import SigningKeyUnavailable

    try:
        if not signer.exists():
            if keys or proof.latest is not None:
                problems.append(JournalProblem(
                    "keys", 0, f"this till's signing key is gone (the journal is signed"
                    f" with key {proof.latest or ', '.join(sorted(keys))}, and no key file"
                    " or keyring entry holds it): restore it from the keyring or a backup"))
                return "gone"
            return "none: this till has no signing key yet"
        own_id, own_public, location = signer.key_id, signer.public_key, signer.location
    except SigningKeyUnavailable as error:
        problems.append(JournalProblem("keys", 0, f"this till's key cannot be read: {error}"))
        return "unreadable"
    if keys and keys.get(own_id) != own_public:
        problems.append(JournalProblem(
            "keys", 0, "the keys recorded in the journal are not this till's key"))
    elif proof.latest is not None and proof.latest != own_id:
        problems.append(JournalProblem(
            "keys", 0, f"this till's key ({own_id}) is not the key the journal proves it"
            f" signs with now ({proof.latest})"))
    return location


def _record_failure(ctx: Context, till_id: str, problems: list[JournalProblem]) -> None:
    from pos_app.services.ports import SigningKeyUnavailable

    try:
        with ctx.uow() as uow:
            record_event(uow, ctx.signer, till_id, ctx.clock.now(),
                         Event.VERIFICATION_FAILURE,
                         problems=[str(problem) for problem in problems])
            uow.commit()
    except SigningKeyUnavailable:
        pass  # the till signs nothing without its key: the report says why
