"""Importing reference data (catalogue, customers, staff, payment methods) from one document.

The whole document is checked first; every problem names the item and the field, and
nothing is written unless all of it is valid. Items are created or replaced by id.
See docs/data-format.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from pos_app.domain.catalogue import Category, Price, Product
from pos_app.domain.customer import Customer, CustomerKind
from pos_app.domain.errors import DomainError, InvalidVatRate, shown
from pos_app.domain.journal import Event
from pos_app.domain.money import parse_amount
from pos_app.domain.payment import PaymentMethod
from pos_app.domain.receipt import Venue
from pos_app.domain.staff import Role, StaffMember
from pos_app.domain.vat import VatRate
from pos_app.services.context import Context
from pos_app.services.journal import record_event
from pos_app.services.ports import Signer, UnitOfWork

SECTIONS = ("venue", "payment_methods", "categories", "products", "customers", "staff")
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
                            "position"})
PRICE_FIELDS = frozenset({"id", "label", "amount"})
CUSTOMER_FIELDS = frozenset({"id", "kind", "name", "first_name", "email", "phone",
                             "postal_code"})
STAFF_FIELDS = frozenset({"login", "name", "role", "secret", "active"})
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Problem:
    where: str  # e.g. `products[3].prices[0].amount`
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class InvalidImport(DomainError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


class FieldError(ValueError):
    """Raised while reading one field; becomes a Problem naming that field."""


@dataclass(slots=True)
class ImportReport:
    venue: int = 0
    payment_methods: int = 0
    categories: int = 0
    products: int = 0
    customers: int = 0
    staff: int = 0


@dataclass(slots=True)
class _Parsed:
    venue: Venue | None = None
    payment_methods: list[PaymentMethod] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    staff: list[tuple[StaffMember, str]] = field(default_factory=list)  # member, secret
    product_indexes: list[int] = field(default_factory=list)  # where each product was


class _Reader:
    """Collects problems while reading; `at` names the item being read."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._path: list[str] = []

    @contextmanager
    def at(self, part: str) -> Iterator[None]:
        self._path.append(part)
        try:
            yield
        finally:
            self._path.pop()

    @property
    def where(self) -> str:
        return ".".join(self._path).replace(".[", "[")

    def problem(self, message: str) -> None:
        self.problems.append(Problem(self.where, message))

    def only(self, item: dict[str, Any], known: frozenset[str]) -> None:
        """Each field of `item` that is not in `known` is a problem of its own."""
        for key in item:
            if key not in known:
                with self.at(field_name(key)):
                    self.problem("unknown field")

    def read(self, item: dict[str, Any], name: str, parse: Callable[[Any], T],
             default: T | None = None, required: bool = True) -> T | None:
        with self.at(name):
            if name not in item or item[name] is None:
                if required:
                    self.problem("missing")
                return default
            try:
                return parse(item[name])
            except (FieldError, DomainError) as error:
                self.problem(str(error))
                return default


def import_data(ctx: Context, staff: StaffMember | None, document: object) -> ImportReport:
    """Check the whole document, then write all of it in one transaction (or nothing).

    A store without staff accepts its first import from anyone (that is how it gets its
    first manager); after that only a manager may import.
    """
    parsed = _parse(document)
    # Hashing is slow on purpose: do it before taking the write lock, not while holding it.
    staff_hashes = [(member, ctx.hasher.hash(secret)) for member, secret in parsed.staff]
    with ctx.uow() as uow:
        if uow.staff.count() > 0:
            if staff is None:
                raise InvalidImport([Problem("staff", "sign in as a manager to import")])
            staff.require(Role.MANAGER, "import data")
        losing_barcodes = _check_against_store(uow, parsed)
        managers_before = _managers_in_file_before(uow, parsed)
        report = _write(uow, parsed, staff_hashes, losing_barcodes, ctx.signer,
                        ctx.clock.now(), staff)
        _check_a_manager_remains(uow, parsed, managers_before)  # else rolled back
        uow.commit()
    return report


