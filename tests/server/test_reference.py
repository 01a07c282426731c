"""Reference data on the server: imported (command line, POST /v1/import by an
administrator), numbered by one counter, pulled by tills (GET /v1/changes).

The session's server is shared by every test: each uses ids of its own and looks only at
the changes after the cursor it started from.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select

from pos_app.adapters.hashing import Argon2Hasher
from pos_app.domain.reference_fields import InvalidImport
from sync.contract import parse_changes
from sync.server import admins
from sync.server.database import open_engine, sqlite_url
from sync.server.reference import import_document
from sync.server.schema import reference_counter, reference_items
from tests.server.support import ServerProcess, cli, enrol


def tag() -> str:
    return uuid.uuid4().hex[:8]


def document(key: str, products: int = 3, secret: str = "4321") -> dict[str, Any]:
    return {
        "categories": [{"id": f"cat-{key}", "name": "Activités"}],
        "products": [{"id": f"p-{key}-{number}", "name": f"Balade {number}",
                      "category": f"cat-{key}", "vat_rate": "10",
                      "prices": [{"label": "Adulte", "amount": "14.00"}],
                      "barcodes": [f"{key}{number:05d}"]} for number in range(products)],
        "customers": [{"id": f"c-{key}", "kind": "person", "name": "Martin",
                       "first_name": "Léa"}],
        # A manager with each cashier: an import must leave one (the tills' Z needs one).
        "staff": [{"login": f"cam-{key}", "name": "Camille", "role": "cashier",
                   "secret": secret},
                  {"login": f"gm-{key}", "name": "Gaëlle", "role": "manager",
                   "secret": secret}],
    }


def newest(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(reference_counter.c.cursor)).scalar_one())


def pull_all(client: httpx.Client, token: dict[str, str], since: int,
             limit: int = 5000) -> list[Any]:
    found = []
    while True:
        answer = client.get("/v1/changes", params={"since": since, "limit": limit},
                            headers=token)
        assert answer.status_code == 200, answer.text
        page = parse_changes(answer.json())
        found += page.changes
        assert page.cursor >= since
        since = page.cursor
        if not page.more:
            return found


@pytest.fixture
def admin(engine: Engine) -> dict[str, str]:
    return {"Authorization": f"Bearer {admins.make_token(engine).token}"}


def test_an_import_by_the_command_line_comes_down_to_a_till_by_pages(
        server: ServerProcess, client: httpx.Client, engine: Engine, database_url: str,
        tmp_path: Path) -> None:
    till = enrol(client, database_url)  # its key comes down too: enrolled first
    key, since = tag(), newest(engine)
    path = tmp_path / "import.json"
    path.write_text(json.dumps(document(key, products=7)), encoding="utf-8")
    done = json.loads(cli("--database-url", database_url, "--json", "import",
                          str(path)).stdout)
    assert done["changed"] == 11 and done["items"]["products"] == 7
    changes = pull_all(client, till.auth, since, limit=3)
    mine = [change for change in changes if key in change.id]
    assert [change.kind for change in mine] == ["category", *["product"] * 7, "customer",
                                                "staff", "staff"]
    cursors = [change.cursor for change in changes]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    product = next(change for change in mine if change.kind == "product")
    assert product.data == {"id": f"p-{key}-0", "name": "Balade 0", "category": f"cat-{key}",
                            "vat_rate": "10", "barcodes": [f"{key}00000"],
                            "prices": [{"id": "Adulte", "label": "Adulte",
                                        "amount": "14.00"}],
                            "published": True, "counter_only": False, "position": 0}
    staff = next(change for change in mine if change.kind == "staff")
    assert staff.data is not None and "secret" not in staff.data
    secret_hash = staff.data["secret_hash"]
    assert secret_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert Argon2Hasher().verify(secret_hash, "4321")  # the till signs the member in
    assert not Argon2Hasher().verify(secret_hash, "1234")
    with engine.connect() as connection:  # no plain secret anywhere
        texts = connection.execute(select(reference_items.c.data)).scalars().all()
    assert not any('"4321"' in (text or "") for text in texts)

    # The same file again: nothing changed, no new cursor.
    again = json.loads(cli("--database-url", database_url, "--json", "import",
                           str(path)).stdout)
    assert again["changed"] == 0 and again["cursor"] == done["cursor"]
    assert [change for change in pull_all(client, till.auth, done["cursor"])
            if key in change.id] == []


def test_the_endpoint_imports_for_an_administrator_only(
        server: ServerProcess, client: httpx.Client, engine: Engine, database_url: str,
        admin: dict[str, str]) -> None:
    till = enrol(client, database_url)  # its key comes down: a change of its own
    key, since = tag(), newest(engine)
    for headers in ({}, till.auth, {"Authorization": "Bearer not-a-token"}):
        refused = client.post("/v1/import", json=document(key), headers=headers)
        assert refused.status_code == 401, refused.text
    assert newest(engine) == since
    answer = client.post("/v1/import", json=document(key), headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["changed"] == 7
    # An administrator's token does not pull: that is a till's.
    assert client.get("/v1/changes", headers=admin).status_code == 401
    assert client.get("/v1/changes", params={"since": "-1"},
                      headers=till.auth).status_code == 400


def test_a_bad_document_is_refused_whole_with_the_field_named(
        server: ServerProcess, client: httpx.Client, engine: Engine, database_url: str,
        admin: dict[str, str], tmp_path: Path) -> None:
    key, since = tag(), newest(engine)
    bad = document(key)
    bad["products"][2]["prices"][0]["amount"] = "abc"
    bad["products"][1]["category"] = "nowhere"
    answer = client.post("/v1/import", json=bad, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"] == [{
        "where": "products[2].prices[0].amount",
        "message": "not an amount in euros: 'abc'"}]
    # What only the stored data tells is refused too, still writing nothing.
    bad["products"][2]["prices"][0]["amount"] = "3"
    answer = client.post("/v1/import", json=bad, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["where"] == "products[1].category"
    assert newest(engine) == since
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"products": [{"id": "x"}] * 150}), encoding="utf-8")
    refused = cli("--database-url", database_url, "--json", "import", str(path), check=False)
    assert refused.returncode == 1
    problems = json.loads(refused.stdout)["problems"]
    assert len(problems) == 101 and problems[-1]["where"] == "(document)"
    assert newest(engine) == since


def test_deletions_come_down_as_tombstones(
        server: ServerProcess, client: httpx.Client, engine: Engine, database_url: str,
        admin: dict[str, str]) -> None:
    key = tag()
    assert client.post("/v1/import", json=document(key), headers=admin).status_code == 200
    since = newest(engine)
    gone = {"delete": {"products": [f"p-{key}-1", f"p-{key}-unknown"],
                       "customers": [f"c-{key}"], "staff": [f"cam-{key}"]}}
    answer = client.post("/v1/import", json=gone, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["deleted"] == 3
    till = enrol(client, database_url)
    changes = pull_all(client, till.auth, since)
    assert {(change.kind, change.id, change.data) for change in changes
            if change.data is None} >= {
        ("product", f"p-{key}-1", None), ("customer", f"c-{key}", None),
        ("staff", f"cam-{key}", None)}
    # Deleted twice is one deletion; its barcode is free for another product.
    assert client.post("/v1/import", json=gone, headers=admin).json()["changed"] == 0
    reused = {"products": [{"id": f"p-{key}-new", "name": "Neuf", "vat_rate": "20",
                            "prices": [{"label": "Prix", "amount": "2"}],
                            "barcodes": [f"{key}00001"]}]}
    assert client.post("/v1/import", json=reused, headers=admin).status_code == 200
    taken = {"products": [{**reused["products"][0], "id": f"p-{key}-other"}]}
    refused = client.post("/v1/import", json=taken, headers=admin)
    assert refused.status_code == 422
    assert "already belongs to" in refused.json()["problems"][0]["message"]
    both = {"products": reused["products"], "delete": {"products": [f"p-{key}-new"]}}
    refused = client.post("/v1/import", json=both, headers=admin)
    assert refused.json()["problems"] == [{"where": "delete.products[0]", "message":
                                           f"'p-{key}-new' is also written at products[0]"}]


def test_an_import_that_leaves_no_active_manager_is_refused_whole(tmp_path: Path) -> None:
    """As on a till: without an active manager or administrator, no till could make its
    Z once the staff came down, nor anyone put it right from one."""
    url = sqlite_url(tmp_path)
    cli("--database-url", url, "init")
    engine = open_engine(url)
    try:
        cashier = {"login": "cam", "name": "Camille", "role": "cashier", "secret": "1234"}
        manager = {"login": "gm", "name": "Gaëlle", "role": "manager", "secret": "4321"}
        with pytest.raises(InvalidImport, match="no active manager"):
            import_document(engine, {"staff": [cashier]})
        assert newest(engine) == 0  # nothing written
        import_document(engine, {"staff": [cashier, manager]})
        held = newest(engine)
        for refused in ({"delete": {"staff": ["gm"]}},
                        {"staff": [{**manager, "active": False}]},
                        {"staff": [{**manager, "role": "cashier"}]}):
            with pytest.raises(InvalidImport, match="no active manager"):
                import_document(engine, refused)
            assert newest(engine) == held
        # Another manager first, then the first one may go.
        import_document(engine, {"staff": [{**manager, "login": "gm2"}],
                                 "delete": {"staff": ["gm"]}})
        assert newest(engine) == held + 2
    finally:
        engine.dispose()


def test_concurrent_imports_never_let_a_pull_skip_a_change(
        database_url: str, server: ServerProcess, client: httpx.Client) -> None:
    """Imports in several threads (each its own connection, as server processes are)
    while a till pulls again and again: every change is seen, once, in order."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one write transaction at a time whatever happens")
    till = enrol(client, database_url)
    engines = [open_engine(database_url) for _ in range(4)]
    since = newest(engines[0])
    keys = [[tag() for _ in range(5)] for _ in engines]
    errors: list[BaseException] = []

    def run(engine: Engine, mine: list[str]) -> None:
        try:
            for key in mine:
                import_document(engine, document(key, products=40))
        except Exception as error:  # noqa: BLE001 -- said by the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(engine, mine))
               for engine, mine in zip(engines, keys, strict=True)]
    for thread in threads:
        thread.start()
    seen: list[Any] = []
    cursor = since
    while any(thread.is_alive() for thread in threads) or cursor < newest(engines[0]):
        page = parse_changes(client.get("/v1/changes", params={"since": cursor, "limit": 7},
                                        headers=till.auth).json())
        seen += page.changes
        cursor = page.cursor
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
    ids = {change.id for change in seen}
    for key in (key for mine in keys for key in mine):
        assert {f"p-{key}-{number}" for number in range(40)} <= ids
        assert {f"cat-{key}", f"c-{key}", f"cam-{key}"} <= ids
    cursors = [change.cursor for change in seen]
    assert cursors == sorted(set(cursors))


