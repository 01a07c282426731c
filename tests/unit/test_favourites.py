"""R2: Favoris / Retirer toggles a product in the till's favourites."""

from __future__ import annotations

from pos_app.domain.favourites import Favourites


def test_favoris_then_retirer() -> None:
    favourites = Favourites("caisse-accueil")
    assert favourites.toggle("balade-poney-1h") is True
    assert favourites.toggle("creme-glacee") is True
    assert "balade-poney-1h" in favourites
    assert favourites.toggle("balade-poney-1h") is False
    assert favourites.product_ids == ["creme-glacee"]


def test_favourites_keep_the_order_they_were_added_in() -> None:
    favourites = Favourites("caisse-accueil")
    for product in ("cafe", "crepe", "gaufre"):
        favourites.toggle(product)
    assert favourites.product_ids == ["cafe", "crepe", "gaufre"]
