"""Reading a document of reference data (catalogue, customers, staff, payment methods,
shared stocks and slots) in the import format (docs/data-format.md), on its own: no
store, standard library only.

The till's import (services/importing.py) and the server's (sync/server/reference.py)
check a document with the same code, so a file one accepts the other accepts, and every
problem is said in the same words. Items are read into domain objects; products and
customers are kept packed (`_Packed`), since a venue group's file holds hundreds of
thousands of them. The readers of fields and of problems are domain/reference_fields.py;
the sections of dates (shared stocks, slots) domain/reference_schedule.py.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from pos_app.domain.admission import (
    MAX_DAYS,
    MAX_MARGIN_MINUTES,
    AdmissionRule,
    admission_columns,
    admission_of,
)
from pos_app.domain.catalogue import Category, Price, Product
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.errors import shown
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.receipt import Venue
from pos_app.domain.reference_fields import (
    CITY_TEXT,
    CODE_TEXT,
    ID_LENGTH,
    ID_TEXT,
    LABEL_TEXT,
    LOGIN_TEXT,
    LONG_NAME_LENGTH,
    LONG_NAME_TEXT,
    NAME_LENGTH,
    NAME_TEXT,
    OPTIONAL_CODE,
    OPTIONAL_ID,
    POSTAL_CODE_LENGTH,
    POSTAL_CODE_TEXT,
    FieldError,
    InvalidImport,
    Problem,
    Reader,
    bounded,
    choice_of,
    field_name,
    optional_text_of,
    read_amount,
    read_flag,
    read_position,
    read_vat_rate,
    whole_number,
)
from pos_app.domain.reference_schedule import read_shared_stock, read_slot, read_slots, slot_row
from pos_app.domain.schedule import SharedStock, Slot
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.ticket import MAX_ENTRIES, MAX_PRODUCT_ID_BYTES
from pos_app.domain.vat import VatRate

SECTIONS = ("venue", "payment_methods", "categories", "products", "customers", "staff",
            "shared_stocks", "slots")
# Deletions: `"delete": {"products": ["id", …], …}`, ids by list section. Kept out of
# SECTIONS, whose names a refusal lists as the sections of items.
DELETE = "delete"
# Each list section, the kind of change a pull names its items by (sync/contract.py).
KINDS = {"payment_methods": "payment_method", "categories": "category",
         "products": "product", "customers": "customer", "staff": "staff",
         "shared_stocks": "shared_stock", "slots": "slot"}
MIN_SECRET_LENGTH = 4
MANAGING_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)  # who may import and close the till
MAX_SECRET_LENGTH = 128
# Deeper than this, a document is not one of ours (ours are three levels deep): refused
# before reading it, and before anything walks it recursively.
MAX_NESTING = 64
# The fields of each kind of item; any other is refused, never silently dropped.
VENUE_FIELDS = frozenset({"name", "address", "postal_code", "city", "siret", "vat_number"})
PAYMENT_METHOD_FIELDS = frozenset({"code", "label", "gives_change", "opens_drawer", "active",
                                   "position"})
CATEGORY_FIELDS = frozenset({"id", "name", "position"})
PRODUCT_FIELDS = frozenset({"id", "name", "category", "vat_rate", "prices", "barcodes",
                            "article_code", "accounting_code", "published", "counter_only",
                            "position", "admission", "stock", "dated"})
ADMISSION_FIELDS = frozenset({"entries", "before_minutes", "after_minutes", "days"})
PRICE_FIELDS = frozenset({"id", "label", "amount"})
CUSTOMER_FIELDS = frozenset({"id", "kind", "name", "first_name", "email", "phone",
                             "postal_code", "card_code"})
STAFF_FIELDS = frozenset({"login", "name", "role", "secret", "active"})
# Products and customers are checked against the store, and written, this many at a time:
# the memory they take and every statement's size are bounded whatever the file's size.
BATCH = 2_000
# An event of the journal lists the price changes of at most this many products (an
# import that changes more records several), so that no entry grows with the catalogue.
PRICE_CHANGES_PER_EVENT = 1_000



@runtime_checkable
class MemberStream(Protocol):
    """A JSON object read as it comes, as the command line reads a large file: its members
    in the file's order, each list given as an iterator of its items (decoded one at a
    time, so the file is never held whole as objects). Problems of the text itself (not
    JSON, not UTF-8) are raised by the iterators, before anything is written."""

    def members(self) -> Iterator[tuple[str, Any]]: ...


@dataclass(slots=True)
class ImportReport:
    venue: int = 0
    payment_methods: int = 0
    categories: int = 0
    products: int = 0
    customers: int = 0
    staff: int = 0
    shared_stocks: int = 0
    slots: int = 0  # each slot a series made counted


# Unknown or repeated sections come first, then each section's problems, in this order
# whatever the order of the sections in the file.
_BUCKETS = ("(sections)", *SECTIONS, DELETE)




class _Packed:
    """Checked items kept between the check and the write as batches of plain tuples,
    marshalled and compressed: as objects, 300,000 products would take some 300 MB of
    memory; packed, a few tens. (marshal is the standard library's fastest packing of
    tuples of texts and numbers; the bytes never leave this process.)"""

    def __init__(self) -> None:
        self.batches: list[bytes] = []
        self.count = 0
        self._pending: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self._pending.append(row)
        self.count += 1
        if len(self._pending) >= BATCH:
            self.close()

    def close(self) -> None:
        if self._pending:
            self.batches.append(zlib.compress(marshal.dumps(self._pending), 1))
            self._pending = []

    def rows(self) -> Iterator[list[tuple[Any, ...]]]:
        for batch in self.batches:
            yield marshal.loads(zlib.decompress(batch))


_RATES = {rate.value: rate for rate in VatRate}
_KINDS = {kind.value: kind for kind in CustomerKind}


def product_row(index: int, product: Product) -> tuple[Any, ...]:
    return (index, product.id, product.name, product.category_id, product.vat_rate.value,
            tuple([tuple(price) for price in product.prices]), product.barcodes,
            product.article_code, product.accounting_code, product.published,
            product.counter_only, product.position, admission_columns(product.admission),
            product.stock_id, product.dated)


def products_of(rows: list[tuple[Any, ...]]) -> list[tuple[int, Product]]:
    """(where it was in the file, the product) for each packed row."""
    return [(index, Product(product_id, name, category_id, _RATES[vat],
                            tuple([Price(*price) for price in prices]), barcodes,
                            article_code, accounting_code, published, counter_only, position,
                            admission_of(admission), stock_id, dated))
            for (index, product_id, name, category_id, vat, prices, barcodes, article_code,
                 accounting_code, published, counter_only, position, admission, stock_id,
                 dated) in rows]



def customer_row(customer: Customer) -> tuple[Any, ...]:
    return (customer.id, customer.kind.value, customer.name, customer.first_name,
            customer.email, customer.phone, customer.postal_code, customer.card_code)


def customers_of(rows: list[tuple[Any, ...]]) -> list[Customer]:
    return [Customer(customer_id, _KINDS[kind], *rest) for customer_id, kind, *rest in rows]


@dataclass(slots=True)
class CheckedImport:
    """A document checked on its own (no store needed): what is left to write, the few
    items as objects, products and customers packed."""

    venue: Venue | None = None
    payment_methods: list[PaymentMethod] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    staff: list[tuple[StaffMember, str]] = field(default_factory=list)  # member, secret
    products: _Packed = field(default_factory=_Packed)
    customers: _Packed = field(default_factory=_Packed)
    shared_stocks: list[SharedStock] = field(default_factory=list)
    # A series makes hundreds of slots: kept packed as products are.
    slots: _Packed = field(default_factory=_Packed)
    # Every product of the file, and where it first is (a place a duplicate names).
    product_ids: dict[str, int] = field(default_factory=dict)
    # The ids (codes, logins) the `delete` section lists, by list section.
    deletions: dict[str, list[str]] = field(default_factory=dict)


def check_document(document: object) -> CheckedImport:
    """Every problem the document shows on its own, or InvalidImport: its shape, each
    item's fields, ids and barcodes given twice. Needs no store (the command line checks
    a file before asking for a secret)."""
    members, streamed = _members_of(document)
    reader = Reader(_BUCKETS)
    checked = CheckedImport()
    keeper = _Keeper(reader, checked)
    seen: set[str] = set()
    for key, value in members:
        if streamed and not isinstance(value, Iterator) and nested_too_deep(
                value, MAX_NESTING - 1):  # a member is the document's second level
            raise _too_deep()
        reader.bucket = "(sections)"
        if (key not in SECTIONS and key != DELETE) or key in seen:
            reader.problem("appears more than once" if key in seen else
                           f"unknown section (known: {', '.join(SECTIONS)})", field_name(key))
            for _item in _items(value, streamed):
                pass  # a streamed list is still read, for its depth
            continue
        seen.add(key)
        reader.bucket = key
        if key == DELETE:
            checked.deletions = _deletions(reader, value)
        elif key == "venue":
            checked.venue = _venue_section(reader, value)
        elif not isinstance(value, list | Iterator):
            reader.problem("must be a list", key)
        else:
            read_item = _ITEM_READERS[key]
            for index, item in enumerate(_items(value, streamed)):
                with reader.at(f"{key}[{index}]"):
                    if not isinstance(item, dict):
                        reader.problem("must be an object")
                        continue
                    result = read_item(reader, item)
                    if result is not None:
                        keeper.keep(key, index, result)
    keeper.check_deletions()
    reader.problems.raise_any()
    checked.products.close()
    checked.customers.close()
    checked.slots.close()
    return checked


# What JSON reads that holds nothing: skipped by one set look-up when a document is walked.
_SCALARS = frozenset({str, int, bool, type(None), float, Decimal})


def nested_too_deep(document: object, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects nest more than `limit` levels deep in `document` (walked
    a level at a time, without recursion: a document nested thousands of levels deep is
    what it refuses)."""
    level: list[Any] = [document] if isinstance(document, dict | list) else []
    depth = 1
    while level:
        inner: list[Any] = []
        for value in level:
            for child in value.values() if isinstance(value, dict) else value:
                # (A tuple of types: isinstance takes it faster than a union.)
                if type(child) not in _SCALARS and isinstance(child, (dict, list)):
                    inner.append(child)
        if inner and depth == limit:
            return True
        level = inner
        depth += 1
    return False




