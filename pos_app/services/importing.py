"""Importing reference data (catalogue, customers, staff, payment methods, shared stocks
and slots) from one document.

The whole document is checked first (pos_app/domain/reference_data.py, shared with the
server); every problem names the item and the field, and nothing is written unless all
of it is valid. Items are created or replaced by id. See docs/data-format.md.

A venue group's file holds hundreds of thousands of products: the checked products and
customers wait packed, and they are written a batch at a time, one statement per kind of
row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pos_app.domain.catalogue import Price, Product
from pos_app.domain.journal import Event
from pos_app.domain.receipt import Venue
from pos_app.domain.reference_checks import (
    check_products_against_store,
    check_schedule_against_store,
)
from pos_app.domain.reference_data import (
    BATCH,
    KINDS,
    MANAGING_ROLES,
    MAX_NESTING,
    PRICE_CHANGES_PER_EVENT,
    SECTIONS,
    CheckedImport,
    ImportReport,
    MemberStream,
    check_document,
    customer_row,
    customers_of,
    nested_too_deep,
    product_row,
    products_of,
    read_change,
)
from pos_app.domain.reference_fields import PROBLEM_LIMIT, InvalidImport, Problem, field_name
from pos_app.domain.reference_schedule import slot_row, slots_of
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.sync import PulledChange
from pos_app.services.context import Context
from pos_app.services.journal import record_event
from pos_app.services.ports import Signer, UnitOfWork

# What this module always offered: the readers moved to the domain, the names stay here.
__all__ = ["BATCH", "MAX_NESTING", "PROBLEM_LIMIT", "SECTIONS", "CheckedImport", "ImportReport",
           "InvalidImport", "MemberStream", "Problem", "check_document", "field_name",
           "import_checked", "import_data", "nested_too_deep"]


def import_data(ctx: Context, staff: StaffMember | None, document: object) -> ImportReport:
    """Check the whole document, then write all of it in one transaction (or nothing).

    A store without staff accepts its first import from anyone (that is how it gets its
    first manager); after that only a manager may import. `document` is a dict as JSON
    reads it, or a MemberStream.
    """
    return import_checked(ctx, staff, check_document(document))


def import_checked(ctx: Context, staff: StaffMember | None,
                   checked: CheckedImport) -> ImportReport:
    """Write a checked document in one transaction, once what only the store can tell
    (categories it holds, barcodes other products hold) is checked too."""
    # Hashing is slow on purpose: do it before taking the write lock, not while holding it.
    staff_hashes = [(member, ctx.hasher.hash(secret)) for member, secret in checked.staff]
    with ctx.uow() as uow:
        if uow.staff.count() > 0:
            if staff is None:
                raise InvalidImport([Problem("staff", "sign in as a manager to import")])
            staff.require(Role.MANAGER, "import data")
        moving_barcodes = _check_against_store(uow, checked)
        managers_before = _managers_in_file_before(uow, checked)
        now = ctx.clock.now()
        report = _write(uow, checked, staff_hashes, moving_barcodes, ctx.signer, now, staff)
        remove(uow, ctx.signer, now, staff, [(KINDS[section], item_id)
                                             for section, ids in checked.deletions.items()
                                             for item_id in ids])
        _check_a_manager_remains(uow, checked, managers_before)  # else rolled back
        uow.commit()
    return report


def _check_against_store(uow: UnitOfWork, checked: CheckedImport) -> dict[str, str]:
    """Problems that only the store can reveal: unknown categories, barcodes already
    taken. Returns the barcodes that go from a stored product of the file to another
    product of the file (the file rewrites the first without them), and the product
    each leaves."""
    known = {category.id for category in checked.categories}
    known |= {category.id for category in uow.catalogue.categories()}
    moving = check_products_against_store(checked, known, uow.catalogue.barcode_owners,
                                          checked.product_ids)
    check_schedule_against_store(checked, uow.schedule.stocks_held,
                                 uow.schedule.dated_products)
    return moving


def _managers_in_file_before(uow: UnitOfWork, checked: CheckedImport) -> list[tuple[int, str]]:
    """The members the file rewrites who are active managers (or administrators) now:
    where each is in the file, and their login."""
    found: list[tuple[int, str]] = []
    for index, (member, _secret) in enumerate(checked.staff):
        stored = uow.staff.get_by_login(member.login)
        if stored is not None and stored[0].active and stored[0].role in MANAGING_ROLES:
            found.append((index, member.login))
    return found


def _check_a_manager_remains(uow: UnitOfWork, checked: CheckedImport,
                             managers_before: list[tuple[int, str]]) -> None:
    """Staff the file writes must leave an active manager or administrator: without one,
    no one could close the till, or import again to put it right."""
    if not checked.staff or uow.staff.count_active(MANAGING_ROLES) > 0:
        return
    problems = [Problem(f"staff[{index}]", f"{login} would no longer be an active manager,"
                        " and no active manager or administrator would remain: at least one"
                        " must, to close the till and to import")
                for index, login in managers_before]
    raise InvalidImport(problems or [Problem(
        "staff", "no active manager or administrator: at least one is needed, to close the"
        " till and to import")])


class _CatalogueChanges:
    """What an import changes of the catalogue goes in the event journal: products
    created (with their VAT rate and prices), prices, VAT rates and names changed,
    products withdrawn. Each batch of products is compared with the stored products
    before it is written; each kind of change takes one entry per
    PRICE_CHANGES_PER_EVENT products, so that no entry grows with the catalogue."""

    def __init__(self, uow: UnitOfWork, signer: Signer, now: datetime,
                 staff: StaffMember | None) -> None:
        self._uow, self._signer, self._now, self._staff = uow, signer, now, staff
        self._till = uow.tills.local()
        self._changes: dict[Event, list[dict[str, Any]]] = {
            Event.PRODUCT_CREATED: [], Event.PRICE_CHANGE: [], Event.VAT_RATE_CHANGE: [],
            Event.PRODUCT_RENAMED: [], Event.PRODUCT_WITHDRAWN: []}

    def compare(self, stored: dict[str, Product], products: list[Product]) -> None:
        if self._till is None:
            return  # no till, no journal
        for product in products:
            before = stored.get(product.id)
            if before is None:
                self._add(Event.PRODUCT_CREATED, {
                    "product_id": product.id, "name": product.name,
                    "vat_rate_bp": int(product.vat_rate), "prices": _price_list(product.prices)})
                continue
            if before.prices != product.prices:
                self._add(Event.PRICE_CHANGE, {"product_id": product.id,
                                               "before": _price_list(before.prices),
                                               "after": _price_list(product.prices)})
            if before.name != product.name:
                self._add(Event.PRODUCT_RENAMED, {"product_id": product.id,
                                                  "before": before.name,
                                                  "after": product.name})
            if before.vat_rate != product.vat_rate:
                self._add(Event.VAT_RATE_CHANGE, {"product_id": product.id,
                                                  "before_bp": int(before.vat_rate),
                                                  "after_bp": int(product.vat_rate)})

    def withdraw(self, products: list[Product]) -> None:
        """Products on sale about to be unpublished (one already out of sale changes
        nothing, and is not journaled again)."""
        if self._till is None:
            return
        for product in products:
            if product.published:
                self._add(Event.PRODUCT_WITHDRAWN, {"product_id": product.id,
                                                    "name": product.name})

    def _add(self, event: Event, change: dict[str, Any]) -> None:
        changes = self._changes[event]
        changes.append(change)
        if len(changes) >= PRICE_CHANGES_PER_EVENT:
            self._record(event)

    def record(self) -> None:
        for event in self._changes:
            self._record(event)

    def _record(self, event: Event) -> None:
        if self._changes[event] and self._till is not None:
            record_event(self._uow, self._signer, self._till.id, self._now, event,
                         None if self._staff is None else self._staff.id,
                         products=self._changes[event])
        self._changes[event] = []


def _record_seller(uow: UnitOfWork, signer: Signer, now: datetime, staff: StaffMember | None,
                   venue: Venue) -> None:
    """The seller a receipt names (name, address, SIRET, VAT number) changed: the event
    journal holds it before and after (before: null the first time)."""
    till = uow.tills.local()
    before = uow.tills.venue()
    if till is None or before == venue:
        return
    record_event(uow, signer, till.id, now, Event.SELLER_CHANGE,
                 None if staff is None else staff.id,
                 before=None if before is None else _venue_fields(before),
                 after=_venue_fields(venue))


def _venue_fields(venue: Venue) -> dict[str, str | None]:
    return {"name": venue.name, "address": venue.address, "postal_code": venue.postal_code,
            "city": venue.city, "siret": venue.siret, "vat_number": venue.vat_number}


def _unchanged(stored: Product | None, product: Product) -> bool:
    """Whether the store holds `product` as it is (barcodes are kept in no order)."""
    if stored is None:
        return False
    if stored == product:
        return True
    if stored.barcodes == product.barcodes or sorted(stored.barcodes) != sorted(
            product.barcodes):
        return False  # it differs elsewhere, or by its barcodes
    return replace(stored, barcodes=product.barcodes) == product


def _price_list(prices: tuple[Price, ...]) -> list[list[Any]]:
    return [[price.id, price.label, price.amount_cents] for price in prices]


def _write(uow: UnitOfWork, checked: CheckedImport,
           staff_hashes: list[tuple[StaffMember, str]], moving_barcodes: dict[str, str],
           signer: Signer, now: datetime, staff: StaffMember | None) -> ImportReport:
    if checked.venue is not None:
        _record_seller(uow, signer, now, staff, checked.venue)
        uow.tills.save_venue(checked.venue)
    for method in checked.payment_methods:
        uow.payment_methods.save(method)
    for category in checked.categories:
        uow.catalogue.save_category(category)
    # A barcode moving from one product to another is let go first, so that it is never
    # held by both at once, whichever batch each product is written in.
    uow.catalogue.release_barcodes(list(moving_barcodes))
    uow.schedule.save_stocks(checked.shared_stocks)
    losing = set(moving_barcodes.values())  # stored without those barcodes now: rewritten
    price_changes = _CatalogueChanges(uow, signer, now, staff)
    for rows in checked.products.rows():
        products = [product for _, product in products_of(rows)]
        stored = {product.id: product for product in uow.catalogue.get_many(
            [product.id for product in products])}
        price_changes.compare(stored, products)
        # A catalogue sent again is mostly as it was: what the store holds already, with
        # its search entry, is not written again.
        uow.catalogue.save_many([product for product in products if product.id in losing
                                 or not _unchanged(stored.get(product.id), product)])
    price_changes.record()
    for rows in checked.slots.rows():
        uow.schedule.save_slots([slot for _, slot in slots_of(rows)])
    for rows in checked.customers.rows():
        uow.customers.save_many(customers_of(rows))
    for member, secret_hash in staff_hashes:
        uow.staff.save(member, secret_hash)
    return ImportReport(int(checked.venue is not None), len(checked.payment_methods),
                        len(checked.categories), checked.products.count,
                        checked.customers.count, len(checked.staff),
                        len(checked.shared_stocks), checked.slots.count)


# -- reference data pulled from the server (services/sync.py) -----------------------------


@dataclass(slots=True)
class PageApplied:
    written: int = 0  # items created or replaced
    removed: int = 0  # deletions applied (removed, deactivated or unpublished)


def read_page(changes: Sequence[PulledChange]) -> CheckedImport:
    """A page of pulled changes read as an import is: each item checked by the import's
    readers (InvalidImport names the first faulty one), deletions kept by kind. Done
    before the page's transaction, so the store's lock is held only to write."""
    checked = CheckedImport()
    hashes: list[tuple[StaffMember, str]] = []
    for index, change in enumerate(changes):
        where = f"changes[{index}] ({change.kind} {change.id!r})"
        if change.data is None:
            section = _SECTIONS_OF.get(change.kind)
            if section is not None:  # the venue is never deleted: nothing to do
                checked.deletions.setdefault(section, []).append(change.id)
            continue
        item = read_change(change.kind, change.id, dict(change.data), where)
        if change.kind == "venue":
            checked.venue = item
        elif change.kind == "payment_method":
            checked.payment_methods.append(item)
        elif change.kind == "category":
            checked.categories.append(item)
        elif change.kind == "product":
            checked.product_ids[item.id] = index
            checked.products.add(product_row(index, item))
        elif change.kind == "customer":
            checked.customers.add(customer_row(item))
        elif change.kind == "shared_stock":
            checked.shared_stocks.append(item)
        elif change.kind == "slot":
            checked.slots.add(slot_row(index, item))
        else:
            hashes.append(item)
    checked.products.close()
    checked.customers.close()
    checked.slots.close()
    # A pulled member comes with the server's hash, stored as it is (`staff` pairs each
    # member with a secret in an import; here, with its hash).
    checked.staff = hashes
    return checked


_SECTIONS_OF = {kind: section for section, kind in KINDS.items()}


def apply_page(uow: UnitOfWork, signer: Signer, now: datetime,
               checked: CheckedImport) -> PageApplied:
    """Write a page read by read_page, in the caller's transaction, as an import writes:
    created or replaced by id, price changes journaled. The server's data is the
    reference: a barcode another product holds here is taken from it (the server has
    taken it already; that product's own change follows), and no manager check applies
    (the server's staff are the venue's)."""
    moving: dict[str, str] = {}
    for rows in checked.products.rows():
        owners = uow.catalogue.barcode_owners([code for row in rows for code in row[6]])
        for row in rows:
            for code in row[6]:
                owner = owners.get(code, row[1])
                if owner != row[1]:
                    moving[code] = owner
    report = _write(uow, checked, list(checked.staff), moving, signer, now, None)
    removed = remove(uow, signer, now, None, [(KINDS[section], item_id)
                                              for section, ids in checked.deletions.items()
                                              for item_id in ids])
    written = (report.venue + report.payment_methods + report.categories + report.products
               + report.customers + report.staff + report.shared_stocks + report.slots)
    return PageApplied(written, removed)


def remove(uow: UnitOfWork, signer: Signer, now: datetime, staff: StaffMember | None,
           items: Sequence[tuple[str, str]]) -> int:
    """Deletions (an import's `delete` section, a pull's tombstones), by kind and id.
    What sales name stays, put out of use: a product is unpublished (a draft, never sold
    again; its barcodes freed for another product), a member or a payment method
    deactivated; a customer, a category or a shared stock is removed only when nothing
    names it (orders and sales in progress, products); a slot an order line names is
    emptied of its places instead of removed. A product withdrawn from sale is journaled
    (`product_withdrawn`, by `staff`), in `uow`'s transaction. Returns how many were
    applied."""
    by_kind: dict[str, list[str]] = {}
    for kind, item_id in items:
        by_kind.setdefault(kind, []).append(item_id)
    done = 0
    products = by_kind.get("product", [])
    withdrawn = _CatalogueChanges(uow, signer, now, staff)
    for start in range(0, len(products), BATCH):
        stored = uow.catalogue.get_many(products[start:start + BATCH])
        withdrawn.withdraw(stored)
        uow.catalogue.save_many([replace(product, published=False, barcodes=())
                                 for product in stored])
        done += len(stored)
    withdrawn.record()
    for login in by_kind.get("staff", []):
        member = uow.staff.get_by_login(login)
        if member is not None:
            uow.staff.save(replace(member[0], active=False), member[1])
            done += 1
    for code in by_kind.get("payment_method", []):
        method = uow.payment_methods.get(code)
        if method is not None:
            uow.payment_methods.save(replace(method, active=False))
            done += 1
    done += uow.customers.remove_unreferenced(by_kind.get("customer", []))
    done += uow.catalogue.remove_unused_categories(by_kind.get("category", []))
    done += uow.schedule.remove_slots(by_kind.get("slot", []))
    done += uow.schedule.remove_unused_stocks(by_kind.get("shared_stock", []))
    return done
