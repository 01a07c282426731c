"""Reading a JSON order (for `caisse order create`) into a basket and payment requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pos_app.domain.basket import Basket
from pos_app.domain.errors import DomainError, InvalidQuantity, UnknownPrice
from pos_app.domain.money import parse_amount
from pos_app.services.context import Context
from pos_app.services.importing import InvalidImport, Problem
from pos_app.services.selling import PaymentRequest, add_by_barcode, add_product

KEYS = {"lines", "payer", "payments", "validate_without_paying"}


@dataclass(slots=True)
class OrderInput:
    basket: Basket
    payments: list[PaymentRequest]
    validate_without_paying: bool


def read_order(ctx: Context, document: Any) -> OrderInput:
    """Build the basket line by line; every problem names the line and field at fault."""
    if not isinstance(document, dict):
        raise InvalidImport([Problem("(order)", "must be a JSON object")])
    problems = [Problem(key, "unknown field") for key in document if key not in KEYS]
    basket = Basket()
    lines = document.get("lines")
    if not isinstance(lines, list) or not lines:
        problems.append(Problem("lines", "must be a non-empty list"))
        lines = []
    for index, line in enumerate(lines):
        problems += _add_line(ctx, basket, f"lines[{index}]", line)
    payer = document.get("payer")
    if payer is not None and not isinstance(payer, str):
        problems.append(Problem("payer", "must be a customer id"))
    basket.assign_payer(payer if isinstance(payer, str) else None)
    payments, payment_problems = _payments(document.get("payments", []))
    problems += payment_problems
    without_paying = document.get("validate_without_paying", False)
    if not isinstance(without_paying, bool):
        problems.append(Problem("validate_without_paying", "must be true or false"))
    if problems:
        raise InvalidImport(problems)
    return OrderInput(basket, payments, bool(without_paying))


def _add_line(ctx: Context, basket: Basket, where: str, line: Any) -> list[Problem]:
    if not isinstance(line, dict):
        return [Problem(where, "must be an object")]
    quantity = line.get("quantity", 1)
    price = line.get("price")
    if price is not None and not isinstance(price, str):
        return [Problem(f"{where}.price", "must be a price id or label")]
    try:
        if isinstance(line.get("product"), str):
            add_product(ctx, basket, line["product"], quantity, price)
        elif isinstance(line.get("barcode"), str):
            add_by_barcode(ctx, basket, line["barcode"], quantity, price)
        else:
            return [Problem(where, "needs a `product` id or a `barcode`")]
    except InvalidQuantity as error:
        return [Problem(f"{where}.quantity", str(error))]
    except UnknownPrice as error:
        return [Problem(f"{where}.price", str(error))]
    except DomainError as error:
        field = "product" if isinstance(line.get("product"), str) else "barcode"
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
        try:
            payments.append(PaymentRequest(item["method"], parse_amount(item.get("amount"))))
        except DomainError as error:
            problems.append(Problem(f"{where}.amount", str(error)))
    return payments, problems
