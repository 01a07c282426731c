"""`caisse-server`'s commands: init and its migrations, enrol codes, the list of tills,
revocation, orders and closures, in text and in JSON. The installed command runs as a process
where that matters (its entry point, two at once); the others call its `main` here,
which is the same code without a second start of Python."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import httpx
import pytest
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from sync.server import admins
from sync.server.cli import main
from sync.server.database import URL_VARIABLE, open_engine
from sync.server.migrate import SCHEMA_HEAD, alembic_config, upgrade
from sync.server.schema import metadata
from tests.server.support import SERVER, ServerProcess, Till, cli, enrol


def command(*arguments: str) -> tuple[int, str, str]:
    """`caisse-server ARGUMENTS` run here: its exit status, output and error output."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(arguments))
    return status, out.getvalue(), err.getvalue()


def printed(*arguments: str) -> str:
    status, out, err = command(*arguments)
    assert status == 0, out + err
    return out


def as_json(*arguments: str) -> object:
    return json.loads(printed(*arguments, "--json"))


def refused(*arguments: str) -> str:
    status, out, err = command(*arguments)
    assert status == 1, out + err
    return err


def test_init_creates_the_database_then_finds_it_current(tmp_path: Path) -> None:
    first = cli("--data-dir", str(tmp_path), "init", "--demo")
    assert "created (schema" in first.stdout and "Demo:" in first.stdout
    assert (tmp_path / "caisse-server.sqlite3").exists()
    again = as_json("--data-dir", str(tmp_path), "init")
    assert again == {"database": f"sqlite:///{tmp_path}/caisse-server.sqlite3",
                     "schema": SCHEMA_HEAD, "done": "already current"}


def test_commands_other_than_init_create_nothing(tmp_path: Path) -> None:
    for words in (["tills"], ["orders"], ["enrol-code", "--till", "x"], ["revoke", "x"],
                  ["admin-token"], ["run"]):
        assert "run `caisse-server init` first" in refused("--data-dir", str(tmp_path),
                                                           *words)
    assert list(tmp_path.iterdir()) == []
    assert "not both" in refused("--data-dir", str(tmp_path), "tills", "--database-url",
                                 "sqlite:///x")


def test_a_database_of_the_first_schema_is_migrated_by_init_and_keeps_its_tills(
        tmp_path: Path) -> None:
    from alembic import command

    engine = open_engine(f"sqlite:///{tmp_path}/caisse-server.sqlite3")
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO tills (id, name, public_key, key_id, token_hash, version,"
            " enrolled_at) VALUES ('t1', 'Caisse 1', 'k', 'k', 'h', '0.1.0',"
            " '2026-11-30T09:00:00Z')"))
    engine.dispose()
    migrated = as_json("--data-dir", str(tmp_path), "init")
    assert migrated == {"database": f"sqlite:///{tmp_path}/caisse-server.sqlite3",
                        "schema": SCHEMA_HEAD, "done": "migrated from schema 0001"}
    assert [till["name"] for till in as_json("--data-dir", str(tmp_path), "tills")] == [
        "Caisse 1"]


def test_an_admin_token_is_printed_once_kept_hashed_and_revoked_with_the_others(
        tmp_path: Path) -> None:
    cli("--data-dir", str(tmp_path), "init")
    where = ("--data-dir", str(tmp_path))
    made = as_json(*where, "admin-token", "--label", "Gérante du lac")
    assert isinstance(made, dict) and made["label"] == "Gérante du lac"
    token = made["token"]
    text_output = printed(*where, "admin-token")
    assert "status page" in text_output and "'administrateur'" in text_output
    engine = open_engine(f"sqlite:///{tmp_path}/caisse-server.sqlite3")
    try:
        with engine.connect() as connection:
            kept = connection.execute(text("SELECT token_hash, label FROM admin_tokens"
                                           " ORDER BY id")).all()
        assert [label for _, label in kept] == ["Gérante du lac", "administrateur"]
        assert all(token not in stored for stored, _ in kept)  # only its SHA-256
        assert admins.open_session(engine, token) is not None
        assert as_json(*where, "admin-token", "--revoke-all") == {"revoked": 2}
        assert admins.open_session(engine, token) is None
    finally:
        engine.dispose()
    assert "1 to 100 characters" in refused(*where, "admin-token", "--label", " ")


