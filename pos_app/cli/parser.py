"""The `caisse` command's arguments; reading them loads none of the services."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pos_app.bootstrap import DATA_DIR_VARIABLE
from pos_app.domain.policy import POLICY_NAMES

SECRET_VARIABLE = "CAISSE_SECRET"


class UsageError(Exception):
    """A problem with how the command was called, not with the data."""


def read_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line. The window (no sub-command) reads only the options every
    command shares: the parser of every sub-command, some 40 of them, takes longer to
    build than the till's store takes to open."""
    window, rest = _shared_options(add_help=False).parse_known_args(argv)
    if not rest:
        window.command = None
        return window
    return build_parser().parse_args(argv)


def _shared_options(add_help: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caisse", description=__doc__, add_help=add_help)
    parser.add_argument("--data-dir", type=Path, help="store directory (default: "
                        f"${DATA_DIR_VARIABLE} or the user data directory)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--staff", help=f"staff login; secret from ${SECRET_VARIABLE} or a prompt")
    return parser


def build_parser() -> argparse.ArgumentParser:
    from pos_app.domain.order import StatusFilter  # here: the window's start never needs it

    parser = _shared_options()
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

    _add_availability_command(commands)
    products = commands.add_parser("products").add_subparsers(dest="action", required=True)
    products.add_parser("search").add_argument("text")
    people = commands.add_parser("customers").add_subparsers(dest="action", required=True)
    people.add_parser("search").add_argument("pattern")

    order = commands.add_parser("order").add_subparsers(dest="action", required=True)
    create = order.add_parser("create", help="validate an order read from a JSON file or"
                              " stdin")
    create.add_argument("file", nargs="?", default="-")
    _add_postal_code_option(create)
    pay = order.add_parser("pay")
    pay.add_argument("number")
    pay.add_argument("--method", required=True)
    pay.add_argument("--amount", required=True)
    cancel = order.add_parser("cancel", help="cancel an order (a manager) and refund what"
                              " was paid")
    cancel.add_argument("number")
    cancel.add_argument("--reason", required=True)
    _add_refund_option(cancel)
    taken_back = order.add_parser("return", help="take lines back as a credit note (a"
                                  " manager) and refund what the customer is owed")
    taken_back.add_argument("number")
    taken_back.add_argument("--line", action="append", required=True, metavar="N[xQTY]",
                            help="order line N (from 1), QTY of it (default: all that can"
                            " still be returned); repeat for several lines")
    taken_back.add_argument("--reason", required=True)
    _add_refund_option(taken_back)
    overpaid = order.add_parser("refund-overpaid", help="give back what an order was paid"
                                " beyond its worth (a manager; at any till holding it)")
    overpaid.add_argument("number")
    _add_refund_option(overpaid)
    order.add_parser("show").add_argument("number")

    many = commands.add_parser("orders").add_subparsers(dest="action", required=True)
    search = many.add_parser("search")
    search.add_argument("text", nargs="?", default="")
    search.add_argument("--status", choices=[s.value for s in StatusFilter], default="all")
    _add_postal_code_report(many)

    staff = commands.add_parser("staff", help="the staff").add_subparsers(dest="action",
                                                                         required=True)
    staff.add_parser("unlock", help="lift a member's lock after too many wrong secrets (a"
                     " manager: --staff; journaled)").add_argument("login")

    _add_draft_commands(commands)
    _add_fiscal_commands(commands)
    _add_device_commands(commands)
    _add_sync_commands(commands)
    return parser


def _add_sync_commands(commands: Any) -> None:
    """The central server (docs/sync.md)."""
    enrol = commands.add_parser("enrol", help="enrol this till with the central server,"
                                " with a code from `caisse-server enrol-code --till NAME`")
    enrol.add_argument("url", help="the server, https://host[:port] (http:// only on"
                       " 127.0.0.1 or the venue's own network)")
    enrol.add_argument("code", help="the one-time enrol code")
    enrol.add_argument("--ca-file", type=Path, help="the venue's certificate authority"
                       " (PEM), when its server's certificate is not signed by a public one")
    sync = commands.add_parser("sync", help="the records and the journal sent to the"
                               " central server").add_subparsers(dest="action", required=True)
    sync.add_parser("status", help="online or not, what waits, what was rejected, the"
                    " journal heads the server acknowledged, the clock's offset")
    now = sync.add_parser("now", help="send what waits now; exit code 1 when the server"
                          " could not be reached")
    now.add_argument("--timeout", type=float, default=60.0,
                     help="seconds the round may take (default 60)")


def _add_draft_commands(commands: Any) -> None:
    """The sale in progress, kept as it changes (it survives a crash)."""
    draft = commands.add_parser("draft", help="the sale in progress, kept as it changes"
                                " (it survives a crash)").add_subparsers(dest="action",
                                                                         required=True)
    draft.add_parser("show", help="the sale in progress and what was tendered for it")
    add = draft.add_parser("add", help="put a product in the sale in progress")
    add.add_argument("--product", help="product id")
    add.add_argument("--barcode", help="or its barcode")
    add.add_argument("--quantity", type=int, default=1)
    add.add_argument("--price", help="price id or label (default: the first)")
    draft.add_parser("payer", help="who pays ('' for nobody)").add_argument("customer")
    tendered = draft.add_parser("pay", help="a payment handed over, kept at once")
    tendered.add_argument("--method", required=True)
    tendered.add_argument("--amount", required=True)
    tendered.add_argument("--payment-id", help="a name for this payment (a UUID): asked"
                          " again after a lost answer, it is taken once")
    draft.add_parser("undo", help="give back the last payment tendered")
    validate = draft.add_parser("validate", help="the sale in progress becomes an order")
    validate.add_argument("--without-paying", action="store_true",
                          help="validate with something left to pay (R5)")
    _add_postal_code_option(validate)
    abandon = draft.add_parser("abandon", help="give up the sale in progress")
    abandon.add_argument("--given-back", action="store_true",
                         help="what was tendered was handed back to the customer (needed"
                         " when the sale holds payments; journaled)")


def _add_postal_code_report(many: Any) -> None:
    postal = many.add_parser("postal-codes", help="this till's orders per postal code of"
                             " their visitors (R12), the cancelled and training ones apart")
    postal.add_argument("--from", dest="start", type=_date, help="YYYY-MM-DD (default: the"
                        " day of --to)")
    postal.add_argument("--to", dest="end", type=_date, help="YYYY-MM-DD, included (default:"
                        " today)")
    postal.add_argument("--csv", action="store_true", help="CSV on standard output (one row"
                        " per postal code)")


def _add_postal_code_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--postal-code", metavar="CODE", help="where the visitor comes"
                         " from (R12): five digits (75011), abroad or declined")


