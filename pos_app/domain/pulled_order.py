"""An order of the venue as the server sends it down (docs/sync.md, "Orders in the
feed"): one validated at another till, or one of this till's with what other tills did
to it.

Each part says the till that made it, so that the till keeps what it made itself and
adds only what others did: a payment taken at another till settles the order here too,
and never counts in this till's takings or drawer (its session is none of ours).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pos_app.domain.basket import BasketLine
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.discount import BasketDiscount
from pos_app.domain.order import (
    Cancellation,
    CreditNote,
    Order,
    Refund,
    ReturnedLine,
    line_part,
)
from pos_app.domain.payment import Payment
from pos_app.domain.postal_code import InvalidPostalCode, parse_postal_code
from pos_app.domain.reference_fields import InvalidImport, Problem
from pos_app.domain.till import Till
from pos_app.domain.vat import VatRate

_TRAILING_DIGITS = re.compile(r"(\d+)$")
# Counts and amounts far beyond a venue's (ten billion euros) and within what the store
# keeps: a larger one is a document gone wrong.
LARGEST = 10**12


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
    lines = tuple(_line(_item(line, f".lines[{i}]"), f".lines[{i}]")
                  for i, line in enumerate(_list(data, "lines", "")))
    if not lines:
        raise _Wrong(".lines", "an order has at least one line")
    payments = [_payment(_item(item, f".payments[{i}]"), f".payments[{i}]", made_by)
                for i, item in enumerate(_list(data, "payments", ""))]
    returns = _returns(data, item_id, lines, made_by)
    notes = {note.id for note in returns}
    refunds = [_refund(_item(item, f".refunds[{i}]"), f".refunds[{i}]", made_by, notes)
               for i, item in enumerate(_list(data, "refunds", ""))]
    cancellation = None
    cancelled_by_till = None
    cancelled = data.get("cancellation")
    if cancelled is not None:
        at = ".cancellation"
        cancelled = _item(cancelled, at)
        cancellation = Cancellation(_text(cancelled, "by_staff_id", at),
                                    _time(cancelled, "at", at), _text(cancelled, "reason", at))
        cancelled_by_till = _text(cancelled, "till_id", at)
    order = Order(id=item_id, number=number, sequence=_count(data, "sequence", "", 1),
                  till_id=till.id, created_at=_time(data, "created_at", ""),
                  staff_id=_text(data, "staff_id", ""), lines=lines,
                  payer_id=None if payer is None else payer.id, payments=payments,
                  cancellation=cancellation, returns=returns, refunds=refunds,
                  discount=_order_discount(data, lines), postal_code=_postal_code(data))
    if order.total_cents != _count(data, "total_cents", ""):
        raise _Wrong(".total_cents", "is not what its lines add up to")
    return PulledOrder(till, order, payer, made_by, cancelled_by_till)


def _payment(item: Mapping[str, Any], at: str, made_by: dict[str, str]) -> Payment:
    amount = _count(item, "amount_cents", at, 1)
    change = _count(item, "change_cents", at)
    if change >= amount:
        raise _Wrong(f"{at}.change_cents", "less than the amount tendered")
    till_id = _text(item, "till_id", at)
    payment = Payment(_new_id(item, at, made_by), _text(item, "method", at), amount, change,
                      _time(item, "taken_at", at), _text(item, "staff_id", at), till_id)
    made_by[payment.id] = till_id
    return payment


def _refund(item: Mapping[str, Any], at: str, made_by: dict[str, str],
            notes: set[str]) -> Refund:
    note = item.get("credit_note_id")
    if note is not None and note not in notes:
        raise _Wrong(f"{at}.credit_note_id", "null, or the id of one of the order's returns")
    excess = item.get("excess", False)
    if not isinstance(excess, bool) or (excess and note is not None):
        raise _Wrong(f"{at}.excess", "true (an excess given back, no credit note) or false")
    refund = Refund(_new_id(item, at, made_by), _text(item, "method", at),
                    _count(item, "amount_cents", at, 1), _time(item, "at", at),
                    _text(item, "staff_id", at), note, excess)
    made_by[refund.id] = _text(item, "till_id", at)
    return refund


def _returns(data: Mapping[str, Any], order_id: str, sold: tuple[BasketLine, ...],
             made_by: dict[str, str]) -> list[CreditNote]:
    """Credit notes whose lines are the order's own, never more of a line than was sold
    (whatever the earlier notes took back): what a return may be worth is the order's
    business, not the document's."""
    taken = [0] * len(sold)
    notes = []
    for i, value in enumerate(_list(data, "returns", "")):
        at = f".returns[{i}]"
        item = _item(value, at)
        number = _text(item, "number", at)
        returned = []
        for j, line_value in enumerate(_list(item, "lines", at)):
            where = f"{at}.lines[{j}]"
            line = _item(line_value, where)
            position = _count(line, "order_line", where)
            if position >= len(sold):
                raise _Wrong(f"{where}.order_line", f"the order has {len(sold)} line(s)")
            quantity = _count(line, "quantity", where, 1)
            done = taken[position]
            taken[position] += quantity
            if taken[position] > sold[position].quantity:
                raise _Wrong(f"{where}.quantity", "more than the order line sold, with"
                             " earlier returns")
            # A discounted line goes back at its net value, by the rule every till
            # follows: the document's total must agree with it.
            returned.append(ReturnedLine(position, line_part(sold[position], done, quantity)))
        if not returned:
            raise _Wrong(f"{at}.lines", "a return takes back at least one line")
        note = CreditNote(_new_id(item, at, made_by), number, _sequence(number, at), order_id,
                          _text(item, "till_id", at), _time(item, "created_at", at),
                          _text(item, "staff_id", at), _text(item, "reason", at),
                          tuple(returned))
        if note.total_cents != _count(item, "total_cents", at):
            raise _Wrong(f"{at}.total_cents", "is not what its lines add up to")
        made_by[note.id] = note.till_id
        notes.append(note)
    return notes


