"""An order of the venue as the server sends it down (docs/sync.md, "Orders"): one
validated at another till, or one of this till's with what other tills did to it.

Each part says the till that made it, so that the till keeps what it made itself and
adds only what others did: a payment taken at another till settles the order here too,
and never counts in this till's takings or drawer (its session is none of ours).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pos_app.domain.basket import BasketLine
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.order import Cancellation, CreditNote, Order, Refund, ReturnedLine
from pos_app.domain.payment import Payment
from pos_app.domain.reference_data import InvalidImport, Problem
from pos_app.domain.till import Till
from pos_app.domain.vat import VatRate

_TRAILING_DIGITS = re.compile(r"(\d+)$")


@dataclass(frozen=True, slots=True)
class PulledOrder:
    """The order as it stands on the server, and which till made each of its parts:
    `made_by` maps each payment, refund and credit note id to its till's id."""

    till: Till  # the till that sold it
    order: Order
    payer: Customer | None
    made_by: Mapping[str, str]
    cancelled_by_till: str | None

    def others(self, till_id: str) -> PulledOrder:
        """Only what tills other than `till_id` made (that till holds its own parts)."""
        order = self.order
        kept = Order(
            id=order.id, number=order.number, sequence=order.sequence,
            till_id=order.till_id, created_at=order.created_at, staff_id=order.staff_id,
            lines=order.lines, payer_id=order.payer_id,
            payments=[p for p in order.payments if self.made_by[p.id] != till_id],
            cancellation=order.cancellation if self.cancelled_by_till != till_id else None,
            returns=[n for n in order.returns if self.made_by[n.id] != till_id],
            refunds=[r for r in order.refunds if self.made_by[r.id] != till_id])
        return PulledOrder(self.till, kept, self.payer, self.made_by,
                           None if kept.cancellation is None else self.cancelled_by_till)


def read_pulled_order(item_id: str, data: Mapping[str, Any], where: str) -> PulledOrder:
    """The order document of a pulled change; InvalidImport names what is wrong at
    `where`. Its id must be the change's."""
    try:
        return _read(item_id, data)
    except _Wrong as wrong:
        raise InvalidImport([Problem(f"{where}{wrong.where}", wrong.message)]) from None


class _Wrong(Exception):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


def _read(item_id: str, data: Mapping[str, Any]) -> PulledOrder:
    if _text(data, "id", "") != item_id:
        raise _Wrong(".id", f"is not the change's {item_id!r}")
    till_data = _object(data, "till", "")
    till = Till(_text(till_data, "id", ".till"), _text(till_data, "code", ".till"),
                _text(till_data, "name", ".till"),
                _text(till_data, "point_of_sale", ".till", empty=True),
                _text(till_data, "order_prefix", ".till"))
    number = _text(data, "number", "")
    payer = _payer(data.get("payer"))
    made_by: dict[str, str] = {}
    lines = tuple(_line(line, f".lines[{i}]") for i, line in enumerate(_list(data, "lines", "")))
    if not lines:
        raise _Wrong(".lines", "an order has at least one line")
    payments = []
    for i, item in enumerate(_list(data, "payments", "")):
        at = f".payments[{i}]"
        payment = Payment(_text(item, "id", at), _text(item, "method", at),
                          _count(item, "amount_cents", at), _count(item, "change_cents", at),
                          _time(item, "taken_at", at), _text(item, "staff_id", at))
        made_by[payment.id] = _text(item, "till_id", at)
        payments.append(payment)
    refunds = []
    for i, item in enumerate(_list(data, "refunds", "")):
        at = f".refunds[{i}]"
        note = item.get("credit_note_id")
        refund = Refund(_text(item, "id", at), _text(item, "method", at),
                        _count(item, "amount_cents", at), _time(item, "at", at),
                        _text(item, "staff_id", at), note if isinstance(note, str) else None)
        made_by[refund.id] = _text(item, "till_id", at)
        refunds.append(refund)
    returns = []
    for i, item in enumerate(_list(data, "returns", "")):
        at = f".returns[{i}]"
        note_number = _text(item, "number", at)
        returned = tuple(ReturnedLine(_count(line, "order_line", f"{at}.lines[{j}]"),
                                      _line(line, f"{at}.lines[{j}]"))
                         for j, line in enumerate(_list(item, "lines", at)))
        note_till = _text(item, "till_id", at)
        credit_note = CreditNote(_text(item, "id", at), note_number, _sequence(note_number, at),
                                 item_id, note_till, _time(item, "created_at", at),
                                 _text(item, "staff_id", at), _text(item, "reason", at),
                                 returned)
        made_by[credit_note.id] = note_till
        returns.append(credit_note)
    cancellation = None
    cancelled_by_till = None
    cancelled = data.get("cancellation")
    if cancelled is not None:
        at = ".cancellation"
        if not isinstance(cancelled, Mapping):
            raise _Wrong(at, "an object or null")
        cancellation = Cancellation(_text(cancelled, "by_staff_id", at),
                                    _time(cancelled, "at", at), _text(cancelled, "reason", at))
        cancelled_by_till = _text(cancelled, "till_id", at)
    sequence = data.get("sequence")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise _Wrong(".sequence", "a whole number from 1")
    order = Order(id=item_id, number=number, sequence=sequence, till_id=till.id,
                  created_at=_time(data, "created_at", ""), staff_id=_text(data, "staff_id", ""),
                  lines=lines, payer_id=None if payer is None else payer.id,
                  payments=payments, cancellation=cancellation, returns=returns,
                  refunds=refunds)
    if order.total_cents != _count(data, "total_cents", ""):
        raise _Wrong(".total_cents", "is not what its lines add up to")
    return PulledOrder(till, order, payer, made_by, cancelled_by_till)