def _add_refund_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--refund", action="append", metavar="METHOD:AMOUNT",
                         help="how money goes back, e.g. ESP:20 CB:41,90 (repeat; default:"
                         " in the methods it was paid with, the latest payment first)")


def _add_availability_command(commands: Any) -> None:
    places = commands.add_parser("availability", help="a dated product's slots with the"
                                 " places booked, its capacity and what is left (R3)")
    places.add_argument("--product", required=True, help="a dated product's id")
    places.add_argument("--from", dest="start", type=_date, required=True,
                        help="YYYY-MM-DD (venue days)")
    places.add_argument("--to", dest="end", type=_date, required=True,
                        help="YYYY-MM-DD, included")


def _add_ticket_commands(commands: Any) -> None:
    """Admission tickets and the gate (R11; docs/tickets.md)."""
    ticket = commands.add_parser("ticket", help="admission tickets issued with the sales"
                                 " (R11; docs/tickets.md)").add_subparsers(
        dest="action", required=True)
    printed = ticket.add_parser("print", help="print an order's tickets, or one ticket,"
                                " as the store holds them (QR: the signed token)")
    printed.add_argument("wanted", metavar="ORDER|REF",
                         help="an order number (all its tickets still valid) or a ticket's"
                         " reference")
    printed.add_argument("--format", default="roll",
                         choices=["roll", "a4", "booklet", "full_page", "vertical", "cinema",
                                  "card"],
                         help="roll: on the till's printer (default); otherwise a PDF in"
                         " that format (--out); booklet: an order's tickets behind a cover")
    printed.add_argument("--out", help="where to write the PDF (a page format)")
    check = ticket.add_parser("check", help="the gate's verdict on a reference or a QR's"
                              " token, nothing written; exit code 0 when it admits, 1"
                              " otherwise")
    check.add_argument("text", metavar="REF|QR", help="a reference (K7QM4-XH92T) or the"
                       " QR's text (TK1:…)")
    validate = ticket.add_parser("validate", help="let the visitor in: one entry counted"
                                 " if the verdict admits, else the refusal is kept"
                                 " (--staff; exit code 1 when refused)")
    validate.add_argument("text", metavar="REF|QR")
    void = ticket.add_parser("void", help="void a ticket for good, with a reason (a checker"
                             " or a manager: --staff; journaled)")
    void.add_argument("text", metavar="REF|QR")
    void.add_argument("--reason", required=True, help="why, kept and journaled")
    tickets = commands.add_parser("tickets", help="the gate's figures and the conflicts"
                                  " between gates (R11)").add_subparsers(
        dest="action", required=True)
    stats = tickets.add_parser("stats", help="entries let in at this till per day, per"
                               " product, per hour, and refusals by reason")
    stats.add_argument("--from", dest="start", type=_date, help="YYYY-MM-DD (default: the"
                       " day of --to)")
    stats.add_argument("--to", dest="end", type=_date, help="YYYY-MM-DD, included (default:"
                       " today)")
    stats.add_argument("--csv", action="store_true", help="CSV on standard output (one row"
                       " per figure)")
    tickets.add_parser("conflicts", help="what the server recorded between gates that"
                       " worked apart (as last pulled)")


