"""Reference data items written as a pull carries them (docs/sync.md, "Reference data
(pull)"): the import format of each item, which the server keeps and sends, and the
till reads back with domain/reference_data.py's readers. Staff carry their
`secret_hash` (argon2id, PHC string) in place of a secret: no secret ever travels."""

from __future__ import annotations

from typing import Any

from pos_app.domain.admission import AdmissionRule, admission_columns
from pos_app.domain.catalogue import Category, Product
from pos_app.domain.customer import Customer
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.receipt import Venue
from pos_app.domain.schedule import SharedStock, Slot
from pos_app.domain.staff import StaffMember


def _given(data: dict[str, Any]) -> dict[str, Any]:
    """Optional fields left out when empty, as a file would."""
    return {key: value for key, value in data.items() if value is not None}


def amount_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def venue_data(venue: Venue) -> dict[str, Any]:
    return _given({"name": venue.name, "address": venue.address,
                   "postal_code": venue.postal_code, "city": venue.city,
                   "siret": venue.siret, "vat_number": venue.vat_number})


def payment_method_data(method: PaymentMethod) -> dict[str, Any]:
    return {"code": method.code, "label": method.label, "gives_change": method.gives_change,
            "opens_drawer": method.opens_drawer, "active": method.active,
            "position": method.position}


def category_data(category: Category) -> dict[str, Any]:
    return {"id": category.id, "name": category.name, "position": category.position}


def product_data(product: Product) -> dict[str, Any]:
    return _given({
        "id": product.id, "name": product.name, "category": product.category_id,
        "vat_rate": product.vat_rate.percent_text,
        "prices": [{"id": price.id, "label": price.label,
                    "amount": amount_text(price.amount_cents)} for price in product.prices],
        "barcodes": list(product.barcodes), "article_code": product.article_code,
        "accounting_code": product.accounting_code, "published": product.published,
        "counter_only": product.counter_only, "position": product.position,
        "admission": None if product.admission is None else admission_data(product.admission),
        "stock": product.stock_id, "dated": product.dated or None})


def admission_data(rule: AdmissionRule) -> dict[str, int]:
    entries, before, after, days = admission_columns(rule)
    return {"entries": entries or 0, "before_minutes": before or 0,
            "after_minutes": after or 0, "days": days or 1}


def customer_data(customer: Customer) -> dict[str, Any]:
    return _given({"id": customer.id, "kind": customer.kind.value, "name": customer.name,
                   "first_name": customer.first_name, "email": customer.email,
                   "phone": customer.phone, "postal_code": customer.postal_code,
                   "card_code": customer.card_code})


def staff_data(member: StaffMember, secret_hash: str) -> dict[str, Any]:
    return {"login": member.login, "name": member.display_name, "role": member.role.value,
            "active": member.active, "secret_hash": secret_hash}


def shared_stock_data(stock: SharedStock) -> dict[str, Any]:
    return {"id": stock.id, "name": stock.name, "quantity": stock.quantity,
            "planned": stock.planned,
            "exceptions": [{"day": day.isoformat(), "quantity": quantity}
                           for day, quantity in sorted(stock.exceptions.items())]}


def slot_data(slot: Slot) -> dict[str, Any]:
    """One slot (a series travels as the slots it made), its times in UTC."""
    return {"id": slot.id, "product": slot.product_id, "start": slot.start.isoformat(),
            "end": slot.end.isoformat(), "places": slot.places, "daily": slot.daily}
