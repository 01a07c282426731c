"""Importing reference data: all or nothing, and every problem names the item and field."""

from __future__ import annotations

import copy
import io
import json
import random
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, demo_document, open_store
from pos_app.cli import json_input
from pos_app.cli.parser import UsageError
from pos_app.domain.journal import Chain
from pos_app.domain.staff import StaffMember
from pos_app.services import catalogue, importing
from pos_app.services.importing import PROBLEM_LIMIT, InvalidImport
from pos_app.storage import connection
from tests.integration.test_cli import caisse, ok
from tests.support import snapshot


def problems_of(store: Store, staff: StaffMember | None, document: Any) -> list[str]:
    before = snapshot(store.engine)
    with pytest.raises(InvalidImport) as refused:
        importing.import_data(store.context, staff, document)
    assert snapshot(store.engine) == before, "a refused import must write nothing"
    return [str(problem) for problem in refused.value.problems]


def product(**overrides: Any) -> dict[str, Any]:
    item = {"id": "canoe", "name": "Canoë – demi-journée", "category": "activites",
            "vat_rate": "10", "prices": [{"label": "Adulte", "amount": "25.00"}],
            "barcodes": ["2000000000015"]}
    item.update(overrides)
    return item


def test_a_price_of_abc_is_named_and_nothing_is_written(store: Store,
                                                        manager: StaffMember) -> None:
    document = {"products": [product(), product(id="canoe-2", barcodes=[], prices=[
        {"label": "Adulte", "amount": "abc"}])]}
    assert problems_of(store, manager, document) == [
        "products[1].prices[0].amount: not an amount in euros: 'abc'"]
    assert catalogue.search_products(store.context, "canoe") == []


def test_every_problem_of_the_file_is_listed_at_once(store: Store,
                                                     manager: StaffMember) -> None:
    document = {
        "products": [
            product(vat_rate="19.6"),
            product(id="", name="Sans id", barcodes=[]),
            product(id="x", prices=[{"label": "Adulte", "amount": "-3,00"}], barcodes=[]),
            product(id="y", published="oui", barcodes=["2000000000022"]),
            product(id="z", category="inconnue", barcodes=[], prices=[]),
        ],
        "customers": [{"id": "c1", "kind": "société", "name": "L'Atelier & Fils"},
                      {"id": "c2", "kind": "organisation", "name": "Club", "first_name": "X"}],
        "staff": [{"login": "nouveau", "name": "Nouveau", "role": "chef", "secret": "12"}],
        "extras": [],
        "venue": {"name": "Écuries", "address": "1 rue", "postal_code": "33680",
                  "siret": "1234"},
    }
    assert problems_of(store, manager, document) == [
        "extras: unknown section (known: venue, payment_methods, categories, products,"
        " customers, staff, shared_stocks, slots)",
        "venue.city: missing",
        "venue.siret: must be 14 digits",
        "products[0].vat_rate: unknown VAT rate '19.6' (allowed: 20, 10, 5.5, 2.1)",
        "products[1].id: must be a non-empty text",
        "products[2].prices[0].amount: must not be negative: '-3,00'",
        "products[3].published: must be true or false",
        "products[4].prices: must be a non-empty list",
        "customers[0].kind: 'société' is not one of: person, organisation",
        "customers[1].first_name: an organisation has no first name",
        "staff[0].role: 'chef' is not one of: cashier, checker, manager, administrator",
        "staff[0].secret: must be a text of at least 4 characters",
    ]


def test_a_barcode_on_two_products_of_the_file_is_refused(store: Store,
                                                          manager: StaffMember) -> None:
    document = {"products": [product(), product(id="kayak-2", name="Kayak")]}
    assert problems_of(store, manager, document) == [
        "products[1].barcodes: barcode '2000000000015' is also on product 'canoe'"]


def test_references_to_the_store_are_checked_too(store: Store, manager: StaffMember) -> None:
    document = {"products": [product(category="inconnue"),
                             product(id="canoe-2", barcodes=["3760123450027"])]}
    assert problems_of(store, manager, document) == [
        "products[0].category: unknown category 'inconnue'",
        "products[1].barcodes: barcode '3760123450027' already belongs to 'balade-poney-1h'",
    ]


def test_malformed_documents_are_refused(store: Store, manager: StaffMember) -> None:
    assert problems_of(store, manager, ["products"]) == ["(document): must be a JSON object"]
    assert problems_of(store, manager, {"products": {"id": "x"}}) == [
        "products: must be a list"]
    assert problems_of(store, manager, {"products": ["canoe"]}) == [
        "products[0]: must be an object"]


