"""The composition root: the one place that builds concrete objects and wires them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pos_app.adapters.clock import SystemClock
from pos_app.adapters.hashing import Argon2Hasher
from pos_app.adapters.signing import Ed25519Signer
from pos_app.services.context import Context
from pos_app.storage.connection import connect, store_path
from pos_app.storage.migrate import bring_to_head
from pos_app.storage.unit_of_work import SqlUnitOfWorkFactory

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pos_app.device_set import Devices
    from pos_app.services.ports import Clock

DATA_DIR_VARIABLE = "CAISSE_DATA_DIR"
KEYRING_VARIABLE = "CAISSE_KEYRING"  # `off`: keep the signing key in a file, not the keyring
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


class Store:
    """An open store: its units of work and the context the use cases receive."""

    def __init__(self, data_dir: Path, units: SqlUnitOfWorkFactory, context: Context) -> None:
        self.data_dir = data_dir
        self.units = units
        self.context = context
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


def open_store(data_dir: Path, clock: Clock | None = None) -> Store:
    """Open (or create) the store in `data_dir` and bring its schema to the latest version."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = store_path(data_dir)
    units = SqlUnitOfWorkFactory(lambda: connect(path))
    shelved = units.connections.take()
    try:
        bring_to_head(path, shelved.db)
    finally:
        units.connections.give_back(shelved)
    signer = Ed25519Signer(data_dir, use_keyring=os.environ.get(KEYRING_VARIABLE) != "off")
    context = Context(uow=units, clock=clock or SystemClock(), hasher=Argon2Hasher(),
                      signer=signer)
    return Store(data_dir, units, context)


def open_devices(data_dir: Path) -> Devices:
    """The till's devices as `devices.ini` beside the store describes them."""
    from pos_app.adapters.device_config import DEVICES_FILE, DeviceConfigFile
    from pos_app.device_set import Devices

    config = DeviceConfigFile(data_dir / DEVICES_FILE)
    settings, problems = config.load()
    return Devices(config, settings, problems)
