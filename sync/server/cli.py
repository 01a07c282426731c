"""`caisse-server`: the central server's command (README, "Server").

    caisse-server [--data-dir DIR | --database-url URL] [--json] COMMAND

The database is PostgreSQL when a URL is given (`--database-url`, or
$CAISSE_SERVER_DATABASE_URL), else SQLite in the data directory (`--data-dir`, default
the user data directory). Only `init` creates or migrates it; every other command
refuses a database that is missing, not migrated, or made by a newer program, with a
sentence and exit status 1. Loading the web server is left to `run`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sync.server.database import (
    URL_VARIABLE,
    DatabaseUnavailable,
    describe,
    open_engine,
    sqlite_url,
)
from sync.server.errors import Refused, SchemaMismatch

DEFAULT_PORT = 8765


class Failed(Exception):
    """The command cannot do what it was asked; the message says why."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        url = database_url(args)
        if args.command != "init":
            _refuse_missing_sqlite(url)
        result = COMMANDS[args.command](args, url)
    except _Quiet:
        return 1
    except (Failed, SchemaMismatch, Refused) as problem:
        return _fail(args.json, str(problem))
    except DatabaseUnavailable as problem:
        return _fail(args.json, f"the database is unavailable: {problem}")
    if result is not None:
        data, text = result
        print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caisse-server", description=__doc__.split("\n")[0])
    _add_shared(parser, None)
    commands = parser.add_subparsers(dest="command", required=True)
    shared = argparse.ArgumentParser(add_help=False)
    _add_shared(shared, argparse.SUPPRESS)

    init = commands.add_parser("init", parents=[shared],
                               help="create the database, or migrate it to this program")
    init.add_argument("--demo", action="store_true",
                      help="also load the demo venue's reference data")

    load = commands.add_parser("import", parents=[shared],
                               help="import reference data (the till's `caisse import`"
                               " format) for the tills to pull")
    load.add_argument("file", type=Path, metavar="FILE", help="a JSON document")

    run = commands.add_parser("run", parents=[shared], help="serve the sync protocol")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=DEFAULT_PORT)
    run.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    run.add_argument("--log-level", default="info",
                     choices=["critical", "error", "warning", "info", "debug"])

    code = commands.add_parser("enrol-code", parents=[shared],
                               help="print a one-time code (24 hours) to enrol a till")
    code.add_argument("--till", required=True, metavar="NAME", help="the till's name")

    commands.add_parser("tills", parents=[shared], help="the tills, their records,"
                        " journal heads and flags")
    revoke = commands.add_parser("revoke", parents=[shared],
                                 help="refuse a till's token from now on")
    revoke.add_argument("till", metavar="TILL", help="its name or id")

    closed = commands.add_parser("closures", parents=[shared],
                                 help="the newest closures (Z, month, year)")
    closed.add_argument("--till", metavar="NAME")
    closed.add_argument("--kind", choices=["z", "month", "year"])
    closed.add_argument("--limit", type=int, default=50)

    listing = commands.add_parser("orders", parents=[shared], help="the newest orders")
    listing.add_argument("--till", metavar="NAME")
    listing.add_argument("--limit", type=int, default=50)

    admin = commands.add_parser("admin-token", parents=[shared],
                                help="print a new token to sign in to the status page")
    admin.add_argument("--label", default="administrateur",
                       help="whom it is for, kept beside it (default: administrateur)")
    admin.add_argument("--revoke-all", action="store_true",
                       help="instead, revoke every token and end every session")
    return parser


def _add_shared(parser: argparse.ArgumentParser, default: Any) -> None:
    """The options every command takes, before or after its name (after it, they
    default to nothing, so they never hide the same option given before)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data-dir", type=Path, default=default,
                       help="SQLite database directory (default: the user data directory)")
    where.add_argument("--database-url", default=default, metavar="URL",
                       help=f"PostgreSQL, e.g. postgresql+psycopg://user@127.0.0.1:5432/db"
                       f" (or ${URL_VARIABLE})")
    parser.add_argument("--json", action="store_true",
                        default=default if default is not None else False,
                        help="print JSON")


def database_url(args: argparse.Namespace) -> str:
    if args.database_url and args.data_dir:
        raise Failed("give --data-dir or --database-url, not both")
    if args.database_url:
        return str(args.database_url)
    if args.data_dir:
        return sqlite_url(Path(args.data_dir).resolve())
    from_environment = os.environ.get(URL_VARIABLE)
    if from_environment:
        return from_environment
    return sqlite_url(default_data_dir())


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("caisse-server", appauthor=False))


def _refuse_missing_sqlite(url: str) -> None:
    """SQLite creates a file wherever it is opened: only `init` may."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(
            parsed.database).exists():
        raise Failed(f"no database in {Path(parsed.database).parent}: run"
                     " `caisse-server init` first")


