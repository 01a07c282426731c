"""A store with a large believable catalogue, written in bulk straight into its tables.

Built once and kept in .bench-cache/ (the schema version is part of the file name).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from pos_app.bootstrap import open_store
from pos_app.domain.catalogue import Price, Product
from pos_app.domain.text import fold
from pos_app.domain.vat import VatRate
from pos_app.services import setup
from pos_app.storage.catalogue_repository import index_row
from pos_app.storage.connection import store_path

CACHE = Path(__file__).resolve().parents[1] / ".bench-cache"
SCHEMA_VERSION = "0009"
RATES = [VatRate.STANDARD, VatRate.INTERMEDIATE, VatRate.REDUCED]

ACTIVITIES = ["Balade", "Location", "Stage", "Cours", "Visite", "Initiation", "Randonnée",
              "Descente", "Sortie", "Atelier", "Séance", "Baptême", "Parcours", "Découverte"]
SUBJECTS = ["poney", "cheval", "kayak", "canoë", "paddle", "barque", "escalade", "vélo",
            "spéléologie", "tir à l'arc", "accrobranche", "voile", "pêche", "équitation",
            "château", "musée", "grotte", "forêt", "rivière", "lac", "crêpes", "poterie"]
DETAILS = ["1 h", "2 h", "demi-journée", "journée", "nocturne", "famille", "enfant",
           "adulte", "groupe", "été", "hiver", "Pâques", "Toussaint", "découverte",
           "perfectionnement", "privatif", "duo", "solo"]
PLACES = ["du Lac", "des Écuries", "de la Vallée", "du Moulin", "de Saint-Émilion",
          "des Gorges", "du Val d'Or", "de l'Étang", "du Bois-Joli", "des Crêtes"]


def ean13(body: int) -> str:
    digits = f"{body:012d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def product_name(rng: random.Random) -> str:
    return (f"{rng.choice(ACTIVITIES)} {rng.choice(SUBJECTS)} {rng.choice(DETAILS)} "
            f"{rng.choice(PLACES)}")


def build(count: int) -> Path:
    """The data directory of a store holding `count` products (cached)."""
    data_dir = CACHE / f"catalogue-{count}-v{SCHEMA_VERSION}"
    if (data_dir / "complete").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    store = open_store(data_dir)
    setup.initialise_till(store.context, "Caisse bench", "9", "Bench")
    store.close()
    rng = random.Random(300_000)
    db = sqlite3.connect(store_path(data_dir))
    db.execute("PRAGMA synchronous=OFF")  # a bulk load, checked by its final commit
    with db:
        db.executemany("INSERT INTO categories VALUES (?, ?, ?)",
                       [(f"cat{i}", f"Catégorie {i}", i) for i in range(40)])
        for start in range(0, count, 10_000):
            _insert_batch(db, rng, start, min(count, start + 10_000))
    db.execute("INSERT INTO product_fts(product_fts) VALUES ('optimize')")
    db.close()
    (data_dir / "complete").write_text("ok")
    return data_dir


def _insert_batch(db: sqlite3.Connection, rng: random.Random, start: int, stop: int) -> None:
    products: list[tuple[Any, ...]] = []
    prices: list[tuple[Any, ...]] = []
    barcodes: list[tuple[Any, ...]] = []
    search: list[tuple[Any, ...]] = []
    for index in range(start, stop):
        key = index + 1
        name = product_name(rng)
        pid = f"p{index:07d}"
        code = ean13(376_000_000_000 + index)
        article = f"ART-{index:06d}"
        product = Product(pid, name, f"cat{index % 40}", rng.choice(RATES),
                          (Price("std", "Plein tarif", rng.randint(100, 30_000)),
                           Price("red", "Réduit", rng.randint(100, 20_000))),
                          (code,), article, None, True, False, index)
        products.append((pid, name, product.category_id, product.vat_rate.value, article,
                         None, True, False, index, key))
        prices += [(pid, price.id, price.label, price.amount_cents, position)
                   for position, price in enumerate(product.prices)]
        barcodes.append((code, pid))
        search.append(index_row(key, product))
    db.executemany("INSERT INTO products (id, name, category_id, vat_rate_bp, article_code,"
                   " accounting_code, published, counter_only, position, search_key)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", products)
    db.executemany("INSERT INTO prices VALUES (?, ?, ?, ?, ?)", prices)
    db.executemany("INSERT INTO barcodes VALUES (?, ?)", barcodes)
    db.executemany("INSERT INTO product_fts (rowid, name, codes, product, sort_key)"
                   " VALUES (?, ?, ?, ?, ?)", search)


def typing_sequences(rng: random.Random, count: int) -> list[str]:
    """What a cashier types, letter by letter: `k`, `ka`, `kay`, … `kayak lac`."""
    typed: list[str] = []
    for _ in range(count):
        words = [fold(rng.choice(SUBJECTS)).split()[0], fold(rng.choice(PLACES).split()[-1])]
        target = " ".join(words)
        typed += [target[:n] for n in range(1, len(target) + 1) if not target[:n].endswith(" ")]
    return typed