def test_once_staff_exist_only_a_manager_imports(store: Store, cashier: StaffMember) -> None:
    assert problems_of(store, None, {"products": [product()]}) == [
        "staff: sign in as a manager to import"]
    with pytest.raises(Exception, match="needs the manager role"):
        importing.import_data(store.context, cashier, {"products": [product()]})


def test_a_valid_file_creates_and_replaces_by_id(store: Store, manager: StaffMember) -> None:
    document = demo_document()
    ride = next(p for p in document["products"] if p["id"] == "balade-poney-1h")
    ride["prices"][0]["amount"] = Decimal("14.50")
    ride["barcodes"] = []
    document["products"].append(product(barcodes=["3760123450027"]))
    report = importing.import_data(store.context, manager, copy.deepcopy(document))
    assert report.products == len(document["products"])
    found = {p.id: p for p in catalogue.search_products(store.context, "canoe")}
    assert found["canoe"].barcodes == ("3760123450027",)  # the barcode moved
    ride_now = next(p for p in catalogue.search_products(store.context, "balade")
                    if p.id == "balade-poney-1h")
    assert ride_now.default_price.amount_cents == 1450


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6,
                  min_value=-(10**6)),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "name", "kind", "vat_rate", "prices", "amount",
                                       "label", "barcodes", "code", "login", "role",
                                       "secret", "category", "published", "first_name"]),
                      children, max_size=6),
    max_leaves=20)
documents = st.dictionaries(
    st.sampled_from(["products", "customers", "categories", "payment_methods", "staff"]),
    st.lists(json_values, max_size=3), max_size=3)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_any_document_is_either_imported_or_refused_with_named_problems(
        store: Store, manager: StaffMember, document: dict[str, Any]) -> None:
    before = snapshot(store.engine)
    try:
        importing.import_data(store.context, manager, document)
    except InvalidImport as refused:
        assert refused.problems and all(problem.where for problem in refused.problems)
        assert snapshot(store.engine) == before


# -- a venue group's catalogue ------------------------------------------------------------

def venue_group(count: int, customers: int = 0) -> dict[str, Any]:
    """`count` products of 1 to 3 prices and a barcode each, and `customers` customers, as
    a venue group's reference file holds them."""
    rng = random.Random(count)
    labels = [("plein", "Plein tarif"), ("reduit", "Réduit"), ("groupe", "Groupe – 10 et +")]
    products = []
    for number in range(count):
        prices = []
        for price_id, label in labels[:rng.randint(1, 3)]:
            cents = rng.randint(100, 30_000)
            prices.append({"id": price_id, "label": label,
                           "amount": f"{cents // 100}.{cents % 100:02d}"})
        products.append({"id": f"p{number:07d}", "name": f"Balade n°{number} du Lac",
                         "category": "activites", "vat_rate": rng.choice(["20", "10", "5.5"]),
                         "prices": prices, "barcodes": [f"29{number:011d}"],
                         "article_code": f"ART-{number:06d}"})
    people = [{"id": f"c{number:06d}", "kind": "person", "name": f"Martin{number}",
               "first_name": "Léa", "email": f"lea{number}@example.fr"}
              for number in range(customers)]
    return {"products": products, "customers": people}


def test_twenty_thousand_products_and_customers_are_imported(store: Store,
                                                             manager: StaffMember) -> None:
    document = venue_group(20_000, customers=5_000)
    report = importing.import_data(store.context, manager, document)
    assert (report.products, report.customers) == (20_000, 5_000)
    found = catalogue.search_products(store.context, "2900000012345")  # by barcode
    assert [product.id for product in found] == ["p0012345"]
    assert found[0].prices == tuple(
        (price["id"], price["label"], round(Decimal(price["amount"]) * 100))
        for price in document["products"][12345]["prices"])
    assert [p.id for p in catalogue.search_products(store.context, "balade 19999")] == [
        "p0019999"]
    with store.context.uow(write=False) as uow:
        assert uow.customers.get("c004999") is not None


