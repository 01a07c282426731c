"""Reading a JSON order (for `caisse order create`) into a basket and payment requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from pos_app.domain.availability import NotEnoughPlaces
from pos_app.domain.basket import Basket
from pos_app.domain.discount import DiscountAsked, parse_discount
from pos_app.domain.errors import (
    DomainError,
    InvalidQuantity,
    SlotNotOfProduct,
    SlotRequired,
    UnknownPrice,
    UnknownSlot,
    shown,
)
from pos_app.domain.money import parse_amount
from pos_app.domain.reference_data import MAX_NESTING, nested_too_deep
from pos_app.domain.reference_fields import (
    CODE_LENGTH,
    ID_LENGTH,
    NAME_LENGTH,
    InvalidImport,
    Problem,
    field_name,
)
from pos_app.services.context import Context
from pos_app.services.selling import PaymentRequest, add_by_barcode, add_product

KEYS = {"lines", "payer", "payments", "validate_without_paying", "discount",
        "discount_reason"}
LINE_KEYS = {"product", "barcode", "quantity", "price", "slot", "discount", "discount_reason"}
PAYMENT_KEYS = {"method", "amount"}
# The longest text each field may be, as the store sizes the column it names.
LENGTHS = {"product": ID_LENGTH, "barcode": ID_LENGTH, "price": NAME_LENGTH,
           "slot": ID_LENGTH, "payer": ID_LENGTH, "method": CODE_LENGTH}


@dataclass(slots=True)
class OrderInput:
    basket: Basket
    payments: list[PaymentRequest]
    validate_without_paying: bool


def read_order(ctx: Context, document: Any, staff_id: str | None = None) -> OrderInput:
    """Build the basket line by line; every problem names the line and field at fault.
    Discounts (a line's, the basket's: `"2,00"` or `"10%"`, with a `discount_reason`)
    are given by `staff_id`; whether that staff member may is the sale's to check."""
    if not isinstance(document, dict):
        raise InvalidImport([Problem("(order)", "must be a JSON object")])
    if nested_too_deep(document):
        raise InvalidImport([Problem("(order)", f"nested more than {MAX_NESTING} levels deep")])
    problems = _unknown(document, KEYS, "")
    basket = Basket()
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        problems.append(Problem("lines", "must be a non-empty list"))
        lines = []
    for index, line in enumerate(lines):
        where = f"lines[{index}]"
        before = list(basket.lines)
        line_problems = _add_line(ctx, basket, where, line)
        problems += line_problems
        if not line_problems and isinstance(line, dict) and "discount" in line:
            # The line just added, or the one it added up on (the same product and price).
            row = next(i for i, kept in enumerate(basket.lines)
                       if i >= len(before) or kept != before[i])
            problems += _discount(line, where, partial(_line_discount, basket, row, staff_id))
    payer = document.get("payer")
    if payer is not None and not isinstance(payer, str):
        problems.append(Problem("payer", "must be a customer id"))
    elif payer is not None and (too_long := _too_long("payer", payer)):
        problems.append(Problem("payer", too_long))
        payer = None
    basket.assign_payer(payer if isinstance(payer, str) else None)
    if "discount" in document and not problems:
        problems += _discount(document, "", lambda asked, reason: basket.discount_all(
            asked, reason, staff_id))
    payments, payment_problems = _payments(document.get("payments", []))
    problems += payment_problems
    without_paying = document.get("validate_without_paying", False)
    if not isinstance(without_paying, bool):
        problems.append(Problem("validate_without_paying", "must be true or false"))
    if problems:
        raise InvalidImport(problems)
    return OrderInput(basket, payments, bool(without_paying))


def _line_discount(basket: Basket, row: int, staff_id: str | None, asked: DiscountAsked,
                   reason: str) -> object:
    return basket.discount_line(row, asked, reason, staff_id)


def _discount(item: dict[str, Any], where: str,
              give: Callable[[DiscountAsked, str], object]) -> list[Problem]:
    """Give the discount `item` asks for (its `discount`, `discount_reason`)."""
    prefix = f"{where}." if where else ""
    reason = item.get("discount_reason", "")
    if not isinstance(reason, str):
        return [Problem(f"{prefix}discount_reason", "must be a text")]
    try:
        give(parse_discount(item["discount"]), reason)
    except DomainError as error:
        return [Problem(f"{prefix}discount", str(error))]
    return []


