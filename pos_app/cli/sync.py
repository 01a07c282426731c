"""`caisse enrol` and `caisse sync status|now`: the till and its central server
(docs/sync.md). Sentences are French first, then English; `--json` for machines."""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from pos_app import __version__
from pos_app.bootstrap import Store, open_sync, open_token_store
from pos_app.cli.output import Result
from pos_app.cli.parser import UsageError
from pos_app.domain.sync import CLOCK_TOLERANCE, ChainAck, SyncLink
from pos_app.formatting import format_local_time
from pos_app.services import sync
from pos_app.services.ports import (
    ServerRefused,
    ServerReplyUnreadable,
    ServerUnreachable,
    SyncError,
    TokenRefused,
    TokenUnavailable,
)

SECONDS = "%d/%m/%Y %H:%M:%S"


def enrol(store: Store, args: argparse.Namespace) -> Result:
    ca_file = None
    if args.ca_file is not None:
        path = Path(args.ca_file).expanduser().resolve()
        if not path.is_file():
            raise UsageError(f"--ca-file : {path} n'est pas un fichier / is not a file")
        ca_file = str(path)
    ports = open_sync(store.data_dir)
    try:
        link = sync.enrol(store.context, ports, args.url, args.code, ca_file, __version__)
    except ServerRefused as error:
        if error.status == 401:
            raise UsageError(f"code d'inscription refusé / enrol code refused: {error.reason}"
                             ) from error
        raise UsageError(failure_sentence(error)) from error
    except SyncError as error:
        raise UsageError(failure_sentence(error) + " Rien n'a été enregistré / nothing was"
                         " recorded.") from error
    status = sync.sync_status(store.context, ports.tokens)
    data = {"enrolled": True, **_link(link), "token": status.token_location}
    lines = [f"Poste inscrit / till enrolled: « {link.till_name} » sur / on {link.server_url}",
             f"Jeton / token: {status.token_location}"]
    if link.clock_off:
        lines.append(clock_sentence(link.clock_offset_seconds or 0))
    lines.append("Envoi / sending: `caisse sync now` (la fenêtre de la caisse envoie d'elle-même"
                 " / the till's window sends by itself)")
    return Result(data, "\n".join(lines))


def sync_status(store: Store, args: argparse.Namespace) -> Result:
    status = sync.sync_status(store.context, open_token_store(store.data_dir))
    return status_result(status)


def sync_now(store: Store, args: argparse.Namespace) -> Result:
    """One round, within `--timeout` seconds: each request has its own timeout, and no
    new request starts once the time is up."""
    if not 1 <= args.timeout <= 3600:
        raise UsageError("--timeout : de 1 à 3600 secondes / 1 to 3600 seconds")
    from sync.client.http import HttpSyncServer

    server = HttpSyncServer(connect_timeout_s=min(5.0, args.timeout),
                            read_timeout_s=min(20.0, args.timeout))
    ports = sync.SyncPorts(server, open_token_store(store.data_dir))
    deadline = time.monotonic() + args.timeout
    try:
        run = sync.sync_once(store.context, ports, keep_going=lambda: time.monotonic() < deadline)
    finally:
        server.close()
    status = sync.sync_status(store.context, ports.tokens)
    records = run.records
    data: dict[str, Any] = {
        "reached": run.reached,
        "error": None if run.failure is None else str(run.failure),
        "sent": records.sent,
        "rejected": [{"record_id": outcome.record_id, "reason": outcome.reason}
                     for outcome in records.rejected],
        "retry_later": records.waiting,
        "journal_entries": run.journal.entries,
        "journal_held_back": run.journal.held_back,
        "acknowledged": [_ack(ack) for ack in run.journal.acks],
        "pulled": {"written": run.pulled.written, "removed": run.pulled.removed,
                   "orders": run.pulled.orders, "pages": run.pulled.pages,
                   "cursor": run.pulled.cursor},
        "clock_offset_seconds": None if run.clock is None else run.clock.seconds,
        "status": status_result(status).data,
    }
    lines = []
    if run.failure is not None:
        lines.append(failure_sentence(run.failure))
    else:
        assert status.link is not None
        lines.append(f"Synchronisé avec / synced with {status.link.server_url}")
    lines.append(f"Enregistrements envoyés / records sent: {records.sent},"
                 f" rejetés / rejected: {len(records.rejected)},"
                 f" à renvoyer / to send again: {records.waiting}")
    lines += [f"  rejeté / rejected {outcome.record_id}: {outcome.reason}"
              for outcome in records.rejected]
    acked = ", ".join(f"{ack.chain} {ack.number}" + (" SIGNALÉ / FLAGGED" if ack.flagged else "")
                      for ack in run.journal.acks)
    lines.append(f"Journal: {run.journal.entries} entrées acquittées / entries acknowledged"
                 + (f" (têtes / heads: {acked})" if acked else ""))
    if run.journal.held_back:
        lines.append(f"  {run.journal.held_back} entrées retenues, chaîne signalée / entries"
                     " held back, chain flagged")
    lines.append(f"Données reçues / reference data pulled: {run.pulled.written} éléments"
                 f" / items, {run.pulled.removed} suppressions / deletions,"
                 f" {run.pulled.orders} commandes / orders"
                 f" ({run.pulled.pages} pages, curseur / cursor {run.pulled.cursor})")
    if run.clock is not None and run.clock.off:
        lines.append(clock_sentence(run.clock.seconds)
                     + (" (noté au journal / journaled)" if run.clock.newly_off else ""))
    counts = status.counts
    if counts.waiting or status.journal_waiting:
        lines.append(f"Rien n'est perdu / nothing is lost: {counts.waiting} enregistrements et"
                     f" {status.journal_waiting} entrées du journal attendent / records and"
                     " journal entries wait")
    return Result(data, "\n".join(lines), 0 if run.reached else 1)


