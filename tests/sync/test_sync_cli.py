"""`caisse enrol`, `caisse sync now` and `caisse sync status` as real processes, with a
real `caisse-server`: the three commands of an enrolment, a server down and back, a
revoked till, the server's clock, and bad input said in a sentence."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pos_app.adapters.token_store import TOKEN_FILE
from pos_app.bootstrap import StoreAccess, open_store
from pos_app.domain.journal import Chain, Event
from tests.server.support import free_port
from tests.sync.stub import Reply, stub_server
from tests.sync.support import LocalServer, answer, caisse

CASHIER = ("caissier", "1234")
ORDER = json.dumps({"lines": [{"product": "balade-poney-1h"}],
                    "payments": [{"method": "ESP", "amount": "14"}]})
# What that order's command records: the cashier's sign-in, the session it opens, the
# order and its payment.
RECORDED = 4


def text(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command's sentences (no --json)."""
    return subprocess.run([sys.executable, "-m", "pos_app", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, timeout=120, check=False)


def local_heads(data_dir: Path) -> dict[str, int]:
    store = open_store(data_dir, access=StoreAccess.READ)
    try:
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            return {chain: head.number for chain, head in uow.journal.heads(till.id).items()
                    if chain != Chain.TRAINING}
    finally:
        store.close()


def events(data_dir: Path, event: Event) -> list[dict[str, Any]]:
    store = open_store(data_dir, access=StoreAccess.READ)
    try:
        with store.context.uow(write=False) as uow:
            till = uow.tills.local()
            assert till is not None
            bodies = [json.loads(row[5]) for row in uow.journal.rows(till.id, Chain.EVENT)]
    finally:
        store.close()
    return [body for body in bodies if body["event"] == event.value]


def test_enrol_sell_and_sync_now_from_the_command_line(
        data_dir: Path, sync_server: LocalServer, till_name: str) -> None:
    code = sync_server.enrol_code(till_name)
    enrolled = answer(caisse(data_dir, "enrol", sync_server.url, code))
    assert (enrolled["till_name"], enrolled["server_url"]) == (till_name, sync_server.url)
    assert enrolled["token"].startswith("file ") and (data_dir / TOKEN_FILE).exists()
    assert (data_dir / TOKEN_FILE).stat().st_mode & 0o777 == 0o600
    answer(caisse(data_dir, "order", "create", staff=CASHIER, stdin=ORDER))
    before = answer(caisse(data_dir, "sync", "status"))
    assert before["records"]["waiting"] == RECORDED and before["journal"]["waiting"] > 0

    now = answer(caisse(data_dir, "sync", "now"))
    assert (now["reached"], now["sent"], now["rejected"], now["error"]) == (
        True, RECORDED, [], None)
    heads = local_heads(data_dir)
    assert {ack["chain"]: ack["number"] for ack in now["acknowledged"]} == heads
    held = sync_server.till(till_name)
    assert held["records"] == RECORDED
    assert {head["chain"]: head["number"] for head in held["journal_heads"]} == heads
    orders = sync_server.cli("orders", "--till", till_name)
    assert [(order["total_cents"], order["paid_cents"]) for order in orders] == [(1400, 1400)]

    again = answer(caisse(data_dir, "sync", "now"))
    assert (again["sent"], again["journal_entries"]) == (0, 0)
    assert sync_server.till(till_name)["records"] == RECORDED
    status = answer(caisse(data_dir, "sync", "status"))
    assert status["online"] and status["records"] == {
        "waiting": 0, "sent": RECORDED, "rejected": 0, "oldest_waiting": None}
    assert {chain["chain"]: chain["acknowledged"]["number"]
            for chain in status["journal"]["chains"]} == heads
    said = text(data_dir, "sync", "status")
    assert said.returncode == 0, said.stderr
    assert "En ligne / online" in said.stdout
    assert f"0 en attente / waiting, {RECORDED} envoyés / sent, 0 rejetés / rejected" in said.stdout


def test_a_server_down_is_said_and_nothing_is_lost(
        data_dir: Path, new_server: Callable[..., LocalServer], till_name: str) -> None:
    server = new_server()
    answer(caisse(data_dir, "enrol", server.url, server.enrol_code(till_name)))
    server.stop()
    answer(caisse(data_dir, "order", "create", staff=CASHIER, stdin=ORDER))
    down = answer(caisse(data_dir, "sync", "now"), status=1)
    assert not down["reached"] and "cannot be reached" in down["error"]
    said = text(data_dir, "sync", "now")
    assert said.returncode == 1 and "Traceback" not in said.stderr
    assert "Serveur injoignable / server unreachable" in said.stdout
    assert f"Rien n'est perdu / nothing is lost: {RECORDED} enregistrements" in said.stdout
    status = answer(caisse(data_dir, "sync", "status"))
    assert not status["online"] and status["offline_since"] is not None
    assert status["records"]["waiting"] == RECORDED
    assert "HORS LIGNE / OFFLINE depuis / since" in text(data_dir, "sync", "status").stdout

    server.start()
    back = answer(caisse(data_dir, "sync", "now"))
    assert back["reached"] and back["sent"] == RECORDED
    assert answer(caisse(data_dir, "sync", "status"))["online"]
    assert server.till(till_name)["records"] == RECORDED


def test_a_revoked_till_is_refused_clearly_and_keeps_its_records(
        data_dir: Path, sync_server: LocalServer, till_name: str) -> None:
    answer(caisse(data_dir, "enrol", sync_server.url, sync_server.enrol_code(till_name)))
    sync_server.cli("revoke", till_name)
    answer(caisse(data_dir, "order", "create", staff=CASHIER, stdin=ORDER))
    said = text(data_dir, "sync", "now")
    assert said.returncode == 1 and "Traceback" not in said.stderr
    assert "Ce poste n'est plus inscrit" in said.stdout and "revoked" in said.stdout
    status = answer(caisse(data_dir, "sync", "status"))
    assert status["records"]["waiting"] == RECORDED and "revoked" in status["last_error"]


def test_the_servers_clock_ten_minutes_off_is_journaled_once_and_shown(
        data_dir: Path, sync_server: LocalServer, till_name: str) -> None:
    answer(caisse(data_dir, "enrol", sync_server.url, sync_server.enrol_code(till_name)))
    assert events(data_dir, Event.SERVER_CLOCK_OFFSET) == []
    ahead = answer(caisse(data_dir, "sync", "now", faketime="+10m"))
    assert -610 <= ahead["clock_offset_seconds"] <= -590
    answer(caisse(data_dir, "sync", "now", faketime="+10m"))
    noted = events(data_dir, Event.SERVER_CLOCK_OFFSET)
    assert len(noted) == 1 and -610 <= noted[0]["offset_seconds"] <= -590
    status = answer(caisse(data_dir, "sync", "status"))
    assert status["clock"]["off"] and status["clock_off"]
    said = text(data_dir, "sync", "status").stdout
    assert "HORLOGE / CLOCK: le serveur est en retard de / the server is behind by" in said


def test_bad_input_is_said_in_a_sentence_and_enrols_nothing(
        data_dir: Path, sync_server: LocalServer) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    cases = [
        (("enrol", closed, "ABCDE-FGHJK"), "Serveur injoignable"),
        (("enrol", sync_server.url, "WRONG-CODE0"), "code d'inscription refusé"),
        (("enrol", "ftp://127.0.0.1", "ABCDE"), "is not a server address"),
        (("enrol", "bonjour", "ABCDE"), "is not a server address"),
        (("enrol", sync_server.url, "ABCDE", "--ca-file", str(data_dir / "none.pem")),
         "n'est pas un fichier / is not a file"),
        (("sync", "now"), "not enrolled"),
    ]
    for arguments, sentence in cases:
        refused = answer(caisse(data_dir, *arguments), status=1)
        assert sentence in refused["error"], (arguments, refused)
    with stub_server(lambda *_request: Reply(body=b'{"till_id": "', cut_after=5)) as stub:
        torn = answer(caisse(data_dir, "enrol", stub.url, "ABCDE-FGHJK"), status=1)
    assert "server reply unreadable" in torn["error"]
    assert not answer(caisse(data_dir, "sync", "status"))["enrolled"]
    assert not (data_dir / TOKEN_FILE).exists()