def _add_fiscal_commands(commands: Any) -> None:
    """Closures, cash, archives and the journal (docs/fiscal.md)."""
    close = commands.add_parser("close", help="X reading (journaled) or Z closure (R6)"
                                ).add_subparsers(dest="action", required=True)
    x = close.add_parser("x", help="what a Z would record now (journaled, with who read it:"
                         " --staff)")
    x.add_argument("--print", action="store_true", help="print it on the till's printer")
    z = close.add_parser("z", help="close the till (a manager: --staff)")
    z.add_argument("--print", action="store_true", help="print the Z report on the till's"
                   " printer (the Z is recorded whatever the printer does)")
    z.add_argument("--counted", help="cash counted in the drawer (default: the expected"
                   " cash, no gap; refused when the till counts blind)")
    z.add_argument("--count", help="cash counted by note and coin, in euros: 50x2,0.5x4")
    z.add_argument("--reason", default="", help="why the cash counted differs from the"
                   " expected (needed beyond the till's gap_reason_from policy; kept in the"
                   " Z)")
    close.add_parser("abandon", help="give up a Z started and not finished: the till is"
                     " open again (a manager: --staff; journaled)")
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
    refund = receipt.add_parser("refund", help="the slip of a return (credit note), of"
                                " an order's cancellation, or of an overpayment given"
                                " back, with its refunds")
    refund.add_argument("number", help="the order")
    refund.add_argument("--credit-note", help="the return's credit note (AV…); default: the"
                        " order's cancellation (or the overpayment given back)")
    refund.add_argument("--overpayment", action="store_true",
                        help="what the order held beyond its worth, given back")
    qr = receipt.add_parser("check-qr", help="check a receipt's QR text with a public key")
    qr.add_argument("text")
    qr.add_argument("--public-key", required=True, help="the till's key, hex")

    _add_ticket_commands(commands)

    archive = commands.add_parser("archive", help="monthly archives of the fiscal journal"
                                  ).add_subparsers(dest="action", required=True)
    export = archive.add_parser("export", help="write a month of the journal to a zip file"
                                " (a manager: --staff)")
    export.add_argument("--period", required=True, type=_period,
                        help="a closed month, YYYY-MM, or fiscal year, YYYY")
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
    verify.add_argument("--with-server", action="store_true",
                        help="also ask the server (an enrolled till) for the heads it"
                        " holds now, which the journal must hold too")
    journal.add_parser("rotate-key", help="replace the till's signing key: the rotation is"
                       " journaled, signed by the current key, which is then removed (a"
                       " manager: --staff)")
    policy = commands.add_parser("policy", help="the till's rules: blind count, the cash"
                                 " gap that needs a reason, who may discount"
                                 ).add_subparsers(dest="action", required=True)
    policy.add_parser("show", help="every rule and its value")
    chosen = policy.add_parser("set", help="set a rule (a manager: --staff; journaled)")
    chosen.add_argument("name", choices=POLICY_NAMES)
    chosen.add_argument("value")


