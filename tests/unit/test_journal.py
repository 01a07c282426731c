"""The journal's chain, hashes and verification, without a store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.journal import (
    GENESIS,
    Chain,
    ChainHead,
    JournalEntry,
    canonical_json,
    entry_message,
    from_journal_time,
    journal_time,
    next_entry,
    verify_chain,
    verify_time_order,
)

AT = datetime(2026, 7, 11, 8, 0, 30, 999_999, tzinfo=UTC)


def fake_sign(digest: bytes) -> bytes:
    """A stand-in signature (HMAC-like) so the chain logic is tested without a key."""
    return hashlib.sha256(b"key" + digest).digest()


def fake_check(_key_id: str, digest: bytes, signature: bytes) -> bool:
    return fake_sign(digest) == signature


def chain_of(amounts: list[int], chain: Chain = Chain.ORDER) -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    head = None
    for index, amount in enumerate(amounts):
        entry = next_entry(head, "till-1", chain, AT + timedelta(seconds=index), amount,
                           {"kind": "sale", "total_cents": amount}, fake_sign, "k1")
        entries.append(entry)
        head = ChainHead(entry.number, entry.hash)
    return entries


def rows(entries: list[JournalEntry]) -> list[tuple[Any, ...]]:
    return [(e.number, e.at, e.previous_hash, e.hash, e.amount_cents, e.body, e.signature,
             e.key_id) for e in entries]


def verify(entries: list[JournalEntry], head: ChainHead | None = None,
           check: Callable[[str, bytes, bytes], bool] = fake_check,
           full: bool = True) -> tuple[int, Any]:
    if head is None and entries:
        head = ChainHead(entries[-1].number, entries[-1].hash)
    return verify_chain("till-1", "order", rows(entries), check, head, full)


def test_canonical_json_sorts_keys_without_spaces() -> None:
    assert canonical_json({"b": [1, {"d": "é", "c": None}], "a": True}) == \
        '{"a":true,"b":[1,{"c":null,"d":"é"}]}'



def test_journal_time_is_utc_to_the_second() -> None:
    paris = timezone(timedelta(hours=2))
    assert journal_time(datetime(2026, 7, 11, 10, 0, 30, 999, tzinfo=paris)) == \
        "2026-07-11T08:00:30Z"
    with pytest.raises(ValueError, match="offset-aware"):
        journal_time(datetime(2026, 7, 11))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.just(UTC)))
def test_journal_times_read_back_to_the_second(moment: datetime) -> None:
    assert from_journal_time(journal_time(moment)) == moment.replace(microsecond=0)


@pytest.mark.parametrize("text", ["2026-07-11T08:00:30", "2026-07-11T08:00:30+02:00",
                                  "2026-07-11 08:00:30Z", "2026-07-11T08:00Z", "yesterday"])
def test_anything_but_a_journal_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        from_journal_time(text)


def test_entries_chain_from_genesis_and_hash_their_message() -> None:
    first, second = chain_of([1400, -1400])
    assert (first.number, first.previous_hash) == (1, GENESIS)
    assert (second.number, second.previous_hash) == (2, first.hash)
    assert second.hash == hashlib.sha256(entry_message(
        first.hash, "till-1", "order", 2, "2026-07-11T08:00:31Z", -1400,
        '{"kind":"sale","total_cents":-1400}')).hexdigest()
    assert second.message().decode().split("\n")[:6] == [
        first.hash, "till-1", "order", "2", "2026-07-11T08:00:31Z", "-1400"]


def test_a_sound_chain_verifies() -> None:
    entries = chain_of([100, 200, 300])
    assert verify(entries) == (3, None)
    assert verify([], head=None) == (0, None)


@given(st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=12), st.data())
def test_any_single_alteration_is_found_at_its_entry(amounts: list[int],
                                                     data: st.DataObject) -> None:
    entries = chain_of(amounts)
    index = data.draw(st.integers(0, len(entries) - 1))
    field = data.draw(st.sampled_from(["amount_cents", "body", "at"]))
    original = entries[index]
    changed = {"amount_cents": original.amount_cents + 1,
               "body": original.body.replace("sale", "sold"),
               "at": "2026-07-11T09:00:00Z"}[field]
    entries[index] = JournalEntry(**{**{name: getattr(original, name) for name in
                                        JournalEntry.__slots__}, field: changed})
    _count, problem = verify(entries)
    assert problem is not None and problem.number == original.number
    assert "does not match its hash" in problem.reason


def test_missing_repeated_and_cut_short_entries_are_named() -> None:
    entries = chain_of([1, 2, 3, 4])
    head = ChainHead(4, entries[-1].hash)
    assert str(verify(entries[:1] + entries[2:], head)[1]) == \
        "order chain, entry 3: entry 2 is missing"
    assert verify(entries[:2] + entries[1:], head)[1].reason == "entry 2 appears again"
    _count, cut = verify(entries[:2], head)
    assert (cut.number, cut.reason) == (3, "entries 3 to 4 are missing (the chain was cut"
                                        " short)")
    _count, headless = verify_chain("till-1", "order", rows(entries), fake_check, None)
    assert headless is not None and headless.reason == "the chain has no recorded head"


def test_signatures_of_the_head_always_and_of_every_entry_when_asked() -> None:
    entries = chain_of([1, 2, 3])
    bad = JournalEntry(**{**{name: getattr(entries[1], name) for name in
                             JournalEntry.__slots__}, "signature": "00" * 64})
    altered = [entries[0], bad, entries[2]]
    assert verify(altered, full=False) == (3, None)  # the head's signature holds
    _count, problem = verify(altered, full=True)
    assert (problem.number, problem.reason) == (2, "its signature is not valid")
    assert verify(entries, check=lambda *_: False, full=False)[1].number == 3


def z_body(number: int, first: int, last: int, period: int, absolute: int,
           perpetual: int, perpetual_absolute: int) -> dict[str, Any]:
    return {"kind": "z", "number": number, "order_entries": {"first": first, "last": last},
            "takings_absolute_cents": absolute,
            "grand_totals": {"period_cents": period, "perpetual_cents": perpetual,
                             "perpetual_absolute_cents": perpetual_absolute}}


AMOUNTS = {1: 1400, 2: -1400, 3: 160, 4: 320}  # order entries: a sale, its cancellation…


def order_totals(first: int, last: int) -> tuple[int, int]:
    amounts = [AMOUNTS[n] for n in range(first, last + 1)]
    return sum(amounts), sum(abs(a) for a in amounts)


def test_grand_totals_are_recomputed_from_the_order_chain() -> None:
    from pos_app.domain.journal import verify_grand_totals

    z1 = z_body(1, 1, 2, 0, 2800, 0, 2800)
    z2 = z_body(2, 3, 4, 480, 480, 480, 3280)
    month = {"kind": "month", "number": 1, "parts": {"kind": "z", "first": 1, "last": 2},
             "grand_totals": {"period_cents": 480, "perpetual_cents": 480,
                              "perpetual_absolute_cents": 3280}}
    assert verify_grand_totals([(1, z1), (2, z2), (3, month)], order_totals) is None
    wrong_takings = z_body(2, 3, 4, 470, 470, 470, 3270)
    problem = verify_grand_totals([(1, z1), (2, wrong_takings)], order_totals)
    assert problem is not None and (problem.number, problem.reason) == (
        2, "its takings differ from the order entries it covers")
    skipped = z_body(2, 4, 4, 320, 320, 320, 3120)
    assert "not after the previous Z's (2)" in str(
        verify_grand_totals([(1, z1), (2, skipped)], order_totals))
    wrong_perpetual = z_body(2, 3, 4, 480, 480, 999, 3280)
    assert "perpetual" in str(verify_grand_totals([(1, z1), (2, wrong_perpetual)],
                                                  order_totals))
    wrong_month = {**month, "grand_totals": {**month["grand_totals"], "period_cents": 1}}
    assert "its z closures" in str(
        verify_grand_totals([(1, z1), (2, z2), (3, wrong_month)], order_totals))


# -- time order ----------------------------------------------------------------------------

def _at(minutes: float) -> str:
    return journal_time(datetime(2026, 7, 11, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes))


def test_time_may_go_forward_and_back_within_two_minutes() -> None:
    entries = [("event", 1, _at(0), "key_created", ""), ("order", 1, _at(5), "", ""),
               ("event", 2, _at(3), "sign_in", ""), ("order", 2, _at(20), "", "")]
    assert verify_time_order(entries) is None


def test_an_entry_back_in_time_without_a_clock_jump_is_named_with_both_times() -> None:
    entries = [("event", 1, _at(0), "key_created", ""), ("order", 1, _at(10), "", ""),
               ("event", 2, _at(11), "sign_in", ""), ("order", 2, _at(-50), "", "")]
    problem = verify_time_order(entries)
    assert problem is not None and (problem.chain, problem.number) == ("order", 2)
    assert _at(-50) in problem.reason and _at(11) in problem.reason
    assert "event chain, entry 2" in problem.reason


def test_a_step_back_is_found_even_after_its_own_chain_s_previous_entry() -> None:
    # The sale is later than the sale before it, but earlier than what was written
    # between them: only the store's order tells it was back-dated.
    entries = [("order", 1, _at(0), "", ""), ("event", 1, _at(60), "start", ""),
               ("order", 2, _at(30), "", "")]
    problem = verify_time_order(entries)
    assert problem is not None and (problem.chain, problem.number) == ("order", 2)


def test_a_journaled_clock_jump_excuses_the_step_back() -> None:
    entries = [("order", 1, _at(60), "", ""),
               ("event", 2, _at(0), "clock_jump", f"{_at(60)} {_at(0)}"),
               ("order", 2, _at(0), "", ""), ("order", 3, _at(1), "", "")]
    assert verify_time_order(entries) is None
    # A key announced as the clock jumped is written just before the jump.
    announced = [("order", 1, _at(60), "", ""), ("event", 2, _at(0), "key_created", ""),
                 ("event", 3, _at(0), "clock_jump", f"{_at(60)} {_at(0)}"),
                 ("order", 2, _at(0), "", "")]
    assert verify_time_order(announced) is None
    alone = announced[:2] + announced[3:]
    problem = verify_time_order(alone)
    assert problem is not None and (problem.chain, problem.number) == ("event", 2)


def test_a_clock_jump_moved_back_is_named() -> None:
    # Its body still says the times it was written with, or says times that are not
    # the entries' around it.
    honest = f"{_at(60)} {_at(30)}"
    for at, jump in ((_at(0), honest), (_at(0), f"{_at(50)} {_at(0)}"), (_at(30), "")):
        entries = [("order", 1, _at(60), "", ""), ("event", 2, at, "clock_jump", jump)]
        problem = verify_time_order(entries)
        assert problem is not None and (problem.chain, problem.number) == ("event", 2)
        assert "clock jump" in problem.reason


def test_small_corrections_in_a_row_are_time_passing() -> None:
    # Each step back is within the till's tolerance, so the till journaled no jump.
    entries = [("order", n + 1, _at(-1.5 * n), "", "") for n in range(5)]
    assert verify_time_order(entries) is None