def _too_deep() -> InvalidImport:
    return InvalidImport([Problem("(document)", f"nested more than {MAX_NESTING} levels deep")])


def _members_of(document: object) -> tuple[Iterator[tuple[Any, Any]], bool]:
    """The document's members, and whether they come streamed."""
    if isinstance(document, dict):
        if nested_too_deep(document):
            raise _too_deep()
        return iter(document.items()), False
    if isinstance(document, MemberStream):
        return document.members(), True
    raise InvalidImport([Problem("(document)", "must be a JSON object")])


def _items(value: object, streamed: bool) -> Iterator[Any]:
    """A section's items; a streamed one's each checked for depth as it comes (an item is
    the document's third level)."""
    if isinstance(value, list):
        yield from value
    elif isinstance(value, Iterator):
        for item in value:
            if streamed and isinstance(item, dict | list) and nested_too_deep(
                    item, MAX_NESTING - 2):
                raise _too_deep()
            yield item


# The sections kept as a list of objects on CheckedImport, and the field naming each item.
_LISTED = {"payment_methods": "code", "categories": "id", "shared_stocks": "id"}


class _Keeper:
    """Keeps each item read, and says an id (or code, or login) given twice, and a barcode
    on two products, where the second one is: a dict look-up each, whatever the size of
    the file."""

    def __init__(self, reader: Reader, checked: CheckedImport) -> None:
        self._reader = reader
        self._checked = checked
        self._first: dict[str, dict[str, int]] = {section: {} for section in KINDS}
        self._first["products"] = checked.product_ids
        self._barcodes: dict[str, str] = {}  # code → the first product of the file with it
        self._cards: dict[str, str] = {}  # card code → the first customer of the file with it

    def keep(self, section: str, index: int, item: Any) -> None:
        checked = self._checked
        if section == "products":
            self._unique(section, "id", item.id, index)
            for code in item.barcodes:
                owner = self._barcodes.setdefault(code, item.id)
                if owner != item.id:
                    self._reader.problem_at("barcodes",
                                            f"barcode {code!r} is also on product {owner!r}")
            checked.products.add(product_row(index, item))
        elif section == "customers":
            self._unique(section, "id", item.id, index)
            if item.card_code is not None:
                holder = self._cards.setdefault(item.card_code, item.id)
                if holder != item.id:
                    self._reader.problem_at(
                        "card_code", f"card {item.card_code!r} is also customer {holder!r}'s")
            checked.customers.add(customer_row(item))
        elif section in _LISTED:
            name = _LISTED[section]
            self._unique(section, name, getattr(item, name), index)
            getattr(checked, section).append(item)
        elif section == "slots":
            self._keep_slots(index, item)
        else:
            self._unique(section, "login", item[0].login, index)
            checked.staff.append(item)

    def _keep_slots(self, index: int, slots: list[Slot]) -> None:
        """One slot, or a series' slots: ids made twice by one series are said once."""
        made: set[str] = set()
        for slot in slots:
            if slot.id in made:  # two hours of a series that start together
                self._reader.problem_at("hours", f"two slots start at the same time:"
                                                 f" {slot.id!r}")
                continue
            made.add(slot.id)
            self._unique("slots", "id", slot.id, index)
            self._checked.slots.add(slot_row(index, slot))

    def check_deletions(self) -> None:
        """An item both written and deleted by the same file is a mistake, said where
        it is deleted."""
        self._reader.bucket = DELETE
        for section, ids in self._checked.deletions.items():
            written = self._first[section]
            for index, item_id in enumerate(ids):
                if item_id in written:
                    self._reader.problem(f"{item_id!r} is also written at"
                                         f" {section}[{written[item_id]}]",
                                         f"{DELETE}.{section}[{index}]")

    def _unique(self, section: str, name: str, key: str, index: int) -> None:
        first = self._first[section].setdefault(key, index)
        if first != index:
            self._reader.problem_at(name, f"{key!r} appears more than once (first at"
                                          f" {section}[{first}])")



