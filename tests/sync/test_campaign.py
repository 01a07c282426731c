"""The sync campaign: two tills, each selling through its services (sales paid in cash,
by card or in two methods, orders paid later, cancellations, returns, cash put in, a
change of cashier, a Z and the next day's float) and syncing through a fault proxy of
its own, which drops requests, loses replies after the server committed, delivers
copies and late copies (after later requests), and slows replies. Behind the proxies,
two `caisse-server` processes on one PostgreSQL database, each proxy taking them in
turn; during the campaign each server is SIGKILLed in the middle of a batch and started
again, and the database is cut off (a TCP proxy between the servers and PostgreSQL) in
the middle of a batch until the servers have answered 503 a few times, then back.

Then the server holds every record the tills made exactly once (by record id, and by
till and sequence, with the payload sent), its orders and closures count each once,
neither till has anything waiting or rejected, and every journal chain of each till is
acknowledged at the till's head, hash for hash, flagged nowhere.

Fast by default (1,000 records, some 30 s on the 2-core build machine); the acceptance
run, with three kills of each server and three outages:

    CAISSE_SYNC_CAMPAIGN_RECORDS=10000 python3 dev.py test tests/sync/test_campaign.py

(`CAISSE_SYNC_CAMPAIGN_SEED` draws other faults.) The figures (records, faults by kind,
rounds, kills, outages) are printed at the end of the run's summary, with or without
`-s`.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from pos_app.adapters.token_store import KeyringTokenStore
from pos_app.bootstrap import Store, demo_document, open_store
from pos_app.services import importing, setup, sync
from pos_app.services.sync import SyncPorts
from sync.client.http import HttpSyncServer
from sync.server.database import open_engine
from sync.server.migrate import upgrade
from sync.server.tills import make_enrol_code
from tests.server.support import postgresql_admin_url, postgresql_database, postgresql_required
from tests.sync.campaign import Driver, Pace
from tests.sync.checks import (
    check_journal_acknowledged_at_its_heads,
    check_nothing_waits,
    check_orders_and_closures_counted_once,
    check_records_held_once,
)
from tests.sync.faults import Faults, Proxy
from tests.sync.support import LocalServer, ShiftedClock, wait_for

RECORDS = int(os.environ.get("CAISSE_SYNC_CAMPAIGN_RECORDS", "1000"))
SEED = int(os.environ.get("CAISSE_SYNC_CAMPAIGN_SEED", "20261201"))
FAULTS = Faults(drop=0.04, lose_reply=0.04, duplicate=0.04, replay_later=0.04, slow=0.1,
                slow_s=0.3)
# Each cycle kills each server once and cuts the database off once.
CYCLES = max(1, round(RECORDS / 3000))
DEADLINE_S = 120 + RECORDS * 0.05
FAULT_DEADLINE_S = 60.0  # for a batch to be with a server, or 503s to come back


@pytest.fixture
def database() -> Iterator[str]:
    admin = postgresql_admin_url()
    if admin is None:
        message = "PostgreSQL does not answer on 127.0.0.1:5432 (user root or postgres)"
        if postgresql_required():
            pytest.fail(message + ", and CI needs it")
        pytest.skip(message)
    with postgresql_database(admin) as url:
        yield url


def through(url: str, port: int, name: str) -> str:
    """The database's URL through the proxy on `port`, its connections named `name`
    (PostgreSQL then tells which server holds a transaction open)."""
    return make_url(url).set(port=port, query={"application_name": name}).render_as_string(
        hide_password=False)


def new_till(template: Path, data_dir: Path, name: str, code: str) -> Store:
    shutil.copytree(template, data_dir)
    store = open_store(data_dir, ShiftedClock())
    setup.initialise_till(store.context, name, code, "Accueil", f"CD{code}-")
    importing.import_data(store.context, None, demo_document())
    return store


def batch_open(engine: Engine, server: str) -> bool:
    """Whether `server` is in the middle of writing a batch of records: a transaction
    of its own open, its last statement an insert of a record or of what it feeds."""
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
            " AND xact_start IS NOT NULL AND state <> 'idle'"
            " AND query ~ '^INSERT INTO (records|orders|closures)'"), {"name": server}
        ).scalar_one())


class Campaign:
    """The campaign's servers, database proxy and tills, and the faults it brought."""

    def __init__(self, database: str, template: Path, work: Path, cleanup: ExitStack) -> None:
        self.started = time.monotonic()
        self.direct = open_engine(database)
        cleanup.callback(self.direct.dispose)
        upgrade(self.direct)
        address = make_url(database)
        self.db_proxy = Proxy((address.host or "127.0.0.1", address.port or 5432), http=False)
        cleanup.callback(self.db_proxy.close)
        self.servers = {name: LocalServer(through(database, self.db_proxy.port,
                                                  f"campaign-{name}"),
                                          work / f"server-{name}.log") for name in "ab"}
        for server in self.servers.values():
            server.start(wait=False)
            cleanup.callback(server.stop)
        for server in self.servers.values():
            server.ready()
        self.stopping = threading.Event()
        cleanup.callback(self.stopping.set)
        self.plan = ["kill a", "database", "kill b"] * CYCLES
        self.pace = Pace(len(self.plan))
        self.drivers = [self._till(template, work, index, cleanup) for index in range(2)]
        self.kills = self.outages = 0

    def _till(self, template: Path, work: Path, index: int, cleanup: ExitStack) -> Driver:
        code = str(3 + index)
        name = f"Campagne {code}"
        store = new_till(template, work / f"till-{code}", name, code)
        cleanup.callback(store.close)
        first, second = self.servers["ab"[index]], self.servers["ab"[1 - index]]
        proxy = Proxy(first.address, also=(second.address,), seed=SEED + index)
        cleanup.callback(proxy.close)
        client = HttpSyncServer(connect_timeout_s=5, read_timeout_s=15)
        cleanup.callback(client.close)
        ports = SyncPorts(client, KeyringTokenStore(store.data_dir, use_keyring=False))
        sync.enrol(store.context, ports, proxy.url, make_enrol_code(self.direct, name).code,
                   None, "0.1.0")
        proxy.faults = FAULTS
        return Driver(name, store, ports, proxy, RECORDS // 2, self.pace, SEED + 10 * index,
                      self.stopping)

    def made(self) -> int:
        return sum(driver.records() for driver in self.drivers)

    def answered(self, status: str) -> int:
        return sum(driver.proxy.counts[f"answered {status}"] for driver in self.drivers)

    def run(self) -> None:
        """The tills sell and sync; each fault of the plan comes once they made its
        share of the records; then everything they made must reach the server."""
        for driver in self.drivers:
            driver.start()
        for index, fault in enumerate(self.plan):
            threshold = RECORDS * (index + 1) // (len(self.plan) + 1)
            self._until(lambda due=threshold: self.made() >= due, DEADLINE_S,
                        f"{threshold} records made", every_s=0.05)
            if fault == "database":
                self.cut_the_database()
            else:
                self.kill_mid_batch(fault[-1])
            self.pace.one_done()
        self._until(lambda: all(driver.synced.is_set() for driver in self.drivers),
                    DEADLINE_S, "both tills to have sent everything", every_s=0.05)
        for driver in self.drivers:
            driver.join(30)

    def kill_mid_batch(self, name: str) -> None:
        self._until(lambda: batch_open(self.direct, f"campaign-{name}"), FAULT_DEADLINE_S,
                    f"a batch with server {name}")
        self.servers[name].kill()
        self.kills += 1
        self.servers[name].start()

    def cut_the_database(self) -> None:
        # Cut off while a server writes a batch: that batch is answered retry_later (or
        # 503), and nothing of it is kept half; then until 503s come back.
        self._until(lambda: any(batch_open(self.direct, f"campaign-{name}")
                                for name in self.servers), FAULT_DEADLINE_S,
                    "a batch with a server")
        before = self.answered("503")
        self.db_proxy.down()
        self._until(lambda: self.answered("503") >= before + 6, FAULT_DEADLINE_S,
                    "the servers to answer 503")
        self.db_proxy.up()
        self.outages += 1

    def _until(self, condition: Callable[[], bool], deadline_s: float, what: str,
               every_s: float = 0.005) -> None:
        """`wait_for`, cut short (and failed) by a till whose thread broke."""
        wait_for(lambda: condition() or self.stopping.is_set(), deadline_s, what, every_s)
        for driver in self.drivers:
            if driver.error is not None:
                raise AssertionError(f"{driver.name} failed") from driver.error


