"""What the status page says, as a French manager reads it: amounts in euros as CLDR
writes them (`1 234,50 €`), times in Europe/Paris (`30/11/2026 14:05`), how long ago
(`il y a 5 min`), and the server's words (chains, kinds of records, the journal's
reasons for a flag) in French.

The server keeps its own texts in English (its logs, its JSON, `caisse-server`); only
the page translates them, here, so the tables stay as docs/sync.md describes them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal

LOCALE = "fr_FR"
PARIS = ZoneInfo("Europe/Paris")
NOTHING = "—"  # what the page shows where the server knows nothing

# A chain of the fiscal journal (pos_app.domain.journal.Chain), as the page names it.
CHAINS = {
    "order": "Ventes",
    "duplicate": "Duplicatas",
    "closure": "Clôtures",
    "archive": "Archives",
    "event": "Événements",
    "training": "Formation",
}

# A kind of record (sync.contract.Kind): singular and plural, as in "3 paiements".
KINDS = {
    "order.validated": ("commande validée", "commandes validées"),
    "payment.taken": ("paiement", "paiements"),
    "order.cancelled": ("annulation", "annulations"),
    "order.returned": ("retour", "retours"),
    "refund.given": ("remboursement", "remboursements"),
    "cash.moved": ("mouvement d'espèces", "mouvements d'espèces"),
    "closure.made": ("clôture", "clôtures"),
    "customer.saved": ("client enregistré", "clients enregistrés"),
    "staff.signed_in": ("connexion", "connexions"),
    "staff.signed_out": ("déconnexion", "déconnexions"),
    "session.opened": ("ouverture de caisse", "ouvertures de caisse"),
}

# A conflict's kind (sync_conflicts.kind) in French; a kind not named here is shown as it
# is stored.
CONFLICTS: dict[str, str] = {
    "order.paid_twice": "Commande payée deux fois",  # by two tills (records.py)
    # Admission tickets (tickets.py).
    "ticket.over_allowance": "Billet validé au-delà de ses entrées",
    "ticket.after_void": "Billet validé après sa destruction",
    "ticket.unknown_ticket": "Billet inconnu du serveur",
}

# The journal's reasons for flagging a chain (sync/server/journal.py, docs/sync.md).
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"entry (\d+) came again with another hash than the one held"),
     "l'entrée {0} est revenue avec une autre empreinte que celle conservée"),
    (re.compile(r"entry (\d+) came again with content that does not match its hash"),
     "l'entrée {0} est revenue avec un contenu qui ne correspond pas à son empreinte"),
    (re.compile(r"entry (\d+): it does not follow the entry held before it"
                r" \(its previous hash differs\)"),
     "l'entrée {0} ne suit pas l'entrée conservée avant elle (son empreinte précédente"
     " diffère)"),
    (re.compile(r"entry (\d+): its content does not match its hash"),
     "l'entrée {0} : son contenu ne correspond pas à son empreinte"),
    (re.compile(r"entry (\d+): signed by a key the till did not enrol \(key (.+)\)"),
     "l'entrée {0} est signée par une clé que la caisse n'a pas enregistrée (clé {1})"),
    (re.compile(r"entry (\d+): its signature is not valid"),
     "l'entrée {0} : sa signature n'est pas valide"),
]


def euros(cents: int | None) -> str:
    """`123450` → `1 234,50 €` (CLDR's French: narrow no-break spaces between thousands,
    a no-break space before the sign)."""
    if cents is None:
        return NOTHING
    return _currency(cents)


def signed_euros(cents: int | None) -> str:
    """A difference: `+2,00 €`, `-1,50 €`, `0,00 €`."""
    if cents is None:
        return NOTHING
    return ("+" if cents > 0 else "") + _currency(cents)


@lru_cache(maxsize=4096)
def _currency(cents: int) -> str:
    # Cached (bounded: a server runs for months): a page shows the same amounts at each
    # reload, and Babel's formatting is the slowest part of rendering it.
    return format_currency(Decimal(cents).scaleb(-2), "EUR", locale=LOCALE)


def number(value: int) -> str:
    """`12345` → `12 345`."""
    return format_decimal(value, locale=LOCALE)


def counted(value: int, singular: str, plural: str) -> str:
    """`1 paiement`, `0 paiement`, `3 paiements` (French: 0 and 1 take the singular)."""
    return f"{number(value)} {singular if abs(value) < 2 else plural}"


def parse_time(text: str | None) -> datetime | None:
    """A time as the tables keep it (ISO 8601 with an offset; a till's time without
    one is taken as UTC); None when there is none or it cannot be read."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def paris_time(text: str | None) -> str:
    """`2026-11-30T13:05:00Z` → `30/11/2026 14:05`; a time that cannot be read is shown
    as it was sent, rather than hidden."""
    moment = parse_time(text)
    if moment is None:
        return text or NOTHING
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def ago(text: str | None, now: datetime) -> str:
    """How long before `now` the time `text` was: `à l'instant`, `il y a 5 min`,
    `il y a 3 h`, `il y a 2 j`; a time ahead of `now` (a till's clock ahead), `dans …`."""
    moment = parse_time(text)
    if moment is None:
        return ""
    return _span(now - moment)