def test_a_pull_is_one_range_scan_of_the_cursor_index(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        with engine.connect() as connection:
            plan = connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT cursor, kind, id, data FROM reference_items"
                " WHERE cursor > 5 ORDER BY cursor LIMIT 5001").all()
        assert "ix_reference_items_cursor" in str(plan)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(
            reference_counter)).scalar_one() == 1


def test_init_demo_loads_the_demo_venue(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    loaded = json.loads(cli("--database-url", url, "--json", "init", "--demo").stdout)
    demo = json.loads((Path(__file__).parents[2] / "resources" / "demo" / "venue.json"
                       ).read_text(encoding="utf-8"))
    assert loaded["demo"]["items"]["products"] == len(demo["products"])
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            kinds = {kind: number for kind, number in connection.execute(
                select(reference_items.c.kind, func.count()).group_by(reference_items.c.kind))}
    finally:
        engine.dispose()
    assert kinds["venue"] == 1 and kinds["staff"] == len(demo["staff"])


def test_an_admission_comes_down_as_imported_and_a_bad_one_is_refused(
        server: ServerProcess, client: httpx.Client, engine: Engine, database_url: str,
        admin: dict[str, str]) -> None:
    key, since = tag(), newest(engine)
    rule = {"entries": 2, "before_minutes": 45, "after_minutes": 15, "days": 1}
    bad = document(key, products=2)
    bad["products"][1]["admission"] = {**rule, "days": 0}
    answer = client.post("/v1/import", json=bad, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"] == [{
        "where": "products[1].admission.days",
        "message": "must be a whole number from 1 to 366"}]
    assert newest(engine) == since
    good = document(key, products=2)
    good["products"][1]["admission"] = rule
    assert client.post("/v1/import", json=good, headers=admin).status_code == 200
    till = enrol(client, database_url)
    products = {change.id: change.data for change in pull_all(client, till.auth, since)
                if key in change.id and change.kind == "product"}
    assert products[f"p-{key}-1"] is not None
    assert products[f"p-{key}-1"]["admission"] == rule
    assert products[f"p-{key}-0"] is not None and "admission" not in products[f"p-{key}-0"]