_CUSTOMER_DETAILS = {"first_name": optional_text_of(NAME_LENGTH),
                     "email": optional_text_of(LONG_NAME_LENGTH),
                     "phone": optional_text_of(ID_LENGTH),
                     "postal_code": optional_text_of(POSTAL_CODE_LENGTH),
                     "card_code": optional_text_of(ID_LENGTH)}




_CUSTOMER_KIND, _ROLE = choice_of(CustomerKind), choice_of(Role)


def _siret(value: Any) -> str:
    text = LONG_NAME_TEXT(value).replace(" ", "")
    if not (text.isdigit() and len(text) == 14):
        raise FieldError("must be 14 digits")
    return text


def _venue_section(reader: Reader, section: Any) -> Venue | None:
    if section is None:
        return None
    with reader.at("venue"):
        if not isinstance(section, dict):
            reader.problem("must be an object")
            return None
        return _venue(reader, section)


def _venue(reader: Reader, item: dict[str, Any]) -> Venue | None:
    reader.only(item, VENUE_FIELDS)
    name = reader.read(item, "name", NAME_TEXT)
    address = reader.read(item, "address", NAME_TEXT)
    postal_code = reader.read(item, "postal_code", POSTAL_CODE_TEXT)
    city = reader.read(item, "city", CITY_TEXT)
    siret = reader.read(item, "siret", _siret, required=False)
    vat_number = reader.read(item, "vat_number", OPTIONAL_CODE, required=False)
    if name is None or address is None or postal_code is None or city is None:
        return None
    return Venue(name, address, postal_code, city, siret, vat_number)


