"""The composition root: the one place that builds concrete objects and wires them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine

from pos_app.adapters.clock import SystemClock
from pos_app.adapters.hashing import Argon2Hasher
from pos_app.services.context import Context
from pos_app.services.ports import Clock
from pos_app.storage.engine import open_engine, store_path
from pos_app.storage.migrate import upgrade_to_head
from pos_app.storage.unit_of_work import SqlUnitOfWorkFactory

DATA_DIR_VARIABLE = "CAISSE_DATA_DIR"
DEMO_FILE = Path(__file__).resolve().parents[1] / "resources" / "demo" / "venue.json"


def demo_document() -> Any:
    """The demo venue (docs/data-format.md), amounts read as exact decimals."""
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


def default_data_dir() -> Path:
    """The user's data directory for the till (e.g. ~/.local/share/caisse on Linux)."""
    return platformdirs.user_data_path("caisse", appauthor=False)


@dataclass(frozen=True, slots=True)
class Store:
    data_dir: Path
    engine: Engine
    units: SqlUnitOfWorkFactory
    context: Context

    def close(self) -> None:
        self.units.close()
        self.engine.dispose()


def open_store(data_dir: Path, clock: Clock | None = None) -> Store:
    """Open (or create) the store in `data_dir` and bring its schema to the latest version."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = open_engine(store_path(data_dir))
    upgrade_to_head(engine)
    units = SqlUnitOfWorkFactory(engine)
    context = Context(uow=units, clock=clock or SystemClock(), hasher=Argon2Hasher())
    return Store(data_dir, engine, units, context)
