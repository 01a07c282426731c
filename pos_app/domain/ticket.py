"""Admission tickets (R11): a reference a checker can read out or type, and the token its
QR code carries, signed, so that a device that has never seen the ticket can check it
offline with the issuer's public key.

A reference is ten symbols from an alphabet without look-alikes (no 0/O, 1/I/L, U):
nine drawn at random (about 44 bits: not guessable, not enumerable) and a check symbol
that catches a symbol typed wrong or two swapped. It is shown in two groups of five,
`K7QM4-XH92T`; typed, dashes, spaces and case do not matter (0, O, 1, I, L and U are in
no reference: typed, they are a mistake, said as one).

The token is `TK1:` and base 32 (uppercase, no padding: all in the QR code's
alphanumeric mode, about 40 % smaller than bytes) of a fixed binary layout:

    version (1) | key id (8) | reference (10, ASCII) | validity start, end (4 + 4,
    minutes since 2020-01-01 UTC) | entries allowed (1, 0: no limit) | product id
    length (1) and product id (UTF-8) | Ed25519 signature (64) of the SHA-256 of
    everything before it

The signature itself is made and checked by the services (ports.Signer): the domain only
lays the bytes out and reads them back, refusing anything that is not exactly that.
"""

from __future__ import annotations

import base64
import hashlib
import operator
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pos_app.domain.errors import DomainError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols: no 0 O 1 I L U
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
RANDOM_SYMBOLS = 9
REFERENCE_LENGTH = RANDOM_SYMBOLS + 1
# The check symbol is a weighted sum modulo 29, a prime: every weight (1 to 9) is
# invertible, so one symbol typed wrong, or two neighbours swapped, changes it.
_CHECK_MODULUS = 29
_WEIGHTS = range(1, RANDOM_SYMBOLS + 1)

TOKEN_PREFIX = "TK1:"
TOKEN_VERSION = 1
KEY_ID_BYTES = 8
SIGNATURE_BYTES = 64
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_HEAD = struct.Struct(f">B{KEY_ID_BYTES}s{REFERENCE_LENGTH}sIIB")
MAX_PRODUCT_ID_BYTES = 255
MAX_ENTRIES = 255


class TicketReferenceInvalid(DomainError):
    """What was typed or read is not a ticket reference (or one symbol is wrong)."""

    def __init__(self, typed: str) -> None:
        super().__init__(f"not a ticket reference: {typed!r}")
        self.typed = typed


class TicketTokenInvalid(DomainError):
    """A QR code's text is not a ticket token this till can read (cut, altered, or of
    another kind)."""

    def __init__(self, why: str) -> None:
        super().__init__(f"not a readable ticket token: {why}")
        self.why = why


def _check_symbol(body: str) -> str:
    total = sum(map(operator.mul, _WEIGHTS, map(_VALUE.__getitem__, body)))
    return ALPHABET[total % _CHECK_MODULUS]


