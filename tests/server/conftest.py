"""The server's fixtures: one real `caisse-server` process per database kind for the
whole session (tests keep apart by enrolling tills of their own), on SQLite in a
temporary directory and on a PostgreSQL database made for the session.

PostgreSQL's tests are skipped when no PostgreSQL answers on 127.0.0.1:5432, except in
CI (or with CAISSE_TEST_POSTGRESQL=required, which `python3 dev.py test` sets in CI),
where they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy import Engine

from sync.server.database import open_engine, sqlite_url
from tests.server.support import (
    ServerProcess,
    cli,
    postgresql_admin_url,
    postgresql_database,
    postgresql_required,
)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgresql_admin() -> str:
    url = postgresql_admin_url()
    if url is None:
        message = "PostgreSQL does not answer on 127.0.0.1:5432 (user root or postgres)"
        if postgresql_required():
            pytest.fail(message + ", and CI needs it")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def new_postgresql_database(postgresql_admin: str) -> Iterator[Callable[[], str]]:
    """Makes fresh databases, all dropped when the session ends."""
    with ExitStack() as made:
        yield lambda: made.enter_context(postgresql_database(postgresql_admin))


@pytest.fixture(scope="session")
def sqlite_server_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = sqlite_url(tmp_path_factory.mktemp("server-sqlite"))
    cli("--database-url", url, "init")
    return url


@pytest.fixture(scope="session")
def postgresql_server_url(new_postgresql_database: Callable[[], str]) -> str:
    url = new_postgresql_database()
    cli("--database-url", url, "init")
    return url


@pytest.fixture(scope="session")
def servers() -> Iterator[dict[str, ServerProcess]]:
    """Started on first use, stopped at the end of the session."""
    started: dict[str, ServerProcess] = {}
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_server_url")
    return url


@pytest.fixture
def server(database_url: str, servers: dict[str, ServerProcess],
           tmp_path_factory: pytest.TempPathFactory) -> ServerProcess:
    if database_url not in servers:
        log = tmp_path_factory.mktemp("server-log") / "server.log"
        servers[database_url] = ServerProcess(database_url, log)
    return servers[database_url]


@pytest.fixture
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    opened = open_engine(database_url)
    yield opened
    opened.dispose()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz campaigns' figures (test_fuzz.py), shown whether or not `-s` is given."""
    lines = [str(value) for outcome in ("passed", "failed")
             for report in terminalreporter.stats.get(outcome, [])
             for name, value in getattr(report, "user_properties", []) if name == "fuzz"]
    if lines:
        terminalreporter.section("server fuzz campaigns")
        for line in lines:
            terminalreporter.write_line(line)