def _payment_method(reader: Reader, item: dict[str, Any]) -> PaymentMethod | None:
    reader.only(item, PAYMENT_METHOD_FIELDS)
    code = reader.read(item, "code", CODE_TEXT)
    label = reader.read(item, "label", LABEL_TEXT)
    gives_change = reader.read(item, "gives_change", read_flag, False, required=False)
    opens_drawer = reader.read(item, "opens_drawer", read_flag, False, required=False)
    active = reader.read(item, "active", read_flag, True, required=False)
    position = reader.read(item, "position", read_position, 0, required=False)
    if code is None or label is None:
        return None
    return PaymentMethod(code, label, bool(gives_change), bool(opens_drawer), bool(active),
                         position or 0)


def _category(reader: Reader, item: dict[str, Any]) -> Category | None:
    reader.only(item, CATEGORY_FIELDS)
    category_id = reader.read(item, "id", ID_TEXT)
    name = reader.read(item, "name", NAME_TEXT)
    position = reader.read(item, "position", read_position, 0, required=False)
    if category_id is None or name is None:
        return None
    return Category(category_id, name, position or 0)


_PLACES = tuple(f"[{index}]" for index in range(16))  # of a product's first prices


def _prices(reader: Reader, value: Any) -> tuple[Price, ...]:
    """The price list, read with the reader at `prices`."""
    if value is None:
        reader.problem("missing")
        return ()
    if not isinstance(value, list) or not value:
        reader.problem("must be a non-empty list")
        return ()
    prices: list[Price] = []
    for index, item in enumerate(value):
        with reader.at(_PLACES[index] if index < len(_PLACES) else f"[{index}]"):
            if not isinstance(item, dict):
                reader.problem("must be an object")
                continue
            reader.only(item, PRICE_FIELDS)
            label = reader.read(item, "label", NAME_TEXT)
            amount = reader.read(item, "amount", read_amount)
            price_id = reader.read(item, "id", ID_TEXT, label, required=False)
            if "id" not in item and label is not None and len(label) > ID_LENGTH:
                # it would be the label
                reader.problem_at("id", f"must be given when the label is longer than"
                                        f" {ID_LENGTH} characters")
                price_id = None
            if label is not None and amount is not None and price_id is not None:
                prices.append(Price(price_id, label, amount))
    return tuple(prices)