@pytest.fixture
def limited_store(data_dir: Path, clock: FrozenClock,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The store, every connection of it taking at most 999 variables a statement (the
    limit of SQLite before 3.32, and of some builds still)."""
    configure = connection.configure

    def limited(db: sqlite3.Connection) -> None:
        configure(db)
        db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)

    monkeypatch.setattr(connection, "configure", limited)
    probe = connection.connect(connection.store_path(data_dir))
    with pytest.raises(sqlite3.OperationalError, match="too many SQL variables"):
        probe.execute(f"SELECT {', '.join('?' * 1000)}", [0] * 1000)
    probe.close()
    opened = open_store(data_dir, clock)
    yield opened
    opened.close()


def test_no_statement_grows_with_the_number_of_items(limited_store: Store,
                                                     manager: StaffMember) -> None:
    ctx = limited_store.context
    document = venue_group(40_000)
    assert importing.import_data(ctx, manager, document).products == 40_000
    # Thousands of them again, replaced: 1,500 prices changed, a barcode moved to another.
    document["products"] = document["products"][:3_000]
    for product in document["products"][:1_500]:
        product["prices"][0]["amount"] = "1.00"
    moved = document["products"][1]["barcodes"].pop()
    document["products"][0]["barcodes"].append(moved)
    assert importing.import_data(ctx, manager, document).products == 3_000
    with ctx.uow(write=False) as uow:
        stored = uow.catalogue.get_many([f"p{number:07d}" for number in range(40_000)])
        till_id = uow.tills.local().id  # type: ignore[union-attr]
        events = [json.loads(row[5]) for row in uow.journal.rows(till_id, Chain.EVENT)]
    assert len(stored) == 40_000
    assert sorted({p.id: p for p in stored}["p0000000"].barcodes) == ["2900000000000", moved]
    changes = [event["products"] for event in events if event["event"] == "price_change"]
    # No journal entry grows with the catalogue either: 1,000 products an entry at most.
    assert [len(products) for products in changes] == [1_000, 500]
    assert changes[1][-1]["product_id"] == "p0001499"
    assert catalogue.search_products(ctx, moved)[0].id == "p0000000"


def test_duplicates_in_a_large_file_are_named_where_they_are(limited_store: Store,
                                                             manager: StaffMember) -> None:
    document = venue_group(40_000, customers=3)
    document["products"][39_999]["id"] = "p0000007"
    document["products"][20_000]["barcodes"] = ["2900000000003"]
    document["customers"][2]["id"] = "c000000"
    assert problems_of(limited_store, manager, document) == [
        "products[20000].barcodes: barcode '2900000000003' is also on product 'p0000003'",
        "products[39999].id: 'p0000007' appears more than once (first at products[7])",
        "customers[2].id: 'c000000' appears more than once (first at customers[0])"]


def test_a_catalogue_sent_again_as_it_was_leaves_the_store_as_it_was(
        store: Store, manager: StaffMember) -> None:
    document = venue_group(3_000, customers=10)
    document["products"][5]["barcodes"] += ["2999999999999", "2999999999998"]
    importing.import_data(store.context, manager, copy.deepcopy(document))
    before = snapshot(store.engine)
    document["products"][5]["barcodes"].reverse()  # barcodes are kept in no order
    assert importing.import_data(store.context, manager, document).products == 3_000
    assert snapshot(store.engine) == before


def test_a_barcode_given_twice_on_one_product_is_refused(store: Store,
                                                          manager: StaffMember) -> None:
    assert problems_of(store, manager, {"products": [product(barcodes=["1", "2", "1"])]}) == [
        "products[0].barcodes: barcode '1' is given more than once"]


def test_a_barcode_another_product_holds_in_the_store_is_refused_at_scale(
        limited_store: Store, manager: StaffMember) -> None:
    document = venue_group(3_000)
    document["products"][2_999]["barcodes"] = ["3760123450027"]  # the demo's pony ride
    assert problems_of(limited_store, manager, document) == [
        "products[2999].barcodes: barcode '3760123450027' already belongs to"
        " 'balade-poney-1h'"]


def test_the_problems_listed_are_capped_and_the_rest_counted(store: Store,
                                                             manager: StaffMember) -> None:
    document = venue_group(250)
    for product in document["products"]:
        product["prices"][0]["amount"] = "abc"
    problems = problems_of(store, manager, document)
    assert len(problems) == PROBLEM_LIMIT + 1
    assert problems[0] == "products[0].prices[0].amount: not an amount in euros: 'abc'"
    assert problems[-1] == ("(document): and 150 more problems, not listed: the first 100"
                            " are")
    # What only the store can tell is capped alike.
    document = venue_group(300)
    for product in document["products"]:
        product["category"] = "inconnue"
    problems = problems_of(store, manager, document)
    assert problems[99] == "products[99].category: unknown category 'inconnue'"
    assert problems[-1].startswith("(document): and 200 more problems")


# -- the import file read as it comes -----------------------------------------------------

def streamed(text: str | bytes, chunk: int = 7) -> Any:
    """The import file `text` as the command line reads it, a few bytes at a time."""
    data = text.encode() if isinstance(text, str) else text
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_input, "CHUNK_BYTES", chunk)
        reader = json_input._JsonReader(io.BytesIO(data), "f.json",
                                        json_input.MAX_IMPORT_BYTES)
        if reader.next_char() == "{":
            members = json_input.JsonMembers(reader)
            return [(key, list(value) if isinstance(value, Iterator) else value)
                    for key, value in members.members()]
        value = reader.value()
        reader.end()
        return value


def test_a_streamed_file_reads_as_json_reads_it() -> None:
    document = {"venue": {"name": "Écuries – du Lac", "n": [1, -2.5, 1e400, 10**30]},
                "products": [{"id": "p", "name": "Café\n\"crème\" \u00e9"}, [], {}],
                "customers": [], "staff": [[[]]], "x": None}
    text = json.dumps(document, ensure_ascii=False, indent=1)
    expected = list(json.loads(text, parse_float=Decimal).items())
    for chunk in (1, 2, 3, 7, 64, 1 << 20):
        assert streamed(text, chunk) == expected
        assert streamed("\ufeff" + text, chunk) == expected  # a byte order mark is allowed
    assert streamed("[1, 2]") == [1, 2]  # not an object: read whole (and refused)
    assert streamed(" {} ") == []


def test_a_section_given_twice_in_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    path.write_text('{"products": [], "venue": null, "products": [{}]}', encoding="utf-8")
    with json_input.import_document(path) as document, pytest.raises(InvalidImport) as refused:
        importing.check_document(document)
    assert [str(problem) for problem in refused.value.problems] == [
        "products: appears more than once"]


def json_error(text: str) -> str:
    try:
        json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    raise AssertionError("valid JSON")


def test_a_streamed_file_that_is_not_json_is_said_where_as_json_says_it() -> None:
    text = json.dumps(venue_group(3, customers=1), indent=2, ensure_ascii=False)
    broken = [text[:cut] for cut in range(len(text))]  # cut anywhere
    broken += [text[:at] + junk + text[at:] for at in range(0, len(text), 7)
               for junk in (",", "}", "x", '"')]
    broken.append(text + " []")
    for chunk in (5, 64):
        for bad in broken:
            try:
                json.loads(bad)
            except json.JSONDecodeError:
                with pytest.raises(UsageError) as refused:
                    streamed(bad, chunk)
                assert str(refused.value) == f"f.json is not valid JSON: {json_error(bad)}", bad


def test_a_streamed_file_not_in_utf_8_is_said_at_its_byte() -> None:
    text = '{"categories": [{"id": "cafe", "name": "Café"}]}'
    for chunk in (1, 2, 5, 40):
        assert streamed(text.encode(), chunk)[0][1][0]["name"] == "Café"
        with pytest.raises(UsageError, match=r"byte 0xe9 at offset 43\)"):
            streamed(text.encode("latin-1"), chunk)
        with pytest.raises(UsageError, match=r"byte 0xc3 at offset 43\)"):
            streamed(text.encode()[:44], chunk)  # cut inside the é


json_documents = st.dictionaries(
    st.sampled_from(["products", "customers", "categories", "payment_methods", "staff",
                     "venue", "other"]),
    st.lists(json_values, max_size=3) | json_values, max_size=4)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("streamed") / "document.json"


@settings(max_examples=150, deadline=None)
@given(document=json_documents, chunk=st.integers(1, 40))
def test_a_file_streamed_is_checked_as_the_same_document_read_whole(
        scratch: Path, document: dict[str, Any], chunk: int) -> None:
    text = json.dumps(document, default=str, ensure_ascii=False)
    scratch.write_text(text, encoding="utf-8")
    whole = json.loads(text, parse_float=Decimal)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_input, "CHUNK_BYTES", chunk)
        with json_input.import_document(scratch) as members:
            outcome = _checked(members)
    assert outcome == _checked(whole)


def _checked(document: Any) -> Any:
    try:
        checked = importing.check_document(document)
    except InvalidImport as refused:
        return [str(problem) for problem in refused.problems]
    return (checked.venue, checked.payment_methods, checked.categories, checked.staff,
            [rows for rows in checked.products.rows()],
            [rows for rows in checked.customers.rows()])


def test_caisse_import_reads_a_large_file_as_it_comes(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "groupe.json"
    path.write_text(json.dumps(venue_group(5_000, customers=500), ensure_ascii=False),
                    encoding="utf-8")
    report = ok(caisse(data_dir, "import", str(path), staff="gerant", secret="4321"))
    assert (report["products"], report["customers"]) == (5_000, 500)
    assert [p["id"] for p in ok(caisse(data_dir, "products", "search", "2900000004999"))] == [
        "p0004999"]
