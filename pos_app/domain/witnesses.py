"""The heads a journal must still reach (docs/fiscal.md, "Checking a journal").

A chain's links and signatures say that its entries were not changed one by one, not
that the chain was not cut short (its recorded head moved back with it) nor rewritten
whole with the till's own key. What was recorded of it elsewhere says that: each Z
records every chain's head (number, hash) as it was before the Z, and the server's
acknowledged heads; the Z's note in the event journal names the Z's own entry; the till
keeps the heads the server last acknowledged. The chain must hold each of these
entries, with that hash: since an entry's hash covers every entry before it, matching
the head means matching the whole chain up to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pos_app.domain.journal import JournalProblem


@dataclass(frozen=True, slots=True)
class Witness:
    """An entry some record says the chain holds."""

    chain: str
    number: int
    hash: str
    source: str  # who recorded it, in words: "Z 3 (closure entry 7)"…
    server: bool = False  # the server acknowledged it (else the till recorded it)


def z_witnesses(closures: Iterable[tuple[int, Mapping[str, Any]]]) -> list[Witness]:
    """What the Zs of the closure chain (entry number, body) recorded: every chain's
    head before each Z (`heads`), and the heads the server had acknowledged by then
    (`server_acknowledged`). Zs written before these fields existed record nothing."""
    found: list[Witness] = []
    for entry, body in closures:
        if body.get("kind") != "z":
            continue
        name = f"Z {body.get('number')} (closure entry {entry})"
        for head in _listed(body.get("heads")):
            found.append(Witness(head[0], head[1], head[2], f"{name} recorded"))
        for head in _listed(body.get("server_acknowledged")):
            if head[1]:  # 0: the server held nothing of that chain yet
                found.append(Witness(head[0], head[1], head[2], f"as {name} recorded it",
                                     server=True))
    return found


def note_witness(entry: int, body: Mapping[str, Any]) -> Witness | None:
    """The Z entry that the Z's note in the event journal (its entry number, body)
    names, if it names one."""
    named = body.get("z_entry")
    if not isinstance(named, Mapping):
        return None
    listed = _listed([{"chain": "closure", **named}])
    if not listed:
        return None
    _chain, number, digest = listed[0]
    return Witness("closure", number, digest,
                   f"the note of Z {body.get('number')} in the event journal (entry"
                   f" {entry}) recorded")


def check_witnesses(witnesses: Iterable[Witness], hash_of: Callable[[str, int], str | None],
                    skip: set[str]) -> list[JournalProblem]:
    """The first witness, per chain, that the chain does not reach: its entry missing or
    with another hash. `hash_of(chain, number)` reads the journal (None: no such entry);
    chains in `skip` (found broken already) are not looked at."""
    problems: dict[str, JournalProblem] = {}
    read: dict[tuple[str, int], str | None] = {}
    for witness in witnesses:
        if witness.chain in skip or witness.chain in problems:
            continue
        key = (witness.chain, witness.number)
        if key not in read:
            read[key] = hash_of(*key)
        found = read[key]
        if found == witness.hash:
            continue
        problems[witness.chain] = JournalProblem(witness.chain, witness.number,
                                                 _reason(witness, found))
    return list(problems.values())


def _reason(witness: Witness, found: str | None) -> str:
    journal = ("is missing" if found is None
               else f"is {found[:8]}… ({found})")
    if witness.server:
        return (f"the server acknowledged {witness.chain} entry {witness.number} with hash"
                f" {witness.hash[:8]}… ({witness.source}); the journal's entry"
                f" {witness.number} {journal}: the journal was rewritten or cut after it"
                " was sent")
    return (f"{witness.source} the {witness.chain} chain's head at entry {witness.number}"
            f" with hash {witness.hash[:8]}…; the journal's entry {witness.number}"
            f" {journal}: the chain was cut or rewritten after it")


def _listed(value: object) -> list[tuple[str, int, str]]:
    """(chain, number, hash) of a recorded list of heads; what is not of that shape is
    left out (a closure's own signature and the grand totals vouch for its body)."""
    if not isinstance(value, list):
        return []
    heads = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        chain, number, digest = item.get("chain"), item.get("number"), item.get("hash")
        if (isinstance(chain, str) and isinstance(number, int) and not isinstance(number, bool)
                and isinstance(digest, str)):
            heads.append((chain, number, digest))
    return heads