def _barcodes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(code, str) and code.strip()
                                              for code in value):
        raise FieldError("must be a list of non-empty texts")
    codes = tuple(code.strip() for code in value)
    for code in codes:
        if len(code) > ID_LENGTH:
            raise FieldError(f"{shown(code)} is longer than {ID_LENGTH} characters")
    if len(set(codes)) < len(codes):
        twice = next(code for code in codes if codes.count(code) > 1)
        raise FieldError(f"barcode {twice!r} is given more than once")
    return codes


def _product(reader: Reader, item: dict[str, Any]) -> Product | None:
    reader.only(item, PRODUCT_FIELDS)
    product_id = reader.read(item, "id", ID_TEXT)
    name = reader.read(item, "name", LONG_NAME_TEXT)
    category = reader.read(item, "category", OPTIONAL_ID, required=False)
    vat_rate = reader.read(item, "vat_rate", read_vat_rate)
    with reader.at("prices"):
        prices = _prices(reader, item.get("prices"))
    no_barcodes: tuple[str, ...] = ()
    barcodes = reader.read(item, "barcodes", _barcodes, no_barcodes, required=False)
    article_code = reader.read(item, "article_code", OPTIONAL_ID, required=False)
    accounting_code = reader.read(item, "accounting_code", OPTIONAL_ID, required=False)
    published = reader.read(item, "published", read_flag, True, required=False)
    counter_only = reader.read(item, "counter_only", read_flag, False, required=False)
    position = reader.read(item, "position", read_position, 0, required=False)
    stock = reader.read(item, "stock", OPTIONAL_ID, required=False)
    dated = reader.read(item, "dated", read_flag, False, required=False)
    admission = None
    if item.get("admission") is not None:
        with reader.at("admission"):
            admission = _admission(reader, item["admission"])
    if (admission is not None and product_id is not None
            and len(product_id.encode("utf-8")) > MAX_PRODUCT_ID_BYTES):
        # A ticket's token carries its product's id in at most 255 bytes.
        reader.problem_at("id", f"an admission's id must take at most"
                                f" {MAX_PRODUCT_ID_BYTES} bytes in UTF-8")
    if product_id is None or name is None or vat_rate is None or not prices:
        return None
    return Product(product_id, name, category, vat_rate, prices, barcodes or (), article_code,
                   accounting_code, bool(published), bool(counter_only), position or 0,
                   admission, stock, bool(dated))




