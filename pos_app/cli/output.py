"""What the CLI prints: JSON with `--json`, short French-formatted text otherwise."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pos_app.documents import (
    closure_line,
    document_lines,
    order_lines,
    reading_lines,
    receipt_lines,
    refund_document,
)
from pos_app.domain.availability import Availability
from pos_app.domain.catalogue import Product
from pos_app.domain.closure import Closure, Reading
from pos_app.domain.customer import Customer
from pos_app.domain.draft import Draft
from pos_app.domain.gate import TicketConflict
from pos_app.domain.receipt import QrSummary, Receipt, RefundReceipt
from pos_app.domain.ticket import Ticket, shown_reference
from pos_app.domain.till import Till
from pos_app.formatting import format_local_time, format_money
from pos_app.services.admissions import GateAct, GateStats, GateVerdict
from pos_app.services.archive import ArchiveReport
from pos_app.services.closures import ClosureResult
from pos_app.services.importing import ImportReport, Problem
from pos_app.services.journal_check import JournalReport
from pos_app.services.orders import OrderDetails
from pos_app.services.payloads import order_view
from pos_app.services.ports import OrderSummary
from pos_app.services.postal_codes import PostalCodeCounts


@dataclass(frozen=True, slots=True)
class Result:
    data: Any
    text: str
    exit_code: int = 0


def emit(as_json: bool, result: Result | list[Result]) -> None:
    if isinstance(result, list):
        if as_json:
            print(json.dumps([item.data for item in result], ensure_ascii=False, indent=2))
        else:
            print("\n".join(item.text for item in result) if result else "(nothing found)")
        return
    print(json.dumps(result.data, ensure_ascii=False, indent=2) if as_json else result.text)


def fail(as_json: bool, message: str, problems: list[Problem] | None = None) -> int:
    if as_json:
        body: dict[str, Any] = {"error": message}
        if problems:
            body["problems"] = [{"where": p.where, "message": p.message} for p in problems]
        print(json.dumps(body, ensure_ascii=False, indent=2))
    elif problems:
        print("error: the data was not accepted; nothing was written:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
    else:
        print(f"error: {message}", file=sys.stderr)
    return 1


def till(value: Till, data_dir: Path, created: bool) -> Result:
    data = {"id": value.id, "code": value.code, "name": value.name,
            "point_of_sale": value.point_of_sale, "order_prefix": value.order_prefix,
            "data_dir": str(data_dir), "created": created}
    verb = "created" if created else "already set up"
    return Result(data, f"Till {value.name!r} ({value.point_of_sale}) {verb} in {data_dir}")


def report(value: ImportReport) -> Result:
    data = {"venue": value.venue, "payment_methods": value.payment_methods,
            "categories": value.categories,
            "products": value.products, "customers": value.customers, "staff": value.staff}
    return Result(data, "Imported: " + ", ".join(f"{n} {k}" for k, n in data.items()))


def product(value: Product) -> Result:
    data = {"id": value.id, "name": value.name, "category": value.category_id,
            "vat_rate_bp": value.vat_rate.value,
            "prices": [{"id": p.id, "label": p.label, "amount_cents": p.amount_cents}
                       for p in value.prices],
            "barcodes": list(value.barcodes), "article_code": value.article_code,
            "accounting_code": value.accounting_code_or_default}
    prices = ", ".join(f"{p.label} {format_money(p.amount_cents)}" for p in value.prices)
    return Result(data, f"{value.id:<16} {value.name:<40} {prices}")


def customer(value: Customer) -> Result:
    data = {"id": value.id, "kind": value.kind.value, "name": value.name,
            "first_name": value.first_name, "email": value.email,
            "postal_code": value.postal_code}
    if value.card_code is not None:  # a membership card
        data["card_code"] = value.card_code
    kind = "personne" if value.kind.value == "person" else "organisation"
    return Result(data, f"{value.id:<16} {value.display_name:<40} ({kind})")


def order(details: OrderDetails) -> Result:
    return Result(order_view(details.order, details.payer),
                  "\n".join(order_lines(details.order, details.payer)))


def draft(value: Draft | None) -> Result:
    """The sale in progress: its lines, payer and what was tendered for it."""
    if value is None:
        return Result(None, "No sale in progress")
    data = {"id": value.id, "started_at": value.started_at.isoformat(),
            "staff_id": value.staff_id, "payer": value.basket.payer_id,
            "training": value.training,
            "lines": [{"product_id": line.product_id, "label": line.label,
                       "price_label": line.price_label, "quantity": line.quantity,
                       "unit_price_cents": line.unit_price_cents,
                       "total_cents": line.total_cents} for line in value.basket.lines],
            "total_cents": value.total_cents, "paid_cents": value.paid_cents,
            "left_cents": value.left_cents,
            "payments": [{"id": p.id, "method": p.method_code, "amount_cents": p.amount_cents,
                          "change_cents": p.change_cents, "taken_at": p.taken_at.isoformat()}
                         for p in value.payments]}
    lines = [f"Vente en cours depuis le {format_local_time(value.started_at)}"]
    lines += [f"  {line.quantity} × {line.label} ({line.price_label})"
              f" = {format_money(line.total_cents)}" for line in value.basket.lines]
    lines.append(f"Total {format_money(value.total_cents)} — encaissé"
                 f" {format_money(value.paid_cents)} — reste {format_money(value.left_cents)}")
    lines += [f"  {p.method_code} {format_money(p.amount_cents)}"
              + (f" (rendu {format_money(p.change_cents)})" if p.change_cents else "")
              for p in value.payments]
    return Result(data, "\n".join(lines))


def summary(value: OrderSummary) -> Result:
    data = {"number": value.number, "created_at": value.created_at.isoformat(),
            "payer": value.payer_name, "total_cents": value.total_cents,
            "left_cents": value.left_cents,
            "status": "cancelled" if value.cancelled else "active"}
    state = (f"trop-perçu {format_money(-value.left_cents)}" if value.left_cents < 0
             else "annulée" if value.cancelled else f"reste {format_money(value.left_cents)}")
    return Result(data, f"{value.number:<14} {format_local_time(value.created_at)} "
                        f"{value.payer_name or '-':<30} {format_money(value.total_cents):>12} "
                        f"{state}")


def journal_report(value: JournalReport) -> Result:
    data = {"ok": value.ok, "entries": value.entries, "signing_key": value.key_location,
            "problems": [{"chain": p.chain, "number": p.number, "reason": p.reason}
                         for p in value.problems]}
    counts = ", ".join(f"{chain} {count}" for chain, count in value.entries.items())
    lines = [f"Journal {'sound' if value.ok else 'BROKEN'}: {counts or 'no entries'}",
             f"Signing key: {value.key_location}"]
    lines += [f"  - {problem}" for problem in value.problems]
    return Result(data, "\n".join(lines), 0 if value.ok else 1)


def reading(value: Reading, title: str = "Lecture X") -> Result:
    cash = value.cash
    data = {
        "period": {"from": None if value.period_start is None
                   else value.period_start.isoformat(), "to": value.period_end.isoformat()},
        "session": value.session,
        "orders": value.orders, "sales_cents": value.takings.sales_cents,
        "cancellations": value.cancellations,
        "cancelled_cents": value.takings.cancelled_cents,
        "returns": value.returns, "returned_cents": value.takings.returned_cents,
        "takings_cents": value.takings_cents,
        "vat": [{"rate_bp": v.rate_bp, "excl_cents": v.excl_cents, "vat_cents": v.vat_cents,
                 "total_cents": v.total_cents} for v in value.vat],
        "methods": [{"method": m.method_code, "label": m.label, "taken_cents": m.taken_cents,
                     "refunded_cents": m.refunded_cents, "net_cents": m.net_cents}
                    for m in value.methods],
        "cash": {"float_cents": cash.float_cents, "taken_cents": cash.taken_cents,
                 "change_cents": cash.change_cents, "in_cents": cash.in_cents,
                 "out_cents": cash.out_cents, "refunded_cents": cash.refunded_cents,
                 "expected_cents": cash.expected_cents},
        "heads": [{"chain": head.chain, "number": head.number, "hash": head.hash}
                  for head in value.heads],
        "server_acknowledged": [
            {"chain": ack.chain, "number": ack.number, "hash": ack.hash,
             "at": None if ack.acknowledged_at is None else ack.acknowledged_at.isoformat(),
             "flagged": ack.flagged} for ack in value.acknowledged],
    }
    lines = reading_lines(value, title)
    return Result(data, "\n".join(lines))


def closure(value: Closure) -> Result:
    totals = value.totals
    data = {"id": value.id, "kind": value.kind.value, "number": value.number,
            "period": {"from": None if value.period_start is None
                       else value.period_start.isoformat(),
                       "to": value.period_end.isoformat()},
            "staff_id": value.staff_id, "orders": value.orders,
            "takings_cents": totals.period_cents, "perpetual_cents": totals.perpetual_cents,
            "perpetual_absolute_cents": totals.perpetual_absolute_cents,
            "expected_cash_cents": value.expected_cash_cents,
            "counted_cash_cents": value.counted_cash_cents, "gap_cents": value.gap_cents,
            "gap_reason": value.gap_reason, "journal_number": value.journal_number}
    return Result(data, closure_line(value))


def closure_result(value: ClosureResult) -> Result:
    done = [closure(item) for item in (*value.made_alongside, value.closure)]
    z = done[-1]
    data = {**z.data, "reading": reading(value.reading).data,
            "made_alongside": [item.data for item in done[:-1]]}
    return Result(data, "\n".join([reading(value.reading, "Clôture Z").text,
                                   *(item.text for item in done)]))


def archive_written(path: Path, files: dict[str, bytes]) -> Result:
    manifest = json.loads(files["manifest.json"])
    counts = {chain: described["entries"] for chain, described in manifest["chains"].items()}
    data = {"path": str(path), "period": manifest["period"], "entries": counts,
            "manifest_sha256": hashlib.sha256(files["manifest.json"]).hexdigest()}
    listed = ", ".join(f"{chain} {count}" for chain, count in counts.items())
    return Result(data, f"Archive {manifest['period']} written to {path} ({listed})")


def archive_report(path: Path, value: ArchiveReport) -> Result:
    data = {"path": str(path), "ok": value.ok, "period": value.period,
            "public_key": value.public_key, "entries": value.entries,
            "problems": value.problems}
    counts = ", ".join(f"{chain} {count}" for chain, count in value.entries.items())
    lines = [f"Archive {value.period or path} {'sound' if value.ok else 'BROKEN'}:"
             f" {counts or 'no entries checked'}",
             f"Signed by public key {value.public_key or '(none)'}: compare it with the"
             " till's"]
    lines += [f"  - {problem}" for problem in value.problems]
    return Result(data, "\n".join(lines), 0 if value.ok else 1)


def receipt(value: Receipt) -> Result:
    data = {"number": value.number, "at": value.at.isoformat(),
            "duplicate_number": value.duplicate_number, "total_cents": value.total_cents,
            "qr": value.qr, "lines": receipt_lines(value)}
    return Result(data, "\n".join(receipt_lines(value)))


def refund_receipt(value: RefundReceipt) -> Result:
    lines = document_lines(refund_document(value))
    data = {"order_number": value.order_number, "credit_note": value.credit_note_number,
            "at": value.at.isoformat(), "total_cents": value.total_cents,
            "refunds": [{"method": refund.label, "amount_cents": refund.amount_cents}
                        for refund in value.refunds], "lines": lines}
    return Result(data, "\n".join(lines))


def unlocked(login: str, until: datetime) -> Result:
    return Result({"login": login, "unlocked": True, "was_locked_until": until.isoformat()},
                  f"{login} unlocked (the lock would have ended at"
                  f" {format_local_time(until, '%H:%M')}): they may sign in again now")


def qr_check(value: QrSummary | None) -> Result:
    if value is None:
        return Result({"valid": False}, "QR NOT VALID for this public key", 1)
    data = {"valid": not value.training, "training": value.training,
            "till_id": value.till_id, "number": value.number,
            "at": value.at.isoformat(), "totals_by_rate": value.totals_by_rate,
            "total_cents": value.total_cents, "hash_prefix": value.hash_prefix}
    if value.training:
        # Signed by the till, but a training sale: saying "valid" would pass it off as one.
        return Result(data, f"QR NOT VALID as a sale: ticket {value.number} is a reçu de"
                            " formation (SIMULATION), pas une vente", 1)
    return Result(data, f"QR valid: ticket {value.number} of"
                        f" {format_local_time(value.at, '%d/%m/%Y %H:%M:%S')},"
                        f" total {format_money(value.total_cents)}")


def ticket(value: Ticket) -> dict[str, Any]:
    """An issued ticket as `--json` gives it: what its token says, and its state."""
    return {"reference": value.reference, "shown": shown_reference(value.reference),
            "order": value.order_number, "line": value.line_position + 1, "unit": value.unit,
            "product_id": value.product_id, "valid_from": value.valid_from.isoformat(),
            "valid_until": value.valid_until.isoformat(),
            "entries_allowed": value.entries_allowed, "token": value.token,
            "key_id": value.key_id,
            "revoked_at": None if value.revoked_at is None else value.revoked_at.isoformat(),
            "voided_at": None if value.voided_at is None else value.voided_at.isoformat()}


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _verdict_data(value: GateVerdict) -> dict[str, Any]:
    facts = value.ticket
    return {
        "light": value.verdict.light.value, "reason": value.reason.value,
        "admits": value.admits, "reference": value.reference,
        "shown": None if value.reference is None else shown_reference(value.reference),
        "source": value.source.value, "since": _when(value.verdict.since),
        "product_id": None if facts is None else facts.product_id,
        "product_name": value.product_name,
        "valid_from": None if facts is None else facts.valid_from.isoformat(),
        "valid_until": None if facts is None else facts.valid_until.isoformat(),
        "entries_used": None if facts is None else facts.entries_used,
        "entries_allowed": None if facts is None else facts.entries_allowed,
        "last_validated_at": None if facts is None else _when(facts.last_validated_at)}


def _verdict_text(value: GateVerdict, data: dict[str, Any]) -> str:
    head = f"{value.verdict.light.value.upper()}: {value.reason.value}"
    if value.reference is not None:
        head += f" — ticket {data['shown']}"
    facts = value.ticket
    if facts is None:
        return head
    allowed = "no limit" if facts.entries_allowed is None else str(facts.entries_allowed)
    lines = [head, f"  {value.product_name or facts.product_id}",
             f"  valid {format_local_time(facts.valid_from, '%d/%m/%Y %H:%M')} to"
             f" {format_local_time(facts.valid_until, '%d/%m/%Y %H:%M')}",
             f"  entries {facts.entries_used} of {allowed}"]
    if facts.last_validated_at is not None:
        lines.append("  last entry"
                     f" {format_local_time(facts.last_validated_at, '%d/%m/%Y %H:%M:%S')}")
    if value.verdict.since is not None:
        lines.append(f"  since {format_local_time(value.verdict.since, '%d/%m/%Y %H:%M:%S')}")
    return "\n".join(lines)


def gate_verdict(value: GateVerdict) -> Result:
    """The verdict alone: exit code 0 when it admits, 1 otherwise."""
    data = _verdict_data(value)
    return Result(data, _verdict_text(value, data), 0 if value.admits else 1)


def gate_act(value: GateAct) -> Result:
    """A validation (exit code 0) or the refusal written instead (exit code 1); the
    counts as they are after it."""
    data = _verdict_data(value.verdict)
    facts = value.ticket
    if facts is not None:
        data["entries_used"] = facts.entries_used
        data["last_validated_at"] = _when(facts.last_validated_at)
    data["outcome"] = value.validation.outcome.value
    data["id"] = value.validation.id
    said = ("Validated" if value.validated else "Refused") + ": "
    return Result(data, said + _verdict_text(value.verdict, data), 0 if value.validated else 1)


def gate_stats(value: GateStats) -> Result:
    data = {"from": value.first_day.isoformat(), "to": value.last_day.isoformat(),
            "entries": value.entries,
            "per_day": {day.isoformat(): count for day, count in value.per_day},
            "per_hour": {f"{hour:02d}": count for hour, count in value.per_hour},
            "per_product": [{"product_id": product_id, "name": name, "entries": count}
                            for product_id, name, count in value.per_product],
            "refusals": dict(value.refusals), "voided": value.voids}
    lines = [f"Entries {value.first_day:%d/%m/%Y} to {value.last_day:%d/%m/%Y}:"
             f" {value.entries}"]
    lines += [f"  {day:%d/%m/%Y}  {count}" for day, count in value.per_day]
    lines += ["Per hour:"] + [f"  {hour:02d}h  {count}" for hour, count in value.per_hour
                              if count]
    lines += ["Per product:"] + [f"  {name}  {count}"
                                 for _id, name, count in value.per_product]
    lines += ["Refusals:"] + [f"  {reason}  {count}" for reason, count in value.refusals]
    lines.append(f"Voided: {value.voids}")
    return Result(data, "\n".join(lines))


def availability(product_id: str, slots: list[Availability]) -> Result:
    """Each slot: when (venue time), booked, capacity, left."""
    data = [{"slot_id": a.slot.id, "start": a.slot.start.isoformat(),
             "end": a.slot.end.isoformat(), "daily": a.slot.daily, "booked": a.booked,
             "capacity": a.capacity, "left": a.left} for a in slots]
    lines = [f"{format_local_time(a.slot.start, '%a %d/%m/%Y %H:%M')}"
             f"–{format_local_time(a.slot.end, '%H:%M' if not a.slot.daily else '%d/%m %H:%M')}"
             f"  {a.booked}/{a.capacity}  left {a.left}  ({a.slot.id})" for a in slots]
    return Result(data, "\n".join(lines) or f"No slot of {product_id} in those days")


def postal_codes(value: PostalCodeCounts) -> Result:
    data = {"from": value.first_day.isoformat(), "to": value.last_day.isoformat(),
            "orders": value.answered + value.not_asked, "not_asked": value.not_asked,
            "per_postal_code": [{"postal_code": answer, "orders": count}
                                for answer, count in value.per_answer]}
    lines = [f"Orders {value.first_day:%d/%m/%Y} to {value.last_day:%d/%m/%Y} with a postal"
             f" code answer: {value.answered}"]
    lines += [f"  {answer:<10} {count}" for answer, count in value.per_answer]
    if value.not_asked:
        lines.append(f"Not asked: {value.not_asked}")
    return Result(data, "\n".join(lines))


def conflicts(values: list[TicketConflict]) -> Result:
    data = [{"id": c.id, "reference": c.reference, "kind": c.kind.value, "at": c.at.isoformat(),
             "till_ids": list(c.till_ids), "details": c.details} for c in values]
    lines = [f"{format_local_time(c.at, '%d/%m/%Y %H:%M')}  {c.kind.value}"
             f"  {'-' if c.reference is None else shown_reference(c.reference)}"
             f"  tills {', '.join(c.till_ids)}  {c.details}" for c in values]
    return Result(data, "\n".join(lines) if lines else "No conflict between gates.")
