"""What only the stored data tells of an import, checked the same way on the till
(`caisse import`) and on the server (`caisse-server import`): each asks its own store,
through `owners_of`, who holds the file's barcodes."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from pos_app.domain.reference_data import CheckedImport, Problem, Problems


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
