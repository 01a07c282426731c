"""Every refusal reaches staff as a French sentence, never as a traceback."""

from __future__ import annotations

import pytest

from pos_app.domain import errors
from pos_app.domain.availability import NotEnoughPlaces
from pos_app.services import ports
from pos_app.ui.messages import error_message


@pytest.mark.parametrize(("error", "expected"), [
    (errors.UnknownBarcode("3760000000000"), "Code-barres inconnu : 3760000000000"),
    (errors.Overpayment("CB", 2000, 900), "Le montant dépasse le reste à payer (9,00\xa0€)."),
    (errors.PaymentIncomplete(510), "Il reste 5,10\xa0€ à payer."),
    (errors.OrderCancelled("CD2-000004"), "La commande CD2-000004 est déjà annulée."),
    (ports.StoreFull(), "Le disque de la caisse est plein : rien n'a été enregistré. "
                        "Libérez de la place, puis recommencez."),
    (errors.PaidBasketNotHeld(200), "Ce panier a déjà reçu 2,00\xa0€ : il ne peut pas être"
                                    " mis en attente. Terminez la vente, ou rendez ces"
                                    " paiements d'abord."),
    (errors.SaleInProgress(2), "Une vente est en cours : mettez-la en attente ou"
                               " terminez-la d'abord."),
    (errors.StaffNotLocked("caissier"), "caissier n'est pas bloqué : rien à débloquer."),
    (NotEnoughPlaces("rides@2026-07-11T14:00", 3, 2),
     "Plus assez de places : 3 demandées, 2 restantes."),
    (NotEnoughPlaces(None, 5, 0), "Plus assez en stock : 5 demandés, 0 restants."),
    (errors.SlotRequired("rides"), "Ce produit se vend par créneau : choisissez-en un."),
    (errors.UnknownSlot("rides@2026-07-11T14:00"),
     "Ce créneau n'existe plus : choisissez-en un autre."),
])
def test_refusals_read_as_french_sentences(error: Exception, expected: str) -> None:
    assert error_message(error) == expected


def test_an_unexpected_error_names_its_kind_only() -> None:
    message = error_message(KeyError("secret internals"))
    assert message.startswith("Une erreur inattendue est survenue")
    assert "secret internals" not in message and "KeyError" in message