# -- sentences -------------------------------------------------------------------------------


def failure_sentence(error: SyncError) -> str:
    if isinstance(error, TokenRefused):
        return ("Ce poste n'est plus inscrit auprès du serveur (jeton refusé ou révoqué) /"
                f" this till is no longer enrolled (token refused or revoked): {error.reason}."
                " Ses enregistrements restent sur la caisse ; voyez l'administrateur du"
                " serveur / its records stay on the till; see the server's administrator")
    if isinstance(error, TokenUnavailable):
        return f"Jeton du serveur illisible / the server token cannot be read: {error.detail}"
    if isinstance(error, ServerReplyUnreadable):
        return f"Réponse du serveur illisible / server reply unreadable: {error.detail}"
    if isinstance(error, ServerUnreachable):
        wait = ("" if error.retry_after_s is None else
                f" (attendre / wait {error.retry_after_s:.0f} s)")
        return f"Serveur injoignable / server unreachable: {error.detail}{wait}"
    if isinstance(error, ServerRefused):
        return f"Le serveur refuse / the server refused ({error.status}): {error.reason}"
    return str(error)


def clock_sentence(offset_seconds: int) -> str:
    minutes, seconds = divmod(abs(offset_seconds), 60)
    gap = f"{minutes} min {seconds:02d} s"
    way = ("le serveur est en avance de / the server is ahead by" if offset_seconds > 0
           else "le serveur est en retard de / the server is behind by")
    return (f"HORLOGE / CLOCK: {way} {gap} (plus de / more than"
            f" {int(CLOCK_TOLERANCE.total_seconds() // 60)} min): réglez l'heure / set the"
            " clock right")