def _span(elapsed: timedelta) -> str:
    seconds = int(elapsed.total_seconds())
    if abs(seconds) < 60:
        return "à l'instant"
    minutes = abs(seconds) // 60
    if minutes < 60:
        amount = f"{minutes} min"
    elif minutes < 48 * 60:
        amount = f"{minutes // 60} h"
    else:
        amount = f"{minutes // (24 * 60)} j"
    return f"il y a {amount}" if seconds > 0 else f"dans {amount}"


def chain(name: str) -> str:
    return CHAINS.get(name, name)


def kind(name: str, count: int) -> str:
    """`3 paiements`; a kind the page does not know keeps its protocol name."""
    singular, plural = KINDS.get(name, (name, name))
    return counted(count, singular, plural)


def conflict(name: str) -> str:
    return CONFLICTS.get(name, name)


def paid_twice(detail: Any) -> str | None:
    """An `order.paid_twice` conflict's detail (records.py) in French: `Commande
    CD1-000043 : due 46,00 €, payée 96,00 € — Caisse accueil : CB 46,00 € ; Buvette du
    lac : ESP 50,00 € (rendu 4,00 €)`. None when the detail is not of that shape (the
    page then shows it as it is kept)."""
    if not isinstance(detail, dict) or not isinstance(detail.get("payments"), list):
        return None
    parts = []
    for payment in detail["payments"]:
        if not isinstance(payment, dict) or _whole(payment.get("amount_cents")) is None:
            return None
        till = payment.get("till_name") or payment.get("till_id") or "?"
        part = f"{till} : {payment.get('method') or '?'} {euros(payment['amount_cents'])}"
        change = _whole(payment.get("change_cents"))
        if change:
            part += f" (rendu {euros(change)})"
        parts.append(part)
    return (f"Commande {detail.get('order_number') or '?'} : due"
            f" {euros(_whole(detail.get('due_cents')))}, payée"
            f" {euros(_whole(detail.get('paid_cents')))} — " + " ; ".join(parts))


def ticket_conflict(detail: Any) -> str | None:
    """A ticket conflict's detail (tickets.py) in French: `Billet K7QM4-XH92T : 2 entrées
    pour 1 permise — Caisse accueil le 30/11/2026 15:02 ; Portail nord le 30/11/2026
    15:05`. None when the detail is not of that shape."""
    if not isinstance(detail, dict) or not isinstance(detail.get("validations"), list):
        return None
    reference = str(detail.get("reference") or "?")
    shown = f"{reference[:5]}-{reference[5:]}" if len(reference) == 10 else reference
    parts = []
    for validation in detail["validations"]:
        if not isinstance(validation, dict):
            return None
        till = validation.get("till_name") or validation.get("till_id") or "?"
        at = validation.get("at")
        parts.append(f"{till} le {paris_time(at)}" if isinstance(at, str) else str(till))
    head = f"Billet {shown}"
    entries, allowed = _whole(detail.get("entries")), _whole(detail.get("entries_allowed"))
    if entries is not None and allowed is not None:
        head += (f" : {counted(entries, 'entrée', 'entrées')} pour"
                 f" {counted(allowed, 'permise', 'permises')}")
    elif isinstance(detail.get("voided_at"), str):
        head += f" : détruit le {paris_time(detail['voided_at'])}, validé après"
    else:
        head += " : jeton non vérifié, validé"
    return head + (" — " + " ; ".join(parts) if parts else "")


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def flag_reason(reason: str) -> str:
    """The journal's reason for a flag in French; one the page does not know is shown
    as the server wrote it."""
    for pattern, french in _REASONS:
        found = pattern.fullmatch(reason)
        if found is not None:
            return french.format(*found.groups())
    return reason


def short_hash(value: str, length: int = 12) -> str:
    return value[:length]
