"""Browsing the catalogue: search as you type, categories, favourites (R2)."""

from __future__ import annotations

from pos_app.domain.catalogue import Category, Product
from pos_app.domain.errors import UnknownProduct
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context, local_till


def search_products(ctx: Context, text: str, limit: int = 50) -> list[Product]:
    """Products whose name, barcode or article code has words starting with the typed words,
    ignoring case and accents."""
    if not text.strip():
        return []
    with ctx.uow(write=False) as uow:
        return uow.catalogue.search(text, limit)


def categories(ctx: Context) -> list[Category]:
    with ctx.uow(write=False) as uow:
        return uow.catalogue.categories()


def products_in_category(ctx: Context, category_id: str | None,
                         limit: int = 500) -> list[Product]:
    with ctx.uow(write=False) as uow:
        return uow.catalogue.in_category(category_id, limit)


def favourite_products(ctx: Context) -> list[Product]:
    """R2: the till's favourites, in the order they were added."""
    with ctx.uow(write=False) as uow:
        favourites = uow.favourites.get(local_till(uow).id)
        found = {product.id: product for product in uow.catalogue.get_many(
            favourites.product_ids)}
    return [found[pid] for pid in favourites.product_ids if pid in found]


def toggle_favourite(ctx: Context, staff: StaffMember, product_id: str) -> bool:
    """R2: `Favoris` / `Retirer`; returns whether the product is now a favourite of this till."""
    staff.require(Role.CASHIER, "change the favourites")
    with ctx.uow() as uow:
        if uow.catalogue.get(product_id) is None:
            raise UnknownProduct(product_id)
        favourites = uow.favourites.get(local_till(uow).id)
        now_favourite = favourites.toggle(product_id)
        uow.favourites.save(favourites)
        uow.commit()
    return now_favourite