def _unknown(item: dict[str, Any], known: set[str], where: str) -> list[Problem]:
    prefix = f"{where}." if where else ""
    return [Problem(prefix + field_name(key), "unknown field") for key in item
            if key not in known]


def _too_long(field: str, text: str) -> str | None:
    """What is wrong with `text` as `field`, when it is longer than the field may be."""
    limit = LENGTHS[field]
    if len(text) > limit:
        return f"must be at most {limit} characters long (it has {len(text)})"
    return None


def _line_problems(where: str, line: dict[str, Any]) -> list[Problem]:
    """What is wrong with the line's fields before any product is looked up."""
    problems = _unknown(line, LINE_KEYS, where)
    price = line.get("price")
    if price is not None and not isinstance(price, str):
        problems.append(Problem(f"{where}.price", "must be a price id or label"))
    slot = line.get("slot")
    if slot is not None and not isinstance(slot, str):
        problems.append(Problem(f"{where}.slot", "must be a slot id"))
    for field in ("product", "barcode", "price", "slot"):
        if isinstance(line.get(field), str) and (too_long := _too_long(field, line[field])):
            problems.append(Problem(f"{where}.{field}", too_long))
    return problems


def _add_line(ctx: Context, basket: Basket, where: str, line: Any) -> list[Problem]:
    if not isinstance(line, dict):
        return [Problem(where, "must be an object")]
    problems = _line_problems(where, line)
    if problems:
        return problems
    quantity, price, slot = line.get("quantity", 1), line.get("price"), line.get("slot")
    product_id, barcode = line.get("product"), line.get("barcode")
    if slot is not None and not isinstance(product_id, str):
        return [Problem(f"{where}.slot", "a slot is sold with its `product` id")]
    try:
        if isinstance(product_id, str) and isinstance(barcode, str):
            # Both given: they must name the same product, or the line is ambiguous.
            found = add_by_barcode(ctx, Basket(), barcode, quantity, price)
            if found.id != product_id:
                return [Problem(where, f"`product` {shown(product_id)} and `barcode`"
                                       f" {shown(barcode)} name different products (the"
                                       f" barcode is on {shown(found.id)}): give one of them")]
            basket.add(found, quantity, price)
        elif isinstance(product_id, str):
            add_product(ctx, basket, product_id, quantity, price, slot)
        elif isinstance(barcode, str):
            add_by_barcode(ctx, basket, barcode, quantity, price)
        else:
            return [Problem(where, "needs a `product` id or a `barcode`")]
    except InvalidQuantity as error:
        return [Problem(f"{where}.quantity", str(error))]
    except UnknownPrice as error:
        return [Problem(f"{where}.price", str(error))]
    except (NotEnoughPlaces, SlotNotOfProduct, SlotRequired, UnknownSlot) as error:
        return [Problem(f"{where}.slot", str(error))]
    except DomainError as error:
        field = "barcode" if isinstance(barcode, str) else "product"
        return [Problem(f"{where}.{field}", str(error))]
    return []


def _payments(value: Any) -> tuple[list[PaymentRequest], list[Problem]]:
    if not isinstance(value, list):
        return [], [Problem("payments", "must be a list")]
    payments: list[PaymentRequest] = []
    problems: list[Problem] = []
    for index, item in enumerate(value):
        where = f"payments[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("method"), str):
            problems.append(Problem(where, "needs a `method` code and an `amount`"))
            continue
        unknown = _unknown(item, PAYMENT_KEYS, where)
        too_long = _too_long("method", item["method"])
        if unknown or too_long:
            problems += unknown
            if too_long:
                problems.append(Problem(f"{where}.method", too_long))
            continue
        try:
            payments.append(PaymentRequest(item["method"], parse_amount(item.get("amount"))))
        except DomainError as error:
            problems.append(Problem(f"{where}.amount", str(error)))
    return payments, problems
