"""Shared fixtures: a real SQLite store per test, copied from a demo template built once."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, open_store
from pos_app.domain.staff import StaffMember
from pos_app.services import importing, setup
from pos_app.services.context import Context
from pos_app.services.staff import sign_in

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
DEMO_FILE = ROOT / "resources" / "demo" / "venue.json"
# A Saturday in July at 10:00 in Paris.
START = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)


def demo_document() -> dict[str, Any]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the demo venue, built once per session (argon2 hashing is slow on
    purpose)."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    store = open_store(data_dir)
    setup.initialise_till(store.context, "Caisse accueil", "2", "Accueil", "CD2-")
    importing.import_data(store.context, None, demo_document())
    store.close()
    return data_dir


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def data_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def store(data_dir: Path, clock: FrozenClock) -> Iterator[Store]:
    opened = open_store(data_dir, clock)
    yield opened
    opened.close()


@pytest.fixture
def ctx(store: Store) -> Context:
    return store.context


@pytest.fixture
def cashier(ctx: Context) -> StaffMember:
    return sign_in(ctx, "caissier", "1234")


@pytest.fixture
def manager(ctx: Context) -> StaffMember:
    return sign_in(ctx, "gerant", "4321")