def test_a_database_of_a_newer_program_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    cli("--data-dir", str(tmp_path), "init")
    engine = open_engine(f"sqlite:///{tmp_path}/caisse-server.sqlite3")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0042'"))
    for words in (["init"], ["tills"]):
        assert "made by a newer caisse-server" in refused("--data-dir", str(tmp_path), *words)
    serving = cli("--data-dir", str(tmp_path), "run", "--port", "1", check=False)
    assert serving.returncode == 1 and "made by a newer caisse-server" in serving.stderr
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")
                                  ).scalar_one() == "0042"
    engine.dispose()


def test_run_refuses_a_database_not_migrated_yet(
        new_postgresql_database: Callable[[], str]) -> None:
    url = new_postgresql_database()
    assert "run `caisse-server init` first" in refused("--database-url", url, "run")


def test_two_inits_at_once_migrate_once(new_postgresql_database: Callable[[], str]) -> None:
    url = new_postgresql_database()
    runs = [subprocess.Popen([SERVER, "--database-url", url, "init"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sorted("created" in out for out, _ in outputs) == [False, True]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migrations_make_the_schema_the_code_declares(
        kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path}/server.sqlite3" if kind == "sqlite"
           else request.getfixturevalue("new_postgresql_database")())
    engine = open_engine(url)
    try:
        assert upgrade(engine) == (None, SCHEMA_HEAD)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
        assert differences == []
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head == SCHEMA_HEAD


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0004_indexes_the_records_held_by_their_order_and_init_publishes_them(
        kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path}/server.sqlite3" if kind == "sqlite"
           else request.getfixturevalue("new_postgresql_database")())
    engine = open_engine(url)
    try:
        alembic_command.upgrade(alembic_config(engine), "0003")
        till = Till("Caisse d'avant")
        held = {kind: (till.record(kind), expected) for kind, expected in (
            ("order.validated", "id"), ("payment.taken", "order_id"),
            ("refund.given", "order_id"), ("order.cancelled", "order_id"),
            ("order.returned", "order_id"), ("closure.made", None),
            ("customer.saved", None))}
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO tills (id, name, public_key, key_id, token_hash, version,"
                " enrolled_at) VALUES (:id, :name, :key, :key_id, 'h', '0.1', 'now')"),
                {"id": till.id, "name": till.name, "key": till.public_key,
                 "key_id": till.key_id})
            for record, _ in held.values():
                connection.execute(text(
                    "INSERT INTO records (record_id, till_id, till_seq, schema, kind,"
                    " aggregate_id, created_at, payload, content_hash, received_at)"
                    " VALUES (:r, :t, :s, 1, :k, :a, :c, :p, 'h', 'now')"),
                    {"r": record["record_id"], "t": till.id, "s": record["till_seq"],
                     "k": record["kind"], "a": record["aggregate_id"],
                     "c": record["created_at"], "p": json.dumps(record["payload"])})
            order = held["order.validated"][0]["payload"]
            connection.execute(text(
                "INSERT INTO orders (id, till_id, number, total_cents, updated_at)"
                " VALUES (:id, :t, :n, :c, 'now')"),
                {"id": order["id"], "t": till.id, "n": order["number"],
                 "c": order["total_cents"]})
        # `init` migrates, then publishes the orders held before for the tills to pull.
        status, out, _ = command("--database-url", url, "--json", "init")
        assert status == 0, out
        assert json.loads(out)["orders_published"] == 1
        with engine.connect() as connection:
            found = dict(connection.execute(text(
                "SELECT kind, order_id FROM records")).all())
            published = connection.execute(text(
                "SELECT id, data FROM reference_items WHERE kind = 'order'")).all()
        assert found == {kind: None if field is None else record["payload"][field]
                         for kind, (record, field) in held.items()}
        assert [(row.id, json.loads(row.data)["number"]) for row in published] == [
            (order["id"], order["number"])]
        status, out, _ = command("--database-url", url, "--json", "init")
        assert "orders_published" not in json.loads(out)  # once
    finally:
        engine.dispose()


def test_the_url_may_come_from_the_environment(
        sqlite_server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_VARIABLE, sqlite_server_url)
    assert isinstance(as_json("tills"), list)


