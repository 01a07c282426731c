"""`caisse`: the till's command line. With no sub-command it opens the till window.

Every action goes through the same services as the screens, as a signed-in staff member.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pos_app.bootstrap import (
    DATA_DIR_VARIABLE,
    Store,
    default_data_dir,
    demo_document,
    open_store,
)
from pos_app.cli import output
from pos_app.cli.order_input import read_order
from pos_app.domain.closure import CashCount, CashMovementKind
from pos_app.domain.errors import DomainError
from pos_app.domain.money import parse_amount
from pos_app.domain.order import StatusFilter
from pos_app.domain.staff import StaffMember
from pos_app.services import (
    catalogue,
    closures,
    customers,
    importing,
    orders,
    selling,
    setup,
)
from pos_app.services.staff import sign_in

SECRET_VARIABLE = "CAISSE_SECRET"
PARIS_TIME = ZoneInfo("Europe/Paris")


class UsageError(Exception):
    """A problem with how the command was called, not with the data."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caisse", description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="store directory (default: "
                        f"${DATA_DIR_VARIABLE} or the user data directory)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--staff", help=f"staff login; secret from ${SECRET_VARIABLE} or a prompt")
    commands = parser.add_subparsers(dest="command")

    init = commands.add_parser("init", help="create the store and its till")
    init.add_argument("--demo", action="store_true", help="load the demo venue")
    init.add_argument("--if-empty", action="store_true", help="do nothing if already set up")
    init.add_argument("--till-name", default="Caisse 1")
    init.add_argument("--till-code", default="1")
    init.add_argument("--point-of-sale", default="Accueil")
    init.add_argument("--order-prefix", help="order number prefix (default CD<code>-)")

    load = commands.add_parser("import", help="import a JSON data file (docs/data-format.md)")
    load.add_argument("file", type=Path)

    products = commands.add_parser("products").add_subparsers(dest="action", required=True)
    products.add_parser("search").add_argument("text")
    people = commands.add_parser("customers").add_subparsers(dest="action", required=True)
    people.add_parser("search").add_argument("pattern")

    order = commands.add_parser("order").add_subparsers(dest="action", required=True)
    order.add_parser("create", help="validate an order read from a JSON file or stdin"
                     ).add_argument("file", nargs="?", default="-")
    pay = order.add_parser("pay")
    pay.add_argument("number")
    pay.add_argument("--method", required=True)
    pay.add_argument("--amount", required=True)
    cancel = order.add_parser("cancel")
    cancel.add_argument("number")
    cancel.add_argument("--reason", required=True)
    order.add_parser("show").add_argument("number")

    many = commands.add_parser("orders").add_subparsers(dest="action", required=True)
    search = many.add_parser("search")
    search.add_argument("text", nargs="?", default="")
    search.add_argument("--status", choices=[s.value for s in StatusFilter], default="all")

    _add_fiscal_commands(commands)
    return parser


def _add_fiscal_commands(commands: Any) -> None:
    """Closures, cash, archives and the journal (docs/fiscal.md)."""
    close = commands.add_parser("close", help="X reading (changes nothing) or Z closure (R6)"
                                ).add_subparsers(dest="action", required=True)
    close.add_parser("x", help="what a Z would record now")
    z = close.add_parser("z", help="close the till (a manager: --staff)")
    z.add_argument("--counted", help="cash counted in the drawer (default: the expected"
                   " cash, no gap)")
    z.add_argument("--count", help="cash counted by note and coin, in euros: 50x2,0.5x4")
    closures = commands.add_parser("closures").add_subparsers(dest="action", required=True)
    listing = closures.add_parser("list", help="closures that ended between two dates")
    listing.add_argument("--from", dest="start", type=_date, help="YYYY-MM-DD (default: 30"
                         " days before --to)")
    listing.add_argument("--to", dest="end", type=_date, help="YYYY-MM-DD, included"
                         " (default: today)")
    cash = commands.add_parser("cash", help="cash put in or taken out of the drawer"
                               ).add_subparsers(dest="action", required=True)
    for kind, text in (("float", "the opening float (fond de caisse)"),
                       ("in", "cash added (apport)"), ("out", "cash taken out (retrait)")):
        movement = cash.add_parser(kind, help=text)
        movement.add_argument("amount")
        movement.add_argument("--reason", default="")

    receipt = commands.add_parser("receipt", help="receipts (on request) and duplicates"
                                  ).add_subparsers(dest="action", required=True)
    receipt.add_parser("show", help="an order's receipt").add_argument("number")
    receipt.add_parser("duplicate", help="reprint: journaled, says DUPLICATA (--staff)"
                       ).add_argument("number")
    qr = receipt.add_parser("check-qr", help="check a receipt's QR text with a public key")
    qr.add_argument("text")
    qr.add_argument("--public-key", required=True, help="the till's key, hex")

    archive = commands.add_parser("archive", help="monthly archives of the fiscal journal"
                                  ).add_subparsers(dest="action", required=True)
    export = archive.add_parser("export", help="write a month of the journal to a zip file"
                                " (a manager: --staff)")
    export.add_argument("--period", required=True, type=_month, help="YYYY-MM")
    export.add_argument("out", type=Path)
    check = archive.add_parser("verify", help="check an archive with its own content only;"
                               " exit code 1 when anything is wrong")
    check.add_argument("archive", type=Path)

    journal = commands.add_parser("journal", help="the signed fiscal journal (docs/fiscal.md)"
                                  ).add_subparsers(dest="action", required=True)
    verify = journal.add_parser("verify", help="recompute every chain, number and hash and"
                                " check the signatures; exit code 1 when anything is wrong")
    verify.add_argument("--full", action="store_true",
                        help="check every entry's signature, not only each chain's last"
                        " entry and the closures")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    storeless = STORELESS.get(f"{args.command} {getattr(args, 'action', '')}")
    if storeless is not None:  # checks that need the document and a key, no store
        try:
            return _emit(args, storeless(args))
        except UsageError as error:
            return output.fail(args.json, str(error))
    data_dir = args.data_dir or Path(os.environ.get(DATA_DIR_VARIABLE) or default_data_dir())
    try:
        store = open_store(data_dir)
    except Exception as error:  # noqa: BLE001 - any failure to open is reported, not raised
        cause = getattr(error, "orig", None) or error  # the driver's words, not the wrapper's
        return output.fail(args.json, f"cannot open the store in {data_dir}: {cause}")
    try:
        if args.command is None:
            from pos_app.ui.launch import run_window
            from pos_app.ui.settings import SETTINGS_FILE, TillSettings

            return run_window(store.context, TillSettings(store.data_dir / SETTINGS_FILE))
        handler = HANDLERS[args.command if args.command in {"init", "import"}
                           else f"{args.command} {args.action}"]
        return _emit(args, handler(store, args))
    except (DomainError, UsageError) as error:
        return output.fail(args.json, str(error), getattr(error, "problems", None))
    finally:
        store.close()


