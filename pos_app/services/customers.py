"""Customers at the till: the R1 name search and quick creation."""

from __future__ import annotations

from pos_app.domain.customer import Customer, CustomerKind, NamePattern, rank
from pos_app.domain.errors import CardCodeTaken, CustomerNameMissing, UnknownCustomer
from pos_app.domain.ids import new_id
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.changes import CustomerSaved, record_change
from pos_app.services.context import Context, local_till


def search_customers(ctx: Context, typed: str, limit: int = 50) -> list[Customer]:
    """R1: `text*` starts with, `*text` contains; plain words start words of the names."""
    pattern = NamePattern.parse(typed)
    if pattern.is_empty:
        return []
    with ctx.uow(write=False) as uow:
        candidates = uow.customers.search(pattern, limit * 4)
    found = [customer for customer in candidates if pattern.matches(customer)]
    return sorted(found, key=lambda customer: rank(customer, pattern))[:limit]


def get_customer(ctx: Context, customer_id: str) -> Customer:
    with ctx.uow(write=False) as uow:
        customer = uow.customers.get(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    return customer


def create_customer(ctx: Context, staff: StaffMember, kind: CustomerKind, name: str,
                    first_name: str | None = None, email: str | None = None,
                    phone: str | None = None, postal_code: str | None = None,
                    card_code: str | None = None) -> Customer:
    """A customer created at the till; a membership card given here must be no other
    customer's (the customer file moves cards, the till does not)."""
    staff.require(Role.CASHIER, "create a customer")
    if not name.strip():
        raise CustomerNameMissing()
    card = card_code.strip() if card_code else None
    customer = Customer(new_id(), kind, name.strip(),
                        first_name.strip() if first_name else None, email, phone, postal_code,
                        card or None)
    with ctx.uow() as uow:
        holder = uow.customers.get_by_card_code(card) if card else None
        if card and holder is not None:
            raise CardCodeTaken(card, holder.display_name)
        uow.customers.save(customer)
        record_change(uow, ctx.signer, local_till(uow).id, ctx.clock.now(),
                      CustomerSaved(customer))
        uow.commit()
    return customer
