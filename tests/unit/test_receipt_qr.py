"""A receipt's QR checks only as the exact text the till made: no other spelling of the
same values, and no edit of any kind, is taken for it; a training receipt's QR never
checks as a sale."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pos_app.adapters.signing import verify_signature
from pos_app.domain.receipt import check_qr, qr_message, signed_qr
from pos_app.domain.vat import VatLine, VatRate

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
VAT = (VatLine(VatRate(2000), 160, 133, 27), VatLine(VatRate(1000), 1400, 1273, 127))
AT = datetime(2026, 7, 11, 8, 5, 9, tzinfo=UTC)
HASH = "0123456789abcdef" * 4
# Characters that matter to a loose reader: both base64 alphabets, padding, separators,
# digits (a fullwidth one too), signs, case, whitespace.
REPLACEMENTS = "A0az9-_+/=|:; TZ\n１"


def made(training: bool = False, number: str = "CD2-000001") -> str:
    return signed_qr(qr_message("till-1", number, AT, VAT, 1560, HASH, training), KEY.sign)


def valid(text: str) -> bool:
    return check_qr(text, PUBLIC, verify_signature) is not None


def test_the_genuine_qr_checks_even_with_a_scanners_newline() -> None:
    qr = made()
    summary = check_qr(f"  {qr}\r\n", PUBLIC, verify_signature)
    assert summary is not None and not summary.training
    assert (summary.number, summary.at, summary.total_cents, summary.totals_by_rate,
            summary.hash_prefix) == ("CD2-000001", AT, 1560, {2000: 160, 1000: 1400},
                                     HASH[:16])


def test_an_order_prefix_in_any_letters_checks() -> None:
    summary = check_qr(made(number="CAFÉ-000001"), PUBLIC, verify_signature)
    assert summary is not None and summary.number == "CAFÉ-000001"


def test_every_single_character_change_is_refused() -> None:
    qr = made()
    tried = 0
    for position in range(len(qr)):
        for character in REPLACEMENTS:
            if character != qr[position]:
                changed = qr[:position] + character + qr[position + 1:]
                if changed.strip() != qr:  # a space replacing the first or last character
                    tried += 1
                    assert not valid(changed), (position, character)
        assert not valid(qr[:position] + qr[position + 1:]), position  # deleted
        assert not valid(qr[:position] + "0" + qr[position:]), position  # inserted
    assert tried > 10 * len(qr)


def test_other_spellings_of_the_same_values_are_refused() -> None:
    qr = made()
    message, _bar, encoded = qr.rpartition("|")
    signature = base64.urlsafe_b64decode(encoded + "==")
    standard = base64.b64encode(signature).decode()
    # The last character of 86 base64 digits carries 2 unused bits: set them.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet[alphabet.index(encoded[-1]) | 1]
    loose = [f"{message}|{encoded}==",                       # padding
             f"{message}|{encoded[:40]} {encoded[40:]}",     # whitespace inside
             f"{message}|{encoded[:40]}\n{encoded[40:]}",
             f"{message}|{standard.rstrip('=')}",            # the other alphabet
             f"{message}|{encoded[:-1]}{last}" if last != encoded[-1] else "",
             qr.replace("|1560|", "|01560|"), qr.replace("|1560|", "|+1560|"),
             qr.replace("2000:160", "+2000:0160"), qr.replace("|1560|", "| 1560|"),
             qr.replace("2000:160;1000:1400", "1000:1400;2000:160"),
             qr.replace("T080509Z", "t080509z"), qr.replace("20260711T", "2026711T"),
             qr.replace("|1560|", "|1_560|"), qr.replace("|1560|", "|１５６０|")]
    assert standard.rstrip("=") != encoded  # this signature has a `-` or `_`: see below
    for text in filter(None, loose):
        assert text != qr and not valid(text), text


def test_random_edits_are_refused() -> None:
    """Property-style: edits of one to three characters at random places (seeded)."""
    generator = random.Random(14)
    qrs = [made(number=f"CD2-{n:06d}") for n in range(1, 9)]
    pool = REPLACEMENTS + "bcdefXY123|"
    refused = 0
    for _case in range(1500):
        qr = generator.choice(qrs)
        text = qr
        for _edit in range(generator.randint(1, 3)):
            at = generator.randrange(len(text) + 1)
            kind = generator.choice(("replace", "insert", "delete"))
            if kind == "insert":
                text = text[:at] + generator.choice(pool) + text[at:]
            elif kind == "delete":
                text = text[:at] + text[at + 1:]
            else:
                text = text[:at] + generator.choice(pool) + text[at + 1:]
        if text.strip() == qr:
            assert valid(text)
        else:
            assert not valid(text), text
            refused += 1
    assert refused > 1400


def test_a_training_qr_says_training_and_cannot_pass_as_a_sale() -> None:
    qr = made(training=True, number="SIM-000001")
    assert qr.startswith("CQ1S|")
    summary = check_qr(qr, PUBLIC, verify_signature)
    assert summary is not None and summary.training
    # Its marker rewritten as a sale's: the signature no longer matches.
    assert not valid("CQ1|" + qr.removeprefix("CQ1S|"))
