"""Reference data on the server: imported in the till's format, pulled by the tills.

An import (`caisse-server import FILE`, `POST /v1/import`) is checked whole by the same
code as the till's (pos_app/domain/reference_data.py) before anything is written; then,
in one transaction, each item whose content changed (or that the file deletes) gets the
next cursor. A pull (`GET /v1/changes?since=N`) reads the items whose cursor is above N,
oldest first: one range scan of the cursor's index, the stored JSON sent as it is.

Cursors come from the single row of `reference_counter`, locked by the import's first
statement and released when it commits. Two imports (in two server processes, on
PostgreSQL) therefore number their changes one after the other, the second waiting for
the first to commit: no change ever commits with a cursor below one a pull has already
seen. (A sequence would not do: a transaction that took cursor 10 could commit after one
that took 11, and a till that pulled 11 would never see 10.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from pos_app.domain.reference_checks import (
    check_products_against_store,
    check_schedule_against_store,
)
from pos_app.domain.reference_data import (
    BATCH,
    KINDS,
    MANAGING_ROLES,
    VENUE_ID,
    CheckedImport,
    check_document,
    customers_of,
    products_of,
)
from pos_app.domain.reference_fields import InvalidImport, Problem
from pos_app.domain.reference_schedule import slots_of
from pos_app.domain.reference_wire import (
    category_data,
    customer_data,
    payment_method_data,
    product_data,
    shared_stock_data,
    slot_data,
    staff_data,
    venue_data,
)
from sync.contract import MAX_PULL
from sync.server.database import reading, writing
from sync.server.hashing import hash_secret, verifies
from sync.server.schema import reference_barcodes, reference_counter, reference_items

# As the till's `caisse import` reads (docs/data-format.md): a venue group's catalogue.
MAX_IMPORT_BYTES = 200_000_000
DEMO_FILE = Path(__file__).resolve().parents[2] / "resources" / "demo" / "venue.json"


@dataclass(slots=True)
class ImportResult:
    items: dict[str, int] = field(default_factory=dict)  # read from the file, by section
    changed: int = 0  # items written or deleted: each got a new cursor
    deleted: int = 0
    cursor: int = 0  # the newest cursor after the import

    def to_wire(self) -> dict[str, Any]:
        return {"items": self.items, "changed": self.changed, "deleted": self.deleted,
                "cursor": self.cursor}


def canonical(data: dict[str, Any]) -> str:
    """An item as stored and sent: the same item is always the same text, so an item a
    re-import leaves as it was is told by comparing texts."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def import_document(engine: Engine, document: object) -> ImportResult:
    """Check `document` whole (InvalidImport, nothing written), then write what changed
    in one transaction."""
    checked = check_document(document)
    staff = _staff_rows(engine, checked)  # hashing is slow: before taking the counter
    result = ImportResult(items={
        "venue": int(checked.venue is not None),
        "payment_methods": len(checked.payment_methods),
        "categories": len(checked.categories), "products": checked.products.count,
        "customers": checked.customers.count, "staff": len(checked.staff),
        "shared_stocks": len(checked.shared_stocks), "slots": checked.slots.count})
    with writing(engine) as connection:
        counter = Counter(connection)
        moving = _check_against_database(connection, checked)
        if checked.venue is not None:
            _write(connection, counter, "venue", [(VENUE_ID, venue_data(checked.venue))])
        _write(connection, counter, "payment_method",
               [(method.code, payment_method_data(method))
                for method in checked.payment_methods])
        _write(connection, counter, "category",
               [(category.id, category_data(category)) for category in checked.categories])
        _write(connection, counter, "shared_stock",
               [(stock.id, shared_stock_data(stock)) for stock in checked.shared_stocks])
        if moving:  # let go first, so that no barcode is ever on two products
            connection.execute(delete(reference_barcodes).where(
                reference_barcodes.c.code.in_(moving)))
        for rows in checked.products.rows():
            products = [product for _, product in products_of(rows)]
            changed = _write(connection, counter, "product",
                             [(product.id, product_data(product)) for product in products])
            _write_barcodes(connection, [product for product in products
                                         if product.id in changed])
        for rows in checked.slots.rows():  # after their products: a till has them first
            _write(connection, counter, "slot",
                   [(slot.id, slot_data(slot)) for _, slot in slots_of(rows)])
        for rows in checked.customers.rows():
            _write(connection, counter, "customer",
                   [(customer.id, customer_data(customer))
                    for customer in customers_of(rows)])
        _write(connection, counter, "staff", staff)
        before = counter.given
        for section, ids in checked.deletions.items():
            _delete(connection, counter, KINDS[section], ids)
        result.deleted = counter.given - before
        if checked.staff or checked.deletions.get("staff"):
            _check_a_manager_remains(connection)  # else rolled back
        result.changed = counter.given
        result.cursor = counter.save()
    return result