def test_stocks_and_slots_are_checked_against_the_server_and_published(
        server: ServerProcess, client: httpx.Client, engine: Engine, database_url: str,
        admin: dict[str, str]) -> None:
    key, since = tag(), newest(engine)
    dated = document(key, products=1)
    dated["products"][0].update({"stock": f"s-{key}", "dated": True})
    dated["slots"] = [{"id": f"slot-{key}", "product": f"p-{key}-0",
                       "start": "2026-07-20T10:00", "end": "2026-07-20T12:00",
                       "places": 6}]
    answer = client.post("/v1/import", json=dated, headers=admin)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"] == [{"where": "products[0].stock",
                                          "message": f"unknown shared stock 's-{key}'"}]
    dated["shared_stocks"] = [{"id": f"s-{key}", "name": "Bateaux", "quantity": 10}]
    assert client.post("/v1/import", json=dated, headers=admin).status_code == 200
    # Later, a slot of a product the server holds, dated or not.
    later = {"slots": [{"product": f"p-{key}-0", "from": "2026-08-01", "to": "2026-08-08",
                        "weekdays": [6], "hours": ["10:00-11:00"], "places": 2},
                       {"id": f"x-{key}", "product": f"ghost-{key}",
                        "start": "2026-07-20T10:00", "end": "2026-07-20T12:00",
                        "places": 1}]}
    answer = client.post("/v1/import", json=later, headers=admin)
    assert answer.json()["problems"] == [{"where": "slots[1].product",
                                          "message": f"unknown product 'ghost-{key}'"}]
    del later["slots"][1]
    assert client.post("/v1/import", json=later, headers=admin).status_code == 200
    till = enrol(client, database_url)
    pulled = {(change.kind, change.id): change.data
              for change in pull_all(client, till.auth, since)}
    assert pulled[("shared_stock", f"s-{key}")] == {
        "id": f"s-{key}", "name": "Bateaux", "quantity": 10, "planned": True,
        "exceptions": []}
    assert pulled[("slot", f"slot-{key}")] == {
        "id": f"slot-{key}", "product": f"p-{key}-0", "start": "2026-07-20T08:00:00+00:00",
        "end": "2026-07-20T10:00:00+00:00", "places": 6, "daily": False}
    assert {item_id for kind, item_id in pulled if kind == "slot"} == {
        f"slot-{key}", f"p-{key}-0@2026-08-01T10:00", f"p-{key}-0@2026-08-08T10:00"}
