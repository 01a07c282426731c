"""The composition root: the one place that builds concrete objects and wires them."""

from __future__ import annotations

import os
import sqlite3
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.adapters.clock import SystemClock
from pos_app.adapters.hashing import Argon2Hasher
from pos_app.adapters.signing import Ed25519Signer
from pos_app.domain.errors import StoreFileDamaged, StoreMissing, StoreOutdated
from pos_app.services.context import Context
from pos_app.storage.connection import connect, needs_immutable, store_path, writable
from pos_app.storage.migrate import SCHEMA_HEAD, bring_to_head, create_store, current_revision
from pos_app.storage.unit_of_work import SqlUnitOfWorkFactory

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pos_app.adapters.token_store import KeyringTokenStore
    from pos_app.device_set import Devices
    from pos_app.services.ports import Clock
    from pos_app.services.sync import SyncPorts

DATA_DIR_VARIABLE = "CAISSE_DATA_DIR"
# `off`: keep the signing key and the server's token in files, not the keyring
KEYRING_VARIABLE = "CAISSE_KEYRING"
DEMO_FILE = Path(__file__).resolve().parents[1] / "resources" / "demo" / "venue.json"


def demo_document() -> Any:
    """The demo venue (docs/data-format.md), amounts read as exact decimals."""
    import json
    from decimal import Decimal

    return json.loads(DEMO_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


def default_data_dir() -> Path:
    """The user's data directory for the till (e.g. ~/.local/share/caisse on Linux)."""
    import platformdirs

    return platformdirs.user_data_path("caisse", appauthor=False)


class StoreAccess(StrEnum):
    """How a store is opened."""

    CREATE = "create"  # an existing store, or a new one made at once (`caisse init`)
    WRITE = "write"  # an existing store, to change it
    READ = "read"  # an existing store, read-only: nothing is written to it, ever
    WRITE_IF_WRITABLE = "write if writable"  # WRITE, or READ where the store is read-only


class Store:
    """An open store: its units of work and the context the use cases receive."""

    def __init__(self, data_dir: Path, units: SqlUnitOfWorkFactory, context: Context,
                 read_only: bool = False) -> None:
        self.data_dir = data_dir
        self.units = units
        self.context = context
        self.read_only = read_only
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """A SQLAlchemy engine on the store, made on first use (tools and tests need it;
        selling does not)."""
        if self._engine is None:
            from pos_app.storage.engine import open_engine

            self._engine = open_engine(store_path(self.data_dir))
        return self._engine

    def close(self) -> None:
        self.units.close()
        if self._engine is not None:
            self._engine.dispose()


def open_store(data_dir: Path, clock: Clock | None = None, *,
               access: StoreAccess = StoreAccess.CREATE) -> Store:
    """Open the store in `data_dir` (or create it, for CREATE) and bring its schema to
    the latest version (not READ: a store to upgrade is refused, StoreOutdated).

    A missing store is StoreMissing (nothing is created, not even the directory); a file
    that is empty, not SQLite or without a till's data is StoreFileDamaged, never taken
    for a new store.
    """
    path = store_path(data_dir)
    if access is StoreAccess.CREATE and not path.exists():
        create_store(path)
    elif not path.exists():
        raise StoreMissing(str(data_dir))
    if access is StoreAccess.WRITE_IF_WRITABLE:
        access = (StoreAccess.WRITE if writable(path) and writable(data_dir)
                  else StoreAccess.READ)
    read_only = access is StoreAccess.READ
    _check_store_file(path)
    units = SqlUnitOfWorkFactory(partial(connect, path, read_only=read_only,
                                         immutable=read_only and needs_immutable(path)))
    try:
        _bring_up(path, units, read_only)
    except BaseException:
        units.close()
        raise
    signer = Ed25519Signer(data_dir, use_keyring=os.environ.get(KEYRING_VARIABLE) != "off",
                           keys_in_use=partial(_keys_in_use, units), may_write=not read_only)
    context = Context(uow=units, clock=clock or SystemClock(), hasher=Argon2Hasher(),
                      signer=signer)
    return Store(data_dir, units, context, read_only)


_SQLITE_HEADER = b"SQLite format 3\x00"


def _check_store_file(path: Path) -> None:
    """Refuse a store file that cannot be a store, before SQLite sees it: SQLite takes an
    empty file for a new database, and writing to it would hide the damage."""
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_HEADER))
    except IsADirectoryError as error:
        raise StoreFileDamaged(str(path), "it is a directory") from error
    except OSError:
        return  # unreadable: SQLite says why, as for any store it cannot open
    if not header:
        raise StoreFileDamaged(str(path), "it is empty")
    if header != _SQLITE_HEADER:
        raise StoreFileDamaged(str(path), "it is not a SQLite database")


def _bring_up(path: Path, units: SqlUnitOfWorkFactory, read_only: bool) -> None:
    """Check the store's schema revision, and apply the migrations it lacks."""
    try:
        shelved = units.connections.take()
        try:
            revision = current_revision(shelved.db)
            if revision is None:
                raise StoreFileDamaged(str(path), "it holds no till's data")
            if revision != SCHEMA_HEAD:
                if read_only:
                    raise StoreOutdated(str(path))
                bring_to_head(path, shelved.db)
        finally:
            units.connections.give_back(shelved)
    except sqlite3.DatabaseError as error:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            raise StoreFileDamaged(str(path), str(error)) from error
        raise


def _keys_in_use(units: SqlUnitOfWorkFactory) -> set[str]:
    """The signing keys the store knows: recorded, or carried by a journal entry. (Asked
    only when the till's key cannot be read, to know whether it may be replaced.)"""
    shelved = units.connections.take()
    try:
        rows = shelved.db.execute("SELECT key_id FROM till_keys"
                                  " UNION SELECT key_id FROM journal_entries").fetchall()
    finally:
        units.connections.give_back(shelved)
    return {str(row[0]) for row in rows}


def open_devices(data_dir: Path) -> Devices:
    """The till's devices as `devices.ini` beside the store describes them."""
    from pos_app.adapters.device_config import DEVICES_FILE, DeviceConfigFile
    from pos_app.device_set import Devices

    config = DeviceConfigFile(data_dir / DEVICES_FILE)
    settings, problems = config.load()
    return Devices(config, settings, problems)


def open_sync(data_dir: Path) -> SyncPorts:
    """The central server over HTTP(S), and where the till keeps its token."""
    from pos_app.services.sync import SyncPorts
    from sync.client.http import HttpSyncServer

    return SyncPorts(HttpSyncServer(), open_token_store(data_dir))


def open_token_store(data_dir: Path) -> KeyringTokenStore:
    """Where the till keeps its server token: the OS keyring, or a private file beside
    the store (as the signing key; `CAISSE_KEYRING=off`: the file)."""
    from pos_app.adapters.token_store import KeyringTokenStore

    return KeyringTokenStore(data_dir, use_keyring=os.environ.get(KEYRING_VARIABLE) != "off")
