"""(b) Product search as you type on a large catalogue vs a bare FTS5 query."""

from __future__ import annotations

import random
import sqlite3

from bench.big_catalogue import build, typing_sequences
from bench.timing import Measure, interleave
from pos_app.bootstrap import open_store
from pos_app.services import catalogue
from pos_app.storage.catalogue_repository import fts_query
from pos_app.storage.connection import store_path

TARGET_RATIO = 2.0
TARGET_P99_MS = 16.0
LIMIT = 50


def measure(products: int, rounds: int) -> Measure:
    data_dir = build(products)
    store = open_store(data_dir)
    typed = typing_sequences(random.Random(7), 200)
    bare = sqlite3.connect(store_path(data_dir))
    bare_sql = "SELECT rowid, name FROM product_fts WHERE product_fts MATCH ? LIMIT ?"

    def ours(index: int) -> None:
        catalogue.search_products(store.context, typed[index % len(typed)], LIMIT)

    def baseline(index: int) -> None:
        bare.execute(bare_sql, (fts_query(typed[index % len(typed)]), LIMIT)).fetchall()

    mine, base = interleave(ours, baseline, rounds)
    bare.close()
    store.close()
    ratio = mine.median_ms / base.median_ms
    return Measure(f"product search as you type, {products:,} products",
                   mine, base, "bare sqlite3 FTS5 MATCH, rowid and name, same limit",
                   f"≤ {TARGET_RATIO}× and p99 < {TARGET_P99_MS:g} ms",
                   ratio <= TARGET_RATIO and mine.p99_ms < TARGET_P99_MS)
