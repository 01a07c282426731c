"""Errors as the French sentences staff read; never a traceback."""

from __future__ import annotations

from pos_app.domain import errors
from pos_app.formatting import format_money


def french_message(error: Exception) -> str:
    match error:
        case errors.AuthenticationFailed():
            return "Identifiant ou code secret incorrect."
        case errors.UnknownBarcode(code=code):
            return f"Code-barres inconnu : {code}"
        case errors.ProductNotSellable():
            return "Ce produit ne peut pas être vendu (brouillon ou sans tarif)."
        case errors.EmptyBasket():
            return "Le panier est vide."
        case errors.Overpayment(left_cents=left):
            return f"Le montant dépasse le reste à payer ({format_money(left)})."
        case errors.PaymentIncomplete(left_cents=left):
            return f"Il reste {format_money(left)} à payer."
        case errors.UnknownPaymentMethod():
            return "Ce mode de paiement n'est pas disponible."
        case errors.NotAllowed():
            return "Votre profil ne permet pas cette action."
        case errors.OrderCancelled(number=number):
            return f"La commande {number} est annulée."
        case errors.DomainError():
            return f"Action refusée : {error}"
        case _:
            return ("Une erreur inattendue est survenue ; rien n'a été enregistré. "
                    f"({type(error).__name__})")
