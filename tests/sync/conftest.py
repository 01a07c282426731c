"""The till's sync against a real `caisse-server` on 127.0.0.1 (SQLite): one process for
the session (each test enrols tills of its own), and, for tests that stop it or move its
clock, one of their own."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pos_app.adapters.token_store import KeyringTokenStore
from pos_app.bootstrap import Store, demo_document, open_store
from pos_app.services import importing, setup
from pos_app.services.sync import SyncPorts
from sync.client.http import HttpSyncServer
from sync.server.database import sqlite_url
from tests.server.support import cli
from tests.sync.support import LocalServer, ShiftedClock


@pytest.fixture
def clock() -> ShiftedClock:
    """The till's clock (overrides the suite's frozen one): the real time."""
    return ShiftedClock()


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with no till yet, made once."""
    data_dir = tmp_path_factory.mktemp("empty-template")
    open_store(data_dir).close()
    return data_dir


@pytest.fixture
def data_dir(empty_template: Path, tmp_path: Path) -> Path:
    """A till of its own (overrides the suite's copy of one demo till): a server knows
    a till by its id, and every test enrols its own on the shared server."""
    target = tmp_path / "store"
    shutil.copytree(empty_template, target)
    store = open_store(target)
    try:
        setup.initialise_till(store.context, "Caisse accueil", "2", "Accueil", "CD2-")
        importing.import_data(store.context, None, demo_document())
    finally:
        store.close()
    return target


@pytest.fixture(scope="session")
def sync_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    data = tmp_path_factory.mktemp("sync-server")
    url = sqlite_url(data)
    cli("--database-url", url, "init")
    server = LocalServer(url, data / "server.log").start()
    yield server
    server.stop()


@pytest.fixture
def new_server(tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Callable[..., LocalServer]]:
    """Servers of the test's own (on databases of their own), stopped at its end."""
    made: list[LocalServer] = []

    def make(faketime: str | None = None) -> LocalServer:
        data = tmp_path_factory.mktemp("own-server")
        url = sqlite_url(data)
        cli("--database-url", url, "init")
        server = LocalServer(url, data / "server.log", faketime)
        made.append(server)
        return server.start()

    yield make
    for server in made:
        server.stop()


@pytest.fixture
def ports(store: Store) -> Iterator[SyncPorts]:
    server = HttpSyncServer(connect_timeout_s=5, read_timeout_s=30)
    yield SyncPorts(server, KeyringTokenStore(store.data_dir, use_keyring=False))
    server.close()


@pytest.fixture
def till_name() -> str:
    """A name of its own for each test's till on the shared server."""
    return f"Caisse {uuid.uuid4().hex[:10]}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The sync campaign's figures (test_campaign.py), shown whether or not `-s` is
    given."""
    lines = [str(value) for outcome in ("passed", "failed")
             for report in terminalreporter.stats.get(outcome, [])
             for name, value in getattr(report, "user_properties", [])
             if name == "sync campaign"]
    if lines:
        terminalreporter.section("sync campaign")
        for line in lines:
            terminalreporter.write_line(line)