_ENTRIES = whole_number(0, MAX_ENTRIES, " (0: no limit)")
_MARGIN = whole_number(0, MAX_MARGIN_MINUTES)
_DAYS = whole_number(1, MAX_DAYS)


def _admission(reader: Reader, value: Any) -> AdmissionRule | None:
    """A product's admission rule (R11), read with the reader at `admission`: each
    place sold issues a ticket of so many entries, valid so long."""
    if not isinstance(value, dict):
        reader.problem("must be an object (entries, before_minutes, after_minutes, days)")
        return None
    reader.only(value, ADMISSION_FIELDS)
    entries = reader.read(value, "entries", _ENTRIES, 1, required=False)
    before = reader.read(value, "before_minutes", _MARGIN, 30, required=False)
    after = reader.read(value, "after_minutes", _MARGIN, 30, required=False)
    days = reader.read(value, "days", _DAYS, 1, required=False)
    if entries is None or before is None or after is None or days is None:
        return None
    return AdmissionRule(entries or None, timedelta(minutes=before), timedelta(minutes=after),
                         days)








def _customer(reader: Reader, item: dict[str, Any]) -> Customer | None:
    reader.only(item, CUSTOMER_FIELDS)
    customer_id = reader.read(item, "id", ID_TEXT)
    kind = reader.read(item, "kind", _CUSTOMER_KIND)
    name = reader.read(item, "name", LONG_NAME_TEXT)
    details = {key: reader.read(item, key, parse, required=False)
               for key, parse in _CUSTOMER_DETAILS.items()}
    if customer_id is None or kind is None or name is None:
        return None
    if kind is CustomerKind.ORGANISATION and details["first_name"]:
        reader.problem_at("first_name", "an organisation has no first name")
    return Customer(customer_id, kind, name, **details)


def _secret(value: Any) -> str:
    if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
        raise FieldError(f"must be a text of at least {MIN_SECRET_LENGTH} characters")
    return bounded(value, MAX_SECRET_LENGTH)


def _staff(reader: Reader, item: dict[str, Any]) -> tuple[StaffMember, str] | None:
    return _member(reader, item, STAFF_FIELDS, "secret", _secret)


def _member(reader: Reader, item: dict[str, Any], fields: frozenset[str], secret_name: str,
            read_secret: Callable[[Any], str]) -> tuple[StaffMember, str] | None:
    """A member with their secret (an import) or its hash (a pull), as `secret_name`
    says."""
    reader.only(item, fields)
    login = reader.read(item, "login", LOGIN_TEXT)
    name = reader.read(item, "name", NAME_TEXT)
    role = reader.read(item, "role", _ROLE)
    secret = reader.read(item, secret_name, read_secret)
    active = reader.read(item, "active", read_flag, True, required=False)
    if login is None or name is None or role is None or secret is None:
        return None
    return StaffMember(f"staff:{login}", login, name, role, bool(active)), secret


