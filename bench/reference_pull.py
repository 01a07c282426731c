"""A venue group's reference data through the server: `caisse-server import` of the file
(300,000 products, 50,000 customers; bench/import_scale.py makes it), then a till's
pull of all of it while the till sells.

Each side runs in a process of its own whose peak resident memory (VmHWM) is read at its
end: `caisse-server import FILE` on a new SQLite database, then, with `caisse-server
run` serving it on 127.0.0.1, a till (a copy of a new store with the demo venue) that
enrols and runs `pull_changes` on a thread while its main thread sells one ride after
another, each sale's commit timed; then as many sales with nothing else going on.
Baselines, in the same run: the server's rows (`reference_items`, `reference_barcodes`)
and the till's rows (bench/import_scale.py's) written by bare sqlite3 executemany, one
statement per table, in one transaction.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import import_scale
from bench.timing import Measure, Samples

TARGET_SECONDS = 60.0  # for the full file; the quick run's is cut in proportion
TARGET_RSS_MB = 300.0
SERVER = Path(sys.executable).with_name("caisse-server")

# `caisse-server import`, then the child's own peak of resident memory (VmHWM).
_IMPORT_AND_PEAK = (
    "import sys\n"
    "from sync.server.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "with open('/proc/self/status', encoding='ascii') as lines:\n"
    "    print(next(line for line in lines if line.startswith('VmHWM:')), file=sys.stderr)\n"
    "sys.exit(status)\n")

# The till: enrol, pull on a thread while selling, then sell idle; JSON on stdout.
_TILL = '''
import json, sys, threading, time
from pathlib import Path
from pos_app.adapters.token_store import KeyringTokenStore
from pos_app.bootstrap import demo_document, open_store
from pos_app.domain.basket import Basket
from pos_app.services import importing, selling, sync
from pos_app.services.selling import PaymentRequest
from pos_app.services.staff import sign_in
from sync.client.http import HttpSyncServer

data_dir, url, code = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
store = open_store(data_dir)
ctx = store.context
importing.import_data(ctx, None, demo_document())
server = HttpSyncServer(connect_timeout_s=5, read_timeout_s=120)
ports = sync.SyncPorts(server, KeyringTokenStore(data_dir, use_keyring=False))
sync.enrol(ctx, ports, url, code, None, "bench")
cashier = sign_in(ctx, "caissier", "1234")

def sale():
    basket = Basket()
    selling.add_product(ctx, basket, "balade-poney-1h")
    started = time.perf_counter()
    selling.sell(ctx, cashier, basket, [PaymentRequest("ESP", 1400)])
    return time.perf_counter() - started

done = {}
def pull():
    started = time.perf_counter()
    done["pulled"] = sync.pull_changes(ctx, ports)
    done["seconds"] = time.perf_counter() - started

puller = threading.Thread(target=pull)
puller.start()
during = []
while puller.is_alive():
    during.append(sale())
    time.sleep(0.05)  # a sale every 50 ms or so: a busy till
puller.join()
idle = []
for _ in range(max(20, len(during))):
    idle.append(sale())
    time.sleep(0.05)
with open("/proc/self/status", encoding="ascii") as lines:
    peak = next(line for line in lines if line.startswith("VmHWM:"))
pulled = done["pulled"]
print(json.dumps({"seconds": done["seconds"], "written": pulled.written,
                  "pages": pulled.pages, "during": during, "idle": idle,
                  "peak_kb": int(peak.split()[1])}))
store.close()
server.close()
'''


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _server(*arguments: str) -> Any:
    done = subprocess.run([str(SERVER), *arguments], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"caisse-server {arguments}: {done.stdout}{done.stderr}")
    return json.loads(done.stdout) if "--json" in arguments else done.stdout


def server_import(data_dir: Path, path: Path) -> tuple[float, float, dict[str, Any]]:
    """`caisse-server import` in a new process: seconds, peak RSS in MB, its answer."""
    command = [sys.executable, "-c", _IMPORT_AND_PEAK, "--data-dir", str(data_dir),
               "--json", "import", str(path)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"caisse-server import failed: {done.stdout}{done.stderr}")
    peak_kb = int(done.stderr.split("VmHWM:")[1].split()[0])
    return seconds, peak_kb / 1024, json.loads(done.stdout)


def server_bare(data_dir: Path, database: Path) -> float:
    """The rows the import wrote, read back beforehand, written again by executemany
    into a new database of the same schema."""
    source = sqlite3.connect(database)
    items = source.execute("SELECT kind, id, cursor, data FROM reference_items").fetchall()
    barcodes = source.execute("SELECT code, product_id FROM reference_barcodes").fetchall()
    source.close()
    _server("--data-dir", str(data_dir), "init")
    db = sqlite3.connect(data_dir / "caisse-server.sqlite3", isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO reference_items (kind, id, cursor, data)"
                       " VALUES (?, ?, ?, ?)", items)
        db.executemany("INSERT INTO reference_barcodes (code, product_id) VALUES (?, ?)",
                       barcodes)
        db.execute("UPDATE reference_counter SET cursor = ? WHERE id = 1", (len(items),))
        db.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        db.close()


def serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([str(SERVER), "--data-dir", str(data_dir), "run", "--port",
                                str(port), "--log-level", "warning"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/ping", timeout=1).status_code == 401:
                return process, url
        except httpx.TransportError:
            time.sleep(0.05)  # polled with a deadline: the port opens when it is ready
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError("the server did not start")


def measure(products: int, customers: int) -> list[Measure]:
    path = import_scale.build_file(products, customers)
    template = import_scale.new_store()
    rows = import_scale.bare_rows(path)
    seconds_target = TARGET_SECONDS * products / 300_000
    with tempfile.TemporaryDirectory(prefix="bench-pull-") as scratch:
        server_dir = Path(scratch) / "server"
        _server("--data-dir", str(server_dir), "init")
        import_seconds, import_peak, said = server_import(server_dir, path)
        assert said["items"]["products"] == products, said
        bare_server = server_bare(Path(scratch) / "bare-server",
                                  server_dir / "caisse-server.sqlite3")
        process, url = serve(server_dir)
        try:
            code = _server("--data-dir", str(server_dir), "--json", "enrol-code", "--till",
                           "Bench")["code"]
            till_dir = Path(scratch) / "till"
            shutil.copytree(template, till_dir)
            done = subprocess.run([sys.executable, "-c", _TILL, str(till_dir), url, code],
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"the till's pull failed: {done.stdout}{done.stderr}")
            till = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        bare_dir = Path(scratch) / "bare-till"
        shutil.copytree(template, bare_dir)
        bare_till = import_scale.write_bare(bare_dir, rows)
    pull_peak = till["peak_kb"] / 1024
    during, idle = Samples(till["during"]), Samples(till["idle"])
    size = f"{products:,} products + {customers:,} customers"
    return [
        Measure(f"caisse-server import, {size} (peak RSS {import_peak:.0f} MB)",
                Samples([import_seconds]), Samples([bare_server]),
                "bare sqlite3 executemany of the same server rows, one transaction",
                f"< {seconds_target:g} s, RSS < {TARGET_RSS_MB:g} MB",
                import_seconds < seconds_target and import_peak < TARGET_RSS_MB),
        Measure(f"till pull of it, {till['pages']} pages, {till['written']:,} items, while"
                f" selling (peak RSS {pull_peak:.0f} MB)",
                Samples([till["seconds"]]), Samples([bare_till]),
                "bare sqlite3 executemany of the same till rows, one transaction",
                f"< {seconds_target:g} s, RSS < {TARGET_RSS_MB:g} MB",
                till["seconds"] < seconds_target and pull_peak < TARGET_RSS_MB),
        Measure(f"sale commit during that pull ({len(till['during'])} sales)", during, idle,
                "the same sales, idle", "p99 < 500 ms", during.p99_ms < 500),
    ]
