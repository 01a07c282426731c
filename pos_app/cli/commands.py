"""The `caisse` sub-commands: each goes through the same services as the screens, as a
signed-in staff member. Loaded only when a command is given, not for the window."""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pos_app import __version__
from pos_app.bootstrap import Store, StoreAccess, demo_document
from pos_app.cli import devices, open_or_fail, output
from pos_app.cli import sync as sync_commands
from pos_app.cli.json_input import import_document, read_json
from pos_app.cli.order_input import read_order
from pos_app.cli.parser import SECRET_VARIABLE, UsageError
from pos_app.documents import reading_document
from pos_app.domain.basket import Basket
from pos_app.domain.clock import ClockJump, JumpDirection
from pos_app.domain.closure import CashCount, CashMovementKind
from pos_app.domain.document import Document
from pos_app.domain.draft import Draft
from pos_app.domain.errors import DomainError, ReturnExceedsSold
from pos_app.domain.money import parse_amount
from pos_app.domain.order import Order, RefundRequest, StatusFilter
from pos_app.domain.policy import TillPolicy
from pos_app.domain.staff import StaffMember
from pos_app.formatting import format_local_time
from pos_app.services import (
    catalogue,
    closures,
    customers,
    drafts,
    importing,
    orders,
    selling,
    setup,
)
from pos_app.services.journal import record_clock_jump, record_command
from pos_app.services.staff import sign_in

PARIS_TIME = ZoneInfo("Europe/Paris")
ONE_WORD = frozenset({"init", "import", "enrol", "availability"})  # commands with no action
_PAYMENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def run_command(args: argparse.Namespace) -> int:
    storeless = STORELESS.get(f"{args.command} {getattr(args, 'action', '')}")
    if storeless is not None:  # checks that need the document and a key, no store
        try:
            return emit(args, storeless(args))
        except UsageError as error:
            return output.fail(args.json, str(error))
    name = (args.command if args.command in ONE_WORD else f"{args.command} {args.action}")
    # Printing writes the print queue: `close x --print` opens the store to write.
    access = (StoreAccess.WRITE if getattr(args, "print", False)
              else STORE_ACCESS.get(name, StoreAccess.WRITE))
    store = open_or_fail(args, access)
    if isinstance(store, int):
        return store
    try:
        handler, command = HANDLERS[name], _name(args)
        if command not in WRITES:
            return emit(args, handler(store, args))
        _warn_of_clock(args, record_clock_jump(store.context))
        result = handler(store, args)
        staff = getattr(args, "signed_in", None)
        record_command(store.context, command, __version__,
                       None if staff is None else staff.id)
        return emit(args, result)
    except (DomainError, UsageError) as error:
        return output.fail(args.json, str(error), getattr(error, "problems", None))
    finally:
        store.close()


def _name(args: argparse.Namespace) -> str:
    """`order create`, `close z`…, or `init`: the command as typed."""
    if args.command in ONE_WORD:
        return str(args.command)
    name = f"{args.command} {args.action}"
    return f"{name} {args.device}" if args.command == "devices" and "device" in args else name


def _warn_of_clock(args: argparse.Namespace, jump: ClockJump | None) -> None:
    """A clock jump, recorded in the event journal, said on the error stream (standard
    output stays the command's result); the command goes on."""
    if jump is None:
        return
    if jump.after_stop:
        print(f"warning: nothing was recorded since"
              f" {format_local_time(jump.newest, '%d/%m/%Y %H:%M:%S')} (Paris time) and the"
              f" clock says {format_local_time(jump.clock, '%d/%m/%Y %H:%M:%S')}: recorded in"
              " the event journal. If the till was off, all is well; otherwise set the"
              " clock right.", file=sys.stderr)
        return
    way = "behind" if jump.direction is JumpDirection.BACK else "ahead of"
    print(f"warning: the clock says {format_local_time(jump.clock, '%d/%m/%Y %H:%M:%S')},"
          f" {way} the journal's newest entry"
          f" ({format_local_time(jump.newest, '%d/%m/%Y %H:%M:%S')}, Paris time); recorded in"
          " the event journal. The command goes on: set the clock right.", file=sys.stderr)


