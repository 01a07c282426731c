"""Products, prices, barcodes and categories; catalogue search through SQLite FTS5."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pos_app.domain.admission import AdmissionRule, admission_columns, admission_of
from pos_app.domain.catalogue import Category, Price, Product
from pos_app.domain.text import fold
from pos_app.domain.vat import VatRate
from pos_app.storage.sql import SqlRepository, chunks

_SELECT = """
SELECT p.id, p.name, p.category_id, p.vat_rate_bp, p.article_code, p.accounting_code,
       p.published, p.counter_only, p.position, p.admission_entries,
       p.admission_before_minutes, p.admission_after_minutes, p.admission_days,
       p.stock_id, p.dated
  FROM products AS p
"""
_WORD = re.compile(r"\w+")
_PRODUCT_COLUMNS = ("name", "category_id", "vat_rate_bp", "article_code", "accounting_code",
                    "published", "counter_only", "position", "admission_entries",
                    "admission_before_minutes", "admission_after_minutes", "admission_days",
                    "stock_id", "dated")
# New products are inserted and stored ones updated, each by its own statement: an upsert
# costs a third more per row, and the batch knows which is which. A stored product keeps
# its search key (its index is left alone).
_INSERT = (f"INSERT INTO products ({', '.join(_PRODUCT_COLUMNS)}, search_key, id)"
           f" VALUES ({', '.join('?' * (len(_PRODUCT_COLUMNS) + 2))})")
_UPDATE = (f"UPDATE products SET {', '.join(f'{column} = ?' for column in _PRODUCT_COLUMNS)}"
           " WHERE id = ?")


def fts_query(typed: str) -> str | None:
    """Every typed word must start a word of the name, barcode or article code.

    One-letter words (`d'` in `d'Or`, a letter just typed after a word) are left out when
    longer words are there: they hardly narrow the search and cost the most to match.
    """
    words = _WORD.findall(fold(typed))
    longer = [word for word in words if len(word) > 1]
    return " ".join(f'"{word}"*' for word in (longer or words)) or None


def index_row(key: int, product: Product) -> tuple[Any, ...]:
    """The product_fts row of a product: searchable words, then the product itself packed
    as JSON, so that a search needs no other table."""
    import orjson  # as in products_from_index: loaded by the first search, not at start

    codes = " ".join([*product.barcodes, product.article_code or ""]).strip()
    packed = orjson.dumps([
        product.id, product.category_id, product.vat_rate.value, product.article_code,
        product.accounting_code, product.published, product.counter_only, product.position,
        [[price.id, price.label, price.amount_cents] for price in product.prices],
        list(product.barcodes), admission_columns(product.admission), product.stock_id,
        product.dated]).decode()
    return key, product.name, codes, packed, fold(product.name)


_RATES = {rate.value: rate for rate in VatRate}


def products_from_index(rows: list[tuple[str, str]]) -> list[Product]:
    """Unpack (name, packed) rows; one JSON parse for all of them keeps a search cheap."""
    import orjson

    unpacked = orjson.loads("[" + ",".join(packed for _, packed in rows) + "]")
    # An entry packed before products could be admissions has no admission columns; one
    # packed before shared stocks and slots, no stock and no `dated`.
    return [Product(product_id, name, category_id, _RATES[vat],
                    tuple([Price(*price) for price in prices]), tuple(barcodes), article_code,
                    accounting_code, published, counter_only, position,
                    admission_of(later[0] if later else None),
                    later[1] if len(later) > 1 else None, len(later) > 2 and bool(later[2]))
            for (name, _), (product_id, category_id, vat, article_code, accounting_code,
                            published, counter_only, position, prices, barcodes, *later)
            in zip(rows, unpacked, strict=True)]


class SqlCatalogue(SqlRepository):
    def _products(self, where: str, params: tuple[Any, ...]) -> list[Product]:
        """Products, then their prices and barcodes in one query each per chunk of them (not
        one per product)."""
        rows = self._all(_SELECT + where, params)
        if not rows:
            return []
        prices: dict[str, list[Price]] = defaultdict(list)
        codes: dict[str, list[str]] = defaultdict(list)
        for ids in chunks([row[0] for row in rows]):
            marks = ",".join("?" * len(ids))
            for product_id, price_id, label, amount in self._all(
                    "SELECT product_id, id, label, amount_cents FROM prices"
                    f" WHERE product_id IN ({marks}) ORDER BY product_id, position", ids):
                prices[product_id].append(Price(price_id, label, amount))
            for code, product_id in self._all(
                    f"SELECT code, product_id FROM barcodes WHERE product_id IN ({marks})", ids):
                codes[product_id].append(code)
        return [Product(id=row[0], name=row[1], category_id=row[2], vat_rate=VatRate(row[3]),
                        prices=tuple(prices[row[0]]), barcodes=tuple(codes[row[0]]),
                        article_code=row[4], accounting_code=row[5], published=bool(row[6]),
                        counter_only=bool(row[7]), position=row[8],
                        admission=admission_of(row[9:13]), stock_id=row[13],
                        dated=bool(row[14])) for row in rows]

    def get(self, product_id: str) -> Product | None:
        found = self._products("WHERE p.id = ?", (product_id,))
        return found[0] if found else None

    def get_by_barcode(self, code: str) -> Product | None:
        found = self._products(
            "WHERE p.id = (SELECT product_id FROM barcodes WHERE code = ?)", (code,))
        return found[0] if found else None

    def admissions(self, product_ids: Sequence[str]) -> dict[str, AdmissionRule]:
        """The admission rule of each of `product_ids` that is an admission (one query
        for a sale's lines: the sale's commit reads no product whole)."""
        rules: dict[str, AdmissionRule] = {}
        for chunk in chunks(product_ids):
            marks = ",".join("?" * len(chunk))
            for product_id, *columns in self._all(
                    "SELECT id, admission_entries, admission_before_minutes,"
                    " admission_after_minutes, admission_days FROM products"
                    f" WHERE id IN ({marks}) AND admission_days IS NOT NULL", chunk):
                rule = admission_of(columns)
                if rule is not None:
                    rules[product_id] = rule
        return rules

    def name(self, product_id: str) -> str | None:
        row = self._one("SELECT name FROM products WHERE id = ?", (product_id,))
        return None if row is None else str(row[0])

    def barcode_owners(self, codes: Sequence[str]) -> dict[str, str]:
        owners: dict[str, str] = {}
        for chunk in chunks(codes):
            marks = ",".join("?" * len(chunk))
            owners.update(self._all(
                f"SELECT code, product_id FROM barcodes WHERE code IN ({marks})", chunk))
        return owners

    def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        found: list[Product] = []
        for chunk in chunks(product_ids):
            marks = ",".join("?" * len(chunk))
            found += self._products(f"WHERE p.id IN ({marks})", tuple(chunk))
        return found

    def search(self, text_typed: str, limit: int) -> list[Product]:
        """Published products matching the typed words, sorted by name."""
        query = fts_query(text_typed)
        if query is None:
            return []
        # The first `limit` matches, then sorted by name here: asking SQLite to sort would
        # sort every match of a one-letter prefix before the limit.
        rows = self._all("SELECT sort_key, name, product FROM product_fts"
                         " WHERE product_fts MATCH ? LIMIT ?", (query, limit))
        rows.sort()
        return products_from_index([(name, packed) for _, name, packed in rows])

    def in_category(self, category_id: str | None, limit: int) -> list[Product]:
        params: tuple[str, ...] = ()
        if category_id is None:
            where = "WHERE p.published"
        else:
            where, params = "WHERE p.published AND p.category_id = ?", (category_id,)
        return self._products(f"{where} ORDER BY p.position, p.name LIMIT {int(limit)}", params)

    def categories(self) -> list[Category]:
        rows = self._all(
            "SELECT id, name, position FROM categories ORDER BY position, name")
        return [Category(*row) for row in rows]

    def save_category(self, category: Category) -> None:
        self._upsert("categories", "id", {"id": category.id, "name": category.name,
                                          "position": category.position})

    def save(self, product: Product) -> None:
        """Create or replace a product with its prices, barcodes and search entry."""
        self.save_many([product])

    def save_many(self, products: Sequence[Product]) -> None:
        """Create or replace products with their prices, barcodes and search entries: each
        statement run once for all of them (executemany), its size never growing with
        their number. Their ids must all differ."""
        keys = self._search_keys([product.id for product in products])
        stored = [(product.id,) for product in products if product.id in keys]
        next_key = int(self._one("SELECT coalesce(max(search_key), 0) FROM products")[0])
        new: list[tuple[Any, ...]] = []
        changed: list[tuple[Any, ...]] = []
        for product in products:
            row = (product.name, product.category_id, product.vat_rate.value,
                   product.article_code, product.accounting_code, product.published,
                   product.counter_only, product.position,
                   *admission_columns(product.admission), product.stock_id, product.dated)
            if product.id in keys:
                changed.append((*row, product.id))
            else:
                next_key += 1
                keys[product.id] = next_key
                new.append((*row, next_key, product.id))
        self._many(_INSERT, new)
        self._many(_UPDATE, changed)
        # What the stored ones had goes; new ones had nothing to remove.
        self._many("DELETE FROM prices WHERE product_id = ?", stored)
        self._many("INSERT INTO prices (product_id, id, label, amount_cents, position)"
                   " VALUES (?, ?, ?, ?, ?)",
                   [(product.id, price.id, price.label, price.amount_cents, position)
                    for product in products for position, price in enumerate(product.prices)])
        self._many("DELETE FROM barcodes WHERE product_id = ?", stored)
        self._many("INSERT INTO barcodes (code, product_id) VALUES (?, ?)",
                   [(code, product.id) for product in products for code in product.barcodes])
        self._many("DELETE FROM product_fts WHERE rowid = ?",
                   [(keys[product_id],) for product_id, in stored])
        # Drafts cannot be sold: the till's search never offers them.
        self._many("INSERT INTO product_fts (rowid, name, codes, product, sort_key)"
                   " VALUES (?, ?, ?, ?, ?)",
                   [index_row(keys[product.id], product) for product in products
                    if product.published])

    def release_barcodes(self, codes: Sequence[str]) -> None:
        self._many("DELETE FROM barcodes WHERE code = ?", [(code,) for code in codes])

    def remove_unused_categories(self, category_ids: Sequence[str]) -> int:
        removed = 0
        for chunk in chunks(category_ids):
            marks = ",".join("?" * len(chunk))
            cursor = self._sql.execute(
                f"DELETE FROM categories WHERE id IN ({marks}) AND NOT EXISTS"
                " (SELECT 1 FROM products WHERE products.category_id = categories.id)", chunk)
            removed += max(cursor.rowcount, 0)
        return removed

    def _search_keys(self, product_ids: Sequence[str]) -> dict[str, int]:
        """The search key of each of `product_ids` that is stored."""
        keys: dict[str, int] = {}
        for chunk in chunks(product_ids):
            marks = ",".join("?" * len(chunk))
            keys.update(self._all(
                f"SELECT id, search_key FROM products WHERE id IN ({marks})", chunk))
        return keys
