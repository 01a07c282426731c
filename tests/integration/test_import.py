"""Importing reference data: all or nothing, and every problem names the item and field."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_app.bootstrap import Store, demo_document
from pos_app.domain.staff import StaffMember
from pos_app.services import catalogue, importing
from pos_app.services.importing import InvalidImport
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
        " customers, staff)",
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
    ride_now = catalogue.search_products(store.context, "balade")[0]
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