def emit(args: argparse.Namespace, result: Any) -> int:
    try:
        output.emit(args.json, result)
    except BrokenPipeError:  # `caisse … | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return result.exit_code if isinstance(result, output.Result) else 0


def _staff(store: Store, args: argparse.Namespace) -> StaffMember:
    if not args.staff:
        raise UsageError("this command needs --staff LOGIN")
    secret = os.environ.get(SECRET_VARIABLE)
    if secret is None:
        secret = _prompt_secret(args.staff)
    member = sign_in(store.context, args.staff, secret)
    args.signed_in = member  # the command's author, journaled with it
    return member


def _prompt_secret(login: str) -> str:
    """Ask on the terminal itself, never on stdin: stdin may carry the order."""
    no_terminal = UsageError(f"no secret: set {SECRET_VARIABLE} or run in a terminal")
    if sys.platform != "win32":
        try:
            with open("/dev/tty", encoding="utf-8"):
                pass
        except OSError as error:
            raise no_terminal from error
    try:
        return getpass.getpass(f"Secret for {login}: ")
    except EOFError as error:
        raise no_terminal from error


def _init(store: Store, args: argparse.Namespace) -> Any:
    ctx = store.context
    existing = setup.current_till(ctx)
    if existing is not None and args.if_empty:
        return output.till(existing, store.data_dir, created=False)
    till = setup.initialise_till(ctx, args.till_name, args.till_code, args.point_of_sale,
                                 args.order_prefix)
    if args.demo:
        importing.import_data(ctx, None, demo_document())
    return output.till(till, store.data_dir, created=True)


def _import(store: Store, args: argparse.Namespace) -> Any:
    # The file is checked as it is read, before the secret is asked for; only what the
    # store must tell is checked once signed in, in the transaction that writes it all.
    with import_document(args.file) as document:
        checked = importing.check_document(document)
    staff = _staff(store, args) if args.staff else None
    return output.report(importing.import_checked(store.context, staff, checked))


def _products_search(store: Store, args: argparse.Namespace) -> Any:
    return [output.product(p) for p in catalogue.search_products(store.context, args.text)]


def _customers_search(store: Store, args: argparse.Namespace) -> Any:
    found = customers.search_customers(store.context, args.pattern)
    return [output.customer(customer) for customer in found]


