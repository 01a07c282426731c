"""Shared fixtures: a real SQLite store per test, copied from a demo template built once."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

from pos_app.adapters.clock import FrozenClock
from pos_app.bootstrap import Store, demo_document, open_store
from pos_app.domain.staff import StaffMember
from pos_app.services import importing, setup
from pos_app.services.context import Context
from pos_app.services.staff import sign_in

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# On a loaded machine an example may take longer than hypothesis' 200 ms: that is no
# failure of the property.
settings.register_profile("caisse", deadline=None)
settings.load_profile("caisse")
# Tests keep the journal's signing key in a file: never in the keyring of whoever runs them.
os.environ["CAISSE_KEYRING"] = "off"

ROOT = Path(__file__).resolve().parents[1]
# A Saturday in July at 10:00 in Paris.
START = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the demo venue, built once per session (argon2 hashing is slow on
    purpose)."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    # At the tests' time: the till's creation and the products are journaled, and a
    # journal written now would make every test's first entry a clock gone back.
    store = open_store(data_dir, FrozenClock(START))
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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures of the archive fuzz campaign (integration/test_archive_fuzz.py) and of
    the tamper campaign (integration/test_tamper_campaign.py), shown whether or not `-s`
    is given."""
    for title, heading in (("archive fuzz", "archive fuzz campaign"),
                           ("tamper campaign", "tamper campaign")):
        lines = [str(value) for outcome in ("passed", "failed")
                 for report in terminalreporter.stats.get(outcome, [])
                 for name, value in getattr(report, "user_properties", [])
                 if name == title]
        if lines:
            terminalreporter.section(heading)
            for line in lines:
                terminalreporter.write_line(line)
