"""Errors as the French sentences staff read; never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pos_app.domain import errors
from pos_app.formatting import format_local_time, format_money
from pos_app.services import ports
from pos_app.services.context import TillNotInitialised
from pos_app.services.customers import CustomerNameMissing
from pos_app.services.staff import UnknownTill

NOTHING_SAVED = "rien n'a été enregistré"

# Most specific first: the first class the error is an instance of gives the sentence.
_SENTENCES: list[tuple[type[Exception], Callable[[Any], str]]] = [
    (errors.AuthenticationFailed, lambda e: "Identifiant ou code secret incorrect."),
    (errors.AccountLocked,
     lambda e: "Trop d'essais incorrects : cet identifiant est bloqué jusqu'à "
               f"{format_local_time(e.until, '%H:%M')}."),
    (errors.UnknownBarcode, lambda e: f"Code-barres inconnu : {e.code}"),
    (errors.ProductNotSellable,
     lambda e: "Ce produit ne peut pas être vendu (brouillon ou sans tarif)."),
    (errors.EmptyBasket, lambda e: "Le panier est vide."),
    (errors.Overpayment,
     lambda e: f"Le montant dépasse le reste à payer ({format_money(e.left_cents)})."),
    (errors.PaymentIncomplete, lambda e: f"Il reste {format_money(e.left_cents)} à payer."),
    (errors.UnknownPaymentMethod, lambda e: "Ce mode de paiement n'est pas disponible."),
    (errors.NotAllowed, lambda e: "Votre profil ne permet pas cette action."),
    (errors.OrderCancelled, lambda e: f"La commande {e.number} est annulée."),
    (ports.StoreFull, lambda e: f"Le disque de la caisse est plein : {NOTHING_SAVED}. "
                                "Libérez de la place, puis recommencez."),
    (ports.StoreBusy,
     lambda e: f"La base de la caisse est occupée : {NOTHING_SAVED}. Réessayez."),
    (ports.StoreDamaged, lambda e: f"La base de la caisse est endommagée : {NOTHING_SAVED}. "
                                   "Prévenez un responsable."),
    (ports.StoreUnavailable,
     lambda e: f"La base de la caisse ne peut pas être écrite : {NOTHING_SAVED}. "
               "Prévenez un responsable."),
    (CustomerNameMissing, lambda e: "Indiquez le nom du client."),
    (errors.InvalidAmount, lambda e: f"Montant incorrect : « {e.text} »."),
    (errors.InvalidQuantity, lambda e: "La quantité doit être un nombre entier d'au moins 1."),
    (errors.UnknownOrder, lambda e: f"Aucune commande n'a le numéro {e.number}."),
    (errors.NothingLeftToPay, lambda e: "Il ne reste rien à payer."),
    (errors.CancellationReasonMissing, lambda e: "Indiquez le motif de l'annulation."),
    (UnknownTill, lambda e: "Cette caisse n'est pas celle de ce poste."),
    (TillNotInitialised,
     lambda e: "Cette caisse n'est pas encore installée : lancez « caisse init »."),
    (errors.DomainError, lambda e: f"Action refusée : {e}"),
]


def french_message(error: Exception) -> str:
    for kind, sentence in _SENTENCES:
        if isinstance(error, kind):
            return sentence(error)
    return f"Une erreur inattendue est survenue ; {NOTHING_SAVED}. ({type(error).__name__})"