def _add_device_commands(commands: Any) -> None:
    """The printer, drawer and code readers (R20; docs/devices.md)."""
    devices = commands.add_parser("devices", help="printer, cash drawer, code readers"
                                  ).add_subparsers(dest="action", required=True)
    devices.add_parser("list", help="the devices set, and the serial ports and cameras found")
    setting = devices.add_parser("set", help="choose a device (a manager: --staff)"
                                 ).add_subparsers(dest="device", required=True)
    printer = setting.add_parser("printer", help="how to reach the receipt printer")
    printer.add_argument("transport", choices=["none", "network", "serial", "usb", "file",
                                                "cups"])
    printer.add_argument("address", nargs="?", default="",
                         help="host[:port], serial port, vendor:product, path or CUPS queue")
    printer.add_argument("--paper", type=int, choices=[58, 80], help="roll width in mm")
    printer.add_argument("--baudrate", type=int, help="a serial printer's speed")
    printer.add_argument("--status-query", choices=["on", "off"],
                         help="ask the printer its status (DLE EOT) before and after each"
                         " document; off for printers and print servers that never answer")
    drawer = setting.add_parser("drawer", help="the cash drawer")
    drawer.add_argument("connection", choices=["printer", "serial", "none"])
    drawer.add_argument("--pin", type=int, choices=[2, 5])
    drawer.add_argument("--pulse", type=int, help="milliseconds, 50 to 500")
    drawer.add_argument("--port", help="a serial drawer's port")
    scanner = setting.add_parser("scanner", help="a code reader on a serial port ('' for none)")
    scanner.add_argument("port")
    scanner.add_argument("--baudrate", type=int)
    scanner.add_argument("--terminator", choices=["CR", "LF", "CRLF", "TAB", "TIMEOUT"],
                         help="what ends each code (TIMEOUT: a pause of --partial-timeout)")
    scanner.add_argument("--partial-timeout", type=int, dest="partial_timeout",
                         help="milliseconds, 20 to 2000 (100): a code not ended within it"
                         " is dropped and reported")
    scanner.add_argument("--encoding", choices=["latin-1", "utf-8"])
    camera = setting.add_parser("camera", help="a camera (index, device node or video file;"
                                " '' for none)")
    camera.add_argument("source")
    camera.add_argument("--decoder", choices=["auto", "zxing", "pyzbar"],
                        help="auto (the default): zxing-cpp, then its second chances and"
                        " ZBar on frames where it found nothing")
    camera.add_argument("--formats", help="the symbologies it may read, separated by commas"
                        " (EAN13, EAN8, UPCA, UPCE, Code128, QRCode by default)")
    wedge = setting.add_parser("wedge", help="the keyboard-wedge scanner (it types its"
                               " codes): what it sends around each code")
    wedge.add_argument("--prefix", help="a key it sends before each code: one character or"
                       " F7 to F24 ('' for none); from it to the suffix is one code")
    wedge.add_argument("--suffix", help="the key it sends after each code: ENTER (default),"
                       " TAB, F7 to F24 or one character; Enter always ends a code too")
    wedge.add_argument("--max-gap", type=int, dest="max_gap",
                       help="milliseconds, 20 to 500 (60): the longest pause between two"
                       " keys of one code")
    test = devices.add_parser("test", help="try a device now").add_subparsers(
        dest="device", required=True)
    test.add_parser("printer", help="print a test page (sent at once, not queued)")
    test.add_parser("drawer", help="open the drawer (a manager: --staff; journaled)")
    for reader in ("scanner", "camera"):
        tried = test.add_parser(reader, help=f"show the codes the {reader} reads")
        tried.add_argument("--seconds", type=float, default=10.0)
        tried.add_argument("--count", type=int, help="stop after this many codes")
    simulate = devices.add_parser("simulate", help="a simulated device, for trying the till"
                                  " without one").add_subparsers(dest="device", required=True)
    simulated = simulate.add_parser("printer", help="an ESC/POS printer on 127.0.0.1 that"
                                    " prints what it receives as text")
    simulated.add_argument("--port", type=int, default=9100)
    simulate.add_parser("scanner", help="a serial reader on a pseudo-terminal: each line"
                        " typed is read as a code")
    video = simulate.add_parser("camera", help="write a video of tickets' QR codes, to use"
                                " as the camera")
    video.add_argument("out", type=Path)
    video.add_argument("--codes", nargs="+", default=["TKT-DEMO-1", "TKT-DEMO-2",
                                                      "TKT-DEMO-3"])


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def _period(text: str) -> str:
    """A month (YYYY-MM) or a year (YYYY), as closures name them."""
    try:
        date.fromisoformat(f"{text}-01" if len(text) == 7 else f"{text}-01-01")
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a month (YYYY-MM) or a year (YYYY)") from error
    return text