def nested_too_deep(document: object, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects nest more than `limit` levels deep in `document` (walked
    without recursion: a document nested thousands of levels deep is what it refuses)."""
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        children = (value.values() if isinstance(value, dict)
                    else value if isinstance(value, list) else ())
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def field_name(key: object) -> str:
    """A field's name as a problem names it: cut short when it is long."""
    text = str(key)
    return text if len(text) <= 40 else text[:39] + "…"


def _parse(document: object) -> _Parsed:
    reader = _Reader()
    parsed = _Parsed()
    if not isinstance(document, dict):
        raise InvalidImport([Problem("(document)", "must be a JSON object")])
    if nested_too_deep(document):
        raise InvalidImport([Problem("(document)",
                                     f"nested more than {MAX_NESTING} levels deep")])
    for key in document:
        if key not in SECTIONS:
            reader.problems.append(Problem(field_name(key), "unknown section (known:"
                                           f" {', '.join(SECTIONS)})"))
    parsed.venue = _venue_section(reader, document.get("venue"))
    readers: dict[str, Callable[[_Reader, dict[str, Any]], Any]] = {
        "payment_methods": _payment_method, "categories": _category, "products": _product,
        "customers": _customer, "staff": _staff,
    }
    for section, read_item in readers.items():
        items = document.get(section, [])
        if not isinstance(items, list):
            reader.problems.append(Problem(section, "must be a list"))
            continue
        for index, item in enumerate(items):
            with reader.at(f"{section}[{index}]"):
                if not isinstance(item, dict):
                    reader.problem("must be an object")
                    continue
                result = read_item(reader, item)
                if result is not None:
                    getattr(parsed, section).append(result)
                    if section == "products":
                        parsed.product_indexes.append(index)
    _check_unique(reader, parsed)
    if reader.problems:
        raise InvalidImport(reader.problems)
    return parsed


def _text(limit: int) -> Callable[[Any], str]:
    """A non-empty text of at most `limit` characters (once trimmed)."""
    def parse(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise FieldError("must be a non-empty text")
        return _bounded(value.strip(), limit)
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


def _vat_rate(value: Any) -> VatRate:
    try:
        return VatRate.parse(value)
    except (InvalidVatRate, ArithmeticError, ValueError) as error:  # 1E+999999, 10**5000
        raise FieldError(f"unknown VAT rate {shown(value)} (allowed: 20, 10, 5.5, 2.1)"
                         ) from error


def _amount(value: Any) -> int:
    cents = parse_amount(value)
    if cents < 0:
        raise FieldError(f"must not be negative: {value!r}")
    return cents


def _choice(enum: type[Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        try:
            return enum(value)
        except ValueError as error:
            allowed = ", ".join(member.value for member in enum)
            raise FieldError(f"{shown(value)} is not one of: {allowed}") from error
    return parse


def _siret(value: Any) -> str:
    text = _text(LONG_NAME_LENGTH)(value).replace(" ", "")
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
    name = reader.read(item, "name", _text(NAME_LENGTH))
    address = reader.read(item, "address", _text(NAME_LENGTH))
    postal_code = reader.read(item, "postal_code", _text(POSTAL_CODE_LENGTH))
    city = reader.read(item, "city", _text(CITY_LENGTH))
    siret = reader.read(item, "siret", _siret, required=False)
    vat_number = reader.read(item, "vat_number", _optional_text(CODE_LENGTH), required=False)
    if name is None or address is None or postal_code is None or city is None:
        return None
    return Venue(name, address, postal_code, city, siret, vat_number)


def _payment_method(reader: _Reader, item: dict[str, Any]) -> PaymentMethod | None:
    reader.only(item, PAYMENT_METHOD_FIELDS)
    code = reader.read(item, "code", _text(CODE_LENGTH))
    label = reader.read(item, "label", _text(LABEL_LENGTH))
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
    category_id = reader.read(item, "id", _text(ID_LENGTH))
    name = reader.read(item, "name", _text(NAME_LENGTH))
    position = reader.read(item, "position", _position, 0, required=False)
    if category_id is None or name is None:
        return None
    return Category(category_id, name, position or 0)


def _prices(reader: _Reader, value: Any) -> tuple[Price, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError("must be a non-empty list")
    prices: list[Price] = []
    for index, item in enumerate(value):
        with reader.at(f"[{index}]"):
            if not isinstance(item, dict):
                reader.problem("must be an object")
                continue
            reader.only(item, PRICE_FIELDS)
            label = reader.read(item, "label", _text(NAME_LENGTH))
            amount = reader.read(item, "amount", _amount)
            price_id = reader.read(item, "id", _text(ID_LENGTH), label, required=False)
            if "id" not in item and label is not None and len(label) > ID_LENGTH:
                with reader.at("id"):  # it would be the label
                    reader.problem(f"must be given when the label is longer than {ID_LENGTH}"
                                   " characters")
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
    return codes


def _product(reader: _Reader, item: dict[str, Any]) -> Product | None:
    reader.only(item, PRODUCT_FIELDS)
    product_id = reader.read(item, "id", _text(ID_LENGTH))
    name = reader.read(item, "name", _text(LONG_NAME_LENGTH))
    category = reader.read(item, "category", _optional_text(ID_LENGTH), required=False)
    vat_rate = reader.read(item, "vat_rate", _vat_rate)
    prices = reader.read(item, "prices", lambda value: _prices(reader, value))
    no_barcodes: tuple[str, ...] = ()
    barcodes = reader.read(item, "barcodes", _barcodes, no_barcodes, required=False)
    article_code = reader.read(item, "article_code", _optional_text(ID_LENGTH),
                               required=False)
    accounting_code = reader.read(item, "accounting_code", _optional_text(ID_LENGTH),
                                  required=False)
    published = reader.read(item, "published", _flag, True, required=False)
    counter_only = reader.read(item, "counter_only", _flag, False, required=False)
    position = reader.read(item, "position", _position, 0, required=False)
    if product_id is None or name is None or vat_rate is None or not prices:
        return None
    return Product(product_id, name, category, vat_rate, prices, barcodes or (), article_code,
                   accounting_code, bool(published), bool(counter_only), position or 0)


def _customer(reader: _Reader, item: dict[str, Any]) -> Customer | None:
    reader.only(item, CUSTOMER_FIELDS)
    customer_id = reader.read(item, "id", _text(ID_LENGTH))
    kind = reader.read(item, "kind", _choice(CustomerKind))
    name = reader.read(item, "name", _text(LONG_NAME_LENGTH))
    limits = {"first_name": NAME_LENGTH, "email": LONG_NAME_LENGTH, "phone": ID_LENGTH,
              "postal_code": POSTAL_CODE_LENGTH}
    details = {key: reader.read(item, key, _optional_text(limit), required=False)
               for key, limit in limits.items()}
    if customer_id is None or kind is None or name is None:
        return None
    if kind is CustomerKind.ORGANISATION and details["first_name"]:
        with reader.at("first_name"):
            reader.problem("an organisation has no first name")
    return Customer(customer_id, kind, name, **details)


def _secret(value: Any) -> str:
    if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
        raise FieldError(f"must be a text of at least {MIN_SECRET_LENGTH} characters")
    return _bounded(value, MAX_SECRET_LENGTH)


def _staff(reader: _Reader, item: dict[str, Any]) -> tuple[StaffMember, str] | None:
    reader.only(item, STAFF_FIELDS)
    login = reader.read(item, "login", _text(LOGIN_LENGTH))
    name = reader.read(item, "name", _text(NAME_LENGTH))
    role = reader.read(item, "role", _choice(Role))
    secret = reader.read(item, "secret", _secret)
    active = reader.read(item, "active", _flag, True, required=False)
    if login is None or name is None or role is None or secret is None:
        return None
    return StaffMember(f"staff:{login}", login, name, role, bool(active)), secret


def _check_unique(reader: _Reader, parsed: _Parsed) -> None:
    keyed: list[tuple[str, list[str]]] = [
        ("payment_methods", [method.code for method in parsed.payment_methods]),
        ("categories", [category.id for category in parsed.categories]),
        ("products", [product.id for product in parsed.products]),
        ("customers", [customer.id for customer in parsed.customers]),
        ("staff", [member.login for member, _ in parsed.staff]),
    ]
    for section, keys in keyed:
        for duplicate in sorted({key for key in keys if keys.count(key) > 1}):
            reader.problems.append(Problem(section, f"{duplicate!r} appears more than once"))
    owners: dict[str, str] = {}
    for index, product in zip(parsed.product_indexes, parsed.products, strict=True):
        for code in product.barcodes:
            if owners.setdefault(code, product.id) != product.id:
                reader.problems.append(Problem(
                    f"products[{index}].barcodes",
                    f"barcode {code!r} is also on product {owners[code]!r}"))


def _check_against_store(uow: UnitOfWork, parsed: _Parsed) -> set[str]:
    """Problems that only the store can reveal: unknown categories, barcodes already taken.

    Returns the stored products whose barcodes go to another product of the file (the
    file rewrites them without those barcodes).
    """
    problems: list[Problem] = []
    known = {category.id for category in parsed.categories}
    known |= {category.id for category in uow.catalogue.categories()}
    in_file = {product.id: product for product in parsed.products}
    owners = uow.catalogue.barcode_owners(
        [code for product in parsed.products for code in product.barcodes])
    losing: set[str] = set()
    for index, product in enumerate(parsed.products):
        if product.category_id is not None and product.category_id not in known:
            problems.append(Problem(f"products[{index}].category",
                                    f"unknown category {product.category_id!r}"))
        for code in product.barcodes:
            owner = owners.get(code, product.id)
            if owner == product.id:
                continue
            if owner in in_file and code not in in_file[owner].barcodes:
                losing.add(owner)
            else:
                problems.append(Problem(f"products[{index}].barcodes",
                                        f"barcode {code!r} already belongs to {owner!r}"))
    if problems:
        raise InvalidImport(problems)
    return losing


def _managers_in_file_before(uow: UnitOfWork, parsed: _Parsed) -> list[tuple[int, str]]:
    """The members the file rewrites who are active managers (or administrators) now:
    where each is in the file, and their login."""
    found: list[tuple[int, str]] = []
    for index, (member, _secret) in enumerate(parsed.staff):
        stored = uow.staff.get_by_login(member.login)
        if stored is not None and stored[0].active and stored[0].role in MANAGING_ROLES:
            found.append((index, member.login))
    return found


def _check_a_manager_remains(uow: UnitOfWork, parsed: _Parsed,
                             managers_before: list[tuple[int, str]]) -> None:
    """Staff the file writes must leave an active manager or administrator: without one,
    no one could close the till, or import again to put it right."""
    if not parsed.staff or uow.staff.count_active(MANAGING_ROLES) > 0:
        return
    problems = [Problem(f"staff[{index}]", f"{login} would no longer be an active manager,"
                        " and no active manager or administrator would remain: at least one"
                        " must, to close the till and to import")
                for index, login in managers_before]
    raise InvalidImport(problems or [Problem(
        "staff", "no active manager or administrator: at least one is needed, to close the"
        " till and to import")])


def _journal_price_changes(uow: UnitOfWork, signer: Signer, now: datetime,
                           staff: StaffMember | None, products: list[Product]) -> None:
    """A price changed on a product already sold here goes in the event journal."""
    till = uow.tills.local()
    before = {product.id: product for product in uow.catalogue.get_many(
        [product.id for product in products])}
    changes = [{"product_id": product.id,
                "before": _price_list(before[product.id]), "after": _price_list(product)}
               for product in products
               if product.id in before and _price_list(before[product.id]) != _price_list(
                   product)]
    if changes and till is not None:
        record_event(uow, signer, till.id, now, Event.PRICE_CHANGE,
                     None if staff is None else staff.id, products=changes)


def _price_list(product: Product) -> list[list[Any]]:
    return [[price.id, price.label, price.amount_cents] for price in product.prices]


def _write(uow: UnitOfWork, parsed: _Parsed, staff_hashes: list[tuple[StaffMember, str]],
           losing_barcodes: set[str], signer: Signer, now: datetime,
           staff: StaffMember | None) -> ImportReport:
    if parsed.venue is not None:
        uow.tills.save_venue(parsed.venue)
    for method in parsed.payment_methods:
        uow.payment_methods.save(method)
    for category in parsed.categories:
        uow.catalogue.save_category(category)
    # Products giving barcodes away lose them first, so that a barcode moving from one
    # product to another is never held by both at once.
    _journal_price_changes(uow, signer, now, staff, parsed.products)
    for product in parsed.products:
        if product.id in losing_barcodes:
            uow.catalogue.save(replace(product, barcodes=()))
    for product in parsed.products:
        uow.catalogue.save(product)
    for customer in parsed.customers:
        uow.customers.save(customer)
    for member, secret_hash in staff_hashes:
        uow.staff.save(member, secret_hash)
    return ImportReport(int(parsed.venue is not None), len(parsed.payment_methods),
                        len(parsed.categories), len(parsed.products), len(parsed.customers),
                        len(parsed.staff))