def new_reference(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh reference (`random_bytes`: the system's secure source, or a test's)."""
    symbols: list[str] = []
    while len(symbols) < RANDOM_SYMBOLS:
        for byte in random_bytes(RANDOM_SYMBOLS):
            if byte < 240 and len(symbols) < RANDOM_SYMBOLS:  # 240 = 8 × 30: no bias
                symbols.append(ALPHABET[byte % len(ALPHABET)])
    body = "".join(symbols)
    return body + _check_symbol(body)


def normalise_reference(typed: str) -> str:
    """The reference in `typed` (case, spaces and dashes ignored), or
    TicketReferenceInvalid."""
    # Read at the gate for every scan: each step is one call into C.
    reference = "".join(typed.split()).replace("-", "").upper()
    if (len(reference) != REFERENCE_LENGTH or reference.strip(ALPHABET)
            or _check_symbol(reference[:-1]) != reference[-1]):
        raise TicketReferenceInvalid(typed)
    return reference


def shown_reference(reference: str) -> str:
    """`K7QM4XH92T` as printed and said: `K7QM4-XH92T`."""
    return f"{reference[:5]}-{reference[5:]}"


def looks_like_reference(text: str) -> bool:
    try:
        normalise_reference(text)
    except TicketReferenceInvalid:
        return False
    return True


@dataclass(frozen=True, slots=True)
class TicketClaims:
    """What a token says of its ticket, as signed by the issuer."""

    key_id: str  # hex, the first 8 bytes of the issuer's key id (adapters/signing.py)
    reference: str
    product_id: str
    valid_from: datetime  # UTC, whole minutes (`whole_minute`)
    valid_until: datetime  # the first moment it no longer admits
    entries_allowed: int | None  # None: no limit (a season pass)

    def __post_init__(self) -> None:
        if len(bytes.fromhex(self.key_id)) != KEY_ID_BYTES:
            raise ValueError("a token's key id is 8 bytes")
        if self.valid_until < self.valid_from:
            raise ValueError("a ticket's validity ends before it starts")
        if any(moment.second or moment.microsecond or moment.utcoffset() != timedelta(0)
               for moment in (self.valid_from, self.valid_until)):
            # What the token carries is what the store keeps: whole minutes, UTC.
            raise ValueError("a ticket's validity is in whole minutes, UTC")
        if self.entries_allowed is not None and not 1 <= self.entries_allowed <= MAX_ENTRIES:
            raise ValueError(f"entries allowed: 1 to {MAX_ENTRIES}, or no limit")


def whole_minute(moment: datetime) -> datetime:
    """`moment` in UTC, its seconds dropped: as a token carries it."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _minutes(moment: datetime) -> int:
    minutes = int((moment - EPOCH) // timedelta(minutes=1))
    if not 0 <= minutes < 2**32:
        raise ValueError(f"{moment} is outside what a token can carry")
    return minutes


def signed_message(claims: TicketClaims) -> bytes:
    """The bytes the issuer signs (the SHA-256 of which, as the journal's entries)."""
    product = claims.product_id.encode("utf-8")
    if not product or len(product) > MAX_PRODUCT_ID_BYTES:
        raise ValueError("a product id of 1 to 255 bytes")
    head = _HEAD.pack(TOKEN_VERSION, bytes.fromhex(claims.key_id),
                      claims.reference.encode("ascii"), _minutes(claims.valid_from),
                      _minutes(claims.valid_until), claims.entries_allowed or 0)
    return head + bytes([len(product)]) + product


def message_digest(message: bytes) -> bytes:
    return hashlib.sha256(message).digest()


def encode_token(message: bytes, signature: bytes) -> str:
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError("an Ed25519 signature is 64 bytes")
    return TOKEN_PREFIX + base64.b32encode(message + signature).decode("ascii").rstrip("=")


@dataclass(frozen=True, slots=True)
class ReadToken:
    """A token read back: its claims, and what to check its signature against."""

    claims: TicketClaims
    message: bytes
    signature: bytes


def is_token(text: str) -> bool:
    return text.strip().upper().startswith(TOKEN_PREFIX)


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_AS_INT_DIGITS = str.maketrans(_BASE32, "0123456789abcdefghijklmnopqrstuv")


def _base32_bytes(body: str) -> bytes:
    """The bytes of unpadded base 32 (RFC 4648), read as one integer: a few calls into C
    where the standard library's decoder loops in Python (a gate reads a token per scan).
    """
    size, spare = divmod(len(body) * 5, 8)
    if not body or body.strip(_BASE32) or spare >= 5:  # a symbol left over: not base 32
        raise TicketTokenInvalid("not base 32")
    value = int(body.translate(_AS_INT_DIGITS), 32)
    if value & ((1 << spare) - 1):
        # Unused bits set in the last symbol: another text for the same bytes, which no
        # issuer writes. Refused, so that no changed character ever reads as valid.
        raise TicketTokenInvalid("not as issued")
    return (value >> spare).to_bytes(size, "big")


def read_token(text: str) -> ReadToken:
    """The claims of a token as the QR code gave it, or TicketTokenInvalid. Its signature
    is not checked here (the services hold the keys)."""
    stripped = text.strip()
    if not stripped.upper().startswith(TOKEN_PREFIX):
        raise TicketTokenInvalid("no TK1: prefix")
    raw = _base32_bytes(stripped[len(TOKEN_PREFIX):].upper())
    minimum = _HEAD.size + 1 + 1 + SIGNATURE_BYTES
    if len(raw) < minimum:
        raise TicketTokenInvalid("too short")
    version, key_id, reference, start, end, entries = _HEAD.unpack_from(raw)
    if version != TOKEN_VERSION:
        raise TicketTokenInvalid(f"version {version}")
    product_length = raw[_HEAD.size]
    message_end = _HEAD.size + 1 + product_length
    if product_length == 0 or len(raw) != message_end + SIGNATURE_BYTES:
        raise TicketTokenInvalid("wrong length")
    try:
        product_id = raw[_HEAD.size + 1:message_end].decode("utf-8")
        checked = normalise_reference(reference.decode("ascii"))
        claims = TicketClaims(key_id.hex(), checked, product_id,
                              EPOCH + timedelta(minutes=start),
                              EPOCH + timedelta(minutes=end), entries or None)
    except (UnicodeDecodeError, TicketReferenceInvalid, ValueError) as error:
        raise TicketTokenInvalid("fields out of range") from error
    return ReadToken(claims, raw[:message_end], raw[message_end:])


@dataclass(frozen=True, slots=True)
class Ticket:
    """An admission ticket as issued with its sale and kept by the till: one place of
    one line of an order (R11). `token` is what its QR code carries, signed by the till
    whose key is `key_id`."""

    reference: str
    order_id: str
    order_number: str
    line_position: int  # the order line's position (from 0, as stored)
    unit: int  # which place of that line (from 1)
    product_id: str
    valid_from: datetime
    valid_until: datetime  # the first moment it no longer admits
    entries_allowed: int | None  # None: no limit
    token: str
    key_id: str
    issued_at: datetime
    till_id: str
    voided_at: datetime | None = None
    void_reason: str | None = None
    revoked_at: datetime | None = None  # its place was cancelled or returned
    entries_used: int = 0
    last_validated_at: datetime | None = None

    @property
    def claims(self) -> TicketClaims:
        """What its token says of it."""
        return TicketClaims(self.key_id, self.reference, self.product_id, self.valid_from,
                            self.valid_until, self.entries_allowed)