def test_an_administrator_follows_tills_their_records_journal_and_orders(
        client: httpx.Client, server: ServerProcess, database_url: str,
        engine: Engine) -> None:
    name = "Caisse terrasse " + Till("x").id[-6:]
    made = as_json("--database-url", database_url, "enrol-code", "--till", name)
    assert isinstance(made, dict) and made["till"] == name
    till = Till(name)
    enrolled = client.post("/v1/enrol", json=till.enrol_request(made["code"]))
    till.token = enrolled.json()["token"]
    order = till.record(id=till.id, number="CD7-000001", total_cents=2500)
    client.post("/v1/records", headers=till.auth, json={"records": [
        order, till.record("payment.taken", order_id=till.id, order_number="CD7-000001",
                           amount_cents=2500)]})
    entries = till.entries(2)
    client.post("/v1/journal", headers=till.auth, json={"entries": [
        entries[0], {**entries[1], "amount_cents": 9}]})

    listed = as_json("--database-url", database_url, "tills")
    assert isinstance(listed, list)
    mine = next(item for item in listed if item["id"] == till.id)
    assert (mine["name"], mine["records"], mine["revoked"]) == (name, 2, False)
    assert [(h["chain"], h["number"]) for h in mine["journal_heads"]] == [("order", 1)]
    assert [f["reason"] for f in mine["flags"]] == [
        "entry 2: its content does not match its hash"]
    text_listing = printed("--database-url", database_url, "tills")
    assert f"{name} ({till.id})" in text_listing and "FLAGGED order entry 2" in text_listing

    orders = as_json("--database-url", database_url, "orders", "--till", name)
    assert orders == [{"id": till.id, "number": "CD7-000001", "till": name,
                       "till_id": till.id, "created_at": "2026-07-11T08:00:00Z",
                       "total_cents": 2500, "paid_cents": 2500, "returned_cents": 0,
                       "status": "active"}]
    assert "total 25,00 €, paid 25,00 €" in printed("--database-url", database_url, "orders",
                                                     "--till", name)

    revoked = as_json("--database-url", database_url, "revoke", name)
    assert isinstance(revoked, dict) and revoked["id"] == till.id
    assert client.get("/v1/ping", headers=till.auth).status_code == 401
    assert "no till in use" in refused("--database-url", database_url, "revoke", name)
    # The name is free again for the till that replaces it.
    assert enrol(client, database_url, name).name == name


def test_an_administrator_lists_the_closures_held(
        client: httpx.Client, server: ServerProcess, database_url: str) -> None:
    till = enrol(client, database_url)
    days = [till.record("closure.made", kind="z", number=number, takings_cents=10_000 * number,
                        cash_gap_cents=-150 if number == 2 else 0,
                        at=f"2026-07-1{number}T18:00:00Z") for number in (1, 2, 3)]
    month = till.record("closure.made", kind="month", number=1, at="2026-07-13T18:00:00Z")
    answer = client.post("/v1/records", headers=till.auth, json={"records": [*days, month]})
    assert answer.status_code == 200, answer.text

    zs = as_json("--database-url", database_url, "closures", "--till", till.name,
                 "--kind", "z")
    assert isinstance(zs, list)
    assert [(z["number"], z["made_at"], z["takings_cents"], z["cash_gap_cents"])
            for z in zs] == [(3, "2026-07-13T18:00:00Z", 30_000, 0),
                             (2, "2026-07-12T18:00:00Z", 20_000, -150),
                             (1, "2026-07-11T18:00:00Z", 10_000, 0)]
    assert {z["till"] for z in zs} == {till.name}
    every = as_json("--database-url", database_url, "closures", "--till", till.name)
    assert isinstance(every, list) and len(every) == 4
    said = printed("--database-url", database_url, "closures", "--till", till.name,
                   "--limit", "2")
    assert sorted(line.split()[0] for line in said.splitlines()) == ["MONTH", "Z"]
    assert "takings 200,00 €, cash gap -1,50 €" in printed(
        "--database-url", database_url, "closures", "--till", till.name, "--kind", "z")
    assert "--limit is 1 to 10000" in refused("--database-url", database_url, "closures",
                                              "--limit", "0")
