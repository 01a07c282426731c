"""Errors as the sentences staff read (French first, translated by Qt Linguist files);
never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QCoreApplication

from pos_app.domain import errors
from pos_app.domain.admission import Light, Reason, Verdict
from pos_app.domain.availability import NotEnoughPlaces
from pos_app.domain.clock import ClockJump, JumpDirection
from pos_app.domain.devices import WEDGE_UNFINISHED
from pos_app.domain.postal_code import InvalidPostalCode
from pos_app.domain.printing import DRAWER_NO_ANSWER, NO_DRAWER, NO_PRINTER, NO_STATUS_ANSWER
from pos_app.domain.scan_meaning import Refusal, ScanKind, UnknownScan
from pos_app.formatting import format_local_time, format_money
from pos_app.services.context import TillNotInitialised
from pos_app.services.staff import UnknownTill
from pos_app.ui.settings import SettingsNotSaved

translate = QCoreApplication.translate


def _not_saved(what: str, advice: str = "") -> str:
    """`what` went wrong, so nothing was saved; then what to do about it, if anything."""
    sentence = translate("messages", "{what} : rien n'a été enregistré.").format(what=what)
    return f"{sentence} {advice}" if advice else sentence


def _not_enough_places(error: NotEnoughPlaces) -> str:
    if error.slot_id is None:  # undated goods of a shared stock
        return translate("messages", "Plus assez en stock : {wanted} demandés, {left}"
                         " restants.").format(wanted=error.wanted, left=error.left)
    return translate("messages", "Plus assez de places : {wanted} demandées, {left}"
                     " restantes.").format(wanted=error.wanted, left=error.left)


@cache
def _sentences() -> list[tuple[type[Exception], Callable[[Any], str]]]:
    """Most specific first: the first class the error is an instance of gives the
    sentence. (Made at the first error: the ports' module loads with it, not at start.)"""
    from pos_app.services import ports
    from pos_app.services.print_queue import NoSuchJob

    return [
        (errors.AuthenticationFailed,
         lambda e: translate("messages", "Identifiant ou code secret incorrect.")),
        (errors.AccountLocked, lambda e: translate(
            "messages", "Trop d'essais incorrects : cet identifiant est bloqué jusqu'à {time}."
            " Un responsable peut le débloquer (Caisse › Personnel bloqué)."
        ).format(time=format_local_time(e.until, "%H:%M"))),
        (errors.UnknownBarcode,
         lambda e: translate("messages", "Code-barres inconnu : {code}").format(code=e.code)),
        (NotEnoughPlaces, _not_enough_places),
        (errors.SlotRequired, lambda e: translate(
            "messages", "Ce produit se vend par créneau : choisissez-en un.")),
        (errors.SlotOver, lambda e: translate(
            "messages", "Ce créneau est terminé ({time}) : choisissez-en un autre.").format(
            time=format_local_time(e.ended_at, "%d/%m/%Y %H:%M"))),
        (errors.UnknownSlot, lambda e: translate(
            "messages", "Ce créneau n'existe plus : choisissez-en un autre.")),
        (errors.SlotNotOfProduct, lambda e: translate(
            "messages", "Ce créneau n'est pas un créneau de ce produit.")),
        (errors.ProductNotSellable, lambda e: translate(
            "messages", "Ce produit ne peut pas être vendu (brouillon ou sans tarif).")),
        (errors.EmptyBasket, lambda e: translate("messages", "Le panier est vide.")),
        (errors.Overpayment, lambda e: translate(
            "messages", "Le montant dépasse le reste à payer ({amount})."
        ).format(amount=format_money(e.left_cents))),
        (errors.PaymentIncomplete, lambda e: translate(
            "messages", "Il reste {amount} à payer.").format(amount=format_money(e.left_cents))),
        (errors.UnknownPaymentMethod,
         lambda e: translate("messages", "Ce mode de paiement n'est pas disponible.")),
        (errors.NotAllowed,
         lambda e: translate("messages", "Votre profil ne permet pas cette action.")),
        (errors.OrderCancelled, lambda e: translate(
            "messages", "La commande {number} est déjà annulée.").format(number=e.number)),
        (ports.StoreFull, lambda e: _not_saved(
            translate("messages", "Le disque de la caisse est plein"),
            translate("messages", "Libérez de la place, puis recommencez."))),
        (ports.StoreBusy, lambda e: _not_saved(
            translate("messages", "La base de la caisse est occupée"),
            translate("messages", "Réessayez."))),
        (ports.StoreDamaged, lambda e: _not_saved(
            translate("messages", "La base de la caisse est endommagée"),
            translate("messages", "Prévenez un responsable."))),
        (ports.StoreUnavailable, lambda e: _not_saved(
            translate("messages", "La base de la caisse ne peut pas être écrite"),
            translate("messages", "Prévenez un responsable."))),
        (errors.CustomerNameMissing, lambda e: translate("messages", "Indiquez le nom du client.")),
        (errors.CardCodeTaken, lambda e: translate(
            "messages", "La carte {code} est déjà celle de {holder}.").format(
                code=e.code, holder=e.holder)),
        (errors.AmountTooLarge, lambda e: translate(
            "messages", "Montant trop élevé : « {text} ». La caisse prend au plus {maximum}."
        ).format(text=e.text, maximum=format_money(e.maximum_cents))),
        (errors.QuantityTooLarge, lambda e: translate(
            "messages", "Quantité trop élevée : une ligne compte au plus {maximum} articles."
        ).format(maximum=e.maximum)),
        (errors.InvalidPolicy, lambda e: translate(
            "messages", "Réglage « {name} » : « {text} » n'est pas une valeur possible."
        ).format(name=e.name, text=e.text)),
        (errors.InvalidDiscount, lambda e: translate(
            "messages", "Remise incorrecte : « {text} ». Indiquez un montant (2,00) ou un"
            " pourcentage entier (10 %).").format(text=e.text)),
        (errors.DiscountNegative, lambda e: translate(
            "messages", "Une remise ne peut pas être négative.")),
        (errors.DiscountExceeds, lambda e: translate(
            "messages", "La remise ({amount}) dépasse le montant auquel elle s'applique"
            " ({base}).").format(amount=format_money(e.cents), base=format_money(e.base_cents))),
        (errors.DiscountAboveLimit, lambda e: translate(
            "messages", "La remise dépasse le maximum permis par la caisse ({percent} %)."
        ).format(percent=e.max_percent)),
        (errors.DiscountReasonMissing, lambda e: translate(
            "messages", "Indiquez le motif de la remise.")),
        (errors.InvalidAmount, lambda e: translate(
            "messages", "Montant incorrect : « {text} ».").format(text=e.text)),
        (InvalidPostalCode, lambda e: translate(
            "messages", "« {text} » n'est pas un code postal français : 5 chiffres, de"
            " 01000 à 98999. Sinon, choisissez « Étranger » ou « Non communiqué ».").format(
            text=e.text)),
        (errors.InvalidQuantity, lambda e: translate(
            "messages", "La quantité doit être un nombre entier d'au moins 1.")),
        (errors.UnknownOrder, lambda e: translate(
            "messages", "Aucune commande n'a le numéro {number}.").format(number=e.number)),
        (errors.UnsoundDocumentRecord, lambda e: translate(
            "messages", "Le journal a été altéré : l'écriture de {number} ne se vérifie pas,"
            " rien n'est imprimé. Faites vérifier le journal (« caisse journal verify »)."
        ).format(number=e.number)),
        (errors.NothingLeftToPay, lambda e: translate("messages", "Il ne reste rien à payer.")),
        (errors.NothingOwed, lambda e: translate(
            "messages", "La commande {number} n'a pas été payée au-delà de ce qu'elle vaut :"
            " rien n'est à rendre.").format(number=e.number)),
        (errors.CancellationReasonMissing,
         lambda e: translate("messages", "Indiquez le motif de l'annulation.")),
        (UnknownTill, lambda e: translate("messages", "Cette caisse n'est pas celle de ce poste.")),
        (TillNotInitialised, lambda e: translate(
            "messages", "Cette caisse n'est pas encore installée : lancez « caisse init ».")),
        (SettingsNotSaved, lambda e: translate(
            "messages", "Les réglages n'ont pas pu être enregistrés dans {path}.").format(
            path=e.path)),
        (errors.ClosureInProgress, lambda e: translate(
            "messages", "Clôture Z en cours — terminez-la ou abandonnez-la (Caisse ›"
            " Clôture Z).")),
        (errors.NoClosureStarted, lambda e: translate(
            "messages", "Aucune clôture n'est en cours.")),
        (errors.GapReasonMissing, lambda e: translate(
            "messages", "Un écart de {gap} (plus de {threshold}) demande un motif.").format(
            gap=format_money(e.gap_cents), threshold=format_money(e.threshold_cents))),
        (errors.BlindCountMissing, lambda e: translate(
            "messages", "Comptage à l'aveugle : saisissez les espèces comptées.")),
        (errors.ClosureRequired, lambda e: translate(
            "messages", "La caisse est ouverte depuis le {time} sans clôture Z : faites la"
            " clôture avant de vendre.").format(time=format_local_time(e.opened_at))),
        (errors.NothingToClose, lambda e: translate(
            "messages", "La caisse est fermée : il n'y a rien à clôturer.")),
        (errors.InvalidCashCount, lambda e: translate(
            "messages", "Comptage des espèces refusé : {detail}").format(detail=e.detail)),
        (errors.CashReasonMissing, lambda e: translate(
            "messages", "Indiquez le motif de l'apport ou du retrait.")),
        (errors.JournalMismatch, lambda e: _not_saved(
            translate("messages", "Les ventes et le journal fiscal ne concordent pas"),
            translate("messages", "Prévenez un responsable (caisse journal verify)."))),
        (ports.PrinterUnavailable, lambda e: translate(
            "messages", "L'imprimante ne répond pas ({detail}) : rien n'est perdu,"
            " l'impression attend qu'elle revienne.").format(detail=e.detail)),
        (NoSuchJob, lambda _e: translate(
            "messages", "Ce document n'attend plus dans la file (imprimé ou supprimé"
            " entre-temps).")),
        (ports.ScannerUnavailable, lambda e: translate(
            "messages", "Le lecteur de codes ne répond pas ({detail}) : saisissez le code"
            " ou utilisez un autre lecteur.").format(detail=e.detail)),
        (ports.SettingsNotSaved, lambda e: translate(
            "messages", "Les réglages n'ont pas pu être enregistrés ({detail}) : les"
            " précédents restent en place.").format(detail=e.detail)),
        (ports.SigningKeyUnavailable, lambda e: _not_saved(
            translate("messages", "La clé de signature de la caisse est introuvable"),
            translate("messages", "Prévenez un responsable."))),
        (errors.RefundExceedsPaid, lambda e: translate(
            "messages", "Rembourser {asked} dépasse ce qui est dû au client ({owed}).").format(
            asked=format_money(e.asked_cents), owed=format_money(e.refundable_cents))),
        (errors.RefundIncomplete, lambda e: translate(
            "messages", "Les remboursements font {asked}, mais {owed} sont dus au client.")
         .format(asked=format_money(e.asked_cents), owed=format_money(e.owed_cents))),
        (errors.NotARefund, lambda e: translate(
            "messages", "Un remboursement est un montant positif.")),
        (errors.ReturnExceedsSold, lambda e: translate(
            "messages", "Ligne {line} : {asked} à reprendre, mais {left} seulement peuvent"
            " l'être.").format(line=e.position + 1, asked=e.asked, left=e.left)),
        (errors.NothingReturned, lambda e: translate(
            "messages", "Choisissez au moins une ligne à reprendre.")),
        (errors.SoldAtAnotherTill, lambda e: translate(
            "messages", "La commande {number} a été vendue à la caisse « {till} » : ses"
            " retours, son annulation et son trop-perçu se règlent là-bas.").format(
            number=e.number, till=e.till_name)),
        (errors.UnknownOrderLine, lambda e: translate(
            "messages", "La commande {number} n'a pas de ligne {line}.").format(
            number=e.number, line=e.position + 1)),
        (errors.ReasonMissing, lambda e: translate("messages", "Indiquez le motif.")),
        (errors.BasketBelowPayments, lambda e: translate(
            "messages", "{paid} ont déjà été encaissés : le panier ne peut pas descendre en"
            " dessous.").format(paid=format_money(e.paid_cents))),
        (errors.DraftHoldsPayments, lambda e: translate(
            "messages", "La vente en cours a déjà reçu {paid} : terminez-la, ou rendez ces"
            " paiements et abandonnez-la.").format(paid=format_money(e.paid_cents))),
        (errors.NoDraft, lambda e: translate("messages", "Aucune vente n'est en cours.")),
        (errors.PaidBasketNotHeld, lambda e: translate(
            "messages", "Ce panier a déjà reçu {paid} : il ne peut pas être mis en attente."
            " Terminez la vente, ou rendez ces paiements d'abord.").format(
            paid=format_money(e.paid_cents))),
        (errors.UnknownHeldBasket, lambda e: translate(
            "messages", "Ce panier n'est plus en attente : il a été repris ou supprimé.")),
        (errors.SaleInProgress, lambda e: translate(
            "messages", "Une vente est en cours : mettez-la en attente ou terminez-la"
            " d'abord.")),
        (errors.HeldBasketNameTooLong, lambda e: translate(
            "messages", "Nom trop long : {maximum} caractères au plus.").format(
            maximum=e.maximum)),
        (errors.StaffNotLocked, lambda e: translate(
            "messages", "{login} n'est pas bloqué : rien à débloquer.").format(
            login=e.login)),
        (errors.UnknownStaff, lambda e: translate(
            "messages", "Aucun membre du personnel n'a l'identifiant {login}.").format(
            login=e.login)),
        (errors.NotInTheDrawer, lambda e: translate(
            "messages", "{asked} en espèces, c'est plus que le tiroir ne contient ({held}) :"
            " rendez le reste autrement.").format(asked=format_money(e.asked_cents),
                                                   held=format_money(e.held_cents))),
        (errors.ReasonTooLong, lambda e: translate(
            "messages", "Le motif est trop long : {maximum} caractères au plus.").format(
            maximum=e.maximum)),
        (errors.NegativeCount, lambda e: translate(
            "messages", "Les espèces comptées ne peuvent pas être négatives.")),
        (errors.DraftPaid, lambda e: translate(
            "messages", "La vente est payée : validez-la.")),
        (errors.SaleChanged, lambda e: translate(
            "messages", "La vente en cours a été modifiée ailleurs : vérifiez-la avant de la"
            " valider.")),
        (errors.PaidBeyondWorth, lambda e: translate(
            "messages", "La commande recevrait {amount} de plus que sa valeur : rien n'a été"
            " enregistré.").format(amount=format_money(e.cents))),
        (errors.DomainError,
         lambda e: translate("messages", "Action refusée : {detail}").format(detail=e)),
    ]


def device_problem_words(problem: str) -> str:
    """What a printer says of itself, in the screen's language (other details as said)."""
    words = {"out of paper": translate("messages", "plus de papier"),
             "cover open": translate("messages", "capot ouvert"),
             "offline": translate("messages", "hors ligne"),
             NO_STATUS_ANSWER: translate(
                 "messages", "pas de réponse à la demande d'état (si elle n'y répond"
                 " jamais, décochez « Demander son état » dans Caisse › Périphériques)"),
             NO_DRAWER: translate("messages", "aucun tiroir configuré"),
             DRAWER_NO_ANSWER: translate("messages", "l'ouverture n'a pas pu être faite à temps"
                                         " (impression en cours ?)"),
             WEDGE_UNFINISHED: translate(
                 "messages", "un code commencé par son préfixe n'a jamais été terminé :"
                 " ses touches ont été tapées telles quelles (vérifiez le suffixe réglé"
                 " dans Caisse › Périphériques)")}
    return words.get(problem, problem)


def device_problem_text(device: str, problem: str) -> str:
    """A device that needs someone, said to the cashier: what, and that nothing is lost."""
    said = device_problem_words(problem)
    if device == "printer" and problem == NO_PRINTER:
        return translate("messages", "Aucune imprimante configurée : le ticket attend dans la"
                         " file (Caisse › Périphériques).")
    if device == "printer":
        return translate("messages", "Imprimante : {problem}. Rien n'est perdu : les tickets"
                         " attendent et s'impriment dès qu'elle repart.").format(problem=said)
    if device == "drawer":
        return translate("messages", "Tiroir-caisse : {problem}. Ouvrez-le à la clé si"
                         " besoin.").format(problem=said)
    if device == "scanner":  # a serial reader that died: kept trying (reader_keeper.py)
        return translate("messages", "Lecteur de codes série : {problem}. Il est rouvert dès"
                         " qu'il revient ; tapez les codes en attendant.").format(problem=said)
    if device == "keyboard":  # the keyboard-wedge scanner (ui/scanner.py)
        return translate("messages", "Lecteur clavier : {problem}.").format(problem=said)
    if device == "camera":
        return translate("messages", "Caméra : {problem}. Elle est rouverte dès qu'elle"
                         " revient.").format(problem=said)
    if device == "devices":  # the device thread itself: it tries again
        return translate("messages", "Périphériques : {problem}. Nouvel essai automatique ;"
                         " les tickets attendent dans la file.").format(problem=said)
    return translate("messages", "Lecteur de codes {device} : {problem}.").format(
        device=device, problem=said)


MAX_SAID_CODE = 40  # characters of a scanned code said on screen (noise can be long)


def _said_code(code: str) -> str:
    return code if len(code) <= MAX_SAID_CODE else f"{code[:MAX_SAID_CODE]}…"


def scan_kind_words(kind: ScanKind | None) -> str:
    if kind is None:
        return translate("messages", "un code connu")
    return {ScanKind.PRODUCT: translate("messages", "un produit"),
            ScanKind.RECEIPT: translate("messages", "un ticket de caisse"),
            ScanKind.TICKET: translate("messages", "un billet"),
            ScanKind.CUSTOMER_CARD: translate("messages", "une carte client")}[kind]


def training_apart_text(number: str, order_training: bool) -> str:
    """A scanned order of the other world: training and real sales never mix."""
    if order_training:
        return translate("messages", "Commande {number} : une vente de formation ne s'ouvre"
                         " qu'en mode formation.").format(number=number)
    return translate("messages", "Commande {number} : en mode formation, seules les ventes"
                     " de formation s'ouvrent.").format(number=number)


def scan_refusal_text(unknown: UnknownScan) -> str:
    """Why a scanned code does nothing here, said to the cashier (never in the way)."""
    code, order = _said_code(unknown.code), unknown.order_number or ""
    symbology = unknown.symbology or ""
    match unknown.refusal:
        case Refusal.SYMBOLOGY:
            return translate("messages", "Code {symbology} ignoré : ce type de code ne sert"
                             " ni aux produits, ni aux tickets, ni aux billets, ni aux cartes"
                             " client ici.").format(symbology=symbology)
        case Refusal.WRONG_SYMBOLOGY:
            return translate("messages", "Code ignoré : {what} n'est jamais imprimé en"
                             " {symbology} (lecture partielle ?). Relisez le code.").format(
                what=scan_kind_words(unknown.kind), symbology=symbology)
        case Refusal.UNKNOWN_TICKET_ORDER:
            return translate("messages", "Billet {code} : la commande {order} est inconnue"
                             " de cette caisse.").format(code=code, order=order)
        case Refusal.NO_SUCH_ADMISSION:
            return translate("messages", "Billet {code} : la commande {order} n'a pas cette"
                             " entrée (référence erronée).").format(code=code, order=order)
        case Refusal.GARBLED_TICKET:
            return translate("messages", "Billet illisible : {code} (commande {order})."
                             " Relisez-le ou cherchez la commande.").format(code=code,
                                                                            order=order)
        case Refusal.NOT_HERE:
            return translate("messages", "Ce code est {what} : il ne sert pas dans cette"
                             " fenêtre.").format(what=scan_kind_words(unknown.kind))
    return translate("messages", "Code inconnu : {code}. Ce n'est ni un produit, ni un"
                     " ticket de caisse, ni un billet, ni une carte client.").format(code=code)


def clock_jump_text(jump: ClockJump) -> str:
    """A clock jump, said to the staff with both times: selling goes on."""
    if jump.after_stop:  # the till was off: the time may have passed for real
        return translate("messages", "Horloge : la caisse n'avait rien écrit depuis le"
                         " {newest} ; il est le {clock}. Si elle est restée éteinte, tout"
                         " va bien ; sinon, faites remettre la date et l'heure à jour.").format(
            newest=format_local_time(jump.newest), clock=format_local_time(jump.clock))
    way = (translate("messages", "en retard sur") if jump.direction is JumpDirection.BACK
           else translate("messages", "en avance sur"))
    return translate("messages", "Horloge : l'ordinateur indique le {clock}, {way} la"
                     " dernière écriture de la caisse ({newest}). C'est inscrit au journal ;"
                     " la vente continue. Faites remettre la date et l'heure à jour.").format(
        clock=format_local_time(jump.clock), way=way, newest=format_local_time(jump.newest))


def sync_failure_text(error: Exception) -> str:
    """Why a round with the server did not go through, said to the staff: what it means
    for them, and that nothing is lost."""
    from pos_app.services import ports

    if isinstance(error, ports.TokenRefused):
        return translate("messages", "Ce poste n'est plus inscrit auprès du serveur (jeton"
                         " refusé ou révoqué). Ses enregistrements restent sur la caisse :"
                         " voyez l'administrateur du serveur.")
    if isinstance(error, ports.TokenUnavailable):
        return translate("messages", "Le jeton du serveur est introuvable ou illisible :"
                         " rien n'est perdu ; faites inscrire le poste de nouveau.")
    if isinstance(error, ports.ServerReplyUnreadable):
        return translate("messages", "La réponse du serveur est illisible : rien n'est perdu,"
                         " l'envoi sera refait.")
    if isinstance(error, ports.ServerUnreachable):
        return translate("messages", "Le serveur ne répond pas : rien n'est perdu, tout"
                         " partira dès qu'il répondra.")
    if isinstance(error, ports.ServerRefused):
        return translate("messages", "Le serveur refuse la demande ({status}) : {reason}."
                         " Rien n'est perdu ; voyez l'administrateur du serveur.").format(
            status=error.status, reason=error.reason)
    return error_message(error)


def clock_offset_words(seconds: int) -> str:
    """`-432` → `7 min 12 s`: how far the till's clock is from the server's."""
    minutes, rest = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return translate("messages", "{hours} h {minutes:02d} min").format(
            hours=hours, minutes=minutes)
    if minutes:
        return translate("messages", "{minutes} min {seconds:02d} s").format(
            minutes=minutes, seconds=rest)
    return translate("messages", "{seconds} s").format(seconds=rest)


def clock_offset_text(seconds: int) -> str:
    """The till's clock against the server's (`seconds`: the server's minus the till's),
    as a sentence: off by more than the tolerance, it asks for the time to be set."""
    from pos_app.domain.sync import CLOCK_TOLERANCE

    gap = clock_offset_words(seconds)
    if abs(seconds) <= CLOCK_TOLERANCE.total_seconds():
        return translate("messages", "À l'heure du serveur (écart de {gap}).").format(gap=gap)
    if seconds > 0:  # the server's clock ahead: the till's is behind
        sentence = translate("messages", "L'horloge de la caisse retarde de {gap} sur celle"
                             " du serveur")
    else:
        sentence = translate("messages", "L'horloge de la caisse avance de {gap} sur celle"
                             " du serveur")
    return translate("messages", "{sentence} (plus de {tolerance} min) : c'est inscrit au"
                     " journal ; faites remettre l'heure à jour.").format(
        sentence=sentence.format(gap=gap),
        tolerance=int(CLOCK_TOLERANCE.total_seconds() // 60))


def error_message(error: Exception) -> str:
    for kind, sentence in _sentences():
        if isinstance(error, kind):
            return sentence(error)
    return _not_saved(translate("messages", "Une erreur inattendue est survenue"),
                      f"({type(error).__name__})")


def verdict_headline(light: Light, validated: bool) -> str:
    """The gate's verdict in two or three words, as large as the screen allows."""
    if light is Light.GREEN:
        return (translate("messages", "ENTRÉE VALIDÉE") if validated
                else translate("messages", "BILLET VALABLE"))
    if light is Light.ORANGE:
        return translate("messages", "PAS ICI OU PAS ENCORE")
    return translate("messages", "REFUSÉ")


def verdict_reason_text(verdict: Verdict) -> str:
    """Why, in a sentence a visitor can be told (R11)."""
    facts, since = verdict.ticket, verdict.since
    when = "" if since is None else format_local_time(since, "%d/%m/%Y %H:%M")
    reason = verdict.reason
    if reason is Reason.VALID:
        return translate("messages", "Billet valable : bonne visite !")
    if reason is Reason.UNKNOWN:
        return translate("messages", "Billet inconnu : aucune vente ne porte cette référence.")
    if reason is Reason.FORGED:
        return translate("messages", "Billet illisible ou falsifié : sa signature ne tient pas.")
    if reason is Reason.VOIDED:
        return translate("messages", "Billet détruit le {when}.").format(when=when)
    if reason is Reason.REVOKED:
        return translate("messages", "Billet annulé le {when} (commande annulée ou"
                         " remboursée).").format(when=when)
    if reason is Reason.ORDER_CANCELLED:
        return translate("messages", "La commande de ce billet est annulée.")
    if reason is Reason.ORDER_UNPAID:
        return translate("messages", "La commande de ce billet n'est pas payée : passez en"
                         " caisse.")
    if reason is Reason.WRONG_CHECKPOINT:
        return translate("messages", "Ce billet n'est pas valable à ce contrôle.")
    assert facts is not None
    if reason is Reason.TOO_EARLY:
        return translate("messages", "Trop tôt : valable à partir du {when}.").format(
            when=format_local_time(facts.valid_from, "%d/%m/%Y %H:%M"))
    if reason is Reason.EXPIRED:
        return translate("messages", "Billet expiré depuis le {when}.").format(
            when=format_local_time(facts.valid_until, "%d/%m/%Y %H:%M"))
    return translate("messages", "Déjà utilisé : {used} entrée(s) sur {allowed}.").format(
        used=facts.entries_used, allowed=facts.entries_allowed)