def _fail(as_json: bool, message: str) -> int:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False, indent=2))
    else:
        print(f"error: {message}", file=sys.stderr)
    return 1


def _engine(url: str) -> Engine:
    try:
        return open_engine(url)
    except ValueError as error:
        raise Failed(str(error)) from error


def _checked(url: str) -> Engine:
    from sync.server.migrate import check_current

    engine = _engine(url)
    check_current(engine)
    return engine


Output = tuple[Any, str] | None


def _init(args: argparse.Namespace, url: str) -> Output:
    from sync.server.migrate import upgrade
    from sync.server.order_documents import publish_missing
    from sync.server.tickets import publish_missing_keys

    engine = _engine(url)
    try:
        before, after = upgrade(engine)
        # Orders stored before the feed carried them (migration 0004) come down too.
        published = publish_missing(engine)
        # So do the keys of the tills enrolled before tickets did (migration 0005).
        publish_missing_keys(engine)
    finally:
        engine.dispose()
    done = ("created" if before is None else "already current" if before == after
            else f"migrated from schema {before}")
    data: dict[str, Any] = {"database": describe(url), "schema": after, "done": done}
    text = f"Database {describe(url)}: {done} (schema {after})."
    if published:
        data["orders_published"] = published
        text += f"\nOrders held before: {published} published for the tills to pull."
    if args.demo:
        from sync.server.reference import import_demo

        engine = _engine(url)
        try:
            result = import_demo(engine)
        finally:
            engine.dispose()
        data["demo"] = result.to_wire()
        text += (f"\nDemo: the demo venue loaded, {result.changed} change(s), cursor"
                 f" {result.cursor};"
                 " tills enrol with `caisse-server enrol-code`.")
    return data, text


def _import(args: argparse.Namespace, url: str) -> Output:
    from pos_app.domain.json_stream import JsonMembers, JsonReader, too_large
    from pos_app.domain.reference_fields import InvalidImport
    from sync.server.reference import MAX_IMPORT_BYTES, import_document, problems_of

    path: Path = args.file
    engine = _checked(url)
    try:
        try:
            file = path.open("rb")
        except OSError as error:
            raise Failed(f"cannot read {path}: {error.strerror}") from error
        with file:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise Failed(too_large(str(path), MAX_IMPORT_BYTES))
            # Read as it comes, as the till's `caisse import` reads it: a venue group's
            # file is never held whole as objects (docs/benchmarks.md).
            reader = JsonReader(file, str(path), MAX_IMPORT_BYTES, Failed)
            document: object = (JsonMembers(reader) if reader.next_char() == "{"
                                 else reader.value())
            result = import_document(engine, document)
    except InvalidImport as refused:
        if args.json:
            print(json.dumps({"error": "the document was refused; nothing was written",
                              "problems": problems_of(refused)}, ensure_ascii=False,
                             indent=2))
            raise _Quiet() from refused
        raise Failed(f"{path.name} refused, nothing was written:\n"
                     + "\n".join(str(problem) for problem in refused.problems)) from refused
    finally:
        engine.dispose()
    counts = ", ".join(f"{count} {section}" for section, count in result.items.items()
                       if count)
    return result.to_wire(), (f"Imported {counts or 'nothing'}: {result.changed} change(s)"
                              f" ({result.deleted} deletion(s)) for the tills, cursor"
                              f" {result.cursor}.")


class _Quiet(Exception):
    """The command failed and has said why already."""


def _run(args: argparse.Namespace, url: str) -> Output:
    import uvicorn

    if not 1 <= args.workers <= 64 or not 0 < args.port < 65536:
        raise Failed("--workers is 1 to 64, --port 1 to 65535")
    engine = _engine(url)
    try:
        _check_before_serving(engine)
    finally:
        engine.dispose()
    # Each worker builds the application from the environment (uvicorn imports it by
    # name), so the URL is passed the way an administrator would set it.
    os.environ[URL_VARIABLE] = url
    where = {"url": f"http://{args.host}:{args.port}/v1/",
             "status": f"http://{args.host}:{args.port}/status",
             "database": describe(url), "workers": args.workers}
    print(json.dumps(where) if args.json else f"caisse-server: {where['url']} (database"
          f" {where['database']}, {args.workers} worker(s)); status page {where['status']}",
          flush=True)
    uvicorn.run("sync.server.app:create_app_from_environment", factory=True,
                host=args.host, port=args.port, workers=args.workers,
                log_level=args.log_level, access_log=args.log_level == "debug",
                server_header=False)
    return None


