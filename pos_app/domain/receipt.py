"""Receipts as French law lists them (seller, number, date and time, till, lines, VAT
per rate, total, payment methods), their duplicates, and the signed summary their QR
code carries, which anyone with the till's public key can check offline.

The QR text is `CQ1|till|number|time|rate:total;…|total|hash|signature`: the till's id,
the order number, the sale's time (UTC, `YYYYMMDDTHHMMSSZ`), the total per VAT rate
(basis points : cents), the total in cents, the first 16 hex digits of the sale's
journal entry hash, then the Ed25519 signature (base64url, no padding) of the SHA-256 of
everything before the last `|`. A training receipt's QR starts with `CQ1S` instead: it
is signed the same way but never checks as a sale.

Only the exact text the till makes checks: the parsed values are encoded again and must
give back the input character for character (see `check_qr`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pos_app.domain.money import Cents
from pos_app.domain.vat import VatLine

QR_FORMAT = "CQ1"
TRAINING_QR_FORMAT = "CQ1S"  # a training (SIMULATION) receipt: never a sale
SIGNATURE_BYTES = 64  # Ed25519
HASH_PREFIX = 16
AGEC_OFFER_CENTS = 2500  # from 25 € of services, the note is offered (it is never forced)


@dataclass(frozen=True, slots=True)
class Venue:
    """The seller: what a receipt must say of who sold."""

    name: str
    address: str
    postal_code: str
    city: str
    siret: str | None = None
    vat_number: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    label: str
    price_label: str
    quantity: int
    unit_price_cents: Cents
    vat_rate_bp: int
    total_cents: Cents
    # The line's own discount and why, and its share of the basket's (0: none); its
    # total is after both.
    discount_cents: Cents = 0
    discount_reason: str = ""
    basket_discount_cents: Cents = 0
    # A dated product's slot (R3): when the service is given, printed under the line.
    slot_start: datetime | None = None
    slot_end: datetime | None = None

    @property
    def gross_cents(self) -> Cents:
        return self.total_cents + self.discount_cents + self.basket_discount_cents


@dataclass(frozen=True, slots=True)
class ReceiptPayment:
    label: str
    amount_cents: Cents
    change_cents: Cents


@dataclass(frozen=True, slots=True)
class Receipt:
    venue: Venue | None
    till_name: str
    point_of_sale: str
    number: str
    at: datetime
    lines: tuple[ReceiptLine, ...]
    vat: tuple[VatLine, ...]
    total_cents: Cents
    payments: tuple[ReceiptPayment, ...]
    left_cents: Cents
    cancelled: bool
    qr: str
    duplicate_number: int | None = None  # a reprint: "DUPLICATA n° …"
    training: bool = False  # "SIMULATION"
    reprinted_at: datetime | None = None  # a duplicate's: when, and by whom
    reprinted_by: str = ""
    basket_discount_reason: str = ""  # the basket's discount's; its amount is the lines'


@dataclass(frozen=True, slots=True)
class RefundReceipt:
    """What a customer takes away when money goes back: a credit note (avoir) for lines
    returned, or the cancellation of an order; amounts taken back are negative."""

    venue: Venue | None
    till_name: str
    point_of_sale: str
    order_number: str
    credit_note_number: str | None  # None: the order's cancellation
    at: datetime
    reason: str
    lines: tuple[ReceiptLine, ...]  # what was taken back (a return); none for a cancellation
    vat: tuple[VatLine, ...]  # negative
    total_cents: Cents  # negative: what the order no longer is worth
    refunds: tuple[ReceiptPayment, ...]  # how money went back
    training: bool = False
    # Money paid beyond the order's worth given back: nothing taken back, no VAT.
    overpayment: bool = False


def qr_message(till_id: str, number: str, at: datetime, vat: tuple[VatLine, ...],
               total_cents: Cents, entry_hash: str, training: bool = False) -> str:
    return _message(TRAINING_QR_FORMAT if training else QR_FORMAT, till_id, number,
                    at.astimezone(UTC),
                    [(int(line.rate), line.total_cents) for line in vat], total_cents,
                    entry_hash[:HASH_PREFIX])


def _message(marker: str, till_id: str, number: str, at: datetime,
             rates: list[tuple[int, int]], total_cents: int, hash_prefix: str) -> str:
    pairs = ";".join(f"{rate}:{total}" for rate, total in rates)
    return "|".join((marker, till_id, number, at.strftime("%Y%m%dT%H%M%SZ"), pairs,
                     str(total_cents), hash_prefix))


def _encoded(signature: bytes) -> str:
    return base64.urlsafe_b64encode(signature).decode("ascii").rstrip("=")


def signed_qr(message: str, sign: Callable[[bytes], bytes]) -> str:
    signature = sign(hashlib.sha256(message.encode("utf-8")).digest())
    return f"{message}|{_encoded(signature)}"


@dataclass(frozen=True, slots=True)
class QrSummary:
    till_id: str
    number: str
    at: datetime
    totals_by_rate: dict[int, Cents]
    total_cents: Cents
    hash_prefix: str
    training: bool = False  # a training receipt's QR: genuine, but not a sale


def check_qr(text: str, public_key: str,
             verify: Callable[[str, bytes, bytes], bool]) -> QrSummary | None:
    """The summary a receipt's QR vouches for, or None when it is not one the key
    signed. Strict: the values read are encoded again as `signed_qr(qr_message(…))`
    would, and anything but that exact text (other spellings of the same numbers, time
    or signature: leading zeros, `+` signs, padding, the other base64 alphabet, unused
    bits set) is refused, so one receipt has one QR text only. Only whitespace around
    the text (which scanners add) is ignored. A training receipt's QR gives a summary
    with `training` set: the caller must never take it for a sale."""
    # Not an ASCII-only rule: an order prefix may hold any letter. Other digits int()
    # reads (`１５６０`) are refused by the comparison with the text encoded again.
    message, _bar, encoded = text.strip().rpartition("|")
    fields = message.split("|")
    if len(fields) != 7 or fields[0] not in (QR_FORMAT, TRAINING_QR_FORMAT):
        return None
    marker, till_id, number, when, pairs, total_text, hash_prefix = fields
    try:
        signature = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        at = datetime.strptime(when, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        rates = [(int(rate), int(total)) for rate, total in
                 (pair.split(":") for pair in pairs.split(";") if pair)]
        total = int(total_text)
    except (ValueError, binascii.Error):
        return None
    if (len(signature) != SIGNATURE_BYTES or _encoded(signature) != encoded
            or _message(marker, till_id, number, at, rates, total, hash_prefix) != message
            or len({rate for rate, _total in rates}) != len(rates)):
        return None
    if not verify(public_key, hashlib.sha256(message.encode("utf-8")).digest(), signature):
        return None
    return QrSummary(till_id, number, at, dict(rates), total, hash_prefix,
                     marker == TRAINING_QR_FORMAT)
