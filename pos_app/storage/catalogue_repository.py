"""Products, prices, barcodes and categories; catalogue search through SQLite FTS5."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pos_app.domain.catalogue import Category, Price, Product
from pos_app.domain.text import fold
from pos_app.domain.vat import VatRate
from pos_app.storage.sql import SqlRepository

_SELECT = """
SELECT p.id, p.name, p.category_id, p.vat_rate_bp, p.article_code, p.accounting_code,
       p.published, p.counter_only, p.position
  FROM products AS p
"""
_WORD = re.compile(r"\w+")


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
        list(product.barcodes)]).decode()
    return key, product.name, codes, packed, fold(product.name)


_RATES = {rate.value: rate for rate in VatRate}


def products_from_index(rows: list[tuple[str, str]]) -> list[Product]:
    """Unpack (name, packed) rows; one JSON parse for all of them keeps a search cheap."""
    import orjson

    unpacked = orjson.loads("[" + ",".join(packed for _, packed in rows) + "]")
    return [Product(product_id, name, category_id, _RATES[vat],
                    tuple([Price(*price) for price in prices]), tuple(barcodes), article_code,
                    accounting_code, published, counter_only, position)
            for (name, _), (product_id, category_id, vat, article_code, accounting_code,
                            published, counter_only, position, prices, barcodes)
            in zip(rows, unpacked, strict=True)]


class SqlCatalogue(SqlRepository):
    def _products(self, where: str, params: tuple[Any, ...]) -> list[Product]:
        """Products, then their prices and barcodes in one query each (not one per product)."""
        rows = self._all(_SELECT + where, params)
        if not rows:
            return []
        ids = [row[0] for row in rows]
        marks = ",".join("?" * len(ids))
        prices: dict[str, list[Price]] = defaultdict(list)
        for product_id, price_id, label, amount in self._all(
                "SELECT product_id, id, label, amount_cents FROM prices"
                f" WHERE product_id IN ({marks}) ORDER BY product_id, position", ids):
            prices[product_id].append(Price(price_id, label, amount))
        codes: dict[str, list[str]] = defaultdict(list)
        for code, product_id in self._all(
                f"SELECT code, product_id FROM barcodes WHERE product_id IN ({marks})", ids):
            codes[product_id].append(code)
        return [Product(id=row[0], name=row[1], category_id=row[2], vat_rate=VatRate(row[3]),
                        prices=tuple(prices[row[0]]), barcodes=tuple(codes[row[0]]),
                        article_code=row[4], accounting_code=row[5], published=bool(row[6]),
                        counter_only=bool(row[7]), position=row[8]) for row in rows]

    def get(self, product_id: str) -> Product | None:
        found = self._products("WHERE p.id = ?", (product_id,))
        return found[0] if found else None

    def get_by_barcode(self, code: str) -> Product | None:
        found = self._products(
            "WHERE p.id = (SELECT product_id FROM barcodes WHERE code = ?)", (code,))
        return found[0] if found else None

    def barcode_owners(self, codes: Sequence[str]) -> dict[str, str]:
        owners: dict[str, str] = {}
        for start in range(0, len(codes), 500):  # well under SQLite's variable limit
            chunk = codes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            owners.update(self._all(
                f"SELECT code, product_id FROM barcodes WHERE code IN ({marks})", chunk))
        return owners

    def get_many(self, product_ids: Sequence[str]) -> list[Product]:
        if not product_ids:
            return []
        marks = ",".join("?" * len(product_ids))
        return self._products(f"WHERE p.id IN ({marks})", tuple(product_ids))

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
        values = {
            "id": product.id, "name": product.name, "category_id": product.category_id,
            "vat_rate_bp": product.vat_rate.value, "article_code": product.article_code,
            "accounting_code": product.accounting_code, "published": product.published,
            "counter_only": product.counter_only, "position": product.position,
        }
        found = self._one("SELECT search_key FROM products WHERE id = ?", (product.id,))
        key = found[0] if found else self._one(
            "SELECT coalesce(max(search_key), 0) + 1 FROM products")[0]
        self._upsert("products", "id", {**values, "search_key": key})
        self._run("DELETE FROM prices WHERE product_id = ?", (product.id,))
        self._many("INSERT INTO prices (product_id, id, label, amount_cents, position)"
                   " VALUES (?, ?, ?, ?, ?)",
                   [(product.id, price.id, price.label, price.amount_cents, position)
                    for position, price in enumerate(product.prices)])
        self._run("DELETE FROM barcodes WHERE product_id = ?", (product.id,))
        self._many("INSERT INTO barcodes (code, product_id) VALUES (?, ?)",
                   [(code, product.id) for code in product.barcodes])
        self._index(key, product)

    def _index(self, key: int, product: Product) -> None:
        self._run("DELETE FROM product_fts WHERE rowid = ?", (key,))
        if product.published:  # drafts cannot be sold: the till's search never offers them
            self._run("INSERT INTO product_fts (rowid, name, codes, product, sort_key)"
                      " VALUES (?, ?, ?, ?, ?)", index_row(key, product))