def test_two_tills_sync_every_record_once_through_faults_kills_and_an_outage(
        database: str, empty_template: Path, tmp_path: Path,
        record_property: Callable[[str, object], None]) -> None:
    with ExitStack() as cleanup:
        campaign = Campaign(database, empty_template, tmp_path, cleanup)
        campaign.run()
        # The copies still held back reach the servers now, after everything else; then
        # one clean round each: nothing new goes, nothing is flagged.
        for driver in campaign.drivers:
            driver.proxy.flush_late()
            driver.proxy.faults = Faults()
        for driver in campaign.drivers:
            last = sync.sync_once(driver.ctx, driver.ports)
            assert last.reached and (last.records.sent, last.journal.entries) == (0, 0), last

        figures = campaign_figures(campaign)
        record_property("sync campaign", figures)
        print(figures)
        for driver in campaign.drivers:
            check_nothing_waits(driver.store)
            check_records_held_once(campaign.direct, driver.store)
            heads = check_journal_acknowledged_at_its_heads(campaign.direct, driver.store)
            assert {"order", "event", "closure"} <= set(heads)
            check_orders_and_closures_counted_once(campaign.direct, driver.store)
        assert campaign.answered("500") == 0
        assert (campaign.kills, campaign.outages) == (2 * CYCLES, CYCLES)
        assert campaign.made() >= RECORDS


def campaign_figures(campaign: Campaign) -> str:
    drivers = campaign.drivers
    faults: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    for driver in drivers:
        faults.update(driver.proxy.counts)
        actions.update(driver.actions)
        failures.update(driver.failures)
    rounds = sum(driver.rounds for driver in drivers)
    failed = sum(driver.failed_rounds for driver in drivers)
    answers = Counter({key: value for key, value in faults.items()
                       if key.startswith("answered")})
    return "\n".join([
        f"sync campaign (seed {SEED}): {campaign.made()} records from {len(drivers)} tills"
        f" in {time.monotonic() - campaign.started:.0f} s; {rounds} rounds, {failed}"
        f" failed ({_listed(failures)}); {campaign.kills} server kills mid-batch,"
        f" {campaign.outages} database outages"
        f" ({campaign.db_proxy.counts['refused']} database connections refused)",
        f"  faults injected: {_listed(faults, _INJECTED)}",
        f"  requests: {_listed(faults, _TRAFFIC)}",
        f"  answers: {_listed(answers)}",
        f"  actions: {_listed(actions)}",
    ])


_INJECTED = ("dropped", "replies lost", "duplicated", "held for later", "replayed", "slowed",
             "refused", "server unreachable", "no reply (server gone)")
_TRAFFIC = ("requests", "forwarded", "client errors")


def _listed(counts: Counter[str], keys: tuple[str, ...] | None = None) -> str:
    chosen = keys if keys is not None else tuple(sorted(counts))
    return ", ".join(f"{key} {counts[key]}" for key in chosen if counts[key]) or "none"