def _check_before_serving(engine: Engine) -> None:
    """A database of the wrong schema is refused; one that does not answer yet is only
    said: the server answers 503 until it does."""
    from sync.server.migrate import check_current

    try:
        check_current(engine)
    except DatabaseUnavailable as problem:
        print(f"warning: the database does not answer yet ({problem}); requests are"
              " answered 503 until it does", file=sys.stderr, flush=True)


def _enrol_code(args: argparse.Namespace, url: str) -> Output:
    from sync.server.tills import make_enrol_code

    engine = _checked(url)
    try:
        made = make_enrol_code(engine, args.till)
    finally:
        engine.dispose()
    data = {"code": made.code, "till": made.till_name, "expires_at": made.expires_at}
    return data, (f"{made.code}\nOne-time code for till {made.till_name!r}, valid until"
                  f" {made.expires_at}. On the till: caisse enrol URL {made.code}")


def _tills(args: argparse.Namespace, url: str) -> Output:
    from sync.server.reports import list_tills

    engine = _checked(url)
    try:
        found = list_tills(engine)
    finally:
        engine.dispose()
    return found, "\n".join(_till_text(till) for till in found) or "(no till enrolled)"


def _till_text(till: dict[str, Any]) -> str:
    heads = ", ".join(f"{head['chain']} {head['number']}" for head in till["journal_heads"]
                      ) or "none"
    lines = [f"{till['name']} ({till['id']})"
             + (f"  REVOKED {till['revoked_at']}" if till["revoked"] else ""),
             f"  enrolled {till['enrolled_at']}, last contact {till['last_contact_at']},"
             f" version {till['version']}, key {till['key_id']}",
             f"  records held: {till['records']}; journal heads: {heads}"]
    lines += [f"  FLAGGED {flag['chain']} entry {flag['number']}: {flag['reason']}"
              for flag in till["flags"]]
    return "\n".join(lines)


def _revoke(args: argparse.Namespace, url: str) -> Output:
    from sync.server.tills import revoke

    engine = _checked(url)
    try:
        till = revoke(engine, args.till)
    finally:
        engine.dispose()
    data = {"id": till["id"], "name": till["name"], "revoked_at": till["revoked_at"]}
    return data, f"Till {till['name']!r} ({till['id']}) revoked: its token is refused."


def _orders(args: argparse.Namespace, url: str) -> Output:
    from sync.server.reports import list_orders

    if not 1 <= args.limit <= 10_000:
        raise Failed("--limit is 1 to 10000")
    engine = _checked(url)
    try:
        found = list_orders(engine, args.till, args.limit)
    finally:
        engine.dispose()
    lines = [f"{order['number']:<14} {order['till']:<20} {order['created_at'] or '?':<26}"
             f" total {_euros(order['total_cents'])}, paid {_euros(order['paid_cents'])}"
             f"{', returned ' + _euros(order['returned_cents']) if order['returned_cents'] else ''}"
             f" [{order['status']}]" for order in found]
    return found, "\n".join(lines) or "(no order)"


def _closures(args: argparse.Namespace, url: str) -> Output:
    from sync.server.reports import list_closures

    if not 1 <= args.limit <= 10_000:
        raise Failed("--limit is 1 to 10000")
    engine = _checked(url)
    try:
        found = list_closures(engine, args.till, args.kind, args.limit)
    finally:
        engine.dispose()
    lines = [f"{closure['kind'].upper():<5} {closure['number']:>5} {closure['till']:<20}"
             f" {closure['made_at']:<26} takings {_euros(closure['takings_cents'])},"
             f" cash gap {_euros(closure['cash_gap_cents'])}" for closure in found]
    return found, "\n".join(lines) or "(no closure)"


def _euros(cents: int | None) -> str:
    if cents is None:
        return "?"
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d} €"


def _admin_token(args: argparse.Namespace, url: str) -> Output:
    from sync.server import admins

    engine = _checked(url)
    try:
        if args.revoke_all:
            revoked = admins.revoke_all(engine)
            return ({"revoked": revoked},
                    f"{revoked} token(s) revoked; every status page session ended.")
        made = admins.make_token(engine, args.label)
    finally:
        engine.dispose()
    data = {"token": made.token, "label": made.label, "created_at": made.created_at}
    return data, (f"{made.token}\nAdministrator's token {made.label!r}: paste it on the"
                  " status page's sign-in form (http://HOST:PORT/status). Only its hash is"
                  " kept: it cannot be shown again.")


COMMANDS: dict[str, Callable[[argparse.Namespace, str], Output]] = {
    "init": _init, "run": _run, "enrol-code": _enrol_code, "tills": _tills,
    "revoke": _revoke, "orders": _orders, "closures": _closures,
    "admin-token": _admin_token, "import": _import,
}