def _new_id(item: Mapping[str, Any], at: str, seen: Mapping[str, str]) -> str:
    """A payment's, refund's or credit note's id: each once in the document."""
    found = _text(item, "id", at)
    if found in seen:
        raise _Wrong(f"{at}.id", f"{found!r} is given twice in the order")
    return found


def _item(value: Any, at: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Wrong(at, "an object")
    return value


def _payer(value: Any) -> Customer | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _Wrong(".payer", "an object or null")
    kind = _text(value, "kind", ".payer")
    if kind not in {k.value for k in CustomerKind}:
        raise _Wrong(".payer.kind", f"{kind!r} is not a kind of customer")
    first = value.get("first_name")
    if first is not None and not isinstance(first, str):
        raise _Wrong(".payer.first_name", "a text or null")
    return Customer(_text(value, "id", ".payer"), CustomerKind(kind),
                    _text(value, "name", ".payer"), first)


def _line(value: Mapping[str, Any], at: str) -> BasketLine:
    rate = _count(value, "vat_rate_bp", at)
    if rate not in {r.value for r in VatRate}:
        raise _Wrong(f"{at}.vat_rate_bp", f"{rate} is not a VAT rate")
    # Discounts are there only when the line has some (documents of earlier tills: never).
    discount = _count(value, "discount_cents", at) if "discount_cents" in value else 0
    line = BasketLine(_text(value, "product_id", at), _text(value, "label", at),
                      _text(value, "price_id", at), _text(value, "price_label", at, empty=True),
                      _count(value, "unit_price_cents", at), _count(value, "quantity", at),
                      VatRate(rate), discount,
                      _text(value, "discount_reason", at) if discount else "",
                      _by(value, at) if discount else None,
                      _count(value, "basket_discount_cents", at)
                      if "basket_discount_cents" in value else 0)
    if "slot_id" in value:  # places sold in a slot: they count against it here too (R3)
        line = replace(line, slot_id=_text(value, "slot_id", at),
                       slot_start=_time(value, "slot_start", at),
                       slot_end=_time(value, "slot_end", at))
    if line.quantity < 1:
        raise _Wrong(f"{at}.quantity", "a whole number from 1")
    if line.gross_cents > LARGEST:
        raise _Wrong(at, "its amount is beyond what a till keeps")
    if line.total_cents < 0:
        raise _Wrong(at, "its discounts are more than its price")
    if "total_cents" in value and value["total_cents"] != line.total_cents:
        raise _Wrong(f"{at}.total_cents", "is not its price less its discounts")
    return line


def _by(value: Mapping[str, Any], at: str) -> str | None:
    by = value.get("discount_by")
    if by is not None and not isinstance(by, str):
        raise _Wrong(f"{at}.discount_by", "a text or null")
    return by


def _order_discount(data: Mapping[str, Any],
                    lines: tuple[BasketLine, ...]) -> BasketDiscount | None:
    """The basket's discount; its lines' shares add up to it (none without it)."""
    shares = sum(line.basket_discount_cents for line in lines)
    value = data.get("order_discount")
    if value is None:
        if shares:
            raise _Wrong(".lines", "shares of a basket discount the order does not give")
        return None
    at = ".order_discount"
    item = _item(value, at)
    cents = _count(item, "cents", at, 1)
    if cents != shares:
        raise _Wrong(f"{at}.cents", "is not what its lines' shares add up to")
    percent = item.get("percent")
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, int)
                                or not 0 < percent <= 100):
        raise _Wrong(f"{at}.percent", "a whole number from 1 to 100, or null")
    by = item.get("by")
    if by is not None and not isinstance(by, str):
        raise _Wrong(f"{at}.by", "a text or null")
    return BasketDiscount(cents, _text(item, "reason", at), by, percent)


def _postal_code(data: Mapping[str, Any]) -> str | None:
    """Where the visitor comes from, when the selling till asked (none otherwise)."""
    value = data.get("postal_code")
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Wrong(".postal_code", "a postal code, abroad or declined, or null")
    try:
        return parse_postal_code(value)
    except InvalidPostalCode:
        raise _Wrong(".postal_code", "a postal code, abroad or declined, or null") from None


def _sequence(number: str, at: str) -> int:
    """A credit note's place in its till's series: the digits its number ends with."""
    found = _TRAILING_DIGITS.search(number)
    if found is None or len(found.group(1)) > 12:
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


def _count(data: Mapping[str, Any], name: str, at: str, least: int = 0) -> int:
    value = data.get(name)
    if (isinstance(value, bool) or not isinstance(value, int)
            or not least <= value <= LARGEST):
        raise _Wrong(f"{at}.{name}", f"a whole number from {least} to {LARGEST}")
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