def _order_create(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    wanted = read_order(store.context, read_json(args.file), staff.id)
    order = selling.sell(store.context, staff, wanted.basket, wanted.payments,
                         validate_without_paying=wanted.validate_without_paying,
                         postal_code=args.postal_code)
    return output.order(orders.get_order(store.context, order.number))


def _order_pay(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    orders.pay_order(store.context, staff, args.number, args.method, parse_amount(args.amount))
    return output.order(orders.get_order(store.context, args.number))


def _order_cancel(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    orders.cancel_order(store.context, staff, args.number, args.reason,
                        _refunds(args.refund))
    return output.order(orders.get_order(store.context, args.number))


def _order_refund_overpaid(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    orders.refund_overpayment(store.context, staff, args.number, _refunds(args.refund))
    return output.order(orders.get_order(store.context, args.number))


def _order_return(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    wanted = orders.get_order(store.context, args.number).order
    quantities = [_returned_line(text, wanted) for text in args.line]
    orders.return_lines(store.context, staff, args.number, quantities, args.reason,
                        _refunds(args.refund))
    return output.order(orders.get_order(store.context, args.number))


def _returned_line(text: str, order: Order) -> tuple[int, int]:
    """`2x3`: three of line 2; `2`: all of line 2 that can still be returned."""
    line, _times, quantity = text.strip().partition("x")
    if not line.strip().isdigit() or (quantity and not quantity.strip().isdigit()):
        raise UsageError(f"--line: {text.strip()!r} is not N or NxQUANTITY")
    position = int(line) - 1
    if quantity:
        return position, int(quantity)
    left = order.returnable(position)
    if not left:
        raise ReturnExceedsSold(order.number, position, 1, 0)
    return position, left


def _refunds(texts: list[str] | None) -> list[RefundRequest] | None:
    """`ESP:20` `CB:41,90` → refund requests; None (not given): the default split."""
    if texts is None:
        return None
    requests = []
    for text in texts:
        method, _colon, amount = text.partition(":")
        if not method.strip() or not amount.strip():
            raise UsageError(f"--refund: {text!r} is not METHOD:AMOUNT")
        requests.append(RefundRequest(method.strip(), parse_amount(amount)))
    return requests


def _staff_unlock(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.staff import unlock_staff

    unlocked = unlock_staff(store.context, _staff(store, args), args.login)
    return output.unlocked(unlocked.member.login, unlocked.until)


def _draft_show(store: Store, args: argparse.Namespace) -> Any:
    return output.draft(drafts.current_draft(store.context))


def _draft_add(store: Store, args: argparse.Namespace) -> Any:
    if (args.product is None) == (args.barcode is None):
        raise UsageError("draft add needs --product ID or --barcode CODE")
    staff = _staff(store, args)
    ctx = store.context
    kept = drafts.current_draft(ctx)
    basket = Basket() if kept is None else kept.basket
    if args.product is not None:
        selling.add_product(ctx, basket, args.product, args.quantity, args.price)
    else:
        selling.add_by_barcode(ctx, basket, args.barcode, args.quantity, args.price)
    return output.draft(drafts.keep_basket(ctx, staff, basket, _next_version(kept)))


def _draft_payer(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    kept = drafts.current_draft(store.context)
    if kept is None:
        raise UsageError("no sale is in progress: `caisse draft add` first")
    kept.basket.assign_payer(args.customer or None)
    if kept.basket.payer_id is not None:
        customers.get_customer(store.context, kept.basket.payer_id)
    return output.draft(drafts.keep_basket(store.context, staff, kept.basket,
                                           _next_version(kept)))


def _draft_pay(store: Store, args: argparse.Namespace) -> Any:
    if args.payment_id is not None and not _PAYMENT_ID.fullmatch(args.payment_id):
        raise UsageError("--payment-id: a UUID, such as 01a22c8c-439c-7162-8d32-45e87acd8ecc")
    staff = _staff(store, args)
    kept = drafts.current_draft(store.context)
    if kept is None:
        raise UsageError("no sale is in progress: `caisse draft add` first")
    return output.draft(drafts.tender(store.context, staff, kept.basket, kept.version,
                                      args.method, parse_amount(args.amount),
                                      kept.training, args.payment_id))


def _draft_undo(store: Store, args: argparse.Namespace) -> Any:
    return output.draft(drafts.untender(store.context, _staff(store, args)))


def _draft_validate(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    kept = drafts.current_draft(store.context)
    if kept is None:
        raise UsageError("no sale is in progress")
    order = drafts.validate_draft(store.context, staff, kept.basket, kept.version,
                                  validate_without_paying=args.without_paying,
                                  training=kept.training, postal_code=args.postal_code)
    return output.order(orders.get_order(store.context, order.number))


def _draft_abandon(store: Store, args: argparse.Namespace) -> Any:
    drafts.abandon_draft(store.context, _staff(store, args), given_back=args.given_back)
    return output.Result(None, "The sale in progress was given up")


def _next_version(kept: Draft | None) -> int:
    return 1 if kept is None else kept.version + 1


def _order_show(store: Store, args: argparse.Namespace) -> Any:
    return output.order(orders.get_order(store.context, args.number))


def _orders_search(store: Store, args: argparse.Namespace) -> Any:
    found = orders.search_orders(store.context, args.text, StatusFilter(args.status))
    return [output.summary(summary) for summary in found]


def _journal_verify(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.journal_check import verify_journal

    heads, unasked = (sync_commands.server_heads(store) if args.with_server
                       else ([], None))
    report = verify_journal(store.context, every_signature=args.full,
                            record_failure=not store.read_only, server_heads=heads)
    result = output.journal_report(report)
    if unasked is not None:
        # The journal's own checks stand; the server's word is missing, which is no
        # sound answer to the question asked.
        result = output.Result({**result.data, "server": unasked},
                               f"{result.text}\n{unasked}", 1)
    if report.ok or not store.read_only:
        return result
    note = ("the store is read-only here: this failed check could not be recorded in its"
            " event journal")
    return output.Result({**result.data, "recorded": False, "note": note},
                         f"{result.text}\n{note}", result.exit_code)


def _journal_rotate_key(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.journal import rotate_key

    rotation = rotate_key(store.context, _staff(store, args))
    location = store.context.signer.location
    data = {"previous_key_id": rotation.previous_key_id, "key_id": rotation.key_id,
            "public_key": rotation.public_key, "event_entry": rotation.entry_number,
            "signing_key": location}
    return output.Result(data, f"Signing key {rotation.previous_key_id} replaced by"
                         f" {rotation.key_id} (event journal entry {rotation.entry_number},"
                         f" signed by the previous key, which is removed)\n"
                         f"Public key: {rotation.public_key}\nKept in: {location}")


def _policy_show(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.policies import till_policy

    return _policy(till_policy(store.context))


def _policy_set(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.policies import set_policy

    return _policy(set_policy(store.context, _staff(store, args), args.name, args.value))


def _policy(policy: TillPolicy) -> output.Result:
    rules = policy.as_text()
    return output.Result(rules, "\n".join(f"{name} = {value}" for name, value in rules.items()))


def _receipt_show(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.receipts import receipt

    return output.receipt(receipt(store.context, args.number))


def _receipt_duplicate(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.receipts import duplicate_receipt

    return output.receipt(duplicate_receipt(store.context, _staff(store, args), args.number))


def _receipt_refund(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.receipts import refund_receipt

    return output.refund_receipt(refund_receipt(store.context, args.number, args.credit_note,
                                                args.overpayment))


def _receipt_check_qr(args: argparse.Namespace) -> Any:
    from pos_app.adapters.signing import verify_signature
    from pos_app.domain.receipt import check_qr

    return output.qr_check(check_qr(args.text, args.public_key, verify_signature))


def _archive_export(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.archive import export_archive

    files = export_archive(store.context, _staff(store, args), args.period)
    from pos_app.adapters.archive_file import write_archive

    try:
        write_archive(args.out, files)
    except OSError as error:
        raise UsageError(f"cannot write {args.out}: {error.strerror}; the export is"
                         " recorded in the journal, run it again") from error
    return output.archive_written(args.out, files)


def _archive_verify(args: argparse.Namespace) -> Any:
    from pos_app.adapters.archive_file import ArchiveUnreadable, read_archive
    from pos_app.adapters.signing import verify_signature
    from pos_app.services.archive import ARCHIVE_FILES, check_archive

    try:
        files = read_archive(args.archive, ARCHIVE_FILES)
    except ArchiveUnreadable as error:
        raise UsageError(str(error)) from error
    return output.archive_report(args.archive, check_archive(files, verify_signature))


def _close_x(store: Store, args: argparse.Namespace) -> Any:
    # Journaled (who, when, the totals) where the store can be written; a read-only copy
    # is read without a trace.
    reading = (closures.x_reading(store.context) if store.read_only
               else closures.record_x_reading(store.context, _staff(store, args)
                                              if args.staff else None))
    result = output.reading(reading)
    if args.print:
        return _printed(store, result, reading_document(reading))
    return result


def _close_z(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    counted = None if args.counted is None else parse_amount(args.counted)
    count = None if args.count is None else _cash_count(args.count)
    closed = closures.finish_closure(store.context, staff, counted, count, args.reason)
    result = output.closure_result(closed)
    if args.print:
        return _printed(store, result, reading_document(
            closed.reading, (closed.closure, *closed.made_alongside)))
    return result


def _close_abandon(store: Store, args: argparse.Namespace) -> Any:
    closures.abandon_closure(store.context, _staff(store, args))
    return output.Result({"abandoned": True}, "Closure abandoned: the till is open again.")


def _printed(store: Store, result: output.Result, document: Document) -> output.Result:
    """`result` with what the printer did of `document` (the Z stands whatever it did)."""
    said = devices.print_document(store, document)
    data = result.data if isinstance(result.data, dict) else {"result": result.data}
    return output.Result({**data, "printed": said}, f"{result.text}\n{said}",
                         result.exit_code)


def _ticket_print(store: Store, args: argparse.Namespace) -> Any:
    """An order's tickets (or one), on the till's printer or as a PDF: from the store,
    each with its signed token in the QR code."""
    from pathlib import Path

    from pos_app.documents import printed_ticket, ticket_document
    from pos_app.domain.document import TicketBooklet, TicketFormat
    from pos_app.services.tickets import tickets_to_print

    found = tickets_to_print(store.context, args.wanted)
    tickets = [printed_ticket(ticket, found.order, found.venue_name, found.payer_name)
               for ticket in found.tickets]
    data = {"order": found.order.number, "format": args.format,
            "tickets": [output.ticket(ticket) for ticket in found.tickets]}
    listed = "\n".join(f"{ticket.reference}  {ticket.product_name}  {ticket.order_number}"
                       for ticket in tickets)
    if args.format == "roll":
        said = devices.print_documents(store, [ticket_document(ticket) for ticket in tickets])
        return output.Result({**data, "printed": said}, f"{listed}\n{said}")
    if not args.out:
        raise UsageError(f"--out FILE: where to write the tickets' PDF ({args.format})")
    from printing.ticket_pages import booklet_pdf, tickets_pdf

    form = TicketFormat(args.format)
    if form is TicketFormat.BOOKLET and len(tickets) > 1:
        pdf = booklet_pdf(TicketBooklet(found.order.number, found.venue_name,
                                        found.payer_name, tuple(tickets)))
    else:
        pdf = tickets_pdf(tickets, form)
    Path(args.out).write_bytes(pdf)
    return output.Result({**data, "written": args.out},
                         f"{listed}\n{len(tickets)} ticket(s) written to {args.out}")


def _cash_count(text: str) -> CashCount:
    """`50x2,0.5x4`: two 50 € notes and four 50-cent coins."""
    quantities: dict[int, int] = {}
    for part in text.split(","):
        value, _times, quantity = part.strip().partition("x")
        if not quantity.strip().isdigit():
            raise UsageError(f"--count: {part.strip()!r} is not VALUExQUANTITY")
        denomination = parse_amount(value)
        quantities[denomination] = quantities.get(denomination, 0) + int(quantity)
    return CashCount.of(quantities)


def _closures_list(store: Store, args: argparse.Namespace) -> Any:
    end = args.end or datetime.now(PARIS_TIME).date()
    start = args.start or end - timedelta(days=30)
    found = closures.closures_between(store.context, _paris_midnight(start),
                                      _paris_midnight(end + timedelta(days=1)))
    return [output.closure(item) for item in found]


def _paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), PARIS_TIME)


def _cash(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    amount = parse_amount(args.amount)
    closures.record_cash_movement(store.context, staff, CashMovementKind(args.action), amount,
                                  args.reason)
    return output.reading(closures.x_reading(store.context))


# The commands that change data: each is journaled (event `command`) once it has run,
# after the clock was checked, as the window journals its start.
def _ticket_check(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.admissions import check_ticket

    return output.gate_verdict(check_ticket(store.context, args.text))


def _ticket_validate(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.admissions import validate_ticket

    return output.gate_act(validate_ticket(store.context, _staff(store, args), args.text))


def _ticket_void(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.admissions import void_ticket

    voided = void_ticket(store.context, _staff(store, args), args.text, args.reason)
    return output.Result({"voided": voided.reference, "at": voided.at.isoformat(),
                          "reason": voided.reason, "id": voided.id},
                         f"Ticket {voided.reference} voided at"
                         f" {format_local_time(voided.at, '%d/%m/%Y %H:%M:%S')}: {voided.reason}")


def _tickets_stats(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.admissions import stats_csv, ticket_stats

    end = args.end or store.context.clock.now().astimezone(PARIS_TIME).date()
    stats = ticket_stats(store.context, args.start or end, end)
    if args.csv:
        text = stats_csv(stats)
        return output.Result(text, text.rstrip("\n"))
    return output.gate_stats(stats)


def _availability(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.availability import product_availability

    if args.end < args.start:
        raise UsageError("--to comes before --from")
    return output.availability(args.product, product_availability(
        store.context, args.product, args.start, args.end))


def _orders_postal_codes(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.postal_codes import counts_csv, postal_code_counts

    end = args.end or store.context.clock.now().astimezone(PARIS_TIME).date()
    counts = postal_code_counts(store.context, args.start or end, end)
    if args.csv:
        text = counts_csv(counts)
        return output.Result(text, text.rstrip("\n"))
    return output.postal_codes(counts)


def _tickets_conflicts(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.admissions import ticket_conflicts

    return output.conflicts(ticket_conflicts(store.context))


WRITES = frozenset({
    "ticket validate", "ticket void",
    "init", "import", "order create", "order pay", "order cancel", "order return",
    "staff unlock",
    "draft add", "draft payer", "draft pay", "draft undo", "draft validate", "draft abandon",
    "receipt duplicate", "archive export", "close z", "close abandon", "cash float",
    "cash in", "cash out",
    "devices set printer", "devices set drawer", "devices set scanner", "devices set camera",
    "devices test drawer", "enrol", "journal rotate-key"})
# How each command opens the store: only `init` may create it; commands that only read
# open it read-only, so they work on a read-only copy and never change it. (Any other
# command writes.) `journal verify` records a failed check when it can write.
STORE_ACCESS: dict[str, StoreAccess] = {
    "init": StoreAccess.CREATE,
    "journal verify": StoreAccess.WRITE_IF_WRITABLE,
    "close x": StoreAccess.WRITE_IF_WRITABLE,  # journaled when it can be
    **dict.fromkeys(["products search", "customers search", "orders search", "order show",
                     "draft show", "closures list", "receipt show",
                     "receipt refund", "devices list", "sync status", "ticket check",
                     "tickets stats", "tickets conflicts", "availability"],
                    StoreAccess.READ),
}

STORELESS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "devices simulate": devices.devices_simulate,
    "archive verify": _archive_verify,
    "receipt check-qr": _receipt_check_qr,
}
HANDLERS: dict[str, Callable[[Store, argparse.Namespace], Any]] = {
    "devices list": devices.devices_list,
    "devices set": lambda store, args: devices.devices_set(store, args,
                                                           lambda: _staff(store, args)),
    "devices test": lambda store, args: devices.devices_test(store, args,
                                                             lambda: _staff(store, args)),
    "init": _init,
    "import": _import,
    "availability": _availability,
    "products search": _products_search,
    "customers search": _customers_search,
    "order create": _order_create,
    "order pay": _order_pay,
    "order cancel": _order_cancel,
    "order return": _order_return,
    "order refund-overpaid": _order_refund_overpaid,
    "order show": _order_show,
    "staff unlock": _staff_unlock,
    "draft show": _draft_show,
    "draft add": _draft_add,
    "draft payer": _draft_payer,
    "draft pay": _draft_pay,
    "draft undo": _draft_undo,
    "draft validate": _draft_validate,
    "draft abandon": _draft_abandon,
    "orders search": _orders_search,
    "orders postal-codes": _orders_postal_codes,
    "journal verify": _journal_verify,
    "journal rotate-key": _journal_rotate_key,
    "policy show": _policy_show,
    "policy set": _policy_set,
    "receipt show": _receipt_show,
    "receipt duplicate": _receipt_duplicate,
    "receipt refund": _receipt_refund,
    "ticket print": _ticket_print,
    "ticket check": _ticket_check,
    "ticket validate": _ticket_validate,
    "ticket void": _ticket_void,
    "tickets stats": _tickets_stats,
    "tickets conflicts": _tickets_conflicts,
    "archive export": _archive_export,
    "close x": _close_x,
    "close z": _close_z,
    "close abandon": _close_abandon,
    "closures list": _closures_list,
    "cash float": _cash,
    "cash in": _cash,
    "cash out": _cash,
    "enrol": sync_commands.enrol,
    "sync status": sync_commands.sync_status,
    "sync now": sync_commands.sync_now,
}
