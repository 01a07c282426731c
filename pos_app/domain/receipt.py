"""Receipts as French law lists them (seller, number, date and time, till, lines, VAT
per rate, total, payment methods), their duplicates, and the signed summary their QR
code carries, which anyone with the till's public key can check offline.

The QR text is `CQ1|till|number|time|rate:total;…|total|hash|signature`: the till's id,
the order number, the sale's time (UTC, `YYYYMMDDTHHMMSSZ`), the total per VAT rate
(basis points : cents), the total in cents, the first 16 hex digits of the sale's
journal entry hash, then the Ed25519 signature (base64url, no padding) of the SHA-256 of
everything before the last `|`.
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
               total_cents: Cents, entry_hash: str) -> str:
    rates = ";".join(f"{int(line.rate)}:{line.total_cents}" for line in vat)
    when = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return "|".join((QR_FORMAT, till_id, number, when, rates, str(total_cents),
                     entry_hash[:HASH_PREFIX]))


def signed_qr(message: str, sign: Callable[[bytes], bytes]) -> str:
    signature = sign(hashlib.sha256(message.encode("utf-8")).digest())
    return f"{message}|{base64.urlsafe_b64encode(signature).decode('ascii').rstrip('=')}"


@dataclass(frozen=True, slots=True)
class QrSummary:
    till_id: str
    number: str
    at: datetime
    totals_by_rate: dict[int, Cents]
    total_cents: Cents
    hash_prefix: str


def check_qr(text: str, public_key: str,
             verify: Callable[[str, bytes, bytes], bool]) -> QrSummary | None:
    """The summary a receipt's QR vouches for, or None when it is not one the key
    signed (any changed character, amount or digit fails)."""
    message, _bar, encoded = text.strip().rpartition("|")
    fields = message.split("|")
    if len(fields) != 7 or fields[0] != QR_FORMAT:
        return None
    try:
        signature = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        at = datetime.strptime(fields[3], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        rates = {int(rate): int(total) for rate, total in
                 (pair.split(":") for pair in fields[4].split(";") if pair)}
        total = int(fields[5])
    except (ValueError, binascii.Error):
        return None
    if not verify(public_key, hashlib.sha256(message.encode("utf-8")).digest(), signature):
        return None
    return QrSummary(fields[1], fields[2], at, rates, total, fields[6])
