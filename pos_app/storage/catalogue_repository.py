"""Products, prices, barcodes and categories; catalogue search through SQLite FTS5."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, text
from sqlalchemy.dialects.sqlite import insert as upsert

from pos_app.domain.catalogue import Category, Price, Product
from pos_app.domain.text import fold
from pos_app.domain.vat import VatRate
from pos_app.storage.rows import BarcodeRow, CategoryRow, PriceRow, ProductRow, table

_PRODUCTS = table(ProductRow)
_PRICES = table(PriceRow)
_BARCODES = table(BarcodeRow)
_CATEGORIES = table(CategoryRow)

# One row per product, its prices and barcodes folded in as JSON: one query per call.
_SELECT = """
SELECT p.id, p.name, p.category_id, p.vat_rate_bp, p.article_code, p.accounting_code,
       p.published, p.counter_only, p.position,
       (SELECT json_group_array(json_array(pr.id, pr.label, pr.amount_cents))
          FROM (SELECT id, label, amount_cents FROM prices
                 WHERE product_id = p.id ORDER BY position) AS pr) AS prices,
       (SELECT json_group_array(code) FROM barcodes WHERE product_id = p.id) AS codes
  FROM products AS p
"""
_WORD = re.compile(r"\w+")


def fts_query(typed: str) -> str | None:
    """Every typed word must start a word of the name, barcode or article code."""
    words = _WORD.findall(fold(typed))
    return " ".join(f'"{word}"*' for word in words) or None


def product_from_row(row: Sequence[Any]) -> Product:
    prices = tuple(Price(pid, label, amount) for pid, label, amount in json.loads(row[9]))
    return Product(id=row[0], name=row[1], category_id=row[2], vat_rate=VatRate(row[3]),
                   prices=prices, barcodes=tuple(json.loads(row[10])), article_code=row[4],
                   accounting_code=row[5], published=bool(row[6]),
                   counter_only=bool(row[7]), position=row[8])


class SqlCatalogue:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def _products(self, where: str, params: tuple[Any, ...]) -> list[Product]:
        rows = self._db.exec_driver_sql(_SELECT + where, params).all()
        return [product_from_row(row) for row in rows]

    def get(self, product_id: str) -> Product | None:
        found = self._products("WHERE p.id = ?", (product_id,))
        return found[0] if found else None

    def get_by_barcode(self, code: str) -> Product | None:
        found = self._products(
            "WHERE p.id = (SELECT product_id FROM barcodes WHERE code = ?)", (code,))
        return found[0] if found else None

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
        found = self._products(
            "JOIN (SELECT rowid AS key FROM product_fts WHERE product_fts MATCH ? LIMIT ?) AS f"
            " ON f.key = p.search_key WHERE p.published", (query, limit))
        return sorted(found, key=lambda product: fold(product.name))

    def in_category(self, category_id: str | None, limit: int) -> list[Product]:
        params: tuple[str, ...] = ()
        if category_id is None:
            where = "WHERE p.published"
        else:
            where, params = "WHERE p.published AND p.category_id = ?", (category_id,)
        return self._products(f"{where} ORDER BY p.position, p.name LIMIT {int(limit)}", params)

    def categories(self) -> list[Category]:
        rows = self._db.exec_driver_sql(
            "SELECT id, name, position FROM categories ORDER BY position, name").all()
        return [Category(*row) for row in rows]

    def save_category(self, category: Category) -> None:
        values = {"id": category.id, "name": category.name, "position": category.position}
        self._db.execute(upsert(_CATEGORIES).values(values).on_conflict_do_update(
            index_elements=["id"], set_=values))

    def save(self, product: Product) -> None:
        """Create or replace a product with its prices, barcodes and search entry."""
        values = {
            "id": product.id, "name": product.name, "category_id": product.category_id,
            "vat_rate_bp": product.vat_rate.value, "article_code": product.article_code,
            "accounting_code": product.accounting_code, "published": product.published,
            "counter_only": product.counter_only, "position": product.position,
        }
        key = self._db.execute(upsert(_PRODUCTS).values(
            search_key=text("(SELECT coalesce(max(search_key), 0) + 1 FROM products)"),
            **values).on_conflict_do_update(index_elements=["id"], set_=values)
            .returning(_PRODUCTS.c.search_key)).scalar_one()
        self._db.execute(delete(_PRICES).where(_PRICES.c.product_id == product.id))
        self._db.execute(insert(_PRICES), [
            {"product_id": product.id, "id": price.id, "label": price.label,
             "amount_cents": price.amount_cents, "position": position}
            for position, price in enumerate(product.prices)])
        self._db.execute(delete(_BARCODES).where(_BARCODES.c.product_id == product.id))
        if product.barcodes:
            self._db.execute(insert(_BARCODES), [
                {"code": code, "product_id": product.id} for code in product.barcodes])
        self._index(key, product)

    def _index(self, key: int, product: Product) -> None:
        codes = " ".join([*product.barcodes, product.article_code or ""]).strip()
        self._db.exec_driver_sql("DELETE FROM product_fts WHERE rowid = ?", (key,))
        self._db.exec_driver_sql(
            "INSERT INTO product_fts (rowid, name, codes) VALUES (?, ?, ?)",
            (key, product.name, codes))