def _deletions(reader: Reader, value: Any) -> dict[str, list[str]]:
    """The `delete` section: an object of lists of ids, by list section."""
    found: dict[str, list[str]] = {}
    with reader.at(DELETE):
        if not isinstance(value, dict):
            reader.problem("must be an object of lists of ids, by section")
            return found
        for section, ids in value.items():
            if section not in KINDS:
                reader.problem_at(field_name(section), f"not a section of items (known:"
                                  f" {', '.join(KINDS)})")
                continue
            with reader.at(section):
                if not isinstance(ids, list):
                    reader.problem("must be a list of ids")
                    continue
                parse = LOGIN_TEXT if section == "staff" else CODE_TEXT if (
                    section == "payment_methods") else ID_TEXT  # a stock's, a slot's too
                kept: dict[str, int] = {}
                for index, item in enumerate(ids):
                    with reader.at(f"[{index}]"):
                        try:
                            item_id = parse(item)
                        except FieldError as error:
                            reader.problem(str(error))
                            continue
                        first = kept.setdefault(item_id, index)
                        if first != index:
                            reader.problem(f"{item_id!r} appears more than once (first at"
                                           f" {DELETE}.{section}[{first}])")
                found[section] = list(kept)
    return found


_ITEM_READERS: dict[str, Callable[[Reader, dict[str, Any]], Any]] = {
    "payment_methods": _payment_method, "categories": _category, "products": _product,
    "customers": _customer, "staff": _staff, "shared_stocks": read_shared_stock,
    "slots": read_slots,
}




# -- items as a pull carries them (docs/sync.md, "Reference data (pull)") -----------------
# A change's `data` is the item in this format (written by domain/reference_wire.py), so
# the server writes what it checked with the readers above and the till reads a pulled
# item with them again. Staff carry their
# `secret_hash` (argon2id, PHC string) in place of a secret: no secret ever travels.

VENUE_ID = "venue"  # the one venue's id in a change
PULLED_STAFF_FIELDS = frozenset({"login", "name", "role", "active", "secret_hash"})
MAX_SECRET_HASH_LENGTH = 512


def _secret_hash(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("$argon2"):
        raise FieldError("must be an argon2 hash in the PHC string format")
    return bounded(value, MAX_SECRET_HASH_LENGTH)


def _pulled_staff(reader: Reader, item: dict[str, Any]) -> tuple[StaffMember, str] | None:
    return _member(reader, item, PULLED_STAFF_FIELDS, "secret_hash", _secret_hash)


_CHANGE_READERS: dict[str, Callable[[Reader, dict[str, Any]], Any]] = {
    "venue": _venue, "payment_method": _payment_method, "category": _category,
    "product": _product, "customer": _customer, "staff": _pulled_staff,
    # A pulled slot is one slot, never a series.
    "shared_stock": read_shared_stock, "slot": read_slot,
}
CHANGE_KINDS = frozenset(_CHANGE_READERS)


def read_change(kind: str, item_id: str, data: dict[str, Any], where: str) -> Any:
    """A pulled item read as an imported one is (a Venue, PaymentMethod, Category,
    Product, Customer, SharedStock, Slot, or (StaffMember, secret hash)); InvalidImport
    names what is wrong, at `where`. Its id must be the change's."""
    read = _CHANGE_READERS.get(kind)
    if read is None:
        raise InvalidImport([Problem(where, f"{kind!r} is not reference data a till keeps")])
    reader = Reader(_BUCKETS)
    reader.bucket = "(sections)"
    with reader.at(where):
        item = read(reader, data)
    reader.problems.raise_any()
    found = _id_of(kind, item)
    if found != item_id:
        raise InvalidImport([Problem(where, f"its id {found!r} is not the change's"
                                            f" {item_id!r}")])
    return item


def _id_of(kind: str, item: Any) -> str:
    if kind == "venue":
        return VENUE_ID
    if kind == "payment_method":
        return str(item.code)
    if kind == "staff":
        return str(item[0].login)
    return str(item.id)