def _payer(value: Any) -> Customer | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _Wrong(".payer", "an object or null")
    kind = _text(value, "kind", ".payer")
    if kind not in {k.value for k in CustomerKind}:
        raise _Wrong(".payer.kind", f"{kind!r} is not a kind of customer")
    first = value.get("first_name")
    return Customer(_text(value, "id", ".payer"), CustomerKind(kind),
                    _text(value, "name", ".payer"), first if isinstance(first, str) else None)


def _line(value: Any, at: str) -> BasketLine:
    if not isinstance(value, Mapping):
        raise _Wrong(at, "an object")
    rate = _count(value, "vat_rate_bp", at)
    if rate not in {r.value for r in VatRate}:
        raise _Wrong(f"{at}.vat_rate_bp", f"{rate} is not a VAT rate")
    line = BasketLine(_text(value, "product_id", at), _text(value, "label", at),
                      _text(value, "price_id", at), _text(value, "price_label", at, empty=True),
                      _count(value, "unit_price_cents", at), _count(value, "quantity", at),
                      VatRate(rate))
    if line.quantity < 1:
        raise _Wrong(f"{at}.quantity", "a whole number from 1")
    return line


def _sequence(number: str, at: str) -> int:
    """A credit note's place in its till's series: the digits its number ends with."""
    found = _TRAILING_DIGITS.search(number)
    if found is None:
        raise _Wrong(f"{at}.number", "does not end with its sequence")
    return int(found.group(1))


def _object(data: Mapping[str, Any], name: str, at: str) -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, Mapping):
        raise _Wrong(f"{at}.{name}", "an object")
    return value


def _list(data: Mapping[str, Any], name: str, at: str) -> Sequence[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise _Wrong(f"{at}.{name}", "a list")
    return value


def _text(data: Mapping[str, Any], name: str, at: str, empty: bool = False) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not (empty or value.strip()):
        raise _Wrong(f"{at}.{name}", "a text" if empty else "a text, not empty")
    return value


def _count(data: Mapping[str, Any], name: str, at: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Wrong(f"{at}.{name}", "a whole number")
    return value


def _time(data: Mapping[str, Any], name: str, at: str) -> datetime:
    text = _text(data, name, at)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Wrong(f"{at}.{name}", "a time (ISO 8601)") from None
    if moment.tzinfo is None:
        raise _Wrong(f"{at}.{name}", "a time with its offset")
    return moment
