"""What only the stored data tells of an import, checked the same way on the till
(`caisse import`) and on the server (`caisse-server import`): each asks its own store,
through callables, who holds the file's barcodes, which shared stocks and products it holds."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from pos_app.domain.reference_data import CheckedImport
from pos_app.domain.reference_fields import Problem, Problems


def check_products_against_store(
        checked: CheckedImport, known_categories: Collection[str],
        owners_of: Callable[[Sequence[str]], dict[str, str]],
        releasing: Collection[str]) -> dict[str, str]:
    """Refuse (InvalidImport) a product in a category neither the file nor the store
    has, or with a barcode a product the file leaves alone holds. Returns the barcodes
    that move to a product of the file from one in `releasing` (another product the file
    rewrites, or removes), and the product each leaves.

    Read from the packed rows: no product needs making to be checked, a batch of
    barcodes is looked up at once."""
    problems = Problems()
    moving: dict[str, str] = {}
    for rows in checked.products.rows():
        owners = owners_of([code for row in rows for code in row[6]])
        for index, product_id, _name, category_id, _rate, _prices, barcodes, *_ in rows:
            if category_id is not None and category_id not in known_categories:
                problems.add("", Problem(f"products[{index}].category",
                                         f"unknown category {category_id!r}"))
            for code in barcodes:
                owner = owners.get(code, product_id)
                if owner == product_id:
                    continue
                # Within the file a barcode is on one product (checked): an owner the
                # file also rewrites, or removes, gives it up.
                if owner in releasing:
                    moving[code] = owner
                else:
                    problems.add("", Problem(f"products[{index}].barcodes",
                                             f"barcode {code!r} already belongs to {owner!r}"))
    problems.raise_any()
    return moving


def check_schedule_against_store(
        checked: CheckedImport, stocks_held: Callable[[Sequence[str]], set[str]],
        products_held: Callable[[Sequence[str]], dict[str, bool]]) -> None:
    """Refuse (InvalidImport) a product drawing on a shared stock neither the file nor
    the store has (or the file deletes), and a slot of a product neither has, or of one
    that is not dated. `stocks_held` tells which of some stock ids the store holds;
    `products_held`, of some product ids, each held one's `dated`."""
    problems = Problems()
    deleted_stocks = set(checked.deletions.get("shared_stocks", ()))
    in_file = {stock.id for stock in checked.shared_stocks}
    named = {row[13] for rows in checked.products.rows() for row in rows if row[13]}
    known = in_file | (stocks_held(sorted(named - in_file)) - deleted_stocks)
    dated: dict[str, bool] = {}
    for rows in checked.products.rows():
        for index, product_id, *_rest, stock_id, is_dated in rows:
            dated[product_id] = is_dated
            if stock_id is not None and stock_id not in known:
                problems.add("", Problem(f"products[{index}].stock",
                                         f"unknown shared stock {stock_id!r}"))
    wanted = sorted({row[2] for rows in checked.slots.rows() for row in rows} - set(dated))
    dated.update(products_held(wanted))
    deleted_products = set(checked.deletions.get("products", ()))
    said: set[tuple[int, str]] = set()  # a series' slots share their item: said once
    for rows in checked.slots.rows():
        for index, _slot_id, product_id, *_ in rows:
            if (index, product_id) in said:
                continue
            if product_id not in dated or product_id in deleted_products:
                problem = f"unknown product {product_id!r}"
            elif not dated[product_id]:
                problem = f"product {product_id!r} is not dated (`dated`: true)"
            else:
                continue
            said.add((index, product_id))
            problems.add("", Problem(f"slots[{index}].product", problem))
    problems.raise_any()
