"""`caisse import` of a venue group's reference file vs a bare executemany of its rows.

The file (300,000 products of 1 to 3 prices and a barcode each, 40 categories, 50,000
customers; some 100 MB of JSON) is made once and kept in .bench-cache/. Each round
copies a new, initialised store and runs `caisse import FILE` on it in a new process
(pinned to the benchmark's core): the file read as it comes, every item checked, ids
and barcodes checked for duplicates, the store's checks, then the rows written. Its
peak memory is the child's own high-water mark of resident memory (VmHWM). Baseline, in the same
run: the same rows (products, prices, barcodes, search index, customers, categories),
made before timing, written into another copy of the new store by bare sqlite3
`executemany`, one statement per table, in one transaction with the store's settings.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.big_catalogue import CACHE, SCHEMA_VERSION, ean13, product_name
from bench.timing import Measure, Samples
from pos_app.bootstrap import open_store
from pos_app.domain.catalogue import Price, Product
from pos_app.domain.text import fold
from pos_app.domain.vat import VatRate
from pos_app.services import setup
from pos_app.storage.catalogue_repository import index_row
from pos_app.storage.connection import connect, store_path

TARGET_RATIO = 5.0
TARGET_SECONDS = 60.0  # for the full file; the quick run's is cut in proportion
TARGET_RSS_MB = 300.0
FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Lucas", "Inès", "Jules", "Zoé", "Noé", "Anaïs", "Élise"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy",
              "Moreau", "Lefèvre", "Garnier", "Chevalier", "Faure", "Gaël-Rousseau"]
PRICES = [("plein", "Plein tarif"), ("reduit", "Réduit (-12 ans)"), ("groupe", "Groupe")]
RATES = ["20", "10", "5.5"]


def build_file(products: int, customers: int) -> Path:
    """The reference file (cached)."""
    path = CACHE / f"venue-group-{products}-{customers}.json"
    if path.exists():
        return path
    rng = random.Random(products)
    document: dict[str, Any] = {
        "categories": [{"id": f"cat{i}", "name": f"Catégorie {i}", "position": i}
                       for i in range(40)],
        "products": [], "customers": []}
    for index in range(products):
        cents = [rng.randint(100, 30_000) for _ in range(rng.randint(1, 3))]
        document["products"].append({
            "id": f"p{index:07d}", "name": product_name(rng), "category": f"cat{index % 40}",
            "vat_rate": rng.choice(RATES),
            "prices": [{"id": price_id, "label": label,
                        "amount": f"{amount // 100}.{amount % 100:02d}"}
                       for (price_id, label), amount in zip(PRICES, cents, strict=False)],
            "barcodes": [ean13(376_000_000_000 + index)], "article_code": f"ART-{index:06d}",
            "accounting_code": "706100", "position": index % 1000})
    for index in range(customers):
        person = index % 10 != 0
        customer: dict[str, Any] = {
            "id": f"c{index:06d}", "kind": "person" if person else "organisation",
            "name": rng.choice(LAST_NAMES) if person else f"Club {index}",
            "email": f"client{index}@example.fr", "phone": f"06 {index % 100:02d} 12 34 56",
            "postal_code": "33680"}
        if person:
            customer["first_name"] = rng.choice(FIRST_NAMES)
        document["customers"].append(customer)
    CACHE.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    partial.rename(path)
    return path


def new_store() -> Path:
    """An initialised store, no data (cached)."""
    data_dir = CACHE / f"empty-v{SCHEMA_VERSION}"
    if (data_dir / "complete").exists():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    store = open_store(data_dir)
    setup.initialise_till(store.context, "Caisse bench", "9", "Bench")
    store.close()
    (data_dir / "complete").write_text("ok")
    return data_dir


def bare_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the import writes, made from the file beforehand (the baseline's input)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    rows: dict[str, list[tuple[Any, ...]]] = {
        "categories": [(c["id"], c["name"], c["position"]) for c in document["categories"]],
        "products": [], "prices": [], "barcodes": [], "product_fts": [], "customers": []}
    for key, item in enumerate(document["products"], start=1):
        prices = tuple(Price(p["id"], p["label"], round(float(p["amount"]) * 100))
                       for p in item["prices"])
        product = Product(item["id"], item["name"], item["category"],
                          VatRate.parse(item["vat_rate"]), prices, tuple(item["barcodes"]),
                          item["article_code"], item["accounting_code"], True, False,
                          item["position"])
        rows["products"].append((product.id, product.name, product.category_id,
                                 product.vat_rate.value, product.article_code,
                                 product.accounting_code, True, False, product.position, key))
        rows["prices"] += [(product.id, price.id, price.label, price.amount_cents, position)
                           for position, price in enumerate(prices)]
        rows["barcodes"] += [(code, product.id) for code in product.barcodes]
        rows["product_fts"].append(index_row(key, product))
    for item in document["customers"]:
        first_name = item.get("first_name")
        rows["customers"].append((item["id"], item["kind"], item["name"], first_name,
                                  item["email"], item["phone"], item["postal_code"],
                                  fold(item["name"]), fold(first_name) if first_name else None))
    return rows


_BARE = {
    "categories": "INSERT INTO categories (id, name, position) VALUES (?, ?, ?)",
    "products": "INSERT INTO products (id, name, category_id, vat_rate_bp, article_code,"
                " accounting_code, published, counter_only, position, search_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "prices": "INSERT INTO prices (product_id, id, label, amount_cents, position)"
              " VALUES (?, ?, ?, ?, ?)",
    "barcodes": "INSERT INTO barcodes (code, product_id) VALUES (?, ?)",
    "product_fts": "INSERT INTO product_fts (rowid, name, codes, product, sort_key)"
                   " VALUES (?, ?, ?, ?, ?)",
    "customers": "INSERT INTO customers (id, kind, name, first_name, email, phone,"
                 " postal_code, name_folded, first_name_folded)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


# `caisse`, then the child's own peak of resident memory: VmHWM, the high-water mark of
# the address space exec gave it. (Its rusage would also count the benchmark's memory,
# which it was forked from.)
_CAISSE_AND_PEAK = (
    "import sys\n"
    "from pos_app.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "with open('/proc/self/status', encoding='ascii') as lines:\n"
    "    print(next(line for line in lines if line.startswith('VmHWM:')), file=sys.stderr)\n"
    "sys.exit(status)\n")


def run_import(data_dir: Path, path: Path) -> tuple[float, float, str]:
    """`caisse import` in a new process: seconds, peak resident memory in MB, its output."""
    command = [sys.executable, "-c", _CAISSE_AND_PEAK, "--data-dir", str(data_dir), "--json",
               "import", str(path)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"caisse import failed: {done.stdout}{done.stderr}")
    peak_kb = int(done.stderr.split("VmHWM:")[1].split()[0])
    return seconds, peak_kb / 1024, done.stdout


def write_bare(data_dir: Path, rows: dict[str, list[tuple[Any, ...]]]) -> float:
    db = connect(store_path(data_dir))
    try:
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for table, sql in _BARE.items():
            db.executemany(sql, rows[table])
        db.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        db.close()


def measure(products: int, customers: int, rounds: int) -> Measure:
    path = build_file(products, customers)
    template = new_store()
    rows = bare_rows(path)
    mine: list[float] = []
    base: list[float] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        for index in range(rounds):
            steps = ["ours", "baseline"] if index % 2 == 0 else ["baseline", "ours"]
            for step in steps:
                data_dir = Path(scratch) / f"{step}-{index}"
                shutil.copytree(template, data_dir)
                if step == "ours":
                    seconds, peak, said = run_import(data_dir, path)
                    assert json.loads(said)["products"] == products, said
                    mine.append(seconds)
                    peaks.append(peak)
                else:
                    base.append(write_bare(data_dir, rows))
                shutil.rmtree(data_dir)
    ours, baseline = Samples(mine), Samples(base)
    ratio = ours.median_ms / baseline.median_ms
    peak = max(peaks)
    seconds_target = TARGET_SECONDS * products / 300_000
    return Measure(
        f"caisse import, {products:,} products + {customers:,} customers"
        f" ({path.stat().st_size / 1e6:.0f} MB of JSON; peak RSS {peak:.0f} MB)",
        ours, baseline,
        "bare sqlite3 executemany of the same rows into the same tables, one transaction",
        f"≤ {TARGET_RATIO:g}×, < {seconds_target:g} s, RSS < {TARGET_RSS_MB:g} MB",
        ratio <= TARGET_RATIO and ours.median_ms < seconds_target * 1000
        and peak < TARGET_RSS_MB)
