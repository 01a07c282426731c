"""Reading a document of reference data (catalogue, customers, staff, payment methods,
shared stocks and slots) in the import format (docs/data-format.md), on its own: no
store, standard library only.

The till's import (services/importing.py) and the server's (sync/server/reference.py)
check a document with the same code, so a file one accepts the other accepts, and every
problem is said in the same words. Items are read into domain objects; products and
customers are kept packed (`_Packed`), since a venue group's file holds hundreds of
thousands of them.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypeVar, runtime_checkable
from zoneinfo import ZoneInfo

from pos_app.domain.admission import (
    MAX_DAYS,
    MAX_MARGIN_MINUTES,
    AdmissionRule,
    admission_columns,
    admission_of,
)
from pos_app.domain.catalogue import Category, Price, Product
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.errors import DomainError, InvalidVatRate, shown
from pos_app.domain.money import parse_amount
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.receipt import Venue
from pos_app.domain.schedule import (
    MAX_PLACES,
    MAX_SLOT_DAYS,
    MAX_STOCK,
    SharedStock,
    Slot,
    SlotInvalid,
    daily_slot,
    default_slot_id,
    slots_in_bulk,
)
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
# Positions order tiles and methods; they are small numbers.
MAX_POSITION = 999_999
# Text lengths, as the store's columns are sized (storage/rows.py).
NAME_LENGTH, LONG_NAME_LENGTH, CODE_LENGTH, ID_LENGTH = 200, 300, 32, 64
POSTAL_CODE_LENGTH, CITY_LENGTH, LABEL_LENGTH = 16, 100, 100
LOGIN_LENGTH = ID_LENGTH - len("staff:")  # a member's id is `staff:LOGIN`
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
SHARED_STOCK_FIELDS = frozenset({"id", "name", "quantity", "planned", "exceptions"})
EXCEPTION_FIELDS = frozenset({"day", "quantity"})
SLOT_FIELDS = frozenset({"id", "product", "start", "end", "places", "daily"})
# A slot item with any of these is a series, made into one slot per day and hours.
SERIES_ONLY_FIELDS = frozenset({"from", "to", "weekdays", "hours"})
SERIES_FIELDS = SERIES_ONLY_FIELDS | {"product", "places"}
# A slot's times without an offset are the venue's clock.
VENUE_ZONE = ZoneInfo("Europe/Paris")
# A refusal lists this many problems, then how many more there are: a file of 300,000 bad
# items is said in a screenful, and never held as a million sentences.
PROBLEM_LIMIT = 100
# Products and customers are checked against the store, and written, this many at a time:
# the memory they take and every statement's size are bounded whatever the file's size.
BATCH = 2_000
# An event of the journal lists the price changes of at most this many products (an
# import that changes more records several), so that no entry grows with the catalogue.
PRICE_CHANGES_PER_EVENT = 1_000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # e.g. `products[3].prices[0].amount`
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InvalidImport(DomainError):
    """The problems found (at most PROBLEM_LIMIT), and how many more were not listed; when
    there are more, the last problem listed says so."""

    def __init__(self, problems: list[Problem], more: int = 0) -> None:
        if more:
            problems = [*problems, Problem("(document)", f"and {more} more problems, not"
                                           f" listed: the first {len(problems)} are")]
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems
        self.more = more


class FieldError(ValueError):
    """Raised while reading one field; becomes a Problem naming that field."""


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


class Problems:
    """Problems as they are found, by bucket (the order they are reported in), at most
    PROBLEM_LIMIT kept in each, all of them counted."""

    def __init__(self, order: tuple[str, ...] = ("",)) -> None:
        self.kept: dict[str, list[Problem]] = {bucket: [] for bucket in order}
        self.count = 0

    def add(self, bucket: str, problem: Problem) -> None:
        self.count += 1
        kept = self.kept[bucket]
        if len(kept) < PROBLEM_LIMIT:
            kept.append(problem)

    def raise_any(self) -> None:
        if self.count:
            listed = [problem for kept in self.kept.values() for problem in kept]
            raise InvalidImport(listed[:PROBLEM_LIMIT], self.count - min(len(listed),
                                                                         PROBLEM_LIMIT))


# Unknown or repeated sections come first, then each section's problems, in this order
# whatever the order of the sections in the file.
_BUCKETS = ("(sections)", *SECTIONS, DELETE)


class _Reader:
    """Collects problems while reading; `at` names the item being read (`with
    reader.at("prices"):`). A field read without a problem costs no path work: the
    place is spelt out only for a problem."""

    def __init__(self) -> None:
        self.problems = Problems(_BUCKETS)
        self.bucket = "(sections)"
        self._path: list[str] = []

    def at(self, part: str) -> _Reader:
        self._path.append(part)
        return self

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *_: object) -> None:
        self._path.pop()

    @property
    def where(self) -> str:
        return ".".join(self._path).replace(".[", "[")

    def problem(self, message: str, where: str | None = None) -> None:
        self.problems.add(self.bucket, Problem(self.where if where is None else where,
                                               message))

    def problem_at(self, name: str, message: str) -> None:
        """A problem of field `name` of the item being read."""
        with self.at(name):
            self.problem(message)

    def only(self, item: dict[str, Any], known: frozenset[str]) -> None:
        """Each field of `item` that is not in `known` is a problem of its own."""
        if item.keys() <= known:
            return
        for key in item:
            if key not in known:
                self.problem_at(field_name(key), "unknown field")

    def read(self, item: dict[str, Any], name: str, parse: Callable[[Any], T],
             default: T | None = None, required: bool = True) -> T | None:
        value = item.get(name)
        if value is None:
            if required:
                self.problem_at(name, "missing")
            return default
        try:
            return parse(value)
        except (FieldError, DomainError) as error:
            self.problem_at(name, str(error))
            return default


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


def slot_row(index: int, slot: Slot) -> tuple[Any, ...]:
    """A slot packed: where it was in the file (a series' slots share its place), then
    its fields, times as UTC ISO 8601 texts."""
    return (index, slot.id, slot.product_id, slot.start.isoformat(), slot.end.isoformat(),
            slot.places, slot.daily)


def slots_of(rows: list[tuple[Any, ...]]) -> list[tuple[int, Slot]]:
    return [(index, Slot(slot_id, product_id, datetime.fromisoformat(start),
                         datetime.fromisoformat(end), places, daily))
            for index, slot_id, product_id, start, end, places, daily in rows]


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
    reader = _Reader()
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


def field_name(key: object) -> str:
    """A field's name as a problem names it: cut short when it is long."""
    text = str(key)
    return text if len(text) <= 40 else text[:39] + "…"


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


class _Keeper:
    """Keeps each item read, and says an id (or code, or login) given twice, and a barcode
    on two products, where the second one is: a dict look-up each, whatever the size of
    the file."""

    def __init__(self, reader: _Reader, checked: CheckedImport) -> None:
        self._reader = reader
        self._checked = checked
        self._first: dict[str, dict[str, int]] = {
            "payment_methods": {}, "categories": {}, "customers": {}, "staff": {},
            "products": checked.product_ids, "shared_stocks": {}, "slots": {}}
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
        elif section == "payment_methods":
            self._unique(section, "code", item.code, index)
            checked.payment_methods.append(item)
        elif section == "categories":
            self._unique(section, "id", item.id, index)
            checked.categories.append(item)
        elif section == "shared_stocks":
            self._unique(section, "id", item.id, index)
            checked.shared_stocks.append(item)
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


def _text(limit: int) -> Callable[[Any], str]:
    """A non-empty text of at most `limit` characters (once trimmed)."""
    def parse(value: Any) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            raise FieldError("must be a non-empty text")
        if len(text) > limit:
            raise FieldError(f"must be at most {limit} characters long (it has {len(text)})")
        return text
    return parse


def _optional_text(limit: int) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if not isinstance(value, str):
            raise FieldError("must be a text")
        return _bounded(value.strip(), limit) or None
    return parse


def _bounded(text: str, limit: int) -> str:
    if len(text) > limit:
        raise FieldError(f"must be at most {limit} characters long (it has {len(text)})")
    return text


# The readers of each kind of text, made once (not once per item read).
_ID, _CODE, _LOGIN = _text(ID_LENGTH), _text(CODE_LENGTH), _text(LOGIN_LENGTH)
_NAME, _LONG_NAME, _LABEL = _text(NAME_LENGTH), _text(LONG_NAME_LENGTH), _text(LABEL_LENGTH)
_POSTAL_CODE, _CITY = _text(POSTAL_CODE_LENGTH), _text(CITY_LENGTH)
_OPTIONAL_ID, _OPTIONAL_CODE = _optional_text(ID_LENGTH), _optional_text(CODE_LENGTH)
_CUSTOMER_DETAILS = {"first_name": _optional_text(NAME_LENGTH),
                     "email": _optional_text(LONG_NAME_LENGTH),
                     "phone": _optional_text(ID_LENGTH),
                     "postal_code": _optional_text(POSTAL_CODE_LENGTH),
                     "card_code": _optional_text(ID_LENGTH)}


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false")
    return value


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError("must be a whole number")
    if abs(value) > MAX_POSITION:
        raise FieldError(f"must be a whole number from -{MAX_POSITION} to {MAX_POSITION}")
    return value


# A catalogue writes the same few rates as texts again and again: each is read once.
_RATES_BY_TEXT: dict[str, VatRate] = {}


def _vat_rate(value: Any) -> VatRate:
    if type(value) is str and value in _RATES_BY_TEXT:
        return _RATES_BY_TEXT[value]
    try:
        rate = VatRate.parse(value)
    except (InvalidVatRate, ArithmeticError, ValueError) as error:  # 1E+999999, 10**5000
        raise FieldError(f"unknown VAT rate {shown(value)} (allowed: 20, 10, 5.5, 2.1)"
                         ) from error
    if type(value) is str and len(_RATES_BY_TEXT) < 64:
        _RATES_BY_TEXT[value] = rate
    return rate


# A catalogue's prices repeat (`12.50` on thousands of products): each text is read once,
# up to this many different ones.
_CENTS_BY_TEXT: dict[str, int] = {}
_AMOUNTS_REMEMBERED = 50_000


def _amount(value: Any) -> int:
    if type(value) is str:
        cents = _CENTS_BY_TEXT.get(value)
        if cents is not None:
            return cents
    cents = parse_amount(value)
    if cents < 0:
        raise FieldError(f"must not be negative: {value!r}")
    if type(value) is str and len(_CENTS_BY_TEXT) < _AMOUNTS_REMEMBERED:
        _CENTS_BY_TEXT[value] = cents
    return cents


def _choice(enum: type[Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        try:
            return enum(value)
        except ValueError as error:
            allowed = ", ".join(member.value for member in enum)
            raise FieldError(f"{shown(value)} is not one of: {allowed}") from error
    return parse


_CUSTOMER_KIND, _ROLE = _choice(CustomerKind), _choice(Role)


def _siret(value: Any) -> str:
    text = _LONG_NAME(value).replace(" ", "")
    if not (text.isdigit() and len(text) == 14):
        raise FieldError("must be 14 digits")
    return text


def _venue_section(reader: _Reader, section: Any) -> Venue | None:
    if section is None:
        return None
    with reader.at("venue"):
        if not isinstance(section, dict):
            reader.problem("must be an object")
            return None
        return _venue(reader, section)


def _venue(reader: _Reader, item: dict[str, Any]) -> Venue | None:
    reader.only(item, VENUE_FIELDS)
    name = reader.read(item, "name", _NAME)
    address = reader.read(item, "address", _NAME)
    postal_code = reader.read(item, "postal_code", _POSTAL_CODE)
    city = reader.read(item, "city", _CITY)
    siret = reader.read(item, "siret", _siret, required=False)
    vat_number = reader.read(item, "vat_number", _OPTIONAL_CODE, required=False)
    if name is None or address is None or postal_code is None or city is None:
        return None
    return Venue(name, address, postal_code, city, siret, vat_number)


def _payment_method(reader: _Reader, item: dict[str, Any]) -> PaymentMethod | None:
    reader.only(item, PAYMENT_METHOD_FIELDS)
    code = reader.read(item, "code", _CODE)
    label = reader.read(item, "label", _LABEL)
    gives_change = reader.read(item, "gives_change", _flag, False, required=False)
    opens_drawer = reader.read(item, "opens_drawer", _flag, False, required=False)
    active = reader.read(item, "active", _flag, True, required=False)
    position = reader.read(item, "position", _position, 0, required=False)
    if code is None or label is None:
        return None
    return PaymentMethod(code, label, bool(gives_change), bool(opens_drawer), bool(active),
                         position or 0)


def _category(reader: _Reader, item: dict[str, Any]) -> Category | None:
    reader.only(item, CATEGORY_FIELDS)
    category_id = reader.read(item, "id", _ID)
    name = reader.read(item, "name", _NAME)
    position = reader.read(item, "position", _position, 0, required=False)
    if category_id is None or name is None:
        return None
    return Category(category_id, name, position or 0)


_PLACES = tuple(f"[{index}]" for index in range(16))  # of a product's first prices


def _prices(reader: _Reader, value: Any) -> tuple[Price, ...]:
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
            label = reader.read(item, "label", _NAME)
            amount = reader.read(item, "amount", _amount)
            price_id = reader.read(item, "id", _ID, label, required=False)
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


def _product(reader: _Reader, item: dict[str, Any]) -> Product | None:
    reader.only(item, PRODUCT_FIELDS)
    product_id = reader.read(item, "id", _ID)
    name = reader.read(item, "name", _LONG_NAME)
    category = reader.read(item, "category", _OPTIONAL_ID, required=False)
    vat_rate = reader.read(item, "vat_rate", _vat_rate)
    with reader.at("prices"):
        prices = _prices(reader, item.get("prices"))
    no_barcodes: tuple[str, ...] = ()
    barcodes = reader.read(item, "barcodes", _barcodes, no_barcodes, required=False)
    article_code = reader.read(item, "article_code", _OPTIONAL_ID, required=False)
    accounting_code = reader.read(item, "accounting_code", _OPTIONAL_ID, required=False)
    published = reader.read(item, "published", _flag, True, required=False)
    counter_only = reader.read(item, "counter_only", _flag, False, required=False)
    position = reader.read(item, "position", _position, 0, required=False)
    stock = reader.read(item, "stock", _OPTIONAL_ID, required=False)
    dated = reader.read(item, "dated", _flag, False, required=False)
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


def _whole(low: int, high: int, meaning: str = "") -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise FieldError(f"must be a whole number from {low} to {high}{meaning}")
        return value
    return parse


_ENTRIES = _whole(0, MAX_ENTRIES, " (0: no limit)")
_MARGIN = _whole(0, MAX_MARGIN_MINUTES)
_DAYS = _whole(1, MAX_DAYS)


def _admission(reader: _Reader, value: Any) -> AdmissionRule | None:
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


_STOCK_QUANTITY = _whole(0, MAX_STOCK)
_SLOT_PLACES = _whole(0, MAX_PLACES)


def _day(value: Any) -> date:
    if not isinstance(value, str):
        raise FieldError("must be a day as text, YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise FieldError(f"not a day (YYYY-MM-DD): {shown(value)}") from error


def _moment(value: Any) -> datetime:
    """A time in ISO 8601, with its offset, or without one: the venue's clock (Paris);
    in UTC."""
    if not isinstance(value, str):
        raise FieldError("must be a time as text, YYYY-MM-DDTHH:MM")
    text = value.strip()
    try:
        if len(text) < 16:  # a day alone is no time
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise FieldError(f"not a time (YYYY-MM-DDTHH:MM, with or without an offset):"
                         f" {shown(value)}") from error
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=VENUE_ZONE)
    return moment.astimezone(UTC)


def _hours(value: Any) -> tuple[time, time]:
    """`14:00-15:00`: a slot's opening and closing hours (venue time)."""
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except (AttributeError, ValueError) as error:
        raise FieldError(f"not hours (HH:MM-HH:MM): {shown(value)}") from error
    if closes <= opens:
        raise FieldError(f"closes before it opens: {shown(value)}")
    return opens, closes


def _shared_stock(reader: _Reader, item: dict[str, Any]) -> SharedStock | None:
    reader.only(item, SHARED_STOCK_FIELDS)
    stock_id = reader.read(item, "id", _ID)
    name = reader.read(item, "name", _NAME)
    quantity = reader.read(item, "quantity", _STOCK_QUANTITY)
    planned = reader.read(item, "planned", _flag, True, required=False)
    exceptions: dict[date, int] = {}
    value = item.get("exceptions")
    if value is not None:
        with reader.at("exceptions"):
            exceptions = _exceptions(reader, value)
    if stock_id is None or name is None or quantity is None:
        return None
    return SharedStock(stock_id, name, quantity, bool(planned), exceptions)


def _exceptions(reader: _Reader, value: Any) -> dict[date, int]:
    """A stock's quantity on chosen days, read with the reader at `exceptions`."""
    found: dict[date, int] = {}
    if not isinstance(value, list):
        reader.problem("must be a list of {day, quantity}")
        return found
    for index, item in enumerate(value):
        with reader.at(f"[{index}]"):
            if not isinstance(item, dict):
                reader.problem("must be an object")
                continue
            reader.only(item, EXCEPTION_FIELDS)
            day = reader.read(item, "day", _day)
            quantity = reader.read(item, "quantity", _STOCK_QUANTITY)
            if day is None or quantity is None:
                continue
            if day in found:
                reader.problem_at("day", f"{day.isoformat()} is given more than once")
                continue
            found[day] = quantity
    return found


def _slots(reader: _Reader, item: dict[str, Any]) -> list[Slot] | None:
    """An item of `slots`: one slot, or a series (`from`, `to`, `weekdays`, `hours`)
    made into its slots."""
    if item.keys() & SERIES_ONLY_FIELDS:
        return _series(reader, item)
    slot = _slot(reader, item)
    return None if slot is None else [slot]


def _slot(reader: _Reader, item: dict[str, Any]) -> Slot | None:
    reader.only(item, SLOT_FIELDS)
    product_id = reader.read(item, "product", _ID)
    start = reader.read(item, "start", _moment)
    end = reader.read(item, "end", _moment)
    places = reader.read(item, "places", _SLOT_PLACES)
    daily = reader.read(item, "daily", _flag, False, required=False)
    if "id" in item:
        slot_id = reader.read(item, "id", _ID)
    elif product_id is not None and start is not None:
        slot_id = default_slot_id(product_id, start.astimezone(VENUE_ZONE))
    else:
        slot_id = None
    if start is not None and end is not None:
        if end <= start:
            reader.problem_at("end", "must come after its start")
            return None
        if end - start > timedelta(days=MAX_SLOT_DAYS):
            reader.problem_at("end", f"a slot lasts at most {MAX_SLOT_DAYS} days")
            return None
    if slot_id is None or product_id is None or start is None or end is None or (
            places is None):
        return None
    if not daily:
        return Slot(slot_id, product_id, start, end, places)
    first, last = start.astimezone(VENUE_ZONE), end.astimezone(VENUE_ZONE)
    try:
        return daily_slot(slot_id, product_id, first.date(), last.date(),
                          first.time(), last.time(), places, VENUE_ZONE)
    except SlotInvalid as error:
        reader.problem_at("daily", error.why)
        return None


def _series(reader: _Reader, item: dict[str, Any]) -> list[Slot] | None:
    reader.only(item, SERIES_FIELDS)
    product_id = reader.read(item, "product", _ID)
    first = reader.read(item, "from", _day)
    last = reader.read(item, "to", _day)
    weekdays = reader.read(item, "weekdays", _weekdays)
    places = reader.read(item, "places", _SLOT_PLACES)
    hours: list[tuple[time, time]] = []
    value = item.get("hours")
    with reader.at("hours"):
        if value is None:
            reader.problem("missing")
        elif not isinstance(value, list) or not value:
            reader.problem("must be a non-empty list of hours (HH:MM-HH:MM)")
        else:
            for index, text in enumerate(value):
                with reader.at(f"[{index}]"):
                    try:
                        hours.append(_hours(text))
                    except FieldError as error:
                        reader.problem(str(error))
    if first is not None and last is not None and last < first:
        reader.problem_at("to", "comes before `from`")
        return None
    if (product_id is None or first is None or last is None or weekdays is None
            or places is None or not isinstance(value, list) or len(hours) < len(value)):
        return None
    try:
        return slots_in_bulk(product_id, first, last, weekdays, hours, places, VENUE_ZONE)
    except SlotInvalid as error:
        reader.problem(error.why)
        return None


def _weekdays(value: Any) -> list[int]:
    if not isinstance(value, list) or not value or not all(
            type(day) is int and 1 <= day <= 7 for day in value):
        raise FieldError("must be a non-empty list of weekdays, 1 (Monday) to 7 (Sunday)")
    return value


def _customer(reader: _Reader, item: dict[str, Any]) -> Customer | None:
    reader.only(item, CUSTOMER_FIELDS)
    customer_id = reader.read(item, "id", _ID)
    kind = reader.read(item, "kind", _CUSTOMER_KIND)
    name = reader.read(item, "name", _LONG_NAME)
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
    return _bounded(value, MAX_SECRET_LENGTH)


def _staff(reader: _Reader, item: dict[str, Any]) -> tuple[StaffMember, str] | None:
    return _member(reader, item, STAFF_FIELDS, "secret", _secret)


def _member(reader: _Reader, item: dict[str, Any], fields: frozenset[str], secret_name: str,
            read_secret: Callable[[Any], str]) -> tuple[StaffMember, str] | None:
    """A member with their secret (an import) or its hash (a pull), as `secret_name`
    says."""
    reader.only(item, fields)
    login = reader.read(item, "login", _LOGIN)
    name = reader.read(item, "name", _NAME)
    role = reader.read(item, "role", _ROLE)
    secret = reader.read(item, secret_name, read_secret)
    active = reader.read(item, "active", _flag, True, required=False)
    if login is None or name is None or role is None or secret is None:
        return None
    return StaffMember(f"staff:{login}", login, name, role, bool(active)), secret


def _deletions(reader: _Reader, value: Any) -> dict[str, list[str]]:
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
                parse = _LOGIN if section == "staff" else _CODE if (
                    section == "payment_methods") else _ID  # a stock's, a slot's too
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


_ITEM_READERS: dict[str, Callable[[_Reader, dict[str, Any]], Any]] = {
    "payment_methods": _payment_method, "categories": _category, "products": _product,
    "customers": _customer, "staff": _staff, "shared_stocks": _shared_stock,
    "slots": _slots,
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
    return _bounded(value, MAX_SECRET_HASH_LENGTH)


def _pulled_staff(reader: _Reader, item: dict[str, Any]) -> tuple[StaffMember, str] | None:
    return _member(reader, item, PULLED_STAFF_FIELDS, "secret_hash", _secret_hash)


_CHANGE_READERS: dict[str, Callable[[_Reader, dict[str, Any]], Any]] = {
    "venue": _venue, "payment_method": _payment_method, "category": _category,
    "product": _product, "customer": _customer, "staff": _pulled_staff,
    "shared_stock": _shared_stock, "slot": _slot,  # a pulled slot is one slot, never a series
}
CHANGE_KINDS = frozenset(_CHANGE_READERS)


def read_change(kind: str, item_id: str, data: dict[str, Any], where: str) -> Any:
    """A pulled item read as an imported one is (a Venue, PaymentMethod, Category,
    Product, Customer, SharedStock, Slot, or (StaffMember, secret hash)); InvalidImport
    names what is wrong, at `where`. Its id must be the change's."""
    read = _CHANGE_READERS.get(kind)
    if read is None:
        raise InvalidImport([Problem(where, f"{kind!r} is not reference data a till keeps")])
    reader = _Reader()
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
