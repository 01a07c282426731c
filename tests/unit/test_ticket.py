"""Ticket references and tokens (domain/ticket.py): unguessable, typed without look-alikes,
a typing mistake caught, and a token that says exactly what its issuer signed."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pos_app.adapters.signing import key_id_of, verify_signature
from pos_app.domain.ticket import (
    ALPHABET,
    REFERENCE_LENGTH,
    TicketClaims,
    TicketReferenceInvalid,
    TicketTokenInvalid,
    encode_token,
    message_digest,
    new_reference,
    normalise_reference,
    read_token,
    shown_reference,
    signed_message,
    whole_minute,
)


def seeded(seed: int) -> random.Random:
    return random.Random(seed)


def references(count: int, seed: int = 7) -> list[str]:
    draw = seeded(seed)
    return [new_reference(draw.randbytes) for _ in range(count)]


def test_a_reference_has_no_look_alike_and_reads_back_however_typed() -> None:
    made = references(2000)
    assert len(set(made)) == len(made)
    for reference in made:
        assert len(reference) == REFERENCE_LENGTH
        assert not set(reference) & set("0O1ILU")
        shown = shown_reference(reference)
        assert shown[5] == "-"
        assert normalise_reference(shown) == reference
        assert normalise_reference(f"  {shown.lower()[:4]} {shown.lower()[4:]} ") == reference


def test_its_symbols_are_drawn_evenly() -> None:
    counts = dict.fromkeys(ALPHABET, 0)
    for reference in references(3000, seed=11):
        for symbol in reference[:-1]:  # the check symbol is computed, not drawn
            counts[symbol] += 1
    expected = 3000 * 9 / len(ALPHABET)
    assert all(abs(count - expected) < expected * 0.15 for count in counts.values())


def test_one_symbol_typed_wrong_or_two_swapped_is_caught() -> None:
    for reference in references(200, seed=3):
        for at in range(REFERENCE_LENGTH):
            for symbol in ALPHABET:
                if symbol == reference[at]:
                    continue
                wrong = reference[:at] + symbol + reference[at + 1:]
                # Values 0 and 29 differ by the modulus: the one pair it cannot tell.
                if {reference[at], symbol} == {ALPHABET[0], ALPHABET[29]}:
                    continue
                with pytest.raises(TicketReferenceInvalid):
                    normalise_reference(wrong)
        for at in range(REFERENCE_LENGTH - 1):
            a, b = reference[at], reference[at + 1]
            if a == b or {a, b} == {ALPHABET[0], ALPHABET[29]}:
                continue
            with pytest.raises(TicketReferenceInvalid):
                normalise_reference(reference[:at] + b + a + reference[at + 2:])


@pytest.mark.parametrize("typed", ["", "CD2-000123-2-1", "K7QM4-XH92", "K7QM4-XH92T7",
                                   "K7QM0-XH92T", "é" * 10])
def test_what_is_not_a_reference_is_said(typed: str) -> None:
    with pytest.raises(TicketReferenceInvalid):
        normalise_reference(typed)


KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def claims(**changes: object) -> TicketClaims:
    values: dict[str, object] = {
        "key_id": key_id_of(PUBLIC), "reference": new_reference(seeded(1).randbytes),
        "product_id": "entree-adulte", "valid_from": datetime(2026, 7, 14, 9, 30, tzinfo=UTC),
        "valid_until": datetime(2026, 7, 14, 18, 0, tzinfo=UTC), "entries_allowed": 1}
    values.update(changes)
    return TicketClaims(**values)  # type: ignore[arg-type]


def sign(made: TicketClaims) -> str:
    message = signed_message(made)
    return encode_token(message, KEY.sign(message_digest(message)))


def verifies(token: str) -> bool:
    read = read_token(token)
    return verify_signature(PUBLIC.hex(), message_digest(read.message), read.signature)


def test_a_token_reads_back_as_signed_and_fits_a_small_qr_code() -> None:
    for made in (claims(), claims(entries_allowed=None, product_id="pass-saison-été"),
                 claims(entries_allowed=255)):
        token = sign(made)
        assert set(token[4:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")  # QR alphanumeric
        assert len(token) < 200
        read = read_token(token)
        assert read.claims == made and verifies(token)
        assert read_token(token.lower()).claims == made  # a reader that lowercased it


def test_a_token_with_one_character_changed_never_verifies_as_another_ticket() -> None:
    token = sign(claims())
    draw = seeded(5)
    for at in [*range(4, len(token)), *(draw.randrange(4, len(token)) for _ in range(400))]:
        changed = token[:at] + draw.choice([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
                                            if c != token[at]]) + token[at + 1:]
        with contextlib.suppress(TicketTokenInvalid):  # not even readable: refused too
            assert not verifies(changed)


def test_a_token_signed_by_another_key_does_not_verify() -> None:
    other = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    message = signed_message(claims())
    assert not verifies(encode_token(message, other.sign(message_digest(message))))


@pytest.mark.parametrize("text", ["", "TK1:", "TK1:AAAA", "TK2:" + "A" * 150,
                                  "https://example.org/ticket", "TK1:" + "1" * 150])
def test_what_is_not_a_token_is_said(text: str) -> None:
    with pytest.raises(TicketTokenInvalid):
        read_token(text)


def test_a_validity_is_whole_minutes_in_utc() -> None:
    moment = datetime(2026, 7, 14, 9, 30, 42, 5, tzinfo=UTC)
    assert whole_minute(moment) == datetime(2026, 7, 14, 9, 30, tzinfo=UTC)
    with pytest.raises(ValueError):
        claims(valid_from=moment)
    with pytest.raises(ValueError):
        claims(valid_until=datetime(2026, 7, 14, 9, 0, tzinfo=UTC))  # before it starts
    with pytest.raises(ValueError):
        claims(entries_allowed=0)