def import_demo(engine: Engine) -> ImportResult:
    """The demo venue's reference data (the till's demo document)."""
    from decimal import Decimal

    return import_document(engine, json.loads(DEMO_FILE.read_text(encoding="utf-8"),
                                              parse_float=Decimal))


class Counter:
    """The cursors given by one transaction (an import, a batch of records publishing
    orders), from the counter row it holds locked until it commits."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        # An UPDATE takes the row's lock at once (on SQLite the transaction already
        # holds the database's write lock): kept until commit.
        connection.execute(update(reference_counter).where(reference_counter.c.id == 1)
                           .values(cursor=reference_counter.c.cursor))
        self.start = int(connection.execute(select(reference_counter.c.cursor).where(
            reference_counter.c.id == 1)).scalar_one())
        self.given = 0

    def next(self) -> int:
        self.given += 1
        return self.start + self.given

    def save(self) -> int:
        last = self.start + self.given
        if self.given:
            self._connection.execute(update(reference_counter).where(
                reference_counter.c.id == 1).values(cursor=last))
        return last


def _stored(connection: Connection, kind: str, ids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        for row in connection.execute(select(reference_items.c.id, reference_items.c.data)
                                      .where(reference_items.c.kind == kind,
                                             reference_items.c.id.in_(part))):
            found[row.id] = row.data
    return found


def _write(connection: Connection, counter: Counter, kind: str,
           items: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Items whose stored text differs get the next cursors; the ids of those written."""
    if not items:
        return set()
    stored = _stored(connection, kind, [item_id for item_id, _ in items])
    rows: list[dict[str, Any]] = []
    for item_id, data in items:
        text = canonical(data)
        if item_id in stored and stored[item_id] == text:
            continue  # as it was: no new cursor
        rows.append({"kind": kind, "id": item_id, "cursor": counter.next(), "data": text})
    _replace(connection, kind, rows, stored)
    return {row["id"] for row in rows}


def _replace(connection: Connection, kind: str, rows: list[dict[str, Any]],
             stored: dict[str, str | None]) -> None:
    old = [row["id"] for row in rows if row["id"] in stored]
    if old:
        connection.execute(delete(reference_items).where(reference_items.c.kind == kind,
                                                         reference_items.c.id.in_(old)))
    if rows:
        _insert_many(connection, "reference_items", ("kind", "id", "cursor", "data"),
                     [(row["kind"], row["id"], row["cursor"], row["data"]) for row in rows])


