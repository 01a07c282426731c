"""The import's `delete` section on the till (docs/data-format.md): what sales name is
put out of use, the rest removed; mistakes in it refused by name, nothing written."""

from __future__ import annotations

import pytest

from pos_app.bootstrap import Store
from pos_app.domain.errors import DomainError
from pos_app.domain.staff import StaffMember
from pos_app.services import importing
from pos_app.services.importing import InvalidImport
from pos_app.services.staff import sign_in
from tests.support import snapshot
from tests.sync.support import sell_ride


def test_deleted_items_are_put_out_of_use_or_removed(
        store: Store, manager: StaffMember, cashier: StaffMember) -> None:
    ctx = store.context
    sell_ride(ctx, cashier)  # an order now names balade-poney-1h
    report = importing.import_data(ctx, manager, {"delete": {
        "products": ["balade-poney-1h", "nowhere"], "customers": ["c-oneill"],
        "staff": ["controle"], "payment_methods": ["CB"], "categories": ["snack"]}})
    assert report.products == 0
    with ctx.uow(write=False) as uow:
        product = uow.catalogue.get("balade-poney-1h")
        assert product is not None and not product.published and product.barcodes == ()
        assert uow.customers.get("c-oneill") is None
        method = uow.payment_methods.get("CB")
        assert method is not None and not method.active
        # A category with products stays.
        assert "snack" in {category.id for category in uow.catalogue.categories()}
    with pytest.raises(DomainError):
        sign_in(ctx, "controle", "5678")


def test_mistakes_in_the_delete_section_are_refused_by_name(
        store: Store, manager: StaffMember) -> None:
    before = snapshot(store.engine)
    with pytest.raises(InvalidImport) as refused:
        importing.import_data(store.context, manager, {
            "products": [{"id": "canoe", "name": "Canoë", "vat_rate": "20",
                          "prices": [{"label": "Prix", "amount": "5"}]}],
            "delete": {"products": ["canoe", "kayak-2h", "kayak-2h", 7],
                       "orders": ["CD2-000001"]}})
    assert [str(problem) for problem in refused.value.problems] == [
        "delete.products[2]: 'kayak-2h' appears more than once (first at"
        " delete.products[1])",
        "delete.products[3]: must be a non-empty text",
        "delete.orders: not a section of items (known: payment_methods, categories,"
        " products, customers, staff, shared_stocks, slots)",
        "delete.products[0]: 'canoe' is also written at products[0]",
    ]
    assert snapshot(store.engine) == before