def status_result(status: sync.SyncStatus) -> Result:
    link = status.link
    counts = status.counts
    data: dict[str, Any] = {
        "enrolled": link is not None,
        **(_link(link) if link is not None else {}),
        "token": status.token_location,
        "records": {"waiting": counts.waiting, "sent": counts.sent,
                    "rejected": counts.rejected,
                    "oldest_waiting": _time(counts.oldest_waiting)},
        "rejected": [{"seq": record.seq, "record_id": record.record_id, "kind": record.kind,
                      "aggregate_id": record.aggregate_id,
                      "created_at": _time(record.created_at), "reason": record.reason}
                     for record in status.rejected],
        "held_orders": [{"order_id": held.order_id, "number": held.number,
                         "reason": held.reason, "held_at": _time(held.held_at)}
                        for held in status.held_orders],
        "journal": {"waiting": status.journal_waiting,
                    "chains": [{"chain": chain.chain, "local_number": chain.local_number,
                                "held_back": chain.held_back,
                                **({} if chain.acknowledged is None else {
                                    "acknowledged": _ack(chain.acknowledged)})}
                               for chain in status.chains]},
    }
    if link is None:
        lines = ["Poste non inscrit / till not enrolled: caisse enrol URL CODE"]
    else:
        lines = [f"Serveur / server: {link.server_url} — poste / till « {link.till_name} »,"
                 f" inscrit le / enrolled {format_local_time(link.enrolled_at)}"]
        contact = ("jamais / never" if link.last_contact_at is None
                   else format_local_time(link.last_contact_at, SECONDS))
        if link.online:
            lines.append(f"En ligne / online — dernier contact / last contact {contact}")
        else:
            since = ("" if link.offline_since is None else
                     f" depuis / since {format_local_time(link.offline_since, SECONDS)}")
            lines.append(f"HORS LIGNE / OFFLINE{since} — dernier contact / last contact"
                         f" {contact}")
        if link.last_error:
            lines.append(f"Dernière erreur / last error: {link.last_error}")
    oldest = ("" if counts.oldest_waiting is None else
              f" (le plus ancien / oldest {format_local_time(counts.oldest_waiting, SECONDS)})")
    lines.append(f"Enregistrements / records: {counts.waiting} en attente / waiting{oldest},"
                 f" {counts.sent} envoyés / sent, {counts.rejected} rejetés / rejected")
    lines += [f"  rejeté / rejected #{record.seq} {record.kind}"
              f" ({format_local_time(record.created_at, SECONDS)}): {record.reason}"
              for record in status.rejected]
    lines += [f"Commande d'une autre caisse en attente / order of another till waiting:"
              f" {held.number} ({format_local_time(held.held_at, SECONDS)}): {held.reason}"
              for held in status.held_orders]
    lines.append(f"Journal: {status.journal_waiting} entrées à envoyer / entries to send")
    for chain in status.chains:
        ack = chain.acknowledged
        line = f"  {chain.chain:<10} {chain.local_number:>7}"
        if ack is None:
            line += "   pas encore acquitté / not acknowledged yet"
        else:
            line += f"   acquitté / acknowledged {ack.number} ({ack.hash[:12]}…)"
            if ack.flagged:
                line += f"   SIGNALÉ / FLAGGED: {ack.flagged}"
            if chain.held_back:
                line += (f" — {chain.held_back} entrées retenues, non envoyées / entries"
                         " held back, not sent")
        lines.append(line)
    if link is not None and link.clock_offset_seconds is not None:
        data["clock"] = {"offset_seconds": link.clock_offset_seconds, "off": link.clock_off,
                         "tolerance_seconds": int(CLOCK_TOLERANCE.total_seconds())}
        measured = "" if link.online else " (au dernier contact / at the last contact)"
        lines.append((clock_sentence(link.clock_offset_seconds) if link.clock_off else
                      f"Horloge / clock: écart / offset {link.clock_offset_seconds:+d} s")
                     + measured)
    if link is not None:
        lines.append(f"Données de référence / reference data: curseur / cursor"
                     f" {link.pull_cursor}")
        lines.append(f"Jeton / token: {status.token_location}")
    return Result(data, "\n".join(lines))


def _link(link: SyncLink) -> dict[str, Any]:
    return {"server_url": link.server_url, "till_name": link.till_name,
            "enrolled_at": _time(link.enrolled_at), "ca_file": link.ca_file,
            "online": link.online, "offline_since": _time(link.offline_since),
            "last_contact_at": _time(link.last_contact_at), "last_error": link.last_error,
            "clock_offset_seconds": link.clock_offset_seconds, "clock_off": link.clock_off,
            "pull_cursor": link.pull_cursor}


def _ack(ack: ChainAck) -> dict[str, Any]:
    return {"chain": ack.chain, "number": ack.number, "hash": ack.hash,
            "acknowledged_at": _time(ack.acknowledged_at), "flagged": ack.flagged}


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def server_heads(store: Store) -> tuple[list[ChainAck], str | None]:
    """`journal verify --with-server`: the heads the server holds of this till's journal
    now, or why it could not say (not enrolled, not reached)."""
    from pos_app.domain.errors import DomainError
    from sync.client.http import HttpSyncServer

    server = HttpSyncServer(connect_timeout_s=5.0, read_timeout_s=20.0)
    try:
        ports = sync.SyncPorts(server, open_token_store(store.data_dir))
        return sync.acknowledged_now(store.context, ports), None
    except DomainError as error:
        return [], f"le serveur n'a pas été consulté / the server was not asked: {error}"
    finally:
        server.close()
