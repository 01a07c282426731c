"""A product's admission rule as stored, packed and sent: read back as it was; a
product packed in the search index before admissions existed reads as no admission."""

from __future__ import annotations

from datetime import timedelta

import orjson

from pos_app.domain.admission import AdmissionRule, admission_columns, admission_of
from pos_app.domain.catalogue import Price, Product
from pos_app.domain.reference_data import product_row, products_of
from pos_app.domain.reference_wire import product_data
from pos_app.domain.vat import VatRate
from pos_app.storage.catalogue_repository import index_row, products_from_index

RULE = AdmissionRule(None, timedelta(minutes=45), timedelta(minutes=15), 2)
SHOW = Product("show", "Spectacle", None, VatRate(550), (Price("a", "Adulte", 2200),),
               admission=RULE)


def test_a_rule_reads_back_from_its_columns() -> None:
    assert admission_columns(RULE) == (0, 45, 15, 2)
    assert admission_of(admission_columns(RULE)) == RULE
    assert admission_of(admission_columns(None)) is None
    assert admission_of(admission_columns(AdmissionRule())) == AdmissionRule()


def test_packed_for_the_import_and_the_search_it_keeps_its_rule() -> None:
    assert products_of([product_row(3, SHOW)]) == [(3, SHOW)]
    _, name, _, packed, _ = index_row(1, SHOW)
    assert products_from_index([(name, packed)]) == [SHOW]
    assert product_data(SHOW)["admission"] == {"entries": 0, "before_minutes": 45,
                                               "after_minutes": 15, "days": 2}


def test_a_search_entry_packed_before_admissions_is_no_admission() -> None:
    plain = Product("cafe", "Café", None, VatRate(1000), (Price("c", "Café", 150),))
    _, name, _, packed, _ = index_row(1, plain)
    old = orjson.dumps(orjson.loads(packed)[:10]).decode()  # as migration 0016 left it
    assert products_from_index([(name, old)]) == [plain]