def _emit(args: argparse.Namespace, result: Any) -> int:
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
    return sign_in(store.context, args.staff, secret)


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


def _read_json(path: str | Path) -> Any:
    try:
        text = sys.stdin.read() if str(path) == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, "
                         f"column {error.colno}") from error


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
    document = _read_json(args.file)
    staff = _staff(store, args) if args.staff else None
    return output.report(importing.import_data(store.context, staff, document))


def _products_search(store: Store, args: argparse.Namespace) -> Any:
    return [output.product(p) for p in catalogue.search_products(store.context, args.text)]


def _customers_search(store: Store, args: argparse.Namespace) -> Any:
    found = customers.search_customers(store.context, args.pattern)
    return [output.customer(customer) for customer in found]


def _order_create(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    wanted = read_order(store.context, _read_json(args.file))
    order = selling.sell(store.context, staff, wanted.basket, wanted.payments,
                         validate_without_paying=wanted.validate_without_paying)
    return output.order(orders.get_order(store.context, order.number))


def _order_pay(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    orders.pay_order(store.context, staff, args.number, args.method, parse_amount(args.amount))
    return output.order(orders.get_order(store.context, args.number))


def _order_cancel(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    orders.cancel_order(store.context, staff, args.number, args.reason)
    return output.order(orders.get_order(store.context, args.number))


def _order_show(store: Store, args: argparse.Namespace) -> Any:
    return output.order(orders.get_order(store.context, args.number))


def _orders_search(store: Store, args: argparse.Namespace) -> Any:
    found = orders.search_orders(store.context, args.text, StatusFilter(args.status))
    return [output.summary(summary) for summary in found]


def _journal_verify(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.journal import verify_journal

    return output.journal_report(verify_journal(store.context, every_signature=args.full))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month (YYYY-MM)") from error


def _receipt_show(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.receipts import receipt

    return output.receipt(receipt(store.context, args.number))


def _receipt_duplicate(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.receipts import duplicate_receipt

    return output.receipt(duplicate_receipt(store.context, _staff(store, args), args.number))


def _receipt_check_qr(args: argparse.Namespace) -> Any:
    from pos_app.adapters.signing import verify_signature
    from pos_app.domain.receipt import check_qr

    return output.qr_check(check_qr(args.text, args.public_key, verify_signature))


def _archive_export(store: Store, args: argparse.Namespace) -> Any:
    from pos_app.services.archive import export_archive

    staff = _staff(store, args)
    month = args.period
    following = (month + timedelta(days=32)).replace(day=1)
    files = export_archive(store.context, staff, _paris_midnight(month),
                           _paris_midnight(following), f"{month:%Y-%m}")
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
    from pos_app.services.archive import check_archive

    try:
        files = read_archive(args.archive)
    except ArchiveUnreadable as error:
        raise UsageError(str(error)) from error
    return output.archive_report(args.archive, check_archive(files, verify_signature))


def _close_x(store: Store, args: argparse.Namespace) -> Any:
    return output.reading(closures.x_reading(store.context))


def _close_z(store: Store, args: argparse.Namespace) -> Any:
    staff = _staff(store, args)
    counted = None if args.counted is None else parse_amount(args.counted)
    count = None if args.count is None else _cash_count(args.count)
    return output.closure_result(closures.finish_closure(store.context, staff, counted, count))


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


STORELESS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "archive verify": _archive_verify,
    "receipt check-qr": _receipt_check_qr,
}
HANDLERS: dict[str, Callable[[Store, argparse.Namespace], Any]] = {
    "init": _init,
    "import": _import,
    "products search": _products_search,
    "customers search": _customers_search,
    "order create": _order_create,
    "order pay": _order_pay,
    "order cancel": _order_cancel,
    "order show": _order_show,
    "orders search": _orders_search,
    "journal verify": _journal_verify,
    "receipt show": _receipt_show,
    "receipt duplicate": _receipt_duplicate,
    "archive export": _archive_export,
    "close x": _close_x,
    "close z": _close_z,
    "closures list": _closures_list,
    "cash float": _cash,
    "cash in": _cash,
    "cash out": _cash,
}