def _insert_many(connection: Connection, table: str, columns: tuple[str, ...],
                 rows: list[tuple[Any, ...]]) -> None:
    """One executemany by the driver: hundreds of thousands of rows are an import's
    usual size, and SQLAlchemy's own work per row would double its time."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES"
        f" ({', '.join([mark] * len(columns))})", rows)


def _delete(connection: Connection, counter: Counter, kind: str, ids: list[str]) -> None:
    """A tombstone for each item held and not yet deleted; the others are no change."""
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        stored = _stored(connection, kind, part)
        rows = [{"kind": kind, "id": item_id, "cursor": counter.next(), "data": None}
                for item_id in part if stored.get(item_id) is not None]
        _replace(connection, kind, rows, stored)
        if kind == "product" and rows:
            connection.execute(delete(reference_barcodes).where(
                reference_barcodes.c.product_id.in_([row["id"] for row in rows])))


def _write_barcodes(connection: Connection, products: list[Any]) -> None:
    if not products:
        return
    connection.execute(delete(reference_barcodes).where(
        reference_barcodes.c.product_id.in_([product.id for product in products])))
    rows = [(code, product.id) for product in products for code in product.barcodes]
    if rows:
        _insert_many(connection, "reference_barcodes", ("code", "product_id"), rows)


def _staff_rows(engine: Engine, checked: CheckedImport) -> list[tuple[str, dict[str, Any]]]:
    """Each member with a secret hash: the stored one when it is of the same secret (a
    re-import changes nothing), else a new one."""
    if not checked.staff:
        return []
    with reading(engine) as connection:
        stored = _stored(connection, "staff", [member.login for member, _ in checked.staff])
    rows: list[tuple[str, dict[str, Any]]] = []
    for member, secret in checked.staff:
        before = json.loads(stored.get(member.login) or "null") or {}
        old_hash = before.get("secret_hash")
        secret_hash = old_hash if old_hash and verifies(old_hash, secret) else hash_secret(
            secret)
        rows.append((member.login, staff_data(member, secret_hash)))
    return rows


def _check_against_database(connection: Connection, checked: CheckedImport) -> list[str]:
    """What only the stored data tells: a category the file names but neither gives nor
    holds, a barcode on a product the file does not rewrite or remove. Returns the
    barcodes moving from one product of the file to another."""
    known = {category.id for category in checked.categories}
    named = {row[3] for rows in checked.products.rows() for row in rows if row[3]}
    missing = sorted(named - known)
    if missing:
        held = set(connection.execute(select(reference_items.c.id).where(
            reference_items.c.kind == "category", reference_items.c.data.is_not(None),
            reference_items.c.id.in_(missing))).scalars())
        known |= held - set(checked.deletions.get("categories", ()))

    def owners_of(codes: Sequence[str]) -> dict[str, str]:
        return {code: owner for code, owner in connection.execute(select(
            reference_barcodes.c.code, reference_barcodes.c.product_id).where(
            reference_barcodes.c.code.in_(codes)))} if codes else {}

    releasing = set(checked.product_ids) | set(checked.deletions.get("products", ()))
    moving = list(check_products_against_store(checked, known, owners_of, releasing))

    def stocks_held(ids: Sequence[str]) -> set[str]:
        return set(_held(connection, "shared_stock", list(ids)))

    def dated_products(ids: Sequence[str]) -> dict[str, bool]:
        return {product_id: bool(json.loads(data).get("dated"))
                for product_id, data in _held(connection, "product", list(ids)).items()}

    check_schedule_against_store(checked, stocks_held, dated_products)
    return moving


def _held(connection: Connection, kind: str, ids: list[str]) -> dict[str, str]:
    """Of `ids`, the items of `kind` held (not deleted), with their JSON text."""
    return {item_id: data for item_id, data in _stored(connection, kind, ids).items()
            if data is not None}


def _check_a_manager_remains(connection: Connection) -> None:
    """As the till's import does: staff written or removed must leave an active manager
    or administrator, or no till could be closed, nor this be put right from a till."""
    managing = {role.value for role in MANAGING_ROLES}
    for text in connection.execute(select(reference_items.c.data).where(
            reference_items.c.kind == "staff", reference_items.c.data.is_not(None))).scalars():
        member = json.loads(text)
        if member.get("active") and member.get("role") in managing:
            return
    raise InvalidImport([Problem("staff", "no active manager or administrator would remain:"
                                 " at least one is needed, to close the tills and to import")])


# -- pulls --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[tuple[int, str, str, str | None]]  # cursor, kind, id, data (JSON text)
    cursor: int
    more: bool

    def json_parts(self) -> Iterator[str]:
        """The page as docs/sync.md gives it, each item's stored JSON copied as it is:
        5,000 items are never parsed and made again."""
        yield '{"changes":['
        for number, (cursor, kind, item_id, data) in enumerate(self.rows):
            yield ("," if number else "") + (
                f'{{"cursor":{cursor},"kind":{json.dumps(kind)},"id":'
                f'{json.dumps(item_id, ensure_ascii=False)},"data":{data or "null"}}}')
        yield f'],"cursor":{self.cursor},"more":{"true" if self.more else "false"}'


def changes(engine: Engine, since: int, limit: int = MAX_PULL) -> Page:
    """The changes after cursor `since`, oldest first, at most `limit`."""
    limit = max(1, min(limit, MAX_PULL))
    with reading(engine) as connection:
        rows = connection.execute(
            select(reference_items.c.cursor, reference_items.c.kind, reference_items.c.id,
                   reference_items.c.data)
            .where(reference_items.c.cursor > since)
            .order_by(reference_items.c.cursor).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return Page([(int(c), k, i, d) for c, k, i, d in rows],
                int(rows[-1][0]) if rows else since, more)


def problems_of(error: InvalidImport) -> list[dict[str, str]]:
    return [{"where": problem.where, "message": problem.message}
            for problem in error.problems]

